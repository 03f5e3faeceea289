"""StrictSQLTrackerStore hands a turn's events to the case log only once they are committed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.scale.conftest import RASA_PYTHON, REPO, skip_or_fail

pytestmark = pytest.mark.rasa


@pytest.fixture(scope="module")
def check(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not RASA_PYTHON.exists():
        skip_or_fail(f"no Rasa environment at {RASA_PYTHON}")
    db: Path = tmp_path_factory.mktemp("store") / "tracker.db"
    proc = subprocess.run(
        [str(RASA_PYTHON), "tests/scale/store_check.py", str(db)],
        cwd=REPO,
        env={"SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_each_turn_is_stored_and_published_once_in_one_batch(check: dict) -> None:
    two = check["after_two_turns"]
    assert two["stored"][-4:] == ["一", "re 一", "二", "re 二"]
    assert [e for batch in two["published"] for e in batch] == two["stored"]  # each once, in order
    assert two["published"][-1] == ["二", "re 二"]  # a save publishes what it stored, together


def test_a_turn_whose_commit_failed_reaches_neither_store_nor_case_log(check: dict) -> None:
    assert check["failed_save_raised"] == "StoreUnavailable"  # the person is asked to try again
    failed = check["after_failed_commit"]
    assert failed["stored"] == check["after_two_turns"]["stored"]
    assert failed["published"] == []  # Rasa's own save would have published 三 before the failed write


def test_the_turn_sent_again_is_stored_and_logged_once(check: dict) -> None:
    again = check["after_retry"]
    assert again["stored"][-2:] == ["三", "re 三"] and again["stored"].count("三") == 1
    assert again["published"] == [["三", "re 三"]]
