"""Staff-only and admin-only guards, what a staff member may see (caselog.access), CSRF checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from bot.web.session import SessionData
from caselog.access import Scope, scope_of


class NotLoggedIn(Exception):
    """Raised by guards; the app answers 401 for /api/*, a redirect to /login for pages."""


class NotAllowed(Exception):
    """A staff member asked for what only admins may see; the app answers 403."""


class CsrfFailed(Exception):
    """A POST without the session's CSRF token (form field csrf_token or header X-CSRF-Token)."""


def session_of(request: Request) -> SessionData:
    return request.state.session  # set by the session middleware


def staff_user(request: Request) -> str:
    """Dependency: the logged-in staff user name."""
    user = session_of(request).user
    if not user:
        raise NotLoggedIn()
    return user


def admin_user(request: Request) -> str:
    """Dependency: the logged-in user name, who must be an admin."""
    user = staff_user(request)
    if not session_of(request).is_admin:
        raise NotAllowed()
    return user


def case_scope(request: Request) -> Scope:
    """Dependency: the cases the logged-in staff member may see (admins: every station's)."""
    staff_user(request)
    session = session_of(request)
    return scope_of(session.role or "staff", session.station)


def check_csrf(request: Request, token: str | None) -> None:
    if not session_of(request).csrf_ok(token or request.headers.get("X-CSRF-Token")):
        raise CsrfFailed()


def csrf_header(request: Request) -> None:
    """Dependency for JSON POSTs: the X-CSRF-Token header must match the session."""
    check_csrf(request, None)


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


Staff = Annotated[str, Depends(staff_user)]
Admin = Annotated[str, Depends(admin_user)]
Visible = Annotated[Scope, Depends(case_scope)]
