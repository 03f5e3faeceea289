"""Scoring the bot's reading of a blind fact set against its annotations (used by the test and the bench).

A message is *fully right* when the facts read equal the facts annotated: none missing, none with another
value, none the message does not state. Per-fact recall counts annotated facts read with their value;
wrong values count facts read with another value than annotated plus facts read that are not annotated,
over the annotated facts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

BLIND = Path(__file__).resolve().parent
LISTED_INDUSTRIES = frozenset({"餐饮", "零售", "旅游", "交通运输", "文体娱乐", "住宿", "会展"})

Reader = Callable[[str, list[str], dt.date], Mapping[str, Any]]


def load(name: str) -> tuple[dt.date, list[dict[str, Any]]]:
    data = yaml.safe_load((BLIND / name).read_text(encoding="utf-8"))
    as_of = data["as_of"] if isinstance(data["as_of"], dt.date) else dt.date.fromisoformat(str(data["as_of"]))
    return as_of, data["messages"]


def same(fact: str, expected: Any, got: Any) -> bool:
    if fact == "hardship_groups":
        return isinstance(got, list) and set(got) == set(expected)
    if fact == "employer_industry" and expected == "其他":
        return isinstance(got, str) and got not in LISTED_INDUSTRIES
    return bool(got == expected and type(got) is type(expected))


@dataclass
class Tally:
    messages: int = 0
    fully_right: int = 0
    facts: int = 0
    recalled: int = 0
    wrong: int = 0
    spurious: int = 0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def full_rate(self) -> float:
        return self.fully_right / self.messages if self.messages else 1.0

    @property
    def recall(self) -> float:
        return self.recalled / self.facts if self.facts else 1.0

    @property
    def wrong_rate(self) -> float:
        return (self.wrong + self.spurious) / self.facts if self.facts else 0.0


@dataclass
class Report:
    total: Tally = field(default_factory=Tally)
    by_category: dict[str, Tally] = field(default_factory=dict)
    misses: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    wrong_facts: Counter[str] = field(default_factory=Counter)


def score(messages: list[dict[str, Any]], as_of: dt.date, reader: Reader) -> Report:
    report = Report()
    for message in messages:
        expected = message.get("facts") or {}
        asked = [message["asked"]] if message.get("asked") else []
        got = dict(reader(message["text"], asked, as_of))
        tally = Tally(messages=1, facts=len(expected))
        for fact, value in expected.items():
            if fact in got and same(fact, value, got[fact]):
                tally.recalled += 1
            elif fact in got:
                tally.wrong += 1
                report.wrong_facts[fact] += 1
        for fact in got:
            if fact not in expected:
                tally.spurious += 1
                report.wrong_facts[fact] += 1
        if tally.recalled == tally.facts and not tally.wrong and not tally.spurious:
            tally.fully_right = 1
        else:
            report.misses.append((message, got))
        report.total.add(tally)
        report.by_category.setdefault(message["category"], Tally()).add(tally)
    return report


def table(report: Report) -> str:
    lines = [f"{'category':<14}{'messages':>9}{'fully right':>13}{'fact recall':>13}{'wrong values':>14}"]
    rows = [*sorted(report.by_category.items()), ("all", report.total)]
    for name, t in rows:
        lines.append(
            f"{name:<14}{t.messages:>9}{t.full_rate:>12.1%} {t.recall:>12.1%} {t.wrong_rate:>13.2%}"
            f"  ({t.wrong} wrong, {t.spurious} not stated)"
        )
    return "\n".join(lines)
