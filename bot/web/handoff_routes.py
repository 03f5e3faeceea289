"""待人工: people on Telegram who asked for a human; a worker answers from here and hands them back to the bot.

Stations (caselog.access): a handoff waiting for a worker is open to every station's staff (one of them
takes it over); taking it gives the case to the taker's station, and from then on only that station's staff
and admins see it. The case's earlier transcript shows only to those who may see the case.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field

from bot.web.auth import Staff, Visible, csrf_header, session_of
from bot.web.state import DB, app_state
from bot.web.wording import describe_payload
from caselog import handoff as handoffs
from caselog import queries
from caselog.access import Scope
from caselog.errors import BadInput, CaseNotFound
from caselog.models import Case, Handoff
from rules.vocabulary import local_time

router = APIRouter()


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=handoffs.MAX_TEXT)


def handoff_json(h: Handoff) -> dict[str, Any]:
    return {
        "id": h.id,
        "case_id": h.case_id,
        "channel": h.channel,
        "state": h.state,
        "state_label": handoffs.STATE_LABELS.get(h.state, h.state),
        "taken_by": h.taken_by,
        "requested_at": local_time(h.requested_at),
        "messages": [
            {
                "id": m.id,
                "direction": m.direction,
                "author": m.author,
                "text": describe_payload(m.text) if m.direction == "in" else m.text,
                "at": local_time(m.created_at, seconds=True),
                "delivered": m.delivered_at is not None,
                "error": m.error,
            }
            for m in h.messages
        ],
    }


def _may_see(session: DB, h: Handoff, scope: Scope) -> bool:
    if scope.every:
        return True
    case = session.get(Case, h.case_id) if h.case_id else None
    if case is not None and case.station is not None:
        return scope.allows(case)
    return h.state == "requested"  # waiting for a worker: any station may take it over


def _found(session: DB, handoff_id: int, scope: Scope) -> Handoff | None:
    h = handoffs.get_handoff(session, handoff_id) if 0 < handoff_id <= queries.MAX_ID else None
    return h if h is not None and _may_see(session, h, scope) else None


@router.get("/handoffs", response_class=HTMLResponse)
def handoffs_page(request: Request, user: Staff, scope: Visible, session: DB) -> Any:
    rows = [r for r in handoffs.open_handoffs(session) if _row_visible(session, r, scope)]
    return app_state(request).render(request, "handoffs.html", rows=rows)


def _row_visible(session: DB, row: handoffs.HandoffRow, scope: Scope) -> bool:
    h = handoffs.get_handoff(session, row.id)
    return h is not None and _may_see(session, h, scope)


@router.get("/handoffs/{handoff_id}", response_class=HTMLResponse)
def handoff_page(handoff_id: int, request: Request, user: Staff, scope: Visible, session: DB) -> Any:
    h = _found(session, handoff_id, scope)
    state = app_state(request)
    if h is None:
        return state.render(request, "notfound.html", status_code=404)
    case = queries.case_detail(session, h.case_id, scope) if h.case_id else None
    return state.render(request, "handoff.html", h=h, case=case, labels=handoffs.STATE_LABELS)


@router.get("/api/handoffs")
def handoffs_api(request: Request, user: Staff, scope: Visible, session: DB) -> JSONResponse:
    rows = [r for r in handoffs.open_handoffs(session) if _row_visible(session, r, scope)]
    return JSONResponse(
        {
            "waiting": sum(r.state == "requested" for r in rows),
            "handoffs": [
                {"id": r.id, "case_id": r.case_id, "state": r.state, "state_label": r.state_label, "waiting": r.waiting}
                for r in rows
            ],
        }
    )


@router.get("/api/handoffs/{handoff_id}")
def handoff_api(handoff_id: int, request: Request, user: Staff, scope: Visible, session: DB) -> JSONResponse:
    h = _found(session, handoff_id, scope)
    if h is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    return JSONResponse(handoff_json(h))


def _act(session: DB, handoff_id: int, scope: Scope, action: Any) -> JSONResponse:
    if _found(session, handoff_id, scope) is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    try:
        action()
        session.commit()
    except CaseNotFound:
        return JSONResponse({"error": "not found"}, status_code=404)
    except BadInput:
        session.rollback()
        return JSONResponse({"error": "这个对话已经交还给机器人了。"}, status_code=409)
    h = handoffs.get_handoff(session, handoff_id)
    assert h is not None
    return JSONResponse(handoff_json(h))


@router.post("/api/handoffs/{handoff_id}/reply", dependencies=[Depends(csrf_header)])
def reply(handoff_id: int, body: ReplyIn, request: Request, user: Staff, scope: Visible, session: DB) -> JSONResponse:
    if not body.text.strip():
        return JSONResponse({"error": "请输入内容。"}, status_code=400)
    return _act(session, handoff_id, scope, lambda: handoffs.add_reply(session, handoff_id, user, body.text))


@router.post("/api/handoffs/{handoff_id}/take", dependencies=[Depends(csrf_header)])
def take(handoff_id: int, request: Request, user: Staff, scope: Visible, session: DB) -> JSONResponse:
    station = session_of(request).station

    def take_over() -> None:
        h = handoffs.take(session, handoff_id, user)
        case = session.get(Case, h.case_id) if h.case_id else None
        if case is not None and case.station is None and station:
            queries.assign_station(session, case.id, station)  # the case is now this station's

    return _act(session, handoff_id, scope, take_over)


@router.post("/api/handoffs/{handoff_id}/back", dependencies=[Depends(csrf_header)])
def hand_back(handoff_id: int, request: Request, user: Staff, scope: Visible, session: DB) -> JSONResponse:
    return _act(session, handoff_id, scope, lambda: handoffs.hand_back(session, handoff_id, user))
