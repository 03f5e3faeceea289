"""Every maintainer scenario under rules/scenarios/ runs under pytest too."""

from __future__ import annotations

import datetime as dt

import pytest

from rules.policy import default_policies
from rules.scenarios import SCENARIO_DIR, check, collect
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
