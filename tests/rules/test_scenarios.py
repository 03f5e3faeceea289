"""Every maintainer scenario under rules/scenarios/ runs under pytest too."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from rules.errors import ScenarioFileError
from rules.policy import default_policies
from rules.scenarios import SCENARIO_DIR, check, collect, load_scenarios
from tests.rules.conftest import catalogue_ids

SCENARIOS = collect([SCENARIO_DIR], default_policies(), dt.date(2026, 1, 1))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: f"{s.file.split('/')[-1]}::{s.name}")
def test_scenario(scenario) -> None:  # type: ignore[no-untyped-def]
    failures = check(scenario)
    assert not failures, "\n".join(f.line() for f in failures)


def test_suite_size_and_coverage() -> None:
    assert len(SCENARIOS) >= 150
    files = {p.stem for p in SCENARIO_DIR.glob("*.yaml")}
    assert files == set(catalogue_ids()), "one scenario file per measure"
    statuses = {status for s in SCENARIOS for status in s.expect.values()}
    assert statuses == {"eligible", "not_eligible", "needs_info", "needs_confirmation", "expired"}
    covered = {pid for s in SCENARIOS for pid in s.expect}
    assert covered == set(catalogue_ids())


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "unemployed_hiring_subsidy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_files_policy_key_names_the_measure_it_is_about() -> None:
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["policy"] == path.stem, path.name


def test_a_policy_key_that_is_no_measure_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "policy: unemployed_hiring_subsidi\nscenarios:\n"
        "  - {name: x, facts: {}, expect: {unemployed_hiring_subsidy: needs_info}}\n",
    )
    with pytest.raises(ScenarioFileError, match="unemployed_hiring_subsidi' is not a measure"):
        load_scenarios(path, default_policies(), dt.date(2022, 7, 1))


def test_a_scenario_that_expects_nothing_for_the_files_policy_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "policy: unemployed_hiring_subsidy\nscenarios:\n"
        "  - {name: 对的, facts: {}, expect: {unemployed_hiring_subsidy: needs_info}}\n"
        "  - {name: 漏了本项, facts: {}, expect: {renren_leye: needs_info}}\n",
    )
    with pytest.raises(ScenarioFileError, match="'漏了本项': expects nothing for the file's policy"):
        load_scenarios(path, default_policies(), dt.date(2022, 7, 1))


def test_files_without_a_policy_key_still_load(tmp_path: Path) -> None:
    # docs/interfaces.md section 3: a plain list of scenarios is a scenario file too.
    path = _write(tmp_path, "- {name: x, facts: {}, expect: {renren_leye: needs_info}}\n")
    (scenario,) = load_scenarios(path, default_policies(), dt.date(2022, 7, 1))
    assert scenario.expect == {"renren_leye": "needs_info"}
    assert not check(scenario)


@pytest.mark.parametrize("policy", default_policies().policies, ids=lambda p: p.id)
def test_every_measure_is_tested_on_both_sides_of_its_dates(policy) -> None:  # type: ignore[no-untyped-def]
    mine = [s for s in SCENARIOS if s.file.endswith(f"/{policy.id}.yaml") and policy.id in s.expect]
    day_before = policy.effective_from - dt.timedelta(days=1)
    assert any(s.as_of == day_before and s.expect[policy.id] == "not_eligible" for s in mine), "the day before"
    assert any(s.as_of == policy.effective_from and s.expect[policy.id] != "not_eligible" for s in mine), (
        "the first day"
    )
    if policy.effective_until is not None:
        last, after = policy.effective_until, policy.effective_until + dt.timedelta(days=1)
        assert any(s.as_of == last and s.expect[policy.id] not in ("expired", "not_eligible") for s in mine), "last day"
        assert any(s.as_of == after and s.expect[policy.id] == "expired" for s in mine), "the day after the end"
