"""Server-side staff sessions: the cookie carries a random token, the case log its SHA-256 and its state.

A session ends when its user logs out, changes password or is disabled (caselog.staff revokes them), after
IDLE without a request, and LIFETIME after login whatever happens. Every request re-reads the session
and its user, so a copied cookie stops working the moment any of that happens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog.models import StaffSession, StaffUser, utcnow

IDLE = dt.timedelta(minutes=30)
LIFETIME = dt.timedelta(hours=12)
TOUCH_EVERY = dt.timedelta(seconds=60)  # last_seen_at is written at most this often


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LiveSession:
    token: str
    username: str
    role: str
    station: str | None
    csrf: str
    conversation: str


def _live(token: str, row: StaffSession, user: StaffUser) -> LiveSession:
    return LiveSession(token, user.username, user.role, user.station, row.csrf, row.conversation)


def open_session(
    session: Session, user: StaffUser, *, address: str | None = None, now: dt.datetime | None = None
) -> LiveSession:
    """A new session for `user` (new token, CSRF token and conversation); the caller commits."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        token_hash=token_hash(token),
        user_id=user.id,
        csrf=secrets.token_urlsafe(24),
        conversation=secrets.token_urlsafe(16),
        created_at=now,
        last_seen_at=now,
        address=(address or "")[:64] or None,
    )
    session.add(row)
    session.flush()
    return _live(token, row, user)


def load_session(
    session: Session,
    token: str,
    *,
    idle: dt.timedelta = IDLE,
    lifetime: dt.timedelta = LIFETIME,
    now: dt.datetime | None = None,
) -> LiveSession | None:
    """The live session for `token`, or None (unknown, revoked, idle or too old, user gone or disabled).

    Marks the session as seen now; the caller commits."""
    now = now or utcnow()
    found = session.execute(
        sa.select(StaffSession, StaffUser)
        .join(StaffUser, StaffUser.id == StaffSession.user_id)
        .where(StaffSession.token_hash == token_hash(token))
    ).first()
    if found is None:
        return None
    row, user = found
    changed = user.password_changed_at
    if (
        row.revoked_at is not None
        or not user.is_active
        or now - row.last_seen_at > idle
        or now - row.created_at > lifetime
        or (changed is not None and changed > row.created_at)
    ):
        if row.revoked_at is None:
            row.revoked_at = now
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return _live(token, row, user)


def set_conversation(session: Session, token: str, conversation: str) -> None:
    session.execute(
        sa.update(StaffSession).where(StaffSession.token_hash == token_hash(token)).values(conversation=conversation)
    )


def close_session(session: Session, token: str, now: dt.datetime | None = None) -> None:
    session.execute(
        sa.update(StaffSession)
        .where(StaffSession.token_hash == token_hash(token), StaffSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )


def purge_sessions(session: Session, *, now: dt.datetime | None = None, lifetime: dt.timedelta = LIFETIME) -> int:
    """Delete sessions that can no longer be used (revoked or past their lifetime)."""
    cutoff = (now or utcnow()) - lifetime
    result = session.execute(
        sa.delete(StaffSession).where(sa.or_(StaffSession.revoked_at.is_not(None), StaffSession.created_at < cutoff))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
