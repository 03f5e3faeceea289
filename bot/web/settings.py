"""Web app settings from the environment."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class WebSettings:
    secret_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    rasa_url: str | None = None
    database_url: str | None = None
    cookie_secure: bool = False
    session_hours: float = 12.0  # a staff session's absolute lifetime
    session_idle_minutes: float = 30.0  # ended after this long without a request
    trusted_proxies: frozenset[str] = frozenset()  # peers whose X-Forwarded-For names the client
    # the Rasa HTTP API token (docs/interfaces.md section 4) for reading a consultation back from its tracker
    rasa_api_token: str | None = None

    @classmethod
    def from_env(cls) -> WebSettings:
        key = os.environ.get("WEB_SECRET_KEY", "")
        if not key:
            log.warning(
                "WEB_SECRET_KEY is not set: using a random key for this process "
                "(staff sessions end when the web app restarts)"
            )
        return cls(
            secret_key=key.encode("utf-8") if key else secrets.token_bytes(32),
            rasa_url=os.environ.get("RASA_URL") or None,
            database_url=os.environ.get("DATABASE_URL") or None,
            cookie_secure=os.environ.get("WEB_COOKIE_SECURE", "").lower() in ("1", "true", "yes"),
            session_hours=float(os.environ.get("WEB_SESSION_HOURS", "12")),
            session_idle_minutes=float(os.environ.get("WEB_SESSION_IDLE_MINUTES", "30")),
            trusted_proxies=frozenset(p.strip() for p in os.environ.get("WEB_TRUSTED_PROXIES", "").split(",")) - {""},
            rasa_api_token=os.environ.get("RASA_API_TOKEN") or None,
        )
