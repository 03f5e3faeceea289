"""`python -m rules` as docs/interfaces.md sections 2 and 3 describe it, driven as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.rules.conftest import catalogue_ids

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rules", *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60
    )


def test_assess_prints_the_contract_json_for_all_38_ids(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"employment_status": "unemployed", "unemployed_months": 3}), encoding="utf-8")
    proc = run("assess", "--facts", str(facts), "--as-of", "2022-07-01", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["as_of"] == "2022-07-01"
    assert data["rules_version"]
    assert [r["policy_id"] for r in data["results"]] == catalogue_ids()
    by_id = {r["policy_id"]: r for r in data["results"]}
    assert by_id["unemployed_hiring_subsidy"]["status"] == "eligible"
    assert by_id["unemployed_hiring_subsidy"]["article"] == "四(二)"


def test_assess_reads_stdin_and_renders_text() -> None:
    facts = '{"employment_status": "unemployed"}'
    proc = run("assess", "--facts", "-", "--as-of", "2023-01-01", "--format", "text", stdin=facts)
    assert proc.returncode == 0, proc.stderr
    assert "【已到期】" in proc.stdout
    assert "临时性公益性岗位" in proc.stdout


@pytest.mark.parametrize(
    ("stdin", "args", "needle"),
    [
        ("not json", (), "not valid JSON"),
        ('{"age": 15}', (), "age"),
        ('{"salary": 1}', (), "salary"),
        ('{"shanghai_hukou": "yes"}', (), "shanghai_hukou"),
        ("[1, 2]", (), "JSON object"),
        ("{}", ("--as-of", "2022-13-01"), "bad date"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(stdin: str, args: tuple[str, ...], needle: str) -> None:
    proc = run("assess", "--facts", "-", *args, stdin=stdin)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert needle in lines[0]
    assert "Traceback" not in proc.stderr


def test_missing_facts_file_is_a_clear_error() -> None:
    proc = run("assess", "--facts", "/nonexistent/facts.json")
    assert proc.returncode == 2
    assert "cannot read" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_unknown_command_is_one_line() -> None:
    proc = run("frobnicate")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1


def test_test_command_passes_the_shipped_suite() -> None:
    proc = run("test")
    assert proc.returncode == 0, proc.stdout[-3000:]
    last = proc.stdout.strip().splitlines()[-1]
    passed, failed = (int(part.split()[0]) for part in last.split(", "))
    assert failed == 0 and passed >= 150


def test_test_command_reports_each_failure_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "wrong.yaml"
    bad.write_text(
        """
- name: 失业两个月却期待可以申请
  as_of: 2022-07-01
  facts: {employment_status: unemployed, unemployed_months: 2}
  expect: {unemployed_hiring_subsidy: eligible}
- name: 正确的一条
  as_of: 2022-07-01
  facts: {employment_status: unemployed, unemployed_months: 3}
  expect: {unemployed_hiring_subsidy: eligible}
""",
        encoding="utf-8",
    )
    proc = run("test", str(bad))
    assert proc.returncode == 1
    lines = proc.stdout.strip().splitlines()
    assert lines[-1] == "1 passed, 1 failed"
    fail = lines[0]
    expected = ("wrong.yaml", "失业两个月却期待可以申请", "unemployed_hiring_subsidy", "eligible", "needs_confirmation")
    for part in expected:
        assert part in fail


def test_test_command_rejects_a_broken_scenario_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("- name: x\n  facts: {}\n  expect: {no_such_measure: eligible}\n", encoding="utf-8")
    proc = run("test", str(bad))
    assert proc.returncode == 2
    assert "broken.yaml" in proc.stderr and "no_such_measure" in proc.stderr


def test_show_and_list() -> None:
    proc = run("show", "unemployed_hiring_subsidy")
    assert proc.returncode == 0
    for part in ("四(二)", "免申即享", "失业3个月及以上", "适用条件", "rules/policies/unemployed_hiring_subsidy.yaml"):
        assert part in proc.stdout
    assert run("show", "nope").returncode == 2
    listing = run("list")
    assert listing.returncode == 0
    assert len([line for line in listing.stdout.splitlines() if not line.startswith("#")]) == 38


def test_show_prints_each_dated_value_with_its_reference_and_the_corrected_wording() -> None:
    proc = run("show", "unemployed_hiring_subsidy", "--as-of", "2022-07-01")
    assert proc.returncode == 0, proc.stderr
    assert (
        "自2022-06-27起 3（评估日期适用），依据《意见》四(二)“重点鼓励用人单位吸纳失业3个月及以上人员”" in proc.stdout
    )
    shown = run("show", "entrepreneurship_support")
    assert "并落实创业扶持政策和资金支持。" in shown.stdout
    assert " and " not in shown.stdout
