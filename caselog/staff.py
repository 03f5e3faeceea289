"""Staff accounts: add, list, disable/enable, change password, verify a login. The caller commits.

A user name is stored as typed (stripped); logins and throttling compare its normalised form
(`normalise_username`: NFKC, case-folded, no surrounding blanks), so "Zhang.San " is "zhang.san".
Disabling an account or changing its password ends all of its sessions at once.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog.errors import BadInput
from caselog.models import ROLES, StaffSession, StaffUser, utcnow
from caselog.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    burn_time,
    hash_password,
    needs_rehash,
    verify_password,
)


def normalise_username(username: str) -> str:
    return unicodedata.normalize("NFKC", username).strip().casefold()


@dataclass(frozen=True)
class StaffAccount:
    username: str
    role: str
    station: str | None
    active: bool
    created_at: dt.datetime

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def of(cls, user: StaffUser) -> StaffAccount:
        return cls(user.username, user.role, user.station, user.is_active, user.created_at)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadInput(f"a staff password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise BadInput(f"a staff password has at most {MAX_PASSWORD_LENGTH} characters")


def _check_role_station(role: str, station: str | None) -> str | None:
    if role not in ROLES:
        raise BadInput(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    station = (station or "").strip() or None
    if station is not None and len(station) > 64:
        raise BadInput("a station name has at most 64 characters")
    if role == "staff" and station is None:
        raise BadInput("station staff need a station (--station NAME); admins see every station")
    return station


def find_user(session: Session, username: str) -> StaffUser | None:
    key = normalise_username(username)
    if not key:
        return None
    for user in session.scalars(sa.select(StaffUser).where(sa.func.lower(StaffUser.username) == key.lower())):
        if normalise_username(user.username) == key:
            return user
    return None


def _get(session: Session, username: str) -> StaffUser:
    user = find_user(session, username)
    if user is None:
        raise BadInput(f"no staff user {username.strip()!r}")
    return user


def create_staff_user(
    session: Session, username: str, password: str, *, role: str = "staff", station: str | None = None
) -> StaffUser:
    """Create a staff login. Raises BadInput for a taken name, a short password or a station-less staff role."""
    username = unicodedata.normalize("NFKC", username).strip()
    if not username or len(username) > 64:
        raise BadInput("a username needs 1 to 64 characters")
    station = _check_role_station(role, station)
    _check_password(password)
    if find_user(session, username) is not None:
        raise BadInput(f"staff user {username!r} already exists")
    now = utcnow()
    user = StaffUser(
        username=username,
        password_hash=hash_password(password),
        created_at=now,
        role=role,
        station=station,
        password_changed_at=now,
    )
    session.add(user)
    session.flush()
    return user


def revoke_sessions(session: Session, user: StaffUser, now: dt.datetime | None = None) -> int:
    result = session.execute(
        sa.update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def set_staff_password(session: Session, username: str, password: str) -> StaffUser:
    user = _get(session, username)
    _check_password(password)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    revoke_sessions(session, user, user.password_changed_at)
    return user


def set_staff_active(session: Session, username: str, active: bool) -> StaffUser:
    user = _get(session, username)
    user.is_active = active
    if not active:
        revoke_sessions(session, user)
    return user


def set_staff_role(session: Session, username: str, *, role: str, station: str | None) -> StaffUser:
    user = _get(session, username)
    user.station = _check_role_station(role, station)
    user.role = role
    revoke_sessions(session, user)  # sessions carry what the account may see
    return user


def list_staff(session: Session) -> list[StaffAccount]:
    return [StaffAccount.of(u) for u in session.scalars(sa.select(StaffUser).order_by(StaffUser.username))]


def stations(session: Session) -> list[str]:
    """The stations staff accounts belong to, sorted."""
    rows = session.scalars(sa.select(StaffUser.station).where(StaffUser.station.is_not(None)).distinct())
    return sorted(s for s in rows if s)


def verify_staff_password(session: Session, username: str, password: str) -> StaffUser | None:
    """The active staff user if the password is right, else None (same time either way).

    A right password stored at a lower cost than today's is re-hashed (the caller commits)."""
    user = find_user(session, username)
    if user is None or not user.is_active:
        burn_time(password)
        return None
    if not verify_password(password, user.password_hash):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
