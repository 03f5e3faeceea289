"""The web app's calls into the case log: typed records from caselog.queries (caselog/records.py).

The pages read the records' attributes (times through the `local_time` template filter); the JSON API
returns their `to_dict()`, the same form `caselog show/list --format json` prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy.orm import Session

from caselog import queries
from caselog.records import CaseDetail, CaseSummary, MeasureCount


def search_cases(
    session: Session,
    *,
    since: dt.date | None,
    until: dt.date | None,
    channel: str | Collection[str] | None,
    policy_id: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> list[CaseSummary]:
    return queries.list_cases(
        session,
        since=since,
        until=until,
        channel=channel or None,
        policy_id=policy_id or None,
        status=status or None,
        limit=limit,
        offset=offset,
    )


def case_detail(session: Session, case_id: int) -> CaseDetail | None:
    return queries.case_detail(session, case_id)


def add_note(session: Session, case_id: int, author: str, text: str) -> None:
    queries.add_note(session, case_id, author, text)
    session.commit()


def stats(session: Session, *, since: dt.date | None, until: dt.date | None, bucket: str) -> list[MeasureCount]:
    return queries.counts_per_measure_and_status(session, since=since, until=until, bucket=bucket)


def verify_staff(session: Session, username: str, password: str) -> bool:
    return bool(queries.verify_staff_password(session, username, password))
