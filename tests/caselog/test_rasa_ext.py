"""MaskedRestInput and SpoolEventBroker inside the Rasa venv (they import Rasa), via a subprocess."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog.drain import drain_once
from caselog.models import Assessment, Case, Turn
from caselog.spool import Spool
from tests.caselog.conftest import REPO

RASA_PYTHON = REPO / ".venv-rasa" / "bin" / "python"

pytestmark = [
    pytest.mark.rasa,
    pytest.mark.skipif(not RASA_PYTHON.exists(), reason="the Rasa venv (.venv-rasa) is not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def rasa_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    spool_dir = tmp_path_factory.mktemp("rasa") / "spool"
    env = {
        **os.environ,
        "CASELOG_SPOOL_DIR": str(spool_dir),
        "CASELOG_SALT": "rasa-test-salt",
        "RASA_TRACKER_DB": str(spool_dir.parent / "tracker.db"),
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:1/webhook",
        "ACTION_SERVER_TOKEN": "rasa-test-action-secret",
    }
    proc = subprocess.run(
        [str(RASA_PYTHON), str(Path(__file__).with_name("rasa_check.py")), str(_free_port())],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    last = proc.stdout.strip().splitlines()[-1]
    return json.loads(last), spool_dir


def test_rest_channel_keeps_its_url_and_masks_before_rasa_sees_the_text(rasa_run: tuple[dict, Path]) -> None:
    result, _ = rasa_run
    assert result["name"] == "rest"
    assert result["status"] == 200
    first, second = result["seen"]
    assert first["text"] == "我的身份证是〔身份证号〕，电话〔手机号〕，2022年失业3个月"
    assert first["metadata"] == {"channel": "telegram", "note": "卡号〔银行卡号〕"}
    assert first["input_channel"] == "rest"
    assert second == {"text": "你好", "metadata": None, "input_channel": "rest"}
    assert "31010119900101123X" not in json.dumps(result, ensure_ascii=False)


def test_broker_from_endpoints_yml_spools_masked_events_that_drain_into_a_case(
    rasa_run: tuple[dict, Path], sqlite_engine: sa.Engine
) -> None:
    result, spool_dir = rasa_run
    assert result["broker_class"] == "SpoolEventBroker" and result["broker_ready"]
    raw = "".join(p.read_text(encoding="utf-8") for p in sorted(spool_dir.glob("spool-*.jsonl")))
    assert "310101199001011234" not in raw and "13912345678" not in raw and "13812345678" not in raw
    spool = Spool(spool_dir)
    assert drain_once(spool, sqlite_engine) == spool.last_seq() > 0
    with Session(sqlite_engine) as s:
        (case,) = s.scalars(sa.select(Case)).all()
        assert case.channel == "telegram"
        assert s.scalars(sa.select(Turn.text).order_by(Turn.seq)).all() == [
            "身份证〔身份证号〕 手机〔手机号〕",
            "评估结果",
        ]
        (assessment,) = s.scalars(sa.select(Assessment)).all()
        assert assessment.facts == {"age": 52}
        assert [(r.policy_id, r.status) for r in assessment.results] == [("internship_program", "eligible")]
