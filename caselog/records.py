"""What the case log's queries return: typed, read-only records, and their one JSON form (`to_dict`).

`caselog show/list/export/counts --format json` and the staff web app's JSON API print these dicts;
the web pages read the same records' attributes. Moments are UTC (ISO 8601 with offset in JSON);
channels show them as Shanghai time (`rules.vocabulary.local_time`). An assessment's results come in
display order (`rules.vocabulary.STATUSES`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from caselog.models import Assessment, Case, StaffNote, Turn
from rules.vocabulary import status_rank


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


@dataclass(frozen=True)
class CaseSummary:
    id: int
    channel: str
    user_hash: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    rules_version: str | None
    turn_count: int
    assessment_count: int
    # The latest assessment's statuses, policy_id -> status ({} when the case has none).
    latest_statuses: dict[str, str] = field(default_factory=dict)
    station: str | None = None  # the employment station the case belongs to (caselog.access)

    @classmethod
    def of(cls, case: Case, turn_count: int, assessment_count: int, latest_statuses: dict[str, str]) -> CaseSummary:
        return cls(
            id=case.id,
            channel=case.channel,
            user_hash=case.user_hash,
            started_at=case.started_at,
            ended_at=case.ended_at,
            rules_version=case.rules_version,
            turn_count=turn_count,
            assessment_count=assessment_count,
            latest_statuses=latest_statuses,
            station=case.station,
        )

    def with_status(self, status: str) -> list[str]:
        """The measures the latest assessment gave `status`."""
        return [pid for pid, st in self.latest_statuses.items() if st == status]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "channel": self.channel,
            "user_hash": self.user_hash,
            "started_at": _iso(self.started_at),
            "ended_at": _iso(self.ended_at),
            "rules_version": self.rules_version,
            "turn_count": self.turn_count,
            "assessment_count": self.assessment_count,
            "latest_statuses": dict(self.latest_statuses),
            "station": self.station,
        }


@dataclass(frozen=True)
class TurnRecord:
    seq: int
    ts: dt.datetime
    speaker: str  # "user" or "bot"
    text: str
    intent: str | None
    confidence: float | None

    @classmethod
    def of(cls, turn: Turn) -> TurnRecord:
        return cls(turn.seq, turn.ts, turn.speaker, turn.text or "", turn.intent, turn.confidence)

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "ts": _iso(self.ts)}


@dataclass(frozen=True)
class ResultRecord:
    policy_id: str
    status: str

    def to_dict(self) -> dict[str, Any]:
        return {"policy_id": self.policy_id, "status": self.status}


@dataclass(frozen=True)
class AssessmentRecord:
    id: int
    ts: dt.datetime
    as_of: dt.date
    rules_version: str
    facts: dict[str, Any]
    results: tuple[ResultRecord, ...]  # display order

    @classmethod
    def of(cls, assessment: Assessment) -> AssessmentRecord:
        results = sorted(assessment.results, key=lambda r: status_rank(r.status))
        return cls(
            id=assessment.id,
            ts=assessment.ts,
            as_of=assessment.as_of,
            rules_version=assessment.rules_version,
            facts=dict(assessment.facts or {}),
            results=tuple(ResultRecord(r.policy_id, r.status) for r in results),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ts": _iso(self.ts),
            "as_of": self.as_of.isoformat(),
            "rules_version": self.rules_version,
            "facts": dict(self.facts),
            "results": [r.to_dict() for r in self.results],
        }


@dataclass(frozen=True)
class NoteRecord:
    author: str
    text: str
    created_at: dt.datetime

    @classmethod
    def of(cls, note: StaffNote) -> NoteRecord:
        return cls(note.author, note.text, note.created_at)

    def to_dict(self) -> dict[str, Any]:
        return {"author": self.author, "text": self.text, "created_at": _iso(self.created_at)}


@dataclass(frozen=True)
class CaseDetail:
    """One case with its turns, assessments and notes: the summary's fields and the lists."""

    summary: CaseSummary
    turns: tuple[TurnRecord, ...]
    assessments: tuple[AssessmentRecord, ...]
    notes: tuple[NoteRecord, ...]

    @classmethod
    def of(cls, case: Case) -> CaseDetail:
        """From a case loaded with its relations (`queries.get_case`)."""
        assessments = tuple(AssessmentRecord.of(a) for a in case.assessments)
        latest = {r.policy_id: r.status for r in assessments[-1].results} if assessments else {}
        summary = CaseSummary.of(case, len(case.turns), len(assessments), latest)
        turns = tuple(TurnRecord.of(t) for t in case.turns)
        return cls(summary, turns, assessments, tuple(NoteRecord.of(n) for n in case.notes))

    @property
    def id(self) -> int:
        return self.summary.id

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary.to_dict(),
            "turns": [t.to_dict() for t in self.turns],
            "assessments": [a.to_dict() for a in self.assessments],
            "notes": [n.to_dict() for n in self.notes],
        }


@dataclass(frozen=True)
class MeasureCount:
    """How many assessment results gave `status` for `policy_id` in the bucket starting on `bucket`."""

    bucket: dt.date
    policy_id: str
    status: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "bucket": self.bucket.isoformat()}
