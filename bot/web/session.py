"""The session cookie (HMAC-SHA256 signed, HttpOnly, SameSite=Strict) and what a request knows of its session.

Logged in, the cookie carries only the token of a server-side session (caselog.staff_sessions), which
holds the CSRF token and the widget's conversation id and is checked on every request. Before login it
carries the CSRF token of the login form and nothing else. A second signed cookie remembers, per browser,
which user names logged in from it (for the login throttle's "known device" exception).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

COOKIE_NAME = "wjy_session"
KNOWN_COOKIE = "wjy_known"
KNOWN_MAX = 8  # user names remembered per browser
KNOWN_DAYS = 90


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class SessionData:
    user: str | None = None
    role: str | None = None
    station: str | None = None
    token: str | None = None  # the server-side session's token, when logged in
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    conv: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    dirty: bool = False
    conv_changed: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def logged_in(self, user: str, role: str, station: str | None, token: str, csrf: str, conv: str) -> None:
        """The fresh server-side session of `user` (its own CSRF token and conversation: no fixation)."""
        self.user, self.role, self.station, self.token = user, role, station, token
        self.csrf, self.conv = csrf, conv
        self.dirty = True

    def logout(self) -> None:
        self.user = self.role = self.station = self.token = None
        self.csrf = secrets.token_urlsafe(24)
        self.conv = secrets.token_urlsafe(16)
        self.dirty = True

    def new_conversation(self) -> None:
        self.conv = secrets.token_urlsafe(16)
        self.dirty = self.conv_changed = True

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(token.encode(), self.csrf.encode())  # type: ignore[union-attr]

    def cookie_body(self) -> dict[str, Any]:
        return {"s": self.token} if self.token else {"c": self.csrf, "v": self.conv, "i": time.time()}


class SessionSigner:
    def __init__(self, key: bytes, max_age: float) -> None:
        self.key = key
        self.max_age = max_age

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self.key, body.encode("ascii"), hashlib.sha256).digest())

    def sign(self, payload: dict[str, Any]) -> str:
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        return f"{body}.{self._mac(body)}"

    def unsign(self, cookie: str | None) -> dict[str, Any] | None:
        if not cookie or "." not in cookie or len(cookie) > 4096:
            return None
        body, mac = cookie.rsplit(".", 1)
        if not hmac.compare_digest(mac.encode(), self._mac(body).encode()):
            return None
        try:
            raw = json.loads(_unb64(body))
        except ValueError:
            return None
        return raw if isinstance(raw, dict) else None

    def anonymous(self, cookie: str | None) -> SessionData | None:
        """The login form's session from an anonymous cookie (None if absent, forged or too old)."""
        raw = self.unsign(cookie)
        try:
            if raw is None or "s" in raw or time.time() - float(raw["i"]) > self.max_age:
                return None
            return SessionData(csrf=str(raw["c"]), conv=str(raw["v"]))
        except (KeyError, TypeError, ValueError):
            return None

    def session_token(self, cookie: str | None) -> str | None:
        raw = self.unsign(cookie)
        token = raw.get("s") if raw else None
        return token if isinstance(token, str) and 20 <= len(token) <= 128 else None

    # ------------------------------------------------------------ known devices
    def _name_mark(self, name_key: str) -> str:
        return _b64(hmac.new(self.key, b"known:" + name_key.encode("utf-8"), hashlib.sha256).digest()[:12])

    def known_names(self, cookie: str | None) -> list[str]:
        raw = self.unsign(cookie)
        marks = raw.get("k") if raw else None
        return [m for m in marks if isinstance(m, str)][:KNOWN_MAX] if isinstance(marks, list) else []

    def is_known(self, cookie: str | None, name_key: str) -> bool:
        return self._name_mark(name_key) in self.known_names(cookie)

    def remember(self, cookie: str | None, name_key: str) -> str:
        marks = [m for m in self.known_names(cookie) if m != self._name_mark(name_key)]
        return self.sign({"k": [self._name_mark(name_key), *marks][:KNOWN_MAX]})
