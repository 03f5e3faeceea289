"""Turn spooled Rasa events into cases, turns and assessments (one record at a time, in order).

- `session_started` closes the person's open case and opens a new one; `restart` closes it.
- `user` / `bot` events become turns (text already masked by the channel and the spool).
- A bot event carrying `custom.assessment` (docs/interfaces.md section 2) becomes an assessment with one
  result row per measure; its facts are the case's fact slots at that moment, plus the slots the
  same action sets after its messages (Rasa logs an action's messages before its slot events).
- `slot` events named after a fact (rules.FACTS) keep the case's current facts.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog.models import Assessment, AssessmentResult, Case, Turn
from caselog.privacy import mask_text
from caselog.spool import Record
from rules import FACTS
from rules.vocabulary import parse_iso_date

log = logging.getLogger(__name__)

UNKNOWN_CHANNEL = "unknown"
UNKNOWN_USER = "unknown"


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

    def start(self, user_hash: str, ts: dt.datetime, channel: str | None) -> Case:
        self.close(user_hash, ts)
        case = Case(user_hash=user_hash, started_at=ts, channel=channel or UNKNOWN_CHANNEL, facts={})
        self.session.add(case)
        self.session.flush()
        self._open[user_hash] = case
        return case

    def current(self, user_hash: str, ts: dt.datetime, channel: str | None) -> Case:
        case = self.open_case(user_hash)
        if case is None:
            case = self.start(user_hash, ts, channel)
        elif channel and case.channel == UNKNOWN_CHANNEL:
            case.channel = channel
        return case


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


def apply_record(tracker: CaseTracker, record: Record) -> None:
    if record.kind != "rasa_event":
        return
    event = record.data
    kind = event.get("event")
    user = str(event.get("sender_hash") or UNKNOWN_USER)
    ts = event_time(event, record)
    channel = event_channel(event)
    session = tracker.session

    if kind == "session_started":
        tracker.start(user, ts, channel)
    elif kind == "restart":
        tracker.close(user, ts)
    elif kind == "user":
        case = tracker.current(user, ts, channel)
        case.open_assessment_id = None
        parse = event.get("parse_data") if isinstance(event.get("parse_data"), Mapping) else {}
        intent = parse.get("intent") if isinstance(parse.get("intent"), Mapping) else {}
        confidence = intent.get("confidence")
        session.add(
            Turn(
                case_id=case.id,
                record_id=record.id,
                seq=record.seq,
                ts=ts,
                speaker="user",
                text=mask_text(str(event.get("text") or "")),
                intent=(str(intent["name"])[:64] if intent.get("name") else None),
                confidence=float(confidence) if isinstance(confidence, int | float) else None,
                input_channel=_str_or_none(event.get("input_channel")),
            )
        )
    elif kind == "bot":
        case = tracker.current(user, ts, channel)
        session.add(
            Turn(
                case_id=case.id,
                record_id=record.id,
                seq=record.seq,
                ts=ts,
                speaker="bot",
                text=mask_text(str(event.get("text") or "")),
            )
        )
        data = event.get("data") if isinstance(event.get("data"), Mapping) else {}
        custom = data.get("custom") if isinstance(data.get("custom"), Mapping) else {}
        if "assessment" in custom:
            _add_assessment(tracker, case, record, ts, custom["assessment"])
    elif kind == "slot":
        name = event.get("name")
        if name in FACTS:
            case = tracker.current(user, ts, channel)
            facts = dict(case.facts or {})
            if event.get("value") is None:
                facts.pop(str(name), None)
            else:
                facts[str(name)] = event["value"]
            case.facts = facts
            if case.open_assessment_id is not None:
                assessment = session.get(Assessment, case.open_assessment_id)
                if assessment is not None:
                    assessment.facts = facts
    elif kind in ("reset_slots", "all_slots_reset"):
        case = tracker.open_case(user)
        if case is not None:
            case.facts = {}
    elif kind == "action":
        case = tracker.open_case(user)
        if case is not None:
            case.open_assessment_id = None


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
