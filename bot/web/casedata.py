"""The web app's view of the case log: calls caselog.queries and turns results into plain dicts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from caselog import queries
from rules.vocabulary import local_time, status_label, status_rank


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def case_summary(item: Any, titles: Mapping[str, str]) -> dict[str, Any]:
    """A row of the case list from a caselog CaseSummary (or a loaded Case)."""
    if hasattr(item, "latest_statuses"):
        statuses = dict(item.latest_statuses)
        turns, assessments = item.turn_count, item.assessment_count
    else:
        loaded = list(item.assessments)
        statuses = {r.policy_id: r.status for r in loaded[-1].results} if loaded else {}
        turns, assessments = len(item.turns), len(loaded)
    return {
        "id": item.id,
        "channel": item.channel,
        "started_at": local_time(item.started_at),
        "ended_at": local_time(item.ended_at),
        "turns": turns,
        "assessments": assessments,
        "eligible": [titles.get(pid, pid) for pid, st in statuses.items() if st == "eligible"],
        "needs_confirmation": [titles.get(pid, pid) for pid, st in statuses.items() if st == "needs_confirmation"],
    }


def search_cases(
    session: Session,
    *,
    since: dt.date | None,
    until: dt.date | None,
    channel: str | None,
    policy_id: str | None,
    status: str | None,
    limit: int,
    offset: int,
    titles: Mapping[str, str],
) -> list[dict[str, Any]]:
    found = queries.list_cases(
        session,
        since=since,
        until=until,
        channel=channel or None,
        policy_id=policy_id or None,
        status=status or None,
        limit=limit,
        offset=offset,
    )
    return [case_summary(item, titles) for item in found]


def case_detail(session: Session, case_id: int, titles: Mapping[str, str]) -> dict[str, Any] | None:
    case = queries.get_case(session, case_id)
    if case is None:
        return None
    out = case_summary(case, titles)
    out["turns_list"] = [
        {
            "speaker": _get(t, "speaker"),
            "text": _get(t, "text") or "",
            "intent": _get(t, "intent") or "",
            "ts": local_time(_get(t, "ts")),
        }
        for t in _get(case, "turns", None) or []
    ]
    out["assessments_list"] = [
        {
            "ts": local_time(_get(a, "ts")),
            "as_of": str(_get(a, "as_of") or ""),
            "rules_version": _get(a, "rules_version") or "",
            "facts": dict(_get(a, "facts", None) or {}),
            "results": [
                {
                    "policy_id": _get(r, "policy_id"),
                    "title": titles.get(_get(r, "policy_id"), _get(r, "policy_id")),
                    "status": _get(r, "status"),
                    "status_label": status_label(_get(r, "status") or ""),
                }
                for r in sorted(_get(a, "results", None) or [], key=lambda r: status_rank(_get(r, "status")))
            ],
        }
        for a in _get(case, "assessments", None) or []
    ]
    out["notes_list"] = [
        {"author": _get(n, "author"), "text": _get(n, "text"), "created_at": local_time(_get(n, "created_at"))}
        for n in _get(case, "notes", None) or []
    ]
    return out


def add_note(session: Session, case_id: int, author: str, text: str) -> None:
    queries.add_note(session, case_id, author, text)
    session.commit()


def stats(
    session: Session, *, since: dt.date | None, until: dt.date | None, bucket: str
) -> list[tuple[str, str, str, int]]:
    """(bucket label, policy_id, status, count) rows."""
    rows = queries.counts_per_measure_and_status(session, since=since, until=until, bucket=bucket)
    out: list[tuple[str, str, str, int]] = []
    for row in rows:
        if isinstance(row, Mapping) or hasattr(row, "policy_id"):
            b, pid, st, n = _get(row, "bucket"), _get(row, "policy_id"), _get(row, "status"), _get(row, "count")
        else:
            b, pid, st, n = row
        label = b.isoformat()[:10] if isinstance(b, dt.date | dt.datetime) else str(b)
        out.append((label, str(pid), str(st), int(n)))
    return out


def verify_staff(session: Session, username: str, password: str) -> bool:
    return bool(queries.verify_staff_password(session, username, password))
