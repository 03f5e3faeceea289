"""Replay: re-assess logged facts under current (or changed) rules and report changed outcomes."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

import rules
from caselog.drain import drain_once
from caselog.models import AssessmentResult
from caselog.replay import replay
from caselog.spool import Spool
from rules.policy import PACKAGE_DIR
from tests.caselog.events import Conversation
from tests.caselog.test_store import JULY_1

FACTS = {"age": 40, "employment_status": "unemployed", "unemployed_months": 6}


def _logged(spool: Spool, engine: sa.Engine) -> None:
    Conversation(spool, "p", channel="web", clock=JULY_1).start().assess(FACTS)
    drain_once(spool, engine)


def _stricter_rules(tmp_path: Path) -> Path:
    """A policy folder where the hiring subsidy needs 12 months of unemployment instead of 3."""
    target = tmp_path / "policies"
    shutil.copytree(PACKAGE_DIR / "policies", target)
    f = target / "unemployed_hiring_subsidy.yaml"
    text = f.read_text(encoding="utf-8")
    assert "        value: 3\n" in text
    f.write_text(text.replace("        value: 3\n", "        value: 12\n"), encoding="utf-8")
    return target


def test_unchanged_rules_report_no_change(sqlite_engine: sa.Engine, spool: Spool) -> None:
    _logged(spool, sqlite_engine)
    with Session(sqlite_engine) as s:
        report = replay(s)
    assert report.assessments == 1
    assert report.changes == [] and report.changed_assessments == 0


def test_a_changed_rule_is_reported_per_measure(sqlite_engine: sa.Engine, spool: Spool, tmp_path: Path) -> None:
    _logged(spool, sqlite_engine)
    stricter = rules.load_policies(_stricter_rules(tmp_path))
    with Session(sqlite_engine) as s:
        report = replay(s, policies=stricter)
    assert [(c.policy_id, c.before, c.after) for c in report.changes] == [
        ("unemployed_hiring_subsidy", "eligible", "needs_confirmation")
    ]
    assert report.rules_version == stricter.version != rules.default_policies().version


def test_a_faked_logged_status_and_the_as_of_option(sqlite_engine: sa.Engine, spool: Spool) -> None:
    _logged(spool, sqlite_engine)
    with Session(sqlite_engine) as s, s.begin():
        s.execute(
            sa.update(AssessmentResult)
            .where(AssessmentResult.policy_id == "internship_program")
            .values(status="eligible")
        )
    with Session(sqlite_engine) as s:
        report = replay(s)
        assert [(c.policy_id, c.before) for c in report.changes] == [("internship_program", "eligible")]
        assert report.changes[0].after == rules.assess(FACTS, dt.date(2022, 7, 1)).by_id()["internship_program"].status
        only = replay(s, policy_id="unemployed_hiring_subsidy")
        assert only.changes == []
        late = replay(s, as_of=dt.date(2030, 1, 1))
        assert all(c.as_of == dt.date(2030, 1, 1) for c in late.changes)
        assert any(c.after == "expired" for c in late.changes)  # temporary measures have run out by 2030


def test_replay_cli_reports_and_can_fail_on_change(sqlite_engine: sa.Engine, spool: Spool, tmp_path: Path) -> None:
    _logged(spool, sqlite_engine)
    env = {"DATABASE_URL": str(sqlite_engine.url), "PATH": "/usr/bin:/bin"}
    base = [sys.executable, "-m", "caselog", "replay"]
    same = subprocess.run(base, env=env, capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert same.returncode == 0, same.stderr
    assert same.stdout.strip().endswith("1 assessment(s) replayed under " + rules.default_policies().version
                                        + ": 0 with changed outcomes, 0 measure outcome(s) changed")  # fmt: skip
    policies = _stricter_rules(tmp_path)
    changed = subprocess.run(
        [*base, "--policies", str(policies), "--fail-on-change"], env=env, capture_output=True, text=True, timeout=120
    )
    assert changed.returncode == 1, changed.stderr
    assert "unemployed_hiring_subsidy eligible -> needs_confirmation" in changed.stdout
    assert "measure unemployed_hiring_subsidy: 1 changed" in changed.stdout
    as_json = subprocess.run(
        [*base, "--policies", str(policies), "--format", "json"], env=env, capture_output=True, text=True, timeout=120
    )
    data = json.loads(as_json.stdout)
    assert data["changed_assessments"] == 1
    assert data["changes"][0]["before"] == "eligible"
