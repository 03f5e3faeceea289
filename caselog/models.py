"""The case log's tables (SQLAlchemy 2 typed declarative). Texts stored here are already masked."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone, so store naive UTC)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        return value.replace(tzinfo=dt.UTC) if value is not None else None


class Base(DeclarativeBase):
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime(), dict[str, Any]: sa.JSON()}


class Case(Base):
    """One conversation session of one (hashed) person on one channel."""

    __tablename__ = "cases"
    __table_args__ = (
        sa.Index("ix_cases_channel_started", "channel", "started_at"),
        sa.Index("ix_cases_user_open", "user_hash", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(32))
    user_hash: Mapped[str] = mapped_column(sa.String(64))
    started_at: Mapped[dt.datetime] = mapped_column(index=True)
    ended_at: Mapped[dt.datetime | None]
    rules_version: Mapped[str | None] = mapped_column(sa.String(64))
    # Drain state: the facts the tracker holds now, and the assessment whose action is still setting slots.
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    open_assessment_id: Mapped[int | None]
    # The employment station the case belongs to: the widget's staff station, or the station that took
    # a Telegram case over (None until then: only admins see it).
    station: Mapped[str | None] = mapped_column(sa.String(64), index=True)

    turns: Mapped[list[Turn]] = relationship(
        back_populates="case", order_by="[Turn.ts, Turn.id]", cascade="all, delete-orphan", passive_deletes=True
    )
    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="case",
        order_by="[Assessment.ts, Assessment.id]",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    notes: Mapped[list[StaffNote]] = relationship(
        back_populates="case", order_by="StaffNote.created_at", cascade="all, delete-orphan", passive_deletes=True
    )


class Turn(Base):
    __tablename__ = "turns"
    __table_args__ = (sa.Index("ix_turns_case_seq", "case_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    record_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    ts: Mapped[dt.datetime]
    speaker: Mapped[str] = mapped_column(sa.String(8))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    intent: Mapped[str | None] = mapped_column(sa.String(64))
    confidence: Mapped[float | None]
    input_channel: Mapped[str | None] = mapped_column(sa.String(32))

    case: Mapped[Case] = relationship(back_populates="turns")


class Assessment(Base):
    __tablename__ = "assessments"
    __table_args__ = (sa.Index("ix_assessments_case_seq", "case_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    record_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    ts: Mapped[dt.datetime] = mapped_column(index=True)
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    as_of: Mapped[dt.date]
    rules_version: Mapped[str] = mapped_column(sa.String(64))

    case: Mapped[Case] = relationship(back_populates="assessments")
    results: Mapped[list[AssessmentResult]] = relationship(
        back_populates="assessment", order_by="AssessmentResult.id", cascade="all, delete-orphan", passive_deletes=True
    )


class AssessmentResult(Base):
    __tablename__ = "assessment_results"
    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "policy_id", name="uq_assessment_results_assessment_policy"),
        sa.Index("ix_assessment_results_policy_status", "policy_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    policy_id: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(32))

    assessment: Mapped[Assessment] = relationship(back_populates="results")


class StaffNote(Base):
    __tablename__ = "staff_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(sa.String(64))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="notes")


ROLES = ("staff", "admin")


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    is_active: Mapped[bool] = mapped_column(default=True)
    role: Mapped[str] = mapped_column(sa.String(16), default="staff", server_default="staff")
    station: Mapped[str | None] = mapped_column(sa.String(64))
    password_changed_at: Mapped[dt.datetime | None]


class StaffSession(Base):
    """A staff login. The cookie holds a random token; only its SHA-256 is stored here."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(sa.String(64))
    conversation: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
    address: Mapped[str | None] = mapped_column(sa.String(64))

    user: Mapped[StaffUser] = relationship()


class AuditEvent(Base):
    """Who did what: logins (failed ones too), logouts, case views, exports, notes, purges, staff changes."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ts: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str | None] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(32), index=True)
    target: Mapped[str | None] = mapped_column(sa.String(128))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    address: Mapped[str | None] = mapped_column(sa.String(64))


class IngestCheckpoint(Base):
    """How far the drain has committed a spool: every record with seq <= `seq` is in the database, and so
    is every record the spool held complete before the Unix time `written_before` (see caselog/drain.py)."""

    __tablename__ = "ingest_checkpoints"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    record_id: Mapped[str | None] = mapped_column(sa.String(32))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    written_before: Mapped[float | None] = mapped_column(sa.Float)


class Handoff(Base):
    """A person handed to a human: requested (待人工), taken by a worker (active), handed back (closed).

    While it is open the Telegram bridge forwards nothing to Rasa. `chat_id` (the Telegram chat to answer)
    is kept only while the handoff is open and erased when it closes."""

    __tablename__ = "handoffs"
    __table_args__ = (sa.Index("ix_handoffs_user_state", "user_hash", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(32))
    user_hash: Mapped[str] = mapped_column(sa.String(64))
    state: Mapped[str] = mapped_column(sa.String(16))  # requested | active | closed
    requested_at: Mapped[dt.datetime]
    taken_by: Mapped[str | None] = mapped_column(sa.String(64))
    taken_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    chat_id: Mapped[str | None] = mapped_column(sa.String(64))

    messages: Mapped[list[HandoffMessage]] = relationship(
        back_populates="handoff", order_by="HandoffMessage.id", cascade="all, delete-orphan", passive_deletes=True
    )


class HandoffMessage(Base):
    """One message of a handoff: from the person (`in`), from a worker or the desk (`out`, sent by the bridge)."""

    __tablename__ = "handoff_messages"
    __table_args__ = (sa.Index("ix_handoff_messages_outbox", "direction", "delivered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(sa.ForeignKey("handoffs.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(sa.String(4))  # in | out
    author: Mapped[str | None] = mapped_column(sa.String(64))
    text: Mapped[str] = mapped_column(sa.Text)  # masked
    created_at: Mapped[dt.datetime]
    delivered_at: Mapped[dt.datetime | None]
    error: Mapped[str | None] = mapped_column(sa.String(200))

    handoff: Mapped[Handoff] = relationship(back_populates="messages")
