"""Rasa 3.6's Redis lock store lets two servers into one conversation at once; rasa_ext's does not.

Runs tests/scale/lock_check.py in the Rasa venv against the shared Redis (own key prefix, cleaned up).
"""

from __future__ import annotations

import json
import subprocess
import uuid

import pytest

from tests.scale.conftest import RASA_PYTHON, REPO, require_redis

pytestmark = pytest.mark.rasa


@pytest.fixture(scope="module")
def lock_check() -> dict:
    host, port = require_redis()
    prefix = f"scalelock{uuid.uuid4().hex[:10]}"
    proc = subprocess.run(
        [str(RASA_PYTHON), "tests/scale/lock_check.py", host, str(port), "0", prefix],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"\nlock store check: {json.dumps(result, ensure_ascii=False)}")
    return result


def test_rasas_lock_store_issues_one_ticket_twice_when_two_servers_take_it_at_once(lock_check: dict) -> None:
    stock = lock_check["stock_same_moment"]
    assert stock["tickets"] == [0, 0] and stock["holders"] == [0, 1], stock  # the race, shown
    assert stock["tickets_in_lock"] == 1  # one server's ticket was overwritten by the other's


def test_ours_issues_distinct_tickets_and_lets_one_server_in(lock_check: dict) -> None:
    ours = lock_check["atomic_same_moment"]
    assert sorted(ours["tickets"]) == [0, 1] and len(ours["holders"]) == 1, ours
    assert ours["tickets_in_lock"] == 2


def test_ours_never_lets_two_turns_of_one_conversation_overlap(lock_check: dict) -> None:
    ours = lock_check["atomic_hammer"]
    assert ours["errors"] == [], ours
    assert ours["overlaps"] == 0 and ours["counted"] == ours["turns"], ours  # no lost update, no overlap
    assert lock_check["atomic_keys_left"] == 0  # every lock went with its last ticket


def test_a_dead_holder_costs_one_lease_and_a_slow_live_turn_keeps_the_lock(lock_check: dict) -> None:
    assert 0.9 <= lock_check["dead_holder"]["waited"] < 3, lock_check["dead_holder"]  # not Rasa's 60 s
    events = dict(lock_check["slow_turn"]["events"])
    assert events["other in"] >= events["holder out"], events  # renewed past three leases
