"""The audit trail: who logged in (or failed to), viewed or exported cases, wrote notes, purged, changed staff.

Details are masked like every other text of the case log. Admins read it on the web (/audit) and with
`caselog audit`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog.models import AuditEvent, utcnow
from caselog.privacy import mask_text

ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "case_view",
    "case_assign",
    "export",
    "note",
    "purge",
    "staff",
)


@dataclass(frozen=True)
class AuditRecord:
    id: int
    ts: dt.datetime
    actor: str | None
    action: str
    target: str | None
    detail: str
    address: str | None

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "ts": self.ts.isoformat()}


def record(
    session: Session,
    action: str,
    *,
    actor: str | None,
    target: str | int | None = None,
    detail: str = "",
    address: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Add one event; the caller commits (with the change it records, so neither exists without the other)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(
        AuditEvent(
            ts=now or utcnow(),
            actor=mask_text(actor)[:64] if actor else None,
            action=action,
            target=str(target)[:128] if target is not None else None,
            detail=mask_text(detail)[:2000],
            address=address[:64] if address else None,
        )
    )


def events(
    session: Session,
    *,
    action: str | None = None,
    actor: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditRecord]:
    """Newest first."""
    stmt = sa.select(AuditEvent)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if actor:
        stmt = stmt.where(AuditEvent.actor == actor)
    if since is not None:
        stmt = stmt.where(AuditEvent.ts >= since)
    stmt = stmt.order_by(AuditEvent.ts.desc(), AuditEvent.id.desc()).limit(max(0, limit)).offset(max(0, offset))
    return [AuditRecord(e.id, e.ts, e.actor, e.action, e.target, e.detail, e.address) for e in session.scalars(stmt)]
