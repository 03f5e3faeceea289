"""Consultations counted as people see them: one case is one consultation, whatever its number of assessments.

`consultation_stats` gives, for cases started in a window on some channels: consultations and distinct people
per time bucket (Shanghai day, ISO week from Monday, month), and per measure how many of the assessed
consultations ended (their latest assessment) with the measure 可以申请 or 需要到窗口确认.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog.access import EVERY_STATION, Scope
from caselog.errors import BadInput
from caselog.models import Assessment, AssessmentResult, Case
from caselog.queries import BUCKETS, _bucket_start, _shanghai_day, time_window
from rules.vocabulary import parse_iso_date

# The channels people use; the others (rest, cmdline, terminal) are tests and tools.
REAL_CHANNELS: tuple[str, ...] = ("web", "telegram")
SHARED_STATUSES = ("eligible", "needs_confirmation")


@dataclass(frozen=True)
class BucketCount:
    bucket: dt.date
    consultations: int
    people: int

    def to_dict(self) -> dict[str, Any]:
        return {"bucket": self.bucket.isoformat(), "consultations": self.consultations, "people": self.people}


@dataclass(frozen=True)
class MeasureShare:
    """Of `assessed` consultations, how many ended with this measure eligible / to be confirmed."""

    policy_id: str
    eligible: int
    needs_confirmation: int
    assessed: int

    def share(self, status: str) -> float:
        return (getattr(self, status) / self.assessed) if self.assessed else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy_id": self.policy_id,
            "eligible": self.eligible,
            "needs_confirmation": self.needs_confirmation,
            "assessed": self.assessed,
            "eligible_share": round(self.share("eligible"), 4),
            "needs_confirmation_share": round(self.share("needs_confirmation"), 4),
        }


@dataclass(frozen=True)
class ConsultationStats:
    bucket: str
    consultations: int
    people: int
    assessed: int  # consultations with at least one assessment
    buckets: tuple[BucketCount, ...]
    measures: tuple[MeasureShare, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "bucket": self.bucket,
            "consultations": self.consultations,
            "people": self.people,
            "assessed": self.assessed,
            "buckets": [b.to_dict() for b in self.buckets],
            "measures": [m.to_dict() for m in self.measures],
        }


def consultation_stats(
    session: Session,
    *,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
    bucket: str = "day",
    channels: Collection[str] | None = REAL_CHANNELS,
    policy_ids: Collection[str] = (),
    scope: Scope = EVERY_STATION,
) -> ConsultationStats:
    """Cases started in [since, until] (Shanghai days) on `channels` (None: every channel).

    `policy_ids` lists measures to report even when no consultation reached them (they count 0)."""
    if bucket not in BUCKETS:
        raise BadInput(f"bucket must be one of {', '.join(BUCKETS)}, not {bucket!r}")
    conds = [*time_window(Case.started_at, since, until), *scope.conditions()]
    if channels is not None:
        conds.append(Case.channel.in_(list(channels)))

    day = _shanghai_day(session, Case.started_at).label("day")
    per_day = session.execute(
        sa.select(day, Case.user_hash, sa.func.count(Case.id)).where(*conds).group_by(day, Case.user_hash)
    ).all()
    cases: dict[dt.date, int] = defaultdict(int)
    people: dict[dt.date, set[str]] = defaultdict(set)
    everyone: set[str] = set()
    for raw_day, user_hash, n in per_day:
        b = _bucket_start(parse_iso_date(raw_day), bucket)
        cases[b] += int(n)
        people[b].add(user_hash)
        everyone.add(user_hash)

    latest = (
        sa.select(Assessment.case_id, sa.func.max(Assessment.seq).label("seq"))
        .join(Case, Case.id == Assessment.case_id)
        .where(*conds)
        .group_by(Assessment.case_id)
        .subquery()
    )
    assessed = int(session.scalar(sa.select(sa.func.count()).select_from(latest)) or 0)
    rows = session.execute(
        sa.select(AssessmentResult.policy_id, AssessmentResult.status, sa.func.count(AssessmentResult.id))
        .join(Assessment, AssessmentResult.assessment_id == Assessment.id)
        .join(latest, sa.and_(latest.c.case_id == Assessment.case_id, latest.c.seq == Assessment.seq))
        .where(AssessmentResult.status.in_(SHARED_STATUSES))
        .group_by(AssessmentResult.policy_id, AssessmentResult.status)
    ).all()
    counts: dict[str, dict[str, int]] = {pid: dict.fromkeys(SHARED_STATUSES, 0) for pid in policy_ids}
    for pid, status, n in rows:
        counts.setdefault(pid, dict.fromkeys(SHARED_STATUSES, 0))[status] = int(n)
    measures = sorted(
        (MeasureShare(pid, c["eligible"], c["needs_confirmation"], assessed) for pid, c in counts.items()),
        key=lambda m: (-(m.eligible + m.needs_confirmation), -m.eligible, m.policy_id),
    )
    return ConsultationStats(
        bucket=bucket,
        consultations=sum(cases.values()),
        people=len(everyone),
        assessed=assessed,
        buckets=tuple(BucketCount(b, cases[b], len(people[b])) for b in sorted(cases)),
        measures=tuple(measures),
    )
