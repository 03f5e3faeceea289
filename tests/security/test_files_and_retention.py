"""Item 6: private files, retention that runs by itself, no fixed public salt."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.file_modes import tighten, use_private_umask
from bot.retention import (
    RetentionConfigError,
    RetentionJob,
    purge_tracker_store,
    retention_days,
    rotate_logs,
    run_retention,
    tracker_store_url,
)
from caselog import audit
from caselog.db import make_engine
from caselog.migrate import upgrade
from caselog.models import Case, utcnow
from caselog.salt import SaltMissing, sender_salt

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_private_umask_makes_new_files_0600_and_tighten_fixes_old_ones(tmp_path: Path) -> None:
    old = tmp_path / "var"
    (old / "logs").mkdir(parents=True)
    loose = old / "caselog.db"
    loose.write_text("x")
    loose.chmod(0o644)
    (old / "logs").chmod(0o755)
    assert tighten(old) >= 2
    assert _mode(loose) == 0o600 and _mode(old / "logs") == 0o700
    previous = use_private_umask()
    try:
        fresh = tmp_path / "fresh.log"
        with open(fresh, "w") as fh:
            fh.write("x")
        assert _mode(fresh) == 0o600
    finally:
        os.umask(previous)


def test_retention_days_come_from_the_environment() -> None:
    assert retention_days({}) == 180
    assert retention_days({"CASELOG_RETENTION_DAYS": "30"}) == 30
    assert retention_days({"CASELOG_RETENTION_DAYS": "off"}) is None
    for bad in ("0", "-3", "soon"):
        with pytest.raises(RetentionConfigError, match="CASELOG_RETENTION_DAYS"):
            retention_days({"CASELOG_RETENTION_DAYS": bad})
    assert tracker_store_url({"RASA_TRACKER_DB": "/x/tracker.db"}) == "sqlite:////x/tracker.db"
    pg = {"TRACKER_DB_HOST": "db", "TRACKER_DB_PORT": "5432", "TRACKER_DB_NAME": "rasa", "TRACKER_DB_USER": "u",
          "TRACKER_DB_PASSWORD": "p@ss"}  # fmt: skip
    assert tracker_store_url(pg) == "postgresql+psycopg://u:p%40ss@db:5432/rasa"


def _tracker_db(path: Path, conversations: dict[str, float]) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) "
            "NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
        )
        for sender, last in conversations.items():
            for offset in (3600.0, 0.0):
                conn.execute(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, '{}')",
                    (sender, last - offset),
                )


def test_the_tracker_store_loses_whole_conversations_past_retention(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    old, recent = (NOW - dt.timedelta(days=40)).timestamp(), (NOW - dt.timedelta(days=2)).timestamp()
    _tracker_db(db, {"te-old": old, "te-recent": recent, "we-straddling": recent})
    with sqlite3.connect(db) as conn:  # an old conversation that is still going on is kept whole
        conn.execute("INSERT INTO events (sender_id, type_name, timestamp) VALUES ('we-straddling', 'user', ?)", (old,))
    assert purge_tracker_store(f"sqlite:///{db}", 30, NOW) == 1
    with sqlite3.connect(db) as conn:
        left = conn.execute("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id ORDER BY 1").fetchall()
    assert left == [("te-recent", 2), ("we-straddling", 3)]
    assert purge_tracker_store(f"sqlite:///{tmp_path / 'none.db'}", 30, NOW) == 0


def test_logs_are_rotated_daily_and_old_ones_deleted(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    current = logs / "rasa.log"
    current.write_text("today's lines\n")
    ancient = logs / "rasa.log.2026-10-01"
    ancient.write_text("old lines\n")
    long_ago = (NOW - dt.timedelta(days=61)).timestamp()
    os.utime(ancient, (long_ago, long_ago))
    with open(current, "ab") as still_open:  # the running component keeps its file open
        assert rotate_logs(logs, 30, NOW) == 1
        still_open.write(b"after rotation\n")
    assert not ancient.exists()
    assert (logs / "rasa.log.2026-12-01").read_text() == "today's lines\n"
    assert current.read_text() == "after rotation\n"


def test_one_retention_run_covers_case_log_tracker_store_and_logs_and_is_audited(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'caselog.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        for days in (400, 5):
            start = NOW - dt.timedelta(days=days)
            s.add(Case(channel="web", user_hash="h" * 64, started_at=start, ended_at=start, facts={}))
    tracker = tmp_path / "tracker.db"
    _tracker_db(tracker, {"te-old": (NOW - dt.timedelta(days=400)).timestamp()})
    report = run_retention(
        180, database_url=url, tracker_url=f"sqlite:///{tracker}", log_dir=tmp_path / "logs", now=NOW
    )
    assert (report.cases, report.conversations) == (1, 1)
    with Session(engine) as s:
        assert s.scalar(sa.select(sa.func.count(Case.id))) == 1
        (event,) = audit.events(s, action="purge")
        assert event.actor == "retention" and "1 case(s)" in event.detail
    engine.dispose()


def test_the_job_runs_again_every_interval_until_stopped() -> None:
    runs: list[float] = []
    job = RetentionJob(lambda: runs.append(time.monotonic()) or "done", interval=0.2, say=lambda _: None)
    job.run_once()
    job.start()
    time.sleep(0.9)
    job.stop()
    assert 4 <= len(runs) <= 7 and not job.is_alive()
    time.sleep(0.3)
    assert len(runs) == job.runs


def test_a_failing_run_does_not_stop_the_job() -> None:
    said: list[str] = []

    def boom() -> str:
        raise OSError("disk full")

    job = RetentionJob(boom, interval=0.1, say=said.append)
    job.run_once()
    job.start()
    time.sleep(0.35)
    job.stop()
    assert job.runs >= 3 and said and all("失败" in line for line in said)


def test_no_salt_outside_the_launcher_is_an_error_that_says_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(SaltMissing, match=r"CASELOG_SALT.*scripts/run"):
        sender_salt({"CASELOG_SALT_FILE": str(tmp_path / "none")})
    (tmp_path / "salt").write_text("kept-by-the-launcher\n")
    assert sender_salt({"CASELOG_SALT_FILE": str(tmp_path / "salt")}) == b"kept-by-the-launcher"
    assert sender_salt({"CASELOG_SALT": "from-env"}) == b"from-env"
    env = {k: v for k, v in os.environ.items() if k not in ("CASELOG_SALT", "CASELOG_SALT_FILE")}
    for module in ("bot.terminal", "bot.web"):
        proc = subprocess.run(
            [sys.executable, "-m", module], cwd=tmp_path, env={**env, "PYTHONPATH": str(REPO)},
            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert proc.returncode != 0 and "CASELOG_SALT" in proc.stderr, (module, proc.stderr[-500:])
        assert "Traceback" not in proc.stderr, proc.stderr[-800:]
    assert not (tmp_path / "var" / "sender-salt").exists()  # and no salt was made up on the way


def test_the_launcher_runs_retention_by_itself_and_keeps_its_files_private(tmp_path: Path) -> None:
    from bot.stack import Ports, Stack
    from tests.bot.standins import FakeRasa

    workdir = tmp_path / "var"
    url = f"sqlite:///{workdir / 'caselog.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s, s.begin():
        long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
        s.add(Case(channel="web", user_hash="h" * 64, started_at=long_ago, ended_at=long_ago, facts={}))
    (workdir / "caselog.db").chmod(0o644)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "CASELOG_SALT")}
    env["CASELOG_RETENTION_DAYS"] = "180"
    with FakeRasa() as rasa, Stack(ports=Ports.free(), workdir=workdir, env=env, rasa_url=rasa.url, out=sys.stderr):
        with Session(engine) as s:  # the first run is over when the launcher is up
            assert s.scalar(sa.select(sa.func.count(Case.id))) == 0
        for name in ("caselog.db", "sender-salt", "rasa-api-token", "logs/web.log", "logs/drain.log"):
            assert _mode(workdir / name) == 0o600, name
        assert _mode(workdir / "spool") == 0o700 and _mode(workdir / "logs") == 0o700
    engine.dispose()


def test_one_run_from_the_command_line_where_no_launcher_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.retention import main

    url = f"sqlite:///{tmp_path / 'caselog.db'}"
    engine = make_engine(url)
    upgrade(engine)
    old = utcnow() - dt.timedelta(days=40)
    with Session(engine) as s, s.begin():
        s.add(Case(channel="web", user_hash="h" * 64, started_at=old, ended_at=old, facts={}))
    tracker = tmp_path / "tracker.db"
    _tracker_db(tracker, {"te-old": old.timestamp(), "te-new": utcnow().timestamp()})
    env = {"DATABASE_URL": url, "RASA_TRACKER_DB": str(tracker), "CASELOG_RETENTION_DAYS": "30"}
    assert main([], env) == 0
    assert "1 case(s), 1 tracker conversation(s)" in capsys.readouterr().out
    with Session(engine) as s:
        assert s.scalar(sa.select(sa.func.count(Case.id))) == 0
    engine.dispose()
    assert main([], {**env, "CASELOG_RETENTION_DAYS": "off"}) == 0
    assert main([], {**env, "CASELOG_RETENTION_DAYS": "soon"}) == 2
