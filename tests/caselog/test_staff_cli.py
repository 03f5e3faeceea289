"""The one staff CLI (`caselog staff add|passwd|disable|enable|set|list`), `caselog audit`, `caselog assign`,
and what the CLI leaves in the audit trail (exports, purges, staff changes). Run as subprocesses."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from sqlalchemy.orm import Session

from caselog import staff
from caselog.db import make_engine
from tests.caselog import test_cli
from tests.caselog.test_cli import Cli, one_line_error

cli, filled = test_cli.cli, test_cli.filled  # the same fixtures as the other CLI tests

PASSWORD = {"CASELOG_STAFF_PASSWORD": "correct horse"}


def _audit(c: Cli) -> list[dict]:
    proc = c("audit", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_staff_commands_manage_accounts_and_are_audited(filled: Cli) -> None:
    assert filled("staff", "add", "anna", "--admin", env=PASSWORD).returncode == 0
    assert filled("staff", "add", "bob", "--station", "潍坊新村街道", env=PASSWORD).returncode == 0
    one_line_error(filled("staff", "add", "carl", env=PASSWORD), 2, "--station", "--admin")
    listed = json.loads(filled("staff", "list", "--format", "json").stdout)
    assert [(a["username"], a["role"], a["station"], a["active"]) for a in listed] == [
        ("anna", "admin", None, True),
        ("bob", "staff", "潍坊新村街道", True),
    ]
    assert filled("staff", "disable", "bob").returncode == 0
    assert "disabled" in filled("staff", "list").stdout.splitlines()[1]
    engine = make_engine(filled.env["DATABASE_URL"])
    with Session(engine) as s:
        assert staff.verify_staff_password(s, "bob", "correct horse") is None
    assert filled("staff", "enable", "bob").returncode == 0
    assert filled("staff", "passwd", "bob", stdin="battery staple\n").returncode == 0
    assert filled("staff", "set", "bob", "--admin").returncode == 0
    with Session(engine) as s:
        bob = staff.verify_staff_password(s, "bob", "battery staple")
        assert bob is not None and bob.role == "admin"
    engine.dispose()
    one_line_error(filled("staff", "disable", "nobody"), 2, "nobody")
    trail = _audit(filled)
    assert [e["action"] for e in trail] == ["staff"] * 6
    assert {e["target"] for e in trail} == {"anna", "bob"}
    assert all(e["actor"].startswith("cli") for e in trail)
    assert "correct horse" not in json.dumps(trail) and "battery staple" not in json.dumps(trail)


def test_exports_are_private_files_and_exports_and_purges_are_audited(filled: Cli, tmp_path: Path) -> None:
    out = tmp_path / "cases.jsonl"
    assert filled("export", "--format", "jsonl", "-o", str(out)).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert filled("purge", "--older-than", "0", "--dry-run").returncode == 0  # a dry run changes nothing
    assert filled("purge", "--older-than", "0").returncode == 0
    trail = _audit(filled)
    assert [e["action"] for e in trail] == ["purge", "export"]
    assert "2 case(s)" in trail[0]["detail"] and "2 case(s)" in trail[1]["detail"]


def test_a_case_is_assigned_to_a_station_and_back(filled: Cli) -> None:
    cases = json.loads(filled("list", "--format", "json").stdout)
    case_id = cases[0]["id"]
    assert cases[0]["station"] is None
    proc = filled("assign", str(case_id), "潍坊新村街道")
    assert proc.returncode == 0 and "潍坊新村街道" in proc.stdout
    assert json.loads(filled("show", str(case_id), "--format", "json").stdout)["station"] == "潍坊新村街道"
    assert filled("assign", str(case_id), "--none").returncode == 0
    one_line_error(filled("assign", "999999999999", "一站"), 4, "999999999999")
    assert [e["action"] for e in _audit(filled)] == ["case_assign", "case_assign"]


def test_oversized_case_ids_are_not_found_not_a_crash(filled: Cli) -> None:
    one_line_error(filled("show", "99999999999999999999999"), 4)
