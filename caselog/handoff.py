"""Live handoff in the case log: a person on Telegram asks for a human (人工), a worker answers from the web app.

States: `requested` (待人工: the drain saw the intent `human_handoff`), `active` (a worker took it), `closed`
(handed back to the bot). While a handoff is open the Telegram bridge forwards nothing to Rasa: it keeps the
person's messages here (`in`) and sends the worker's (`out`, the outbox) through the Bot API. Texts are masked
like every other text of the case log; the Telegram chat id is kept only until the handoff is closed and its
last message delivered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from caselog.errors import BadInput, CaseNotFound
from caselog.models import Handoff, HandoffMessage, utcnow
from caselog.privacy import mask_text

LIVE_CHANNELS = ("telegram",)  # channels with a bridge that can carry a worker's answer
OPEN_STATES = ("requested", "active")
STATE_LABELS = {"requested": "待人工", "active": "人工服务中", "closed": "已交还机器人"}
MAX_TEXT = 2000
HANDED_BACK_TEXT = "工作人员已结束人工服务。接下来由政策助手继续为您解答，直接发消息即可。"


def open_handoff(session: Session, user_hash: str) -> Handoff | None:
    return session.scalars(
        sa.select(Handoff)
        .where(Handoff.user_hash == user_hash, Handoff.state.in_(OPEN_STATES))
        .order_by(Handoff.id.desc())
        .limit(1)
    ).first()


def request_handoff(
    session: Session, *, user_hash: str, channel: str, case_id: int | None, at: dt.datetime | None = None
) -> Handoff:
    """The person asked for a human: their open handoff, or a new one waiting for a worker."""
    found = open_handoff(session, user_hash)
    if found is not None:
        return found
    handoff = Handoff(
        case_id=case_id, channel=channel, user_hash=user_hash, state="requested", requested_at=at or utcnow()
    )
    session.add(handoff)
    session.flush()
    return handoff


def _get(session: Session, handoff_id: int) -> Handoff:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise CaseNotFound(f"no handoff with id {handoff_id}")
    return handoff


def take(session: Session, handoff_id: int, staff: str, at: dt.datetime | None = None) -> Handoff:
    """A worker takes the conversation (also when another worker had it)."""
    handoff = _get(session, handoff_id)
    if handoff.state == "closed":
        raise BadInput("this handoff has been handed back to the bot")
    handoff.state, handoff.taken_by, handoff.taken_at = "active", staff[:64], at or utcnow()
    return handoff


def add_reply(
    session: Session, handoff_id: int, staff: str, text: str, at: dt.datetime | None = None
) -> HandoffMessage:
    """A worker's answer, queued for the bridge; answering takes the conversation."""
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise BadInput(f"an answer needs 1 to {MAX_TEXT} characters")
    handoff = _get(session, handoff_id)
    if handoff.state == "closed":
        raise BadInput("this handoff has been handed back to the bot")
    now = at or utcnow()
    if handoff.state != "active" or handoff.taken_by != staff[:64]:
        take(session, handoff_id, staff, now)
    message = HandoffMessage(
        handoff_id=handoff.id, direction="out", author=staff[:64], text=mask_text(text), created_at=now
    )
    session.add(message)
    session.flush()
    return message


def hand_back(session: Session, handoff_id: int, staff: str, at: dt.datetime | None = None) -> Handoff:
    """The bot answers again; the person is told so (the bridge delivers the notice, then forgets the chat)."""
    handoff = _get(session, handoff_id)
    if handoff.state == "closed":
        return handoff
    now = at or utcnow()
    handoff.state, handoff.closed_at = "closed", now
    session.add(
        HandoffMessage(handoff_id=handoff.id, direction="out", author=None, text=HANDED_BACK_TEXT, created_at=now)
    )
    return handoff


def add_incoming(
    session: Session, handoff: Handoff, text: str, *, chat_id: str | None, at: dt.datetime | None = None
) -> HandoffMessage:
    """A message the person wrote while handed to a human (kept for the worker, not sent to Rasa)."""
    if chat_id:
        handoff.chat_id = chat_id[:64]
    message = HandoffMessage(
        handoff_id=handoff.id, direction="in", text=mask_text(text)[:MAX_TEXT], created_at=at or utcnow()
    )
    session.add(message)
    session.flush()
    return message


def outbox(session: Session, channels: tuple[str, ...] = LIVE_CHANNELS, limit: int = 50) -> list[HandoffMessage]:
    """Undelivered answers, oldest first, with their handoff loaded."""
    return list(
        session.scalars(
            sa.select(HandoffMessage)
            .join(Handoff)
            .where(HandoffMessage.direction == "out", HandoffMessage.delivered_at.is_(None))
            .where(HandoffMessage.error.is_(None), Handoff.channel.in_(channels))
            .order_by(HandoffMessage.id)
            .limit(limit)
            .options(selectinload(HandoffMessage.handoff))
        )
    )


def delivered(session: Session, message: HandoffMessage, at: dt.datetime | None = None) -> None:
    """Mark an answer sent; a closed handoff whose messages are all out forgets its chat id."""
    message.delivered_at = at or utcnow()
    handoff = message.handoff
    if handoff.state == "closed":
        pending = session.scalar(
            sa.select(sa.func.count(HandoffMessage.id)).where(
                HandoffMessage.handoff_id == handoff.id,
                HandoffMessage.direction == "out",
                HandoffMessage.delivered_at.is_(None),
                HandoffMessage.id != message.id,
            )
        )
        if not pending:
            handoff.chat_id = None


def failed(message: HandoffMessage, error: str) -> None:
    message.error = error[:200]


@dataclass(frozen=True)
class HandoffRow:
    """A handoff for the staff list."""

    id: int
    case_id: int | None
    channel: str
    state: str
    requested_at: dt.datetime
    taken_by: str | None
    last_message_at: dt.datetime | None
    waiting: int  # the person's messages since the worker's last answer

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


def open_handoffs(session: Session) -> list[HandoffRow]:
    """Open handoffs, those waiting for a worker first, then the longest waiting."""
    handoffs = list(
        session.scalars(
            sa.select(Handoff).where(Handoff.state.in_(OPEN_STATES)).options(selectinload(Handoff.messages))
        )
    )
    rows = []
    for h in handoffs:
        last = h.messages[-1].created_at if h.messages else None
        waiting = 0
        for m in reversed(h.messages):
            if m.direction == "out":
                break
            waiting += 1
        rows.append(HandoffRow(h.id, h.case_id, h.channel, h.state, h.requested_at, h.taken_by, last, waiting))
    rows.sort(key=lambda r: (r.state != "requested", r.requested_at))
    return rows


def waiting_count(session: Session) -> int:
    return int(session.scalar(sa.select(sa.func.count(Handoff.id)).where(Handoff.state == "requested")) or 0)


def get_handoff(session: Session, handoff_id: int) -> Handoff | None:
    return session.scalars(
        sa.select(Handoff).where(Handoff.id == handoff_id).options(selectinload(Handoff.messages))
    ).first()


def handoffs_of_case(session: Session, case_id: int) -> list[Handoff]:
    return list(session.scalars(sa.select(Handoff).where(Handoff.case_id == case_id).order_by(Handoff.id)))
