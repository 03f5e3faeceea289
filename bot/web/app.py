"""FastAPI app factory: sessions, security headers, login/logout, the widget page, health check."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from bot.identity import load_salt
from bot.rasa_client import RasaClient
from bot.web import casedata
from bot.web.auth import CsrfFailed, NotLoggedIn, Staff, check_csrf, safe_next, session_of
from bot.web.cases_routes import router as cases_router
from bot.web.chat_api import router as chat_router
from bot.web.conversation import today
from bot.web.session import COOKIE_NAME, SessionData, SessionSigner
from bot.web.settings import WebSettings
from bot.web.state import DB, HERE, AppState, app_state
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
    app.include_router(chat_router)
    app.include_router(cases_router)

    @app.middleware("http")
    async def sessions(request: Request, call_next: Any) -> Response:
        loaded = state.signer.loads(request.cookies.get(COOKIE_NAME))
        request.state.session = loaded or SessionData(dirty=True)
        response: Response = await call_next(request)
        session: SessionData = request.state.session
        if session.dirty:
            response.set_cookie(
                COOKIE_NAME,
                state.signer.dumps(session),
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

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/") -> Any:
        return state.render(request, "login.html", next=safe_next(next))

    @app.post("/login")
    def login(
        request: Request,
        session: DB,
        username: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
        csrf_token: Annotated[str, Form()] = "",
        next: Annotated[str, Form()] = "/",
    ) -> Any:
        check_csrf(request, csrf_token)
        client = request.client.host if request.client else "?"
        if not app_state(request).login_limiter.allow(f"{client}:{username.lower()}"):
            return state.render(
                request, "login.html", status_code=429, next=safe_next(next), error="尝试次数过多，请一分钟后再试。"
            )
        if username and password and casedata.verify_staff(session, username.strip(), password):
            session_of(request).login(username.strip())
            log.info("staff login: %s", username.strip())
            return RedirectResponse(safe_next(next), status_code=303)
        return state.render(request, "login.html", status_code=401, next=safe_next(next), error="用户名或密码不正确。")

    @app.post("/logout")
    def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Any:
        check_csrf(request, csrf_token)
        session_of(request).logout()
        return RedirectResponse("/login", status_code=303)

    return app
