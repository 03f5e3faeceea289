"""The phrases by which facts are read, compiled from rules.FACTS (`read:` of each fact) and the place lists.

A phrase states one or more assignments (fact, value): 跑外卖 states platform_worker = true and, through
`also`, employment_status = flexible. `Phrase.negatable` says whether a negation before or after it turns it
round (bool facts flip; enum and list values are then not stated, a list item is denied).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rules.facts import FACTS

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Assignment:
    fact: str
    value: Any
    primary: bool = True  # False for `also` assignments: dropped when the phrase is negated


@dataclass(frozen=True)
class Phrase:
    text: str
    assignments: tuple[Assignment, ...]


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    assignments: tuple[Assignment, ...]
    scope: str = "clause"


def _also(spec: dict[str, Any]) -> list[Assignment]:
    return [Assignment(fact, value, primary=False) for fact, value in spec.items()]


@cache
def phrase_table() -> dict[str, Phrase]:
    """Every phrase of every fact; a text listed under several facts states all of them."""
    table: dict[str, list[Assignment]] = {}

    def add(text: str, assignments: list[Assignment]) -> None:
        bucket = table.setdefault(text, [])
        bucket.extend(a for a in assignments if a not in bucket)

    for fact in FACTS.values():
        spec = fact.read
        if spec.kind == "phrases":
            for text in spec.true:
                add(text, [Assignment(fact.name, True), *_also(spec.also)])
            for text in spec.false:
                add(text, [Assignment(fact.name, False), *_also(spec.also_false)])
        elif spec.kind == "choice":
            for choice in fact.options:
                for text in choice.says:
                    add(text, [Assignment(fact.name, choice.value), *_also(choice.also)])
    for text in neutral_phrases():
        table.setdefault(text, [])
    return {text: Phrase(text, tuple(a)) for text, a in table.items()}


@cache
def neutral_phrases() -> tuple[str, ...]:
    """Words that state no fact but must not be read as a shorter phrase inside them (失业金 is not 失业)."""
    raw = yaml.safe_load((DATA / "neutral.yml").read_text(encoding="utf-8"))
    return tuple(raw["neutral"])


@cache
def patterns() -> tuple[Pattern, ...]:
    out = []
    for fact in FACTS.values():
        spec = fact.read
        for regex in spec.patterns_true:
            out.append(Pattern(re.compile(regex), (Assignment(fact.name, True), *_also(spec.also)), spec.pattern_scope))
        for regex in spec.patterns_false:
            assignments = (Assignment(fact.name, False), *_also(spec.also_false))
            out.append(Pattern(re.compile(regex), assignments, spec.pattern_scope))
        for choice in fact.options:
            for regex in choice.patterns:
                assignments = (Assignment(fact.name, choice.value), *_also(choice.also))
                out.append(Pattern(re.compile(regex), assignments, spec.pattern_scope))
    return tuple(out)


@cache
def places() -> dict[str, tuple[str, ...]]:
    raw = yaml.safe_load((DATA / "places.yml").read_text(encoding="utf-8"))
    return {key: tuple(sorted(values, key=len, reverse=True)) for key, values in raw.items()}


def fact_phrases() -> list[str]:
    """The phrases the facts are read by and the names of provinces and colleges, for the typo corrector.

    Two-character short forms of college names (上大, 宁大) are left out: they would turn ordinary words (年大)
    into names; the few distinctive ones are in lexicon.txt (复旦, 同济).
    """
    lists = places()
    colleges = [n for n in (*lists["shanghai_colleges"], *lists["other_colleges"]) if len(n) >= 3]
    return [*phrase_table(), *lists["provinces_and_cities"], *colleges]
