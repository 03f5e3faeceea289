"""Raw fact candidates → the facts' types (docs/interfaces.md section 1), or a clear complaint.

`半年` → 6, `五十三` → 53, `22届` → 2022.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rules import FACTS, FactError, validate_facts
from understanding.numbers import parse_age, parse_duration, parse_year

_TRUE_WORDS = ("是", "对", "有", "yes", "true", "1")
_FALSE_WORDS = ("不是", "否", "没有", "没", "不", "no", "false", "0")


@dataclass(frozen=True)
class Checked:
    """A validated value (None when it could not be read), a complaint for the person, a note (至少12个月)."""

    value: Any
    complaint: str | None = None
    note: str | None = None


def _bool(raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if any(text.startswith(w) for w in _FALSE_WORDS):
        return False
    if any(text.startswith(w) for w in _TRUE_WORDS):
        return True
    return None


def _int(name: str, raw: Any, as_of: dt.date) -> tuple[int | None, str | None]:
    if isinstance(raw, bool):
        return None, None
    if isinstance(raw, int):
        return raw, None
    if isinstance(raw, float) and raw.is_integer():
        return int(raw), None
    text = str(raw)
    if name == "unemployed_months":
        duration = parse_duration(text)
        if duration is None:
            return None, None
        return duration.months, (f"按{duration.describe()}记" if duration.at_least else None)
    if name == "graduation_year":
        return parse_year(text, as_of), None
    return parse_age(text), None


def check(name: str, raw: Any, as_of: dt.date) -> Checked:
    """One fact's raw value checked against the contract (rules.validate_facts has the last word)."""
    fact = FACTS[name]
    value: Any = raw
    note = None
    if raw is None:
        return Checked(None)
    if fact.type == "bool":
        value = _bool(raw)
    elif fact.type == "int":
        value, note = _int(name, raw, as_of)
    elif fact.type == "list":
        value = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list | tuple) else None
    elif fact.type == "str":
        value = str(raw).strip() or None
    if value is None:
        return Checked(None, f"抱歉，我没听明白您的{fact.label}，能换个说法再说一次吗？")
    try:
        clean = validate_facts({name: value})[name]
    except FactError:
        return Checked(None, _out_of_range(fact.label, value, fact.minimum, fact.maximum))
    return Checked(clean, None, note)


def _out_of_range(label: str, value: Any, low: int | None, high: int | None) -> str:
    if isinstance(value, int) and (low is not None or high is not None):
        span = f"{low if low is not None else ''}到{high if high is not None else ''}".strip("到")
        return f"{label}“{value}”好像不太对（应在{span}之间），能再说一次吗？"
    return f"抱歉，{label}“{value}”我没能识别，能换个说法再说一次吗？"


def known_facts(slots: Mapping[str, Any]) -> dict[str, Any]:
    """The fact slots that hold valid contract values (anything else is treated as absent)."""
    facts: dict[str, Any] = {}
    for name in FACTS:
        value = slots.get(name)
        if value is None:
            continue
        try:
            facts[name] = validate_facts({name: value})[name]
        except FactError:
            continue
    return facts
