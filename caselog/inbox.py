"""What the bot missed: people's messages it fell back on, understood with low confidence, or had to ask again.

`missed_messages` reads the user turns of the case log (already masked) in a time window, groups the same
words (spacing, width and final punctuation aside), counts them and says why each was missed:
- `fallback`: NLU gave `nlu_fallback` (below the FallbackClassifier's threshold);
- `low_confidence`: understood, but with a confidence under `low`;
- `asked_again`: the bot's next messages repeat the question it had asked before the message.
Button taps are not the NLU's doing and are left out. `nlu_yaml` writes the groups as Rasa NLU training data
(under the intent NLU predicted), for maintainers to move each example under the right intent and add.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog.access import EVERY_STATION, Scope
from caselog.models import Case, Turn
from caselog.privacy import mask_text
from caselog.queries import time_window

FALLBACK_INTENT = "nlu_fallback"
DEFAULT_LOW = 0.6
TAP_CONFIDENCE = 0.999  # a button payload is parsed with confidence 1.0
REASON_LABELS = {"fallback": "没识别出", "low_confidence": "把握不大", "asked_again": "又问了一遍"}
_END_PUNCT = "。！？!?.,，、~～…；;：:"


def group_key(text: str) -> str:
    flat = unicodedata.normalize("NFKC", text)
    flat = re.sub(r"\s+", "", flat).lower()
    return flat.rstrip(_END_PUNCT)


@dataclass
class Missed:
    """One way of saying something the bot missed, with how often and why."""

    text: str
    count: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    intents: Counter[str] = field(default_factory=Counter)
    case_ids: list[int] = field(default_factory=list)
    last_seen: dt.datetime | None = None

    @property
    def intent(self) -> str:
        """The intent NLU gave it most often (what an annotator starts from)."""
        return self.intents.most_common(1)[0][0] if self.intents else FALLBACK_INTENT

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "count": self.count,
            "reasons": dict(self.reasons),
            "intents": dict(self.intents),
            "intent": self.intent,
            "case_ids": list(self.case_ids),
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
        }


def _why(turn: Turn, asked_again: bool, low: float) -> list[str]:
    reasons = []
    if turn.intent == FALLBACK_INTENT:
        reasons.append("fallback")
    elif turn.confidence is not None and turn.confidence < low:
        reasons.append("low_confidence")
    if asked_again:
        reasons.append("asked_again")
    return reasons


def _is_tap(turn: Turn) -> bool:
    text = turn.text or ""
    tapped = turn.confidence is not None and turn.confidence >= TAP_CONFIDENCE and turn.intent != FALLBACK_INTENT
    return tapped or text.startswith("/")


def _missed_in_case(turns: list[Turn], low: float) -> Iterable[tuple[Turn, list[str]]]:
    """(user turn, reasons) for the turns of one case in order."""
    for i, turn in enumerate(turns):
        if turn.speaker != "user" or not (turn.text or "").strip() or _is_tap(turn):
            continue
        asked = next((t for t in reversed(turns[:i]) if t.speaker == "bot" and t.text), None)
        after: list[str] = []
        for t in turns[i + 1 :]:
            if t.speaker == "user":
                break
            after.append(group_key(t.text or ""))
        again = asked is not None and bool(after) and group_key(asked.text) in after
        reasons = _why(turn, again, low)
        if reasons:
            yield turn, reasons


def missed_messages(
    session: Session,
    *,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
    channels: Collection[str] | None = None,
    low: float = DEFAULT_LOW,
    limit: int = 500,
    scope: Scope = EVERY_STATION,
) -> list[Missed]:
    """The missed ways of saying things, most frequent first (ties: most recent first)."""
    stmt = (
        sa.select(Turn)
        .join(Case, Case.id == Turn.case_id)
        .where(*time_window(Turn.ts, since, until), *scope.conditions())
        .order_by(Turn.case_id, Turn.ts, Turn.seq, Turn.id)
    )
    if channels is not None:
        stmt = stmt.where(Case.channel.in_(list(channels)))
    groups: dict[str, Missed] = {}
    case_turns: list[Turn] = []

    def flush() -> None:
        for turn, reasons in _missed_in_case(case_turns, low):
            key = group_key(turn.text)
            item = groups.setdefault(key, Missed(text=" ".join(turn.text.split())))
            item.count += 1
            item.reasons.update(reasons)
            item.intents[turn.intent or FALLBACK_INTENT] += 1
            if turn.case_id not in item.case_ids:
                item.case_ids.append(turn.case_id)
            if item.last_seen is None or turn.ts >= item.last_seen:
                item.last_seen = turn.ts
                item.text = " ".join(turn.text.split())
        case_turns.clear()

    for turn in session.scalars(stmt):
        if case_turns and case_turns[-1].case_id != turn.case_id:
            flush()
        case_turns.append(turn)
    flush()
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    found = sorted(groups.values(), key=lambda m: (-m.count, -(m.last_seen or epoch).timestamp()))
    for m in found:
        m.case_ids = sorted(m.case_ids, reverse=True)[:5]
    return found[:limit]


def _example(text: str) -> str:
    """One line of a Rasa `examples: |` block: masked, flat, no entity-annotation brackets."""
    flat = " ".join(mask_text(text).split())
    return flat.replace("[", "［").replace("]", "］")


def nlu_yaml(missed: Iterable[Missed], *, title: str) -> str:
    """Rasa 3 NLU training data, one block per predicted intent, examples most frequent first."""
    by_intent: dict[str, list[Missed]] = {}
    for m in missed:
        by_intent.setdefault(m.intent, []).append(m)
    lines = [
        f"# {title}",
        "# 标注：把每条说法移到它真正的意图下（nlu_fallback 是当时没识别出），",
        "# 确认没有个人信息后并入 nlu_data/ 再训练。",
        'version: "3.1"',
        "nlu:",
    ]
    for intent in sorted(by_intent, key=lambda i: (-sum(m.count for m in by_intent[i]), i)):
        items = by_intent[intent]
        lines.append(f"# {intent}：{len(items)} 种说法，共 {sum(m.count for m in items)} 次")
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        examples = list(dict.fromkeys(e for e in (_example(m.text) for m in items) if e))
        if not examples:
            del lines[-3:]
            continue
        lines.extend(f"    - {e}" for e in examples)
    if lines[-1] == "nlu:":
        lines[-1] = "nlu: []"
    return "\n".join(lines) + "\n"
