"""What the routes share: settings, templates, database sessions, the Rasa client, measure titles."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from bot.rasa_client import RasaClient
from bot.ratelimit import RateLimiter
from bot.web.limits import client_address
from bot.web.login_throttle import LoginThrottle
from bot.web.session import SessionSigner
from bot.web.settings import WebSettings
from bot.web.wording import describe_payload, fact_items
from caselog import audit
from caselog.handoff import STATE_LABELS as HANDOFF_LABELS
from caselog.handoff import waiting_count
from rules import default_policies
from rules.vocabulary import ACTIONABLE, CHANNEL_LABELS, OPINION_NUMBER, STATUSES, local_time, status_label

HERE = Path(__file__).resolve().parent


def load_templates() -> Jinja2Templates:
    found = Jinja2Templates(directory=str(HERE / "templates"))
    found.env.filters.update(local_time=local_time, status_label=status_label, said=describe_payload)
    found.env.globals.update(fact_items=fact_items, handoff_labels=HANDOFF_LABELS)
    found.env.globals.update(channels=CHANNEL_LABELS, actionable=ACTIONABLE, opinion_number=OPINION_NUMBER)
    return found


def measure_titles() -> dict[str, str]:
    return {p.id: p.title for p in default_policies()}


@dataclass
class AppState:
    settings: WebSettings
    engine: sa.Engine
    sessions: sessionmaker[Session]
    rasa: RasaClient
    salt: bytes
    signer: SessionSigner
    templates: Jinja2Templates = field(default_factory=load_templates)
    titles: dict[str, str] = field(default_factory=measure_titles)
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    chat_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(60, 60.0))

    def rasa_api_token(self) -> str | None:
        return self.settings.rasa_api_token

    def statuses(self) -> list[tuple[str, str]]:
        return [(s, status_label(s)) for s in STATUSES]

    def render(self, request: Request, name: str, status_code: int = 200, **context: Any) -> Any:
        session = request.state.session
        context.update(
            user=session.user,
            is_admin=session.is_admin,
            csrf_token=session.csrf,
            statuses=self.statuses(),
            titles=self.titles,
            waiting_handoffs=self.waiting_handoffs() if session.user else 0,
        )
        return self.templates.TemplateResponse(request, name, context, status_code=status_code)

    def waiting_handoffs(self) -> int:
        """How many people wait for a worker (the 待人工 badge); 0 when the case log cannot say."""
        try:
            with self.sessions() as s:
                return waiting_count(s)
        except sa.exc.SQLAlchemyError:
            return 0


def app_state(request: Request) -> AppState:
    return request.app.state.wjy


def audit_request(
    request: Request,
    session: Session,
    action: str,
    *,
    actor: str | None,
    target: str | int | None = None,
    detail: str = "",
) -> None:
    """Record a staff action with the address it came from (behind a trusted proxy, the client's)."""
    address = client_address(request, app_state(request).settings.trusted_proxies)
    audit.record(session, action, actor=actor, target=target, detail=detail, address=address)


def db(request: Request) -> Iterator[Session]:
    with app_state(request).sessions() as session:
        yield session


DB = Annotated[Session, Depends(db)]
