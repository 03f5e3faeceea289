"""The facts the bot may know about a person (docs/interfaces.md section 1), loaded from `facts.yaml`.

Each fact has its contract type, Chinese label and question, its choices and how it is read from text
(`Fact.read`, used by understanding.facts). `validate_facts` checks a facts object against the contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rules.errors import FactError

FACTS_FILE = Path(__file__).resolve().parent / "facts.yaml"
TYPES = ("bool", "int", "enum", "list", "str")
READ_KINDS = ("phrases", "choice", "age", "duration", "year")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    says: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    also: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadSpec:
    """How a fact is read from text (see facts.yaml's header)."""

    kind: str
    true: tuple[str, ...] = ()
    false: tuple[str, ...] = ()
    patterns_true: tuple[str, ...] = ()
    patterns_false: tuple[str, ...] = ()
    pattern_scope: str = "clause"  # "clause" or "message": where a pattern's words may stand apart
    answers_true: tuple[str, ...] = ()  # short replies that answer this fact's own question (外地的 → no hukou)
    answers_false: tuple[str, ...] = ()
    places: bool | None = None
    colleges: bool | None = None
    also: Mapping[str, Any] = field(default_factory=dict)
    also_false: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Fact:
    name: str
    type: str  # "bool" | "int" | "enum" | "list" | "str"
    label: str
    question: str
    minimum: int | None = None
    maximum: int | None = None
    options: tuple[Choice, ...] = ()
    unit: str = ""
    read: ReadSpec = field(default_factory=lambda: ReadSpec("phrases"))
    question_if: tuple[tuple[Mapping[str, Any], str], ...] = ()  # (raw condition, question); rules.questions parses

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.options)

    def value_label(self, value: Any) -> str:
        return next((c.label for c in self.options if c.value == value), str(value))

    def describe_value(self, value: Any) -> str:
        if self.type == "bool":
            return "是" if value else "否"
        if self.type in ("enum", "str"):
            return self.value_label(value)
        if self.type == "list":
            return "、".join(self.value_label(v) for v in value) or "无"
        return f"{value}{self.unit}"


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(s, str) and s for s in raw):
        raise ValueError(f"{where} must be a list of strings")
    return tuple(raw)


def _read_spec(name: str, raw: Any) -> ReadSpec:
    if not isinstance(raw, Mapping) or raw.get("kind") not in READ_KINDS:
        raise ValueError(f"fact {name}: read.kind must be one of {', '.join(READ_KINDS)}")
    patterns = raw.get("patterns") or {}
    return ReadSpec(
        kind=raw["kind"],
        true=_strings(raw.get("says_true"), f"fact {name}: read.says_true"),
        false=_strings(raw.get("says_false"), f"fact {name}: read.says_false"),
        patterns_true=_strings(patterns.get("says_true"), f"fact {name}: read.patterns.says_true"),
        patterns_false=_strings(patterns.get("says_false"), f"fact {name}: read.patterns.says_false"),
        pattern_scope=str(patterns.get("scope", "clause")),
        answers_true=_strings(raw.get("answers_true"), f"fact {name}: read.answers_true"),
        answers_false=_strings(raw.get("answers_false"), f"fact {name}: read.answers_false"),
        places=raw.get("places"),
        colleges=raw.get("colleges"),
        also=dict(raw.get("also") or {}),
        also_false=dict(raw.get("also_false") or {}),
    )


def _fact(name: str, raw: Mapping[str, Any]) -> Fact:
    if raw.get("type") not in TYPES:
        raise ValueError(f"fact {name}: type must be one of {', '.join(TYPES)}")
    options = tuple(
        Choice(
            str(value),
            str(spec["label"]),
            _strings(spec.get("says"), f"fact {name}: choice {value} says"),
            _strings(spec.get("patterns"), f"fact {name}: choice {value} patterns"),
            dict(spec.get("also") or {}),
        )
        for value, spec in (raw.get("choices") or {}).items()
    )
    return Fact(
        name=name,
        type=raw["type"],
        label=str(raw["label"]),
        question=str(raw["question"]),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        options=options,
        unit=str(raw.get("unit", "")),
        read=_read_spec(name, raw.get("read")),
        question_if=_question_if(name, raw.get("question_if")),
    )


def _question_if(name: str, raw: Any) -> tuple[tuple[Mapping[str, Any], str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(a, Mapping) and {"when", "question"} <= set(a) for a in raw):
        raise ValueError(f"fact {name}: question_if must be a list of {{when: condition, question: text}}")
    return tuple((a["when"], str(a["question"])) for a in raw)


def load_facts(path: Path = FACTS_FILE) -> dict[str, Fact]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    facts = {name: _fact(name, spec) for name, spec in raw.items()}
    for fact in facts.values():
        for implied in (*fact.read.also, *fact.read.also_false, *(n for c in fact.options for n in c.also)):
            if implied not in facts:
                raise ValueError(f"fact {fact.name}: read.also names an unknown fact {implied!r}")
    return facts


FACTS: dict[str, Fact] = load_facts()
EMPLOYMENT_STATUSES = FACTS["employment_status"].choices
HARDSHIP_GROUPS = FACTS["hardship_groups"].choices
# Chinese labels of the enum and list values (employment statuses, hardship groups)
VALUE_LABELS: dict[str, str] = {
    c.value: c.label for name in ("employment_status", "hardship_groups") for c in FACTS[name].options
}


def validate_facts(raw: Any) -> dict[str, Any]:
    """Check a facts object against the contract; return it without absent (null) facts.

    Raises FactError naming the offending fact.
    """
    if not isinstance(raw, Mapping):
        raise FactError("facts must be a JSON object of fact names to values")
    clean: dict[str, Any] = {}
    for name, value in raw.items():
        fact = FACTS.get(name)
        if fact is None:
            raise FactError(f"unknown fact '{name}'", fact=name)
        if value is None:
            continue
        clean[name] = _check_value(fact, value)
    return clean


def _check_value(fact: Fact, value: Any) -> Any:
    name = fact.name
    if fact.type == "bool":
        if not isinstance(value, bool):
            raise FactError(f"fact '{name}' must be true or false, got {value!r}", fact=name)
        return value
    if fact.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise FactError(f"fact '{name}' must be an integer, got {value!r}", fact=name)
        if fact.minimum is not None and value < fact.minimum:
            raise FactError(f"fact '{name}' is out of range: {value} < {fact.minimum}", fact=name)
        if fact.maximum is not None and value > fact.maximum:
            raise FactError(f"fact '{name}' is out of range: {value} > {fact.maximum}", fact=name)
        return value
    if fact.type == "enum":
        if value not in fact.choices:
            raise FactError(f"fact '{name}' must be one of {', '.join(fact.choices)}, got {value!r}", fact=name)
        return value
    if fact.type == "list":
        if not isinstance(value, list):
            raise FactError(f"fact '{name}' must be a list, got {value!r}", fact=name)
        for item in value:
            if item not in fact.choices:
                raise FactError(
                    f"fact '{name}' has unknown value {item!r}; allowed: {', '.join(fact.choices)}", fact=name
                )
        return sorted(set(value), key=fact.choices.index)
    if fact.type == "str":
        if not isinstance(value, str) or not value.strip():
            raise FactError(f"fact '{name}' must be a non-empty string, got {value!r}", fact=name)
        return value.strip()
    raise AssertionError(f"unhandled fact type {fact.type}")
