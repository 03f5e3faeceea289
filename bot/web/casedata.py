"""The web app's calls into the case log: typed records from caselog.queries (caselog/records.py).

The pages read the records' attributes (times through the `local_time` template filter); the JSON API
returns their `to_dict()`, the same form `caselog show/list --format json` prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy.orm import Session

from caselog import queries, staff
from caselog.access import EVERY_STATION, Scope
from caselog.records import CaseDetail, CaseSummary


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
    scope: Scope,
) -> list[CaseSummary]:
    return queries.list_cases(
        session,
        scope=scope,
        since=since,
        until=until,
        channel=channel or None,
        policy_id=policy_id or None,
        status=status or None,
        limit=limit,
        offset=offset,
    )


def case_detail(session: Session, case_id: int, scope: Scope = EVERY_STATION) -> CaseDetail | None:
    return queries.case_detail(session, case_id, scope)


def add_note(session: Session, case_id: int, author: str, text: str, scope: Scope) -> None:
    queries.add_note(session, case_id, author, text, scope)
    session.commit()


def assign_station(session: Session, case_id: int, station: str | None) -> None:
    queries.assign_station(session, case_id, station)


def stations(session: Session) -> list[str]:
    return staff.stations(session)
