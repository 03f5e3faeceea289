"""Facts that follow from others (rules/implications.yaml), so that the bot does not ask them.

`implied(facts)` returns the facts the implications add; they never replace a fact the person told.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rules import conditions
from rules.conditions import Condition
from rules.errors import PolicyFileError
from rules.facts import validate_facts

IMPLICATIONS_FILE = Path(__file__).resolve().parent / "implications.yaml"


@dataclass(frozen=True)
class Implication:
    when: Condition
    then: Mapping[str, Any]
    why: str


def _no_params(name: str) -> Any:
    raise KeyError(name)


def load_implications(path: Path = IMPLICATIONS_FILE) -> tuple[Implication, ...]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = []
    for i, item in enumerate(raw):
        where = f"implication {i + 1}"
        if not isinstance(item, Mapping) or not {"when", "then", "why"} <= set(item):
            raise PolicyFileError(str(path.name), f"{where}: needs when, then and why")
        try:
            when = conditions.parse(item["when"], where, set())
            then = validate_facts(item["then"])
        except (ValueError, Exception) as exc:
            raise PolicyFileError(str(path.name), f"{where}: {exc}") from None
        if not str(item["why"]).strip():
            raise PolicyFileError(str(path.name), f"{where}: `why` must say why the conclusion holds")
        out.append(Implication(when, then, str(item["why"]).strip()))
    return tuple(out)


@cache
def default_implications() -> tuple[Implication, ...]:
    return load_implications()


def implied(facts: Mapping[str, Any], implications: tuple[Implication, ...] | None = None) -> dict[str, Any]:
    """The facts that follow from `facts` and are not in it (applied until nothing more follows)."""
    rules = default_implications() if implications is None else implications
    known = dict(facts)
    added: dict[str, Any] = {}
    changed = True
    while changed:
        changed = False
        for rule in rules:
            if conditions.evaluate(rule.when, known, _no_params).value is not True:
                continue
            for name, value in rule.then.items():
                if name not in known:
                    known[name] = added[name] = value
                    changed = True
    return added


def with_implied(facts: Mapping[str, Any]) -> dict[str, Any]:
    return {**facts, **implied(facts)}
