"""FastAPI app factory: sessions, security headers, login/logout, the widget page, health check."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request
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
from bot.web.limits import MAX_BODY_BYTES, BodySizeLimit
from bot.web.login import load_live_session, save_conversation
from bot.web.login import router as login_router
from bot.web.session import COOKIE_NAME, SessionData, SessionSigner
from bot.web.settings import WebSettings
from bot.web.state import HERE, AppState
from caselog.db import make_engine, session_factory

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def create_app(
    settings: WebSettings | None = None,
    *,
    engine: sa.Engine | None = None,
    rasa: RasaClient | None = None,
    salt: bytes | None = None,
) -> FastAPI:
    settings = settings or WebSettings.from_env()
    engine = engine or make_engine(settings.database_url)
    state = AppState(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        rasa=rasa or RasaClient(settings.rasa_url),
        salt=salt if salt is not None else load_salt(),
        signer=SessionSigner(settings.secret_key, settings.session_hours * 3600),
    )
    app = FastAPI(title="稳就业政策助手 · 工作台", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.wjy = state
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(login_router)
    app.include_router(audit_router)
    app.include_router(chat_router)
    app.include_router(cases_router)

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
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(NotLoggedIn)
    async def not_logged_in(request: Request, exc: NotLoggedIn) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "staff login required"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

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

    @app.get("/healthz")
    def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.get("/", response_class=HTMLResponse)
    def widget(request: Request, user: Staff) -> Any:
        return state.render(request, "widget.html", today=today().isoformat())

    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)  # outermost: before anything reads a body
    return app
