"""Closing consultations nobody continued: a case with no turn for a while has ended.

Rasa starts a new session after `session_expiration_time` (domain.yml: 60 minutes) and the next message
opens a new case, so an open case idle that long is over: it ends at its last turn. The drain calls
`close_idle_cases` when it has nothing else to do (at most once a minute).
"""

from __future__ import annotations

import datetime as dt
import os

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog.models import Case, Turn, utcnow

DEFAULT_IDLE_MINUTES = 60.0


def idle_after_from_env() -> dt.timedelta:
    try:
        minutes = float(os.environ.get("CASELOG_CASE_IDLE_MINUTES", DEFAULT_IDLE_MINUTES))
    except ValueError:
        minutes = DEFAULT_IDLE_MINUTES
    return dt.timedelta(minutes=max(1.0, minutes))


def close_idle_cases(session: Session, idle_after: dt.timedelta, *, now: dt.datetime | None = None) -> int:
    """End every open case whose last turn (or start, without turns) is older than `idle_after`.

    A case ends at its last activity. Returns how many were closed; the caller commits."""
    cutoff = (now or utcnow()) - idle_after
    last_turn = sa.select(sa.func.max(Turn.ts)).where(Turn.case_id == Case.id).scalar_subquery()
    last = sa.func.coalesce(last_turn, Case.started_at)
    rows = session.execute(sa.select(Case, last).where(Case.ended_at.is_(None), last < cutoff)).all()
    for case, last_activity in rows:
        if last_activity.tzinfo is None:  # the coalesce comes back as the backend's naive UTC
            last_activity = last_activity.replace(tzinfo=dt.UTC)
        case.ended_at = max(last_activity, case.started_at)
        case.open_assessment_id = None
    return len(rows)
