"""What one user message changes about the person's facts: read, checked against the contract, merged.

`read_message(message, asked=, known=, as_of=)` → `Turn`. A button or form payload (`/inform{"age": 45}`)
gives facts directly; free text goes through understanding.facts.read with the pending question's facts as
`asked`. Values are checked against the contract (an age of 5 is refused with a message, not stored). A
known fact told again with another value is a correction. 不知道 to the pending question marks it skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from actions.question_messages import EMPTY_LIST
from rules import FACTS, FactError, validate_facts
from rules.vocabulary import parse_iso_date
from understanding.facts import read

_AS_OF_TEXT = re.compile(
    r"(?:按|以|评估日期[是为改成到]*)\s*(?P<y>20[0-9]{2})\s*[年\-./]\s*(?P<m>[0-9]{1,2})\s*[月\-./]\s*(?P<d>[0-9]{1,2})"
)


@dataclass
class Turn:
    updates: dict[str, Any] = field(default_factory=dict)  # facts whose value changes
    corrected: list[str] = field(default_factory=list)  # of those, facts that had another value
    unknown: list[str] = field(default_factory=list)  # 不知道
    complaints: list[str] = field(default_factory=list)  # values refused, said to the person
    notes: dict[str, str] = field(default_factory=dict)  # 按至少12个月记
    ambiguous: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # two readings: asked, not guessed
    audience: str | None = None
    as_of: dt.date | None = None  # an evaluation date the message asks for
    from_payload: bool = False
    is_question: bool = False

    @property
    def empty(self) -> bool:
        return not (self.updates or self.unknown or self.complaints or self.as_of)


def _payload_entities(message: Mapping[str, Any]) -> dict[str, Any]:
    """Entities a payload set, grouped by name (a list fact's items gathered into one list)."""
    out: dict[str, Any] = {}
    for entity in message.get("entities") or []:
        if not isinstance(entity, Mapping):
            continue
        name, value = entity.get("entity"), entity.get("value")
        if name in FACTS and FACTS[name].type == "list":
            items = out.setdefault(name, [])
            if value != EMPTY_LIST and value not in items:
                items.append(value)
        elif isinstance(name, str):
            out[name] = value
    return out


def _out_of_range(name: str, value: Any) -> str:
    fact = FACTS[name]
    if isinstance(value, int) and (fact.minimum is not None or fact.maximum is not None):
        low = "" if fact.minimum is None else fact.minimum
        high = "" if fact.maximum is None else fact.maximum
        return f"{fact.label}“{value}”好像不太对（应在{low}到{high}之间），能再说一次吗？".replace("到之间", "")
    return f"抱歉，{fact.label}“{value}”我没能识别，能换个说法再说一次吗？"


def _is_payload(message: Mapping[str, Any]) -> bool:
    """A button or form payload (/inform{...}), or a story step that gives entities without text."""
    text = str(message.get("text") or "").strip()
    return text.startswith("/") or (not text and bool(message.get("entities")))


def read_message(
    message: Mapping[str, Any],
    *,
    asked: Sequence[str] = (),
    known: Mapping[str, Any],
    as_of: dt.date,
    intent: str | None = None,
    audience: str | None = None,
) -> Turn:
    turn = Turn(from_payload=_is_payload(message))
    text = str(message.get("text") or "")
    raw: dict[str, Any] = {}
    denied: list[str] = []
    if turn.from_payload:
        given = _payload_entities(message)
        raw = {name: value for name, value in given.items() if name in FACTS}
        if given.get("as_of"):
            try:
                turn.as_of = parse_iso_date(given["as_of"])
            except ValueError:
                turn.complaints.append(f"评估日期“{given['as_of']}”不是有效的日期（格式：2022-07-01）。")
        if given.get("audience") == "employer":
            turn.audience = "employer"
        if intent == "dont_know" and asked:
            turn.unknown = [name for name in asked if name not in known]
    else:
        reading = read(text, asked=asked, known=known, as_of=as_of, audience=audience)
        raw, denied, turn.notes, turn.unknown = reading.facts, reading.denied_groups, reading.notes, reading.unknown
        turn.ambiguous = dict(reading.ambiguous)
        turn.audience, turn.is_question = reading.audience, reading.is_question
        if intent == "dont_know" and asked and not raw:
            turn.unknown = [name for name in asked if name not in known]
        if m := _AS_OF_TEXT.search(text):
            try:
                turn.as_of = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                turn.complaints.append("这个评估日期不是有效的日期，请按“按2022年7月1日评估”这样说。")
    for name, value in raw.items():
        try:
            clean = validate_facts({name: value})[name]
        except FactError:
            turn.complaints.append(_out_of_range(name, value))
            continue
        if FACTS[name].type == "list" and not turn.from_payload and name not in asked and known.get(name):
            clean = sorted({*known[name], *clean}, key=FACTS[name].choices.index)  # 我也是低保户: one more group
        if known.get(name) != clean:
            turn.updates[name] = clean
            if name in known:
                turn.corrected.append(name)
    groups = turn.updates.get("hardship_groups", known.get("hardship_groups"))
    if denied and groups:
        remaining = [g for g in groups if g not in denied]
        if remaining != known.get("hardship_groups"):
            turn.updates["hardship_groups"] = remaining
            if "hardship_groups" in known and "hardship_groups" not in turn.corrected:
                turn.corrected.append("hardship_groups")
    _rest_of_a_multi_select(turn, asked, known)
    turn.unknown = [name for name in turn.unknown if name not in turn.updates]
    return turn


def _rest_of_a_multi_select(turn: Turn, asked: Sequence[str], known: Mapping[str, Any]) -> None:
    """我是农民工，也在跑外卖 to 以下情况有符合您的吗（可多选）: the options not named do not apply."""
    bools = [n for n in asked if FACTS[n].type == "bool"]
    if len(bools) < 2 or turn.from_payload or turn.is_question:
        return
    if not any(turn.updates.get(n) is True for n in bools):
        return
    for name in bools:
        if name not in turn.updates and name not in known:
            turn.updates[name] = False


def describe(name: str, value: Any) -> str:
    return f"{FACTS[name].label}：{FACTS[name].describe_value(value)}"
