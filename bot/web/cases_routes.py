"""Case search, case detail with staff notes, and the consultation chart (pages and JSON API)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from sqlalchemy.orm import Session

from bot.web import casedata
from bot.web.auth import Admin, Staff, Visible, check_csrf
from bot.web.channel_filter import channel_key, channel_options, channels_for
from bot.web.state import DB, app_state, audit_request
from caselog.access import Scope
from caselog.handoff import handoffs_of_case
from caselog.records import CaseSummary
from rules.vocabulary import STATUSES, parse_iso_date

router = APIRouter()
PAGE_SIZE = 50
MAX_PAGE = 10_000  # a larger page number shows the (empty) last page instead of overflowing the database


def _date(value: str | None) -> dt.date | None:
    """A date filter from the query string; a bad one is ignored like an absent one."""
    try:
        return parse_iso_date(value) if value else None
    except ValueError:
        return None


def _filters(request: Request) -> dict[str, Any]:
    q = request.query_params
    state = app_state(request)
    policy = q.get("policy_id") or None
    status = q.get("status") or None
    try:
        page = min(MAX_PAGE, max(1, int(q.get("page") or 1)))
    except ValueError:
        page = 1
    return {
        "since": _date(q.get("since")),
        "until": _date(q.get("until")),
        "channel": channel_key(q.get("channel")),
        "policy_id": policy if policy in state.titles else None,
        "status": status if status in STATUSES else None,
        "page": page,
    }


def _search(session: Session, f: dict[str, Any], scope: Scope) -> list[CaseSummary]:
    return casedata.search_cases(
        session,
        scope=scope,
        since=f["since"],
        until=f["until"],
        channel=channels_for(f["channel"]),
        policy_id=f["policy_id"],
        status=f["status"],
        limit=PAGE_SIZE + 1,
        offset=(f["page"] - 1) * PAGE_SIZE,
    )


@router.get("/cases", response_class=HTMLResponse)
def cases_page(request: Request, user: Staff, scope: Visible, session: DB) -> Any:
    f = _filters(request)
    found = _search(session, f, scope)
    query = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in f.items() if v and k != "page"}
    return app_state(request).render(
        request,
        "cases.html",
        cases=found[:PAGE_SIZE],
        more=len(found) > PAGE_SIZE,
        f=f,
        query=query,
        channel_options=channel_options(),
    )


@router.get("/api/cases")
def cases_api(request: Request, user: Staff, scope: Visible, session: DB) -> JSONResponse:
    f = _filters(request)
    found = _search(session, f, scope)
    cases = [c.to_dict() for c in found[:PAGE_SIZE]]
    return JSONResponse({"cases": cases, "more": len(found) > PAGE_SIZE, "page": f["page"]})


def _viewed(request: Request, session: Session, user: str, case_id: int, how: str) -> None:
    audit_request(request, session, "case_view", actor=user, target=case_id, detail=how)
    session.commit()


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(case_id: int, request: Request, user: Staff, scope: Visible, session: DB) -> Any:
    case = casedata.case_detail(session, case_id, scope)
    if case is None:
        return app_state(request).render(request, "notfound.html", status_code=404)
    _viewed(request, session, user, case_id, "page")
    stations = casedata.stations(session) if scope.every else []
    return app_state(request).render(
        request, "case.html", case=case, stations=stations, handoffs=handoffs_of_case(session, case_id)
    )


@router.get("/api/cases/{case_id}")
def case_api(case_id: int, request: Request, user: Staff, scope: Visible, session: DB) -> JSONResponse:
    case = casedata.case_detail(session, case_id, scope)
    if case is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    _viewed(request, session, user, case_id, "api")
    return JSONResponse(case.to_dict())


@router.post("/cases/{case_id}/notes")
def add_note(
    case_id: int,
    request: Request,
    user: Staff,
    scope: Visible,
    session: DB,
    note: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Any:
    check_csrf(request, csrf_token)
    text = note.strip()
    state = app_state(request)
    case = casedata.case_detail(session, case_id, scope)
    if case is None:
        return state.render(request, "notfound.html", status_code=404)
    if not text or len(text) > 2000:
        return state.render(
            request,
            "case.html",
            status_code=400,
            case=case,
            handoffs=handoffs_of_case(session, case_id),
            error="备注不能为空，且不超过2000字。",
        )
    audit_request(request, session, "note", actor=user, target=case_id, detail=f"{len(text)} characters")
    casedata.add_note(session, case_id, user, text, scope)
    return RedirectResponse(f"/cases/{case_id}#notes", status_code=303)


@router.post("/cases/{case_id}/station")
def assign_station(
    case_id: int,
    request: Request,
    user: Admin,
    session: DB,
    station: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Any:
    """An admin gives a case to the station that takes it over (or back to admins only, with no station)."""
    check_csrf(request, csrf_token)
    if casedata.case_detail(session, case_id) is None:
        return app_state(request).render(request, "notfound.html", status_code=404)
    casedata.assign_station(session, case_id, station.strip() or None)
    audit_request(
        request, session, "case_assign", actor=user, target=case_id, detail=f"station {station.strip() or '-'}"
    )
    session.commit()
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
