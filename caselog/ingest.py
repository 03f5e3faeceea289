"""Turn spooled Rasa events into cases, turns and assessments (one record at a time, in order).

- `session_started` closes the person's open case and opens a new one; `restart` closes it.
- `user` / `bot` events become turns (text already masked by the channel and the spool).
- A bot event carrying `custom.assessment` (docs/interfaces.md section 2) becomes an assessment with one
  result row per measure; its facts are the case's fact slots at that moment, plus the slots the
  same action sets after its messages (Rasa logs an action's messages before its slot events).
- `slot` events named after a fact (rules.FACTS) keep the case's current facts.
- A user message NLU read as `human_handoff` on a live channel (Telegram) opens a handoff: 待人工 (caselog.handoff).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog.handoff import LIVE_CHANNELS, request_handoff
from caselog.models import Assessment, AssessmentResult, Case, Turn
from caselog.privacy import mask_text
from caselog.spool import Record
from rules import FACTS
from rules.vocabulary import parse_iso_date

log = logging.getLogger(__name__)

UNKNOWN_CHANNEL = "unknown"
UNKNOWN_USER = "unknown"
HANDOFF_INTENT = "human_handoff"


class CaseTracker:
    """The open case of each person, cached for one transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._open: dict[str, Case | None] = {}

    def open_case(self, user_hash: str) -> Case | None:
        if user_hash not in self._open:
            self._open[user_hash] = self.session.scalars(
                sa.select(Case)
                .where(Case.user_hash == user_hash, Case.ended_at.is_(None))
                .order_by(Case.id.desc())
                .limit(1)
            ).first()
        return self._open[user_hash]

    def close(self, user_hash: str, ts: dt.datetime) -> None:
        case = self.open_case(user_hash)
        if case is not None:
            case.ended_at = max(ts, case.started_at)
            case.open_assessment_id = None
        self._open[user_hash] = None

    def start(self, user_hash: str, ts: dt.datetime, channel: str | None, station: str | None = None) -> Case:
        self.close(user_hash, ts)
        case = Case(user_hash=user_hash, started_at=ts, channel=channel or UNKNOWN_CHANNEL, facts={}, station=station)
        self.session.add(case)
        self.session.flush()
        self._open[user_hash] = case
        return case

    def current(self, user_hash: str, ts: dt.datetime, channel: str | None, station: str | None = None) -> Case:
        case = self.open_case(user_hash)
        if case is None:
            case = self.start(user_hash, ts, channel, station)
        elif channel and case.channel == UNKNOWN_CHANNEL:
            case.channel = channel
        if station and case.station is None:
            case.station = station
        return case


def event_station(event: Mapping[str, Any]) -> str | None:
    """The staff station a widget consultation carries in its metadata (caselog.access)."""
    metadata = event.get("metadata")
    station = metadata.get("station") if isinstance(metadata, Mapping) else None
    return str(station)[:64] if isinstance(station, str) and station.strip() else None


def event_channel(event: Mapping[str, Any]) -> str | None:
    metadata = event.get("metadata")
    if isinstance(metadata, Mapping) and isinstance(metadata.get("channel"), str) and metadata["channel"]:
        return str(metadata["channel"])[:32]
    channel = event.get("input_channel")
    return str(channel)[:32] if isinstance(channel, str) and channel else None


def event_time(event: Mapping[str, Any], record: Record) -> dt.datetime:
    stamp = event.get("timestamp")
    value = float(stamp) if isinstance(stamp, int | float) else record.ts
    return dt.datetime.fromtimestamp(value, dt.UTC)


def _str_or_none(value: Any) -> str | None:
    return str(value)[:32] if isinstance(value, str) and value else None


def parse_assessment(raw: Any) -> tuple[dt.date, str, list[tuple[str, str]]] | None:
    """(as_of, rules_version, [(policy_id, status)]) from contract-section-2 JSON, or None if malformed."""
    if not isinstance(raw, Mapping):
        return None
    try:
        as_of = parse_iso_date(raw["as_of"])
        version = str(raw.get("rules_version") or "")[:64]
        results = [(str(r["policy_id"])[:64], str(r["status"])[:32]) for r in raw["results"]]
    except (KeyError, TypeError, ValueError):
        return None
    return as_of, version, list(dict(results).items())


@dataclass(frozen=True)
class Event:
    """One Rasa tracker event from the spool, with what every handler needs."""

    tracker: CaseTracker
    record: Record
    data: Mapping[str, Any]
    user: str
    ts: dt.datetime
    channel: str | None
    station: str | None = None  # a widget consultation's staff station

    def case(self) -> Case:
        """The person's open case; a new one when none is open."""
        return self.tracker.current(self.user, self.ts, self.channel, self.station)

    def open_case(self) -> Case | None:
        return self.tracker.open_case(self.user)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def apply_record(tracker: CaseTracker, record: Record) -> None:
    """Apply one spool record to the case log (the caller's transaction); unknown events change nothing."""
    if record.kind != "rasa_event":
        return
    data = record.data
    handler = HANDLERS.get(str(data.get("event")))
    if handler is not None:
        user = str(data.get("sender_hash") or UNKNOWN_USER)
        handler(Event(tracker, record, data, user, event_time(data, record), event_channel(data), event_station(data)))


def said(event: Mapping[str, Any]) -> str:
    """What the person said: for a button payload (/affirm, /inform{...}) the title they tapped, when the
    channel sent it as metadata `tapped`; otherwise the message text."""
    text = str(event.get("text") or "")
    tapped = _mapping(event.get("metadata")).get("tapped")
    if text.startswith("/") and isinstance(tapped, str) and tapped.strip():
        return tapped.strip()[:200]
    return text


def _add_turn(event: Event, case: Case, speaker: str, **extra: Any) -> None:
    text = mask_text(said(event.data) if speaker == "user" else str(event.data.get("text") or ""))
    record = event.record
    event.tracker.session.add(
        Turn(case_id=case.id, record_id=record.id, seq=record.seq, ts=event.ts, speaker=speaker, text=text, **extra)
    )


def _on_user(event: Event) -> None:
    case = event.case()
    case.open_assessment_id = None
    intent = _mapping(_mapping(event.data.get("parse_data")).get("intent"))
    confidence = intent.get("confidence")
    _add_turn(
        event,
        case,
        "user",
        intent=(str(intent["name"])[:64] if intent.get("name") else None),
        confidence=float(confidence) if isinstance(confidence, int | float) else None,
        input_channel=_str_or_none(event.data.get("input_channel")),
    )
    if intent.get("name") == HANDOFF_INTENT and case.channel in LIVE_CHANNELS:  # 待人工 in the staff app
        request_handoff(event.tracker.session, user_hash=event.user, channel=case.channel, case_id=case.id, at=event.ts)


def _on_bot(event: Event) -> None:
    case = event.case()
    _add_turn(event, case, "bot")
    custom = _mapping(_mapping(event.data.get("data")).get("custom"))
    if "assessment" in custom:
        _add_assessment(event.tracker, case, event.record, event.ts, custom["assessment"])


def _on_slot(event: Event) -> None:
    """A fact slot set or cleared: the case's facts, and those of an assessment whose action is still running."""
    name = event.data.get("name")
    if name not in FACTS:
        return
    case = event.case()
    facts = dict(case.facts or {})
    if event.data.get("value") is None:
        facts.pop(str(name), None)
    else:
        facts[str(name)] = event.data["value"]
    case.facts = facts
    if case.open_assessment_id is not None:
        assessment = event.tracker.session.get(Assessment, case.open_assessment_id)
        if assessment is not None:
            assessment.facts = facts


def _on_slots_reset(event: Event) -> None:
    case = event.open_case()
    if case is not None:
        case.facts = {}


def _on_action(event: Event) -> None:
    case = event.open_case()
    if case is not None:
        case.open_assessment_id = None


HANDLERS: dict[str, Callable[[Event], None]] = {
    "session_started": lambda event: event.tracker.start(event.user, event.ts, event.channel, event.station),
    "restart": lambda event: event.tracker.close(event.user, event.ts),
    "user": _on_user,
    "bot": _on_bot,
    "slot": _on_slot,
    "reset_slots": _on_slots_reset,
    "all_slots_reset": _on_slots_reset,
    "action": _on_action,
}


def _add_assessment(tracker: CaseTracker, case: Case, record: Record, ts: dt.datetime, raw: Any) -> None:
    parsed = parse_assessment(raw)
    if parsed is None:
        log.warning("record %s: a bot message carries a malformed assessment; kept the turn only", record.id)
        return
    as_of, version, results = parsed
    assessment = Assessment(
        case_id=case.id,
        record_id=record.id,
        seq=record.seq,
        ts=ts,
        facts=dict(case.facts or {}),
        as_of=as_of,
        rules_version=version,
        results=[AssessmentResult(policy_id=pid, status=status) for pid, status in results],
    )
    tracker.session.add(assessment)
    tracker.session.flush()
    case.open_assessment_id = assessment.id
    case.rules_version = version or case.rules_version
