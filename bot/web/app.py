"""FastAPI app factory: sessions, security headers, login/logout, the widget page, health check."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from bot.identity import load_salt
from bot.rasa_client import RasaClient
from bot.web.audit_routes import router as audit_router
from bot.web.auth import CsrfFailed, NotAllowed, NotLoggedIn, Staff
from bot.web.cases_routes import router as cases_router
from bot.web.chat_api import router as chat_router
from bot.web.conversation import today
from bot.web.handoff_routes import router as handoff_router
from bot.web.inbox_routes import router as inbox_router
from bot.web.limits import MAX_BODY_BYTES, BodySizeLimit
from bot.web.login import load_live_session, save_conversation
from bot.web.login import router as login_router
from bot.web.printout import router as print_router
from bot.web.session import COOKIE_NAME, SessionData, SessionSigner
from bot.web.settings import WebSettings
from bot.web.state import HERE, AppState, app_state
from bot.web.stats_routes import router as stats_router
from caselog.db import make_engine, session_factory

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

pages = APIRouter()


def create_app(
    settings: WebSettings | None = None,
    *,
    engine: sa.Engine | None = None,
    rasa: RasaClient | None = None,
    salt: bytes | None = None,
) -> FastAPI:
    state = build_state(settings or WebSettings.from_env(), engine=engine, rasa=rasa, salt=salt)
    app = FastAPI(title="稳就业政策助手 · 工作台", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.wjy = state
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(pages)
    app.include_router(login_router)
    app.include_router(audit_router)
    app.include_router(chat_router)
    app.include_router(cases_router)
    app.include_router(stats_router)
    app.include_router(print_router)
    app.include_router(inbox_router)
    app.include_router(handoff_router)
    add_session_middleware(app, state)
    add_error_pages(app, state)
    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)  # outermost: before anything reads a body
    return app


def build_state(
    settings: WebSettings, *, engine: sa.Engine | None, rasa: RasaClient | None, salt: bytes | None
) -> AppState:
    engine = engine or make_engine(settings.database_url)
    return AppState(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        rasa=rasa or RasaClient(settings.rasa_url),
        salt=salt if salt is not None else load_salt(),
        signer=SessionSigner(settings.secret_key, settings.session_hours * 3600),
    )


def add_session_middleware(app: FastAPI, state: AppState) -> None:
    """The session of every request (server-side once logged in: bot/web/login.py), and the security
    headers on every response."""
    settings = state.settings

    @app.middleware("http")
    async def sessions(request: Request, call_next: Any) -> Response:
        cookie = request.cookies.get(COOKIE_NAME)
        token = state.signer.session_token(cookie)
        loaded = await run_in_threadpool(load_live_session, state, token) if token else state.signer.anonymous(cookie)
        request.state.session = loaded or SessionData(dirty=True)
        response: Response = await call_next(request)
        session: SessionData = request.state.session
        if session.token and session.conv_changed:
            await run_in_threadpool(save_conversation, state, session)
        if session.dirty:
            response.set_cookie(
                COOKIE_NAME,
                state.signer.sign(session.cookie_body()),
                max_age=int(settings.session_hours * 3600),
                httponly=True,
                samesite="strict",
                secure=settings.cookie_secure,
                path="/",
            )
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def add_error_pages(app: FastAPI, state: AppState) -> None:
    """Not logged in: the API says 401, a page redirects to the login. Not an admin, a failed CSRF check: 403."""

    @app.exception_handler(NotLoggedIn)
    async def not_logged_in(request: Request, exc: NotLoggedIn) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "staff login required"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(NotAllowed)
    async def not_allowed(request: Request, exc: NotAllowed) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "admins only"}, status_code=403)
        return state.render(request, "notfound.html", status_code=403)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "missing or wrong CSRF token"}, status_code=403)
        return PlainTextResponse("请求已过期或来源不明（CSRF 校验失败），请返回刷新页面后重试。", status_code=403)


@pages.get("/healthz")
def healthz() -> PlainTextResponse:
    return PlainTextResponse("ok")


@pages.get("/", response_class=HTMLResponse)
def widget(request: Request, user: Staff) -> Any:
    return app_state(request).render(request, "widget.html", today=today().isoformat())
