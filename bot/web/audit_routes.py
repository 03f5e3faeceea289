"""The audit trail for admins: /audit (a page) and /api/audit (JSON), newest first, 100 per page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from bot.web.auth import Admin
from bot.web.state import DB, app_state
from caselog import audit

router = APIRouter()
PAGE_SIZE = 100
MAX_PAGE = 10_000


def _page(request: Request) -> int:
    try:
        return min(MAX_PAGE, max(1, int(request.query_params.get("page") or 1)))
    except ValueError:
        return 1


def _action(request: Request) -> str | None:
    action = request.query_params.get("action") or None
    return action if action in audit.ACTIONS else None


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, user: Admin, session: DB) -> Any:
    page, action = _page(request), _action(request)
    found = audit.events(session, action=action, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return app_state(request).render(
        request,
        "audit.html",
        events=found[:PAGE_SIZE],
        more=len(found) > PAGE_SIZE,
        page=page,
        action=action,
        actions=audit.ACTIONS,
    )


@router.get("/api/audit")
def audit_api(request: Request, user: Admin, session: DB) -> JSONResponse:
    page, action = _page(request), _action(request)
    found = audit.events(session, action=action, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return JSONResponse(
        {"events": [e.to_dict() for e in found[:PAGE_SIZE]], "more": len(found) > PAGE_SIZE, "page": page}
    )
