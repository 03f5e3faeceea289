"""Signed session cookie (HMAC-SHA256, HttpOnly, SameSite=Strict) carrying the login, CSRF token and chat id."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field

COOKIE_NAME = "wjy_session"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class SessionData:
    user: str | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    conv: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    issued: float = field(default_factory=time.time)
    dirty: bool = False

    def login(self, user: str) -> None:
        """A fresh session for `user` (new CSRF token and conversation: no fixation)."""
        self.user = user
        self.csrf = secrets.token_urlsafe(24)
        self.conv = secrets.token_urlsafe(16)
        self.issued = time.time()
        self.dirty = True

    def logout(self) -> None:
        self.user = None
        self.csrf = secrets.token_urlsafe(24)
        self.conv = secrets.token_urlsafe(16)
        self.dirty = True

    def new_conversation(self) -> None:
        self.conv = secrets.token_urlsafe(16)
        self.dirty = True

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(token.encode(), self.csrf.encode())  # type: ignore[union-attr]


class SessionSigner:
    def __init__(self, key: bytes, max_age: float) -> None:
        self.key = key
        self.max_age = max_age

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self.key, body.encode("ascii"), hashlib.sha256).digest())

    def dumps(self, data: SessionData) -> str:
        body = _b64(json.dumps({"u": data.user, "c": data.csrf, "v": data.conv, "i": data.issued}).encode())
        return f"{body}.{self._mac(body)}"

    def loads(self, cookie: str | None) -> SessionData | None:
        if not cookie or "." not in cookie:
            return None
        body, mac = cookie.rsplit(".", 1)
        if not hmac.compare_digest(mac.encode(), self._mac(body).encode()):
            return None
        try:
            raw = json.loads(_unb64(body))
            data = SessionData(user=raw["u"], csrf=str(raw["c"]), conv=str(raw["v"]), issued=float(raw["i"]))
        except (ValueError, KeyError, TypeError):
            return None
        if time.time() - data.issued > self.max_age:
            return None
        return data
