"""Pseudonymous sender ids: an HMAC of the channel user id, never the raw id."""

from __future__ import annotations

import hashlib
import hmac

from caselog.salt import sender_salt


def load_salt() -> bytes:
    """CASELOG_SALT, else the salt file the run command keeps (caselog.salt); SaltMissing says what to set."""
    return sender_salt()


def sender_id(channel: str, user_id: str | int, salt: bytes) -> str:
    """A stable id for (channel, user) that does not reveal the user id without the salt."""
    digest = hmac.new(salt, f"{channel}:{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"{channel[:2]}-{digest[:32]}"
