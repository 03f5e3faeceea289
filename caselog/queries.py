"""Queries for the staff web app and the CLI. Every function takes an open Session.

Texts are masked on the way in (the channel and the spool already did; notes are masked here).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from caselog.access import EVERY_STATION, Scope
from caselog.errors import BadInput, CaseNotFound
from caselog.models import Assessment, AssessmentResult, Case, StaffNote, Turn, utcnow
from caselog.privacy import mask_text
from caselog.records import CaseDetail, CaseSummary, MeasureCount
from caselog.staff import create_staff_user, set_staff_password, verify_staff_password  # noqa: F401  (kept here)
from rules.vocabulary import SHANGHAI, day_end, day_start, parse_iso_date

BUCKETS = ("day", "week", "month")
MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds on every backend; above it nothing exists


def _as_datetime(value: dt.date | dt.datetime | None, *, end: bool = False) -> dt.datetime | None:
    """A date bound means the whole Shanghai day: since=D from D 00:00, until=D up to D+1 00:00 (UTC+8).

    A datetime is taken as it is (naive means UTC)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return day_end(value) if end else day_start(value)


def time_window(
    column: sa.ColumnElement[dt.datetime], since: dt.date | dt.datetime | None, until: dt.date | dt.datetime | None
) -> list[sa.ColumnElement[bool]]:
    """The conditions that keep `column` within [since, until] (dates inclusive, as Shanghai days)."""
    conds = []
    if since is not None:
        conds.append(column >= _as_datetime(since))
    if until is not None:
        conds.append(column < _as_datetime(until, end=True))
    return conds


def _case_filter(
    stmt: sa.Select[Any],
    *,
    since: dt.date | dt.datetime | None,
    until: dt.date | dt.datetime | None,
    channel: str | Collection[str] | None,
    policy_id: str | None,
    status: str | None,
    scope: Scope = EVERY_STATION,
) -> sa.Select[Any]:
    stmt = stmt.where(*time_window(Case.started_at, since, until), *scope.conditions())
    if isinstance(channel, str) and channel:
        stmt = stmt.where(Case.channel == channel)
    elif channel is not None and not isinstance(channel, str):  # several channels: any of them
        stmt = stmt.where(Case.channel.in_(list(channel)))
    if policy_id or status:
        conds = [Assessment.case_id == Case.id]
        if policy_id:
            conds.append(AssessmentResult.policy_id == policy_id)
        if status:
            conds.append(AssessmentResult.status == status)
        stmt = stmt.where(sa.exists(sa.select(AssessmentResult.id).join(Assessment).where(*conds)))
    return stmt


def list_cases(
    session: Session,
    *,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
    channel: str | Collection[str] | None = None,
    policy_id: str | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
    scope: Scope = EVERY_STATION,
) -> list[CaseSummary]:
    """Cases started in [since, until] (dates inclusive), newest first.

    `policy_id` / `status` keep the cases where some assessment gave that measure (that status)."""
    turns = sa.select(sa.func.count(Turn.id)).where(Turn.case_id == Case.id).scalar_subquery()
    assessments = sa.select(sa.func.count(Assessment.id)).where(Assessment.case_id == Case.id).scalar_subquery()
    stmt = sa.select(Case, turns, assessments)
    stmt = _case_filter(
        stmt, since=since, until=until, channel=channel, policy_id=policy_id, status=status, scope=scope
    )
    stmt = stmt.order_by(Case.started_at.desc(), Case.id.desc()).limit(max(0, limit)).offset(max(0, offset))
    rows = session.execute(stmt).all()
    latest = _latest_statuses(session, [case.id for case, _, _ in rows])
    return [CaseSummary.of(case, turns, assessments, latest.get(case.id, {})) for case, turns, assessments in rows]


def _latest_statuses(session: Session, case_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    if not case_ids:
        return {}
    # the latest by time, not by spool seq: with several Rasa servers a case's records come from several spools
    ranked = (
        sa.select(
            Assessment.id,
            sa.func.row_number()
            .over(partition_by=Assessment.case_id, order_by=(Assessment.ts.desc(), Assessment.id.desc()))
            .label("rank"),
        )
        .where(Assessment.case_id.in_(case_ids))
        .subquery()
    )
    rows = session.execute(
        sa.select(Assessment.case_id, AssessmentResult.policy_id, AssessmentResult.status)
        .join(AssessmentResult, AssessmentResult.assessment_id == Assessment.id)
        .join(ranked, sa.and_(ranked.c.id == Assessment.id, ranked.c.rank == 1))
        .order_by(AssessmentResult.id)
    ).all()
    out: dict[int, dict[str, str]] = defaultdict(dict)
    for case_id, policy_id, status in rows:
        out[case_id][policy_id] = status
    return dict(out)


def get_case(session: Session, case_id: int) -> Case | None:
    """The case with its turns, assessments (with results) and notes loaded, or None."""
    if not 0 < case_id <= MAX_ID:
        return None
    return session.scalars(
        sa.select(Case)
        .where(Case.id == case_id)
        .options(
            selectinload(Case.turns),
            selectinload(Case.assessments).selectinload(Assessment.results),
            selectinload(Case.notes),
        )
    ).first()


def case_detail(session: Session, case_id: int, scope: Scope = EVERY_STATION) -> CaseDetail | None:
    """The case, or None when there is none or `scope` may not see it."""
    case = get_case(session, case_id)
    return CaseDetail.of(case) if case is not None and scope.allows(case) else None


def iter_case_details(session: Session, **filters: Any) -> Iterable[CaseDetail]:
    """Every matching case with its turns, assessments and notes, oldest first, fetched in pages (for export)."""
    page = 200
    last_id = 0
    while True:
        stmt = _case_filter(sa.select(Case.id), **filters).where(Case.id > last_id).order_by(Case.id).limit(page)
        ids = list(session.scalars(stmt))
        if not ids:
            return
        for case_id in ids:
            detail = case_detail(session, case_id)
            if detail is not None:
                yield detail
        last_id = ids[-1]
        session.expunge_all()


def add_note(session: Session, case_id: int, author: str, text: str, scope: Scope = EVERY_STATION) -> StaffNote:
    """Add a staff note (masked like everything else) to a case; the caller commits."""
    text = text.strip()
    if not text:
        raise BadInput("a note needs some text")
    case = session.get(Case, case_id) if 0 < case_id <= MAX_ID else None
    if case is None or not scope.allows(case):
        raise CaseNotFound(f"no case with id {case_id}")
    note = StaffNote(case_id=case_id, author=author[:64], text=mask_text(text), created_at=utcnow())
    session.add(note)
    session.flush()
    return note


def _shanghai_day(session: Session, column: sa.ColumnElement[dt.datetime]) -> sa.ColumnElement[Any]:
    """The Shanghai date of a UTC column (stored without zone on every backend; Shanghai is UTC+8 all year)."""
    hours = int(SHANGHAI.utcoffset(None).total_seconds() // 3600)
    if session.get_bind().dialect.name == "sqlite":
        return sa.func.date(column, f"+{hours} hours")
    return sa.cast(column + sa.literal_column(f"INTERVAL '{hours} hours'"), sa.Date)


def _bucket_start(day: dt.date, bucket: str) -> dt.date:
    if bucket == "week":
        return day - dt.timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def counts_per_measure_and_status(
    session: Session,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
    bucket: str = "day",
    scope: Scope = EVERY_STATION,
) -> list[MeasureCount]:
    """Assessment results counted per time bucket (Shanghai day, ISO week from Monday, month), measure and status,
    sorted by bucket, measure, status."""
    if bucket not in BUCKETS:
        raise BadInput(f"bucket must be one of {', '.join(BUCKETS)}, not {bucket!r}")
    day = _shanghai_day(session, Assessment.ts).label("day")
    stmt = (
        sa.select(day, AssessmentResult.policy_id, AssessmentResult.status, sa.func.count(AssessmentResult.id))
        .join(Assessment, AssessmentResult.assessment_id == Assessment.id)
        .group_by(day, AssessmentResult.policy_id, AssessmentResult.status)
    )
    stmt = stmt.where(*time_window(Assessment.ts, since, until))
    if not scope.every:
        stmt = stmt.join(Case, Case.id == Assessment.case_id).where(*scope.conditions())
    totals: dict[tuple[dt.date, str, str], int] = defaultdict(int)
    for raw_day, policy_id, status, count in session.execute(stmt):
        d = parse_iso_date(raw_day)
        totals[(_bucket_start(d, bucket), policy_id, status)] += int(count)
    return [MeasureCount(b, p, s, n) for (b, p, s), n in sorted(totals.items())]


def assign_station(session: Session, case_id: int, station: str | None) -> Case:
    """Give a case to a station (a Telegram case the station took over), or back to admins only (None)."""
    case = session.get(Case, case_id) if 0 < case_id <= MAX_ID else None
    if case is None:
        raise CaseNotFound(f"no case with id {case_id}")
    station = (station or "").strip() or None
    if station is not None and len(station) > 64:
        raise BadInput("a station name has at most 64 characters")
    case.station = station
    return case


def purge_older_than(session: Session, days: int, *, now: dt.datetime | None = None) -> int:
    """Delete cases (with turns, assessments, notes) that ended, or started if open, more than
    `days` days ago. Returns how many cases were deleted; the caller commits."""
    if days < 0:
        raise BadInput("--older-than needs a number of days >= 0")
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    ids = list(session.scalars(sa.select(Case.id).where(sa.func.coalesce(Case.ended_at, Case.started_at) < cutoff)))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        a_ids = sa.select(Assessment.id).where(Assessment.case_id.in_(chunk))
        session.execute(sa.delete(AssessmentResult).where(AssessmentResult.assessment_id.in_(a_ids)))
        session.execute(sa.delete(Assessment).where(Assessment.case_id.in_(chunk)))
        session.execute(sa.delete(Turn).where(Turn.case_id.in_(chunk)))
        session.execute(sa.delete(StaffNote).where(StaffNote.case_id.in_(chunk)))
        session.execute(sa.delete(Case).where(Case.id.in_(chunk)))
    return len(ids)
