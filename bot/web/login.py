"""Login and logout, and loading the server-side staff session of each request (caselog.staff_sessions).

A login is throttled (bot.web.login_throttle) before its password is checked, and at most
PASSWORD_CHECKS scrypt checks run at once (each holds 128 MiB). Logins, failed ones too, and logouts go
to the audit trail.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from bot.web.auth import check_csrf, safe_next, session_of
from bot.web.limits import client_address
from bot.web.session import KNOWN_COOKIE, KNOWN_DAYS, SessionData
from bot.web.state import DB, AppState, app_state, audit_request
from caselog import audit, staff, staff_sessions
from caselog.passwords import MAX_PASSWORD_LENGTH

log = logging.getLogger(__name__)
router = APIRouter()
PASSWORD_CHECKS = threading.BoundedSemaphore(2)
WRONG = "用户名或密码不正确。"


def load_live_session(state: AppState, token: str) -> SessionData | None:
    """The request's session from the case log, or None when it has ended (it is then marked so)."""
    settings = state.settings
    with state.sessions() as db, db.begin():
        live = staff_sessions.load_session(
            db,
            token,
            idle=dt.timedelta(minutes=settings.session_idle_minutes),
            lifetime=dt.timedelta(hours=settings.session_hours),
        )
    if live is None:
        return None
    return SessionData(
        user=live.username,
        role=live.role,
        station=live.station,
        token=live.token,
        csrf=live.csrf,
        conv=live.conversation,
    )


def save_conversation(state: AppState, session: SessionData) -> None:
    if session.token:
        with state.sessions() as db, db.begin():
            staff_sessions.set_conversation(db, session.token, session.conv)


def _too_many(request: Request, next_url: str, seconds: float) -> Any:
    minutes = max(1, math.ceil(seconds / 60))
    error = f"尝试次数过多，请 {minutes} 分钟后再试。"
    return app_state(request).render(request, "login.html", status_code=429, next=next_url, error=error)


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Any:
    return app_state(request).render(request, "login.html", next=safe_next(next))


@router.post("/login")
def login(
    request: Request,
    db: DB,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Any:
    check_csrf(request, csrf_token)
    state = app_state(request)
    next_url = safe_next(next)
    address = client_address(request, state.settings.trusted_proxies)
    name_key = staff.normalise_username(username)[:64]
    known = state.signer.is_known(request.cookies.get(KNOWN_COOKIE), name_key)
    refusal = state.login_throttle.check(name_key, address, known_device=known)
    if refusal is not None:
        log.warning("login throttled (%s) from %s", refusal.reason, address)
        return _too_many(request, next_url, refusal.retry_after)
    user = None
    if name_key and password and len(password) <= MAX_PASSWORD_LENGTH:
        with PASSWORD_CHECKS:
            user = staff.verify_staff_password(db, username, password)
    if user is None:
        state.login_throttle.failed(name_key)
        audit.record(db, "login_failed", actor=username.strip()[:64] or None, address=address)
        db.commit()
        return state.render(request, "login.html", status_code=401, next=next_url, error=WRONG)
    live = staff_sessions.open_session(db, user, address=address)
    audit.record(db, "login", actor=user.username, address=address)
    db.commit()
    state.login_throttle.succeeded(name_key)
    session_of(request).logged_in(user.username, user.role, user.station, live.token, live.csrf, live.conversation)
    log.info("staff login: %s", user.username)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        KNOWN_COOKIE,
        state.signer.remember(request.cookies.get(KNOWN_COOKIE), name_key),
        max_age=KNOWN_DAYS * 86400,
        httponly=True,
        samesite="strict",
        secure=state.settings.cookie_secure,
        path="/login",
    )
    return response


@router.post("/logout")
def logout(request: Request, db: DB, csrf_token: Annotated[str, Form()] = "") -> Any:
    check_csrf(request, csrf_token)
    session = session_of(request)
    if session.token:
        staff_sessions.close_session(db, session.token)
        audit_request(request, db, "logout", actor=session.user)
        db.commit()
    session.logout()
    return RedirectResponse("/login", status_code=303)
