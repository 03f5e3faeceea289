"""The `caselog` command, run as a subprocess: exit codes, one-line errors, outputs."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog import queries
from caselog.db import make_engine
from caselog.models import Turn
from caselog.spool import Spool
from tests.caselog.events import Conversation
from tests.caselog.test_store import JULY_1

RAW_ID = "310101197001011234"
RAW_PHONE = "13812345678"


class Cli:
    def __init__(self, cwd: Path, database_url: str) -> None:
        self.cwd = cwd
        self.env = {**os.environ, "DATABASE_URL": database_url, "CASELOG_SALT": "cli-salt"}
        self.env.pop("CASELOG_STAFF_PASSWORD", None)

    def __call__(self, *args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "caselog", *args],
            cwd=self.cwd,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            input=stdin,
            timeout=120,
        )


def one_line_error(proc: subprocess.CompletedProcess, code: int, *words: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("caselog: error:")
    assert "Traceback" not in proc.stderr
    for word in words:
        assert word in lines[0]


@pytest.fixture()
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path, f"sqlite:///{tmp_path / 'cli.db'}")


@pytest.fixture()
def filled(cli: Cli, tmp_path: Path) -> Cli:
    assert cli("migrate").returncode == 0
    spool = Spool(tmp_path / "spool")
    c = Conversation(spool, "tg-42", channel="telegram", clock=JULY_1).start()
    c.user(f"身份证{RAW_ID}，手机{RAW_PHONE}", intent="check_my_eligibility")
    c.assess({"age": 52, "employment_status": "unemployed", "unemployed_months": 6})
    w = Conversation(spool, "web-1", channel="web", clock=JULY_1 + 3600).start()
    w.user("你好", intent="greet")
    proc = cli("drain", "--spool-dir", str(spool.dir))
    assert proc.returncode == 0, proc.stderr
    assert f"drained {spool.last_seq()} record(s)" in proc.stdout
    return cli


def test_commands_need_the_schema_first(cli: Cli) -> None:
    one_line_error(cli("list"), 3, "caselog migrate")
    from alembic.script import ScriptDirectory

    from caselog.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    proc = cli("migrate")
    assert proc.returncode == 0 and f"revision {head}" in proc.stdout
    assert cli("migrate").returncode == 0  # idempotent
    assert cli("list").stdout.strip() == "0 case(s)"


def test_list_and_show(filled: Cli) -> None:
    proc = filled("list")
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[-1] == "2 case(s)"
    rows = json.loads(filled("list", "--format", "json", "--channel", "telegram").stdout)
    assert [r["channel"] for r in rows] == ["telegram"]
    assert rows[0]["latest_statuses"]["unemployed_hiring_subsidy"] == "eligible"
    assert json.loads(filled("list", "--format", "json", "--measure", "unemployed_hiring_subsidy",
                             "--status", "eligible").stdout)[0]["id"] == rows[0]["id"]  # fmt: skip
    assert json.loads(filled("list", "--format", "json", "--since", "2022-07-02").stdout) == []
    shown = filled("show", str(rows[0]["id"]))
    assert shown.returncode == 0
    assert "身份证〔身份证号〕，手机〔手机号〕" in shown.stdout
    assert "unemployed_hiring_subsidy: eligible" in shown.stdout
    one_line_error(filled("show", "999"), 4, "999")


def test_export_jsonl_and_csv_hold_only_masked_text(filled: Cli, tmp_path: Path) -> None:
    proc = filled("export", "--format", "jsonl")
    assert proc.returncode == 0
    assert RAW_ID not in proc.stdout and RAW_PHONE not in proc.stdout
    cases = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [c["channel"] for c in cases] == ["telegram", "web"]
    assert cases[0]["turns"][0]["text"] == "身份证〔身份证号〕，手机〔手机号〕"
    assert cases[0]["assessments"][0]["facts"]["unemployed_months"] == 6
    out = tmp_path / "turns.csv"
    proc = filled("export", "--format", "csv", "--channel", "web", "--output", str(out))
    assert proc.returncode == 0 and "exported 1 case(s)" in proc.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["channel"], r["speaker"], r["text"], r["intent"]) for r in rows] == [("web", "user", "你好", "greet")]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["list", "--since", "2022-02-30"], ["2022-02-30"]),
        (["list", "--until", "yesterday"], ["yesterday"]),
        (["list", "--since", "2022-07-05", "--until", "2022-07-01"], ["--since"]),
        (["list", "--measure", "free_money"], ["free_money"]),
        (["list", "--status", "approved"], ["approved"]),
        (["export", "--format", "xml"], ["xml"]),
        (["purge", "--older-than", "-3"], ["-3"]),
        (["replay", "--measure", "free_money"], ["free_money"]),
        (["replay", "--as-of", "July"], ["July"]),
        (["nonsense"], ["nonsense"]),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(cli: Cli, args: list[str], words: list[str]) -> None:
    one_line_error(cli(*args), 2, *words)  # checked before the database is even opened


def test_unreachable_database_is_one_line(cli: Cli) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://postgres:sekrit@127.0.0.1:{port}/nowhere"
    for args in (["list"], ["migrate"], ["export", "--format", "jsonl"], ["replay"]):
        proc = cli(*args, env={"DATABASE_URL": url})
        one_line_error(proc, 3, "cannot reach the database", str(port))
        assert "sekrit" not in proc.stderr


def test_purge_dry_run_then_for_real(filled: Cli) -> None:
    proc = filled("purge", "--older-than", "36500")
    assert proc.returncode == 0 and "deleted 0 case(s)" in proc.stdout
    proc = filled("purge", "--older-than", "0", "--dry-run")
    assert "would delete 2 case(s)" in proc.stdout
    assert filled("list").stdout.splitlines()[-1] == "2 case(s)"
    assert "deleted 2 case(s)" in filled("purge", "--older-than", "0").stdout
    assert filled("list").stdout.strip() == "0 case(s)"


def test_staff_add_takes_the_password_from_env_or_stdin_never_argv(filled: Cli) -> None:
    proc = filled("staff", "add", "anna", "--admin", env={"CASELOG_STAFF_PASSWORD": "correct horse"})
    assert proc.returncode == 0, proc.stderr
    proc = filled("staff", "add", "bob", "--station", "一站", stdin="battery staple\n")
    assert proc.returncode == 0, proc.stderr
    taken = filled("staff", "add", "anna", "--admin", env={"CASELOG_STAFF_PASSWORD": "whatever1"})
    one_line_error(taken, 2, "anna")
    one_line_error(filled("staff", "add", "carl", "--admin", env={"CASELOG_STAFF_PASSWORD": "short"}), 2, "at least")
    engine = make_engine(filled.env["DATABASE_URL"])
    with Session(engine) as s:
        assert queries.verify_staff_password(s, "anna", "correct horse") is not None
        assert queries.verify_staff_password(s, "bob", "battery staple") is not None
        assert queries.verify_staff_password(s, "bob", "correct horse") is None
    engine.dispose()


def test_drain_with_a_missing_spool_folder(filled: Cli, tmp_path: Path) -> None:
    one_line_error(filled("drain", "--spool-dir", str(tmp_path / "nope")), 2, "nope")


def test_counts(filled: Cli) -> None:
    rows = json.loads(filled("counts", "--format", "json", "--bucket", "month").stdout)
    assert {r["bucket"] for r in rows} == {"2022-07-01"}
    assert {"policy_id": "unemployed_hiring_subsidy", "status": "eligible", "count": 1, "bucket": "2022-07-01"} in rows


def test_drain_follow_stops_on_sigterm(filled: Cli, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    proc = subprocess.Popen(
        [sys.executable, "-m", "caselog", "drain", "--follow", "--spool-dir", str(spool.dir), "--poll-interval=0.05"],
        cwd=filled.cwd,
        env=filled.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        Conversation(spool, "late", channel="web").start().user("后来的一句")
        engine = make_engine(filled.env["DATABASE_URL"])
        for _ in range(200):
            with Session(engine) as s:
                if "后来的一句" in s.scalars(sa.select(Turn.text)).all():
                    break
            time.sleep(0.05)
        else:
            pytest.fail("drain --follow did not pick up the new record")
        engine.dispose()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
