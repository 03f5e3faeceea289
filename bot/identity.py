"""Pseudonymous sender ids: an HMAC of the channel user id, never the raw id."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SALT_ENV = "CASELOG_SALT"
SALT_FILE_ENV = "CASELOG_SALT_FILE"


def _salt_file() -> Path:
    return Path(os.environ.get(SALT_FILE_ENV, "var/sender-salt"))


def load_salt() -> bytes:
    """The secret from CASELOG_SALT, else a random one kept in var/sender-salt (created on first use)."""
    value = os.environ.get(SALT_ENV)
    if value:
        return value.encode("utf-8")
    path = _salt_file()
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        salt = secrets.token_hex(32).encode("ascii")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(salt)
        return salt


def sender_id(channel: str, user_id: str | int, salt: bytes) -> str:
    """A stable id for (channel, user) that does not reveal the user id without the salt."""
    digest = hmac.new(salt, f"{channel}:{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"{channel[:2]}-{digest[:32]}"
