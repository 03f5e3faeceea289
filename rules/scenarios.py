"""Maintainers' scenario files (docs/interfaces.md section 3): load them and check them against the engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rules.engine import assess
from rules.errors import FactError, ScenarioFileError
from rules.facts import validate_facts
from rules.policy import PolicySet, default_policies
from rules.vocabulary import STATUSES, parse_iso_date

SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"


@dataclass(frozen=True)
class Scenario:
    file: str
    name: str
    as_of: dt.date
    facts: Mapping[str, Any]
    expect: Mapping[str, str]


@dataclass(frozen=True)
class Failure:
    scenario: Scenario
    policy_id: str
    expected: str
    actual: str
    reasons: tuple[str, ...]

    def line(self) -> str:
        why = " | ".join(self.reasons)
        return (
            f"FAIL {self.scenario.file} :: {self.scenario.name} :: {self.policy_id}: "
            f"expected {self.expected}, got {self.actual} — {why}"
        )


def _as_date(value: Any, where: str, path: str) -> dt.date:
    try:
        return parse_iso_date(value)
    except ValueError as exc:
        raise ScenarioFileError(path, f"{where}: {exc}") from None


def load_scenarios(path: Path, policies: PolicySet, default_as_of: dt.date) -> list[Scenario]:
    """One file: a list of scenarios, or a mapping with `scenarios:` and optional file-wide `as_of` and `policy`.

    `policy:` names the measure the file is about: it must be a catalogue id, and every scenario of the
    file must expect a status for it (a scenario may expect other measures besides).
    """
    name = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ScenarioFileError(name, f"not valid YAML: {str(exc).splitlines()[0]}") from None
    except ValueError as exc:  # e.g. as_of: 2022-13-45, which PyYAML turns into a date itself
        raise ScenarioFileError(name, f"bad date or value: {exc}") from None
    except OSError as exc:
        raise ScenarioFileError(name, f"cannot read: {exc.strerror}") from None
    file_as_of = default_as_of
    known = set(policies.ids)
    file_policy: str | None = None
    if isinstance(data, Mapping):
        if "as_of" in data:
            file_as_of = _as_date(data["as_of"], "as_of", name)
        if "policy" in data:
            file_policy = data["policy"]
            if not isinstance(file_policy, str) or file_policy not in known:
                raise ScenarioFileError(name, f"'policy: {file_policy}' is not a measure of the catalogue")
        data = data.get("scenarios")
    if not isinstance(data, list):
        raise ScenarioFileError(name, "expected a list of scenarios (or a mapping with 'scenarios:')")
    out = []
    for i, raw in enumerate(data):
        where = f"scenario #{i + 1}"
        if not isinstance(raw, Mapping) or "name" not in raw or "expect" not in raw:
            raise ScenarioFileError(name, f"{where}: needs 'name', 'facts' and 'expect'")
        where = f"scenario '{raw['name']}'"
        try:
            facts = validate_facts(raw.get("facts") or {})
        except FactError as exc:
            raise ScenarioFileError(name, f"{where}: {exc}") from None
        expect = raw["expect"]
        if not isinstance(expect, Mapping) or not expect:
            raise ScenarioFileError(name, f"{where}: 'expect' must map policy ids to statuses")
        for pid, status in expect.items():
            if pid not in known:
                raise ScenarioFileError(name, f"{where}: unknown policy id '{pid}'")
            if status not in STATUSES:
                raise ScenarioFileError(name, f"{where}: unknown status '{status}' for {pid}")
        if file_policy is not None and file_policy not in expect:
            raise ScenarioFileError(name, f"{where}: expects nothing for the file's policy '{file_policy}'")
        as_of = _as_date(raw["as_of"], f"{where} as_of", name) if "as_of" in raw else file_as_of
        out.append(Scenario(name, str(raw["name"]), as_of, facts, dict(expect)))
    return out


def collect(paths: Iterable[Path], policies: PolicySet, default_as_of: dt.date) -> list[Scenario]:
    scenarios: list[Scenario] = []
    for path in paths:
        if path.is_dir():
            files = sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")])
        elif path.exists():
            files = [path]
        else:
            raise ScenarioFileError(str(path), "no such file or folder")
        for f in files:
            scenarios.extend(load_scenarios(f, policies, default_as_of))
    return scenarios


def check(scenario: Scenario, policies: PolicySet | None = None) -> list[Failure]:
    if policies is None:
        policies = default_policies()
    results = assess(scenario.facts, scenario.as_of, policies, validated=True).by_id()
    failures = []
    for pid, expected in scenario.expect.items():
        got = results[pid]
        if got.status != expected:
            failures.append(Failure(scenario, pid, expected, got.status, got.reasons))
    return failures
