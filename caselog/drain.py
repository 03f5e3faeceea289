"""Move spooled records into the database: in order, exactly once, patient with a slow or absent DB.

Each batch runs in one transaction that first takes the checkpoint row's lock (an UPDATE, which
also serialises several drainers on SQLite), re-reads the checkpoint, applies the records after it
and moves the checkpoint to the batch's last seq. So a batch is either wholly in the database with
its checkpoint or not at all; after an ambiguous commit the next attempt starts from whatever the
database says. Turns and assessments also carry the spool record's unique id, and records whose id
is already present are skipped.

Several spools, one database (the scaled layout: one spool and one drain per Rasa server). The lock
store makes one conversation's turns happen one after the other, but consecutive turns may be served
by different servers, so one conversation's records can sit in several spools; applied in the wrong
order they would split or misattribute a case. Each checkpoint therefore also says `written_before`:
every record its spool held complete before that moment is committed. A turn's records are complete
in its spool before its reply is sent, so before the next message of that conversation exists; hence
a record whose event time is before every other live spool's `written_before` can have no earlier
record of its conversation still waiting anywhere, and a drain applies its records only up to that
horizon (the rest wait for the next poll, a fraction of a second). A checkpoint not updated for
`peer_timeout` seconds (a drain that is down) stops holding the others back; its records are applied
when it comes back, and case pages still show turns in time order. A following drain (`run`) never
holds one record back longer than `hold_limit` seconds of its own waiting (a drain that is up but
stuck, or clocks of two machines further apart than the gap between two turns): then it applies what
it has and logs why; but not while, after a database outage, the others may still be in their back-off.

Entry points: `drain_once(spool, engine)` (until the spool is empty) and `run(spool, engine, stop)`
(follow forever, retrying with back-off; `caselog drain --follow`, which the launcher starts).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import threading
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog.idle import close_idle_cases, idle_after_from_env
from caselog.ingest import CaseTracker, apply_record
from caselog.models import Assessment, IngestCheckpoint, Turn, utcnow
from caselog.spool import Record, Spool

log = logging.getLogger(__name__)

DEFAULT_BATCH = 500
DEFAULT_PEER_TIMEOUT = 60.0
DEFAULT_HOLD_LIMIT = 3.0


@dataclass
class DrainStats:
    applied: int = 0
    batches: int = 0
    failures: int = 0
    last_error: str | None = None
    committed_seq: int = 0
    held_back: int = 0  # batches that stopped at a record waiting for another spool
    released: int = 0  # records applied because they had waited `hold_limit` seconds


@dataclass
class Holdback:
    """The record a following drain is holding back for another spool, and since when (monotonic).

    `not_before`: no release before this moment. After a database outage the other drains may still be
    waiting out their back-off; releasing then would apply a conversation's later records before its earlier
    ones in another spool (and split its case), so `run` sets it to the end of the longest back-off."""

    seq: int | None = None
    since: float = 0.0
    not_before: float = 0.0


def checkpoint_name(spool: Spool) -> str:
    return f"spool:{spool.identity}"


def committed_seq(session: Session, name: str) -> int:
    cp = session.get(IngestCheckpoint, name)
    return cp.seq if cp is not None else 0


def _lock_checkpoint(session: Session, name: str) -> IngestCheckpoint:
    now = utcnow()
    updated = session.execute(
        sa.update(IngestCheckpoint).where(IngestCheckpoint.name == name).values(updated_at=now)
    ).rowcount
    if not updated:
        session.add(IngestCheckpoint(name=name, seq=0, record_id=None, updated_at=now))
        session.flush()
    cp = session.get(IngestCheckpoint, name, populate_existing=True)
    assert cp is not None
    return cp


def event_time(record: Record) -> float:
    """When the event happened (Rasa's timestamp), else when it was spooled."""
    stamp = record.data.get("timestamp") if record.kind == "rasa_event" else None
    return float(stamp) if isinstance(stamp, int | float) else record.ts


def peer_horizon(session: Session, name: str, peer_timeout: float = DEFAULT_PEER_TIMEOUT) -> float | None:
    """The moment before which every other live spool is committed; None when there is no other live spool."""
    cutoff = utcnow() - dt.timedelta(seconds=peer_timeout)
    return session.scalar(
        sa.select(sa.func.min(IngestCheckpoint.written_before)).where(
            IngestCheckpoint.name != name,
            IngestCheckpoint.updated_at >= cutoff,
            IngestCheckpoint.written_before.is_not(None),
        )
    )


def drain_batch(
    spool: Spool,
    engine: sa.Engine,
    *,
    batch_size: int = DEFAULT_BATCH,
    name: str | None = None,
    peer_timeout: float = DEFAULT_PEER_TIMEOUT,
    hold: Holdback | None = None,
    hold_limit: float = DEFAULT_HOLD_LIMIT,
    stats: DrainStats | None = None,
) -> int:
    """Apply at most `batch_size` records after the checkpoint in one transaction; return how many.

    Records whose event time is not before the other live spools' horizon wait (see the module's doc);
    with `hold`, no longer than `hold_limit` seconds."""
    name = name or checkpoint_name(spool)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        cp = _lock_checkpoint(session, name)
        read_at = time.time()
        read = list(spool.read(after_seq=cp.seq, limit=batch_size))
        horizon = peer_horizon(session, name, peer_timeout)
        records = read if horizon is None else list(itertools.takewhile(lambda r: event_time(r) < horizon, read))
        if len(records) < len(read) and hold is not None:
            waiting = read[len(records)].seq
            if hold.seq != waiting:
                hold.seq, hold.since = waiting, time.monotonic()
            elif time.monotonic() - hold.since >= hold_limit and time.monotonic() >= hold.not_before:
                log.warning(
                    "spool records waited %.1f s for the other servers' drains; applying them now "
                    "(a drain is stuck, or the machines' clocks disagree)",
                    time.monotonic() - hold.since,
                )
                if stats is not None:
                    stats.released += len(read) - len(records)
                records = read
        if stats is not None and len(records) < len(read):
            stats.held_back += 1
        if len(records) < len(read):
            cp.written_before = read[len(records)].ts  # everything spooled before the first waiting record
        elif len(read) == batch_size:
            cp.written_before = read[-1].ts
        else:
            cp.written_before = read_at  # the spool held nothing else complete when it was read
        if not records:
            return 0
        ids = [r.id for r in records]
        present = set(session.scalars(sa.select(Turn.record_id).where(Turn.record_id.in_(ids))))
        present |= set(session.scalars(sa.select(Assessment.record_id).where(Assessment.record_id.in_(ids))))
        tracker = CaseTracker(session)
        for record in records:
            if record.id in present:
                log.info("record %s (seq %d) is already in the database; skipped", record.id, record.seq)
                continue
            apply_record(tracker, record)
        cp.seq = records[-1].seq
        cp.record_id = records[-1].id
        cp.updated_at = utcnow()
    return len(records)


def drain_once(
    spool: Spool, engine: sa.Engine, *, batch_size: int = DEFAULT_BATCH, peer_timeout: float = DEFAULT_PEER_TIMEOUT
) -> int:
    """Drain until the spool holds nothing newer than the checkpoint (or only records that must wait for
    another spool); return records applied. Database errors propagate (the caller decides whether to retry)."""
    total = 0
    name = checkpoint_name(spool)
    while n := drain_batch(spool, engine, batch_size=batch_size, name=name, peer_timeout=peer_timeout):
        total += n
    return total


def run(
    spool: Spool,
    engine: sa.Engine,
    stop: threading.Event,
    *,
    poll_interval: float = 0.5,
    max_backoff: float = 10.0,
    batch_size: int = DEFAULT_BATCH,
    compact: bool = True,
    stats: DrainStats | None = None,
    peer_timeout: float = DEFAULT_PEER_TIMEOUT,
    hold_limit: float = DEFAULT_HOLD_LIMIT,
    idle_after: dt.timedelta | None = None,
    idle_check_every: float = 60.0,
) -> DrainStats:
    """Follow the spool until `stop` is set. Never raises on database trouble: waits and retries.

    While idle it also ends consultations nobody continued for `idle_after` (caselog.idle)."""
    stats = stats or DrainStats()
    idle_after = idle_after or idle_after_from_env()
    next_idle_check = 0.0
    name = checkpoint_name(spool)
    hold = Holdback()
    backoff = poll_interval
    down = False
    while not stop.is_set():
        try:
            n = drain_batch(
                spool,
                engine,
                batch_size=batch_size,
                name=name,
                peer_timeout=peer_timeout,
                hold=hold,
                hold_limit=hold_limit,
                stats=stats,
            )
        except Exception as exc:  # database trouble (or a bug): the records wait in the spool, retried later
            if not isinstance(exc, sa.exc.SQLAlchemyError):
                log.exception("case-log drain failed on a batch; will retry")
            stats.failures += 1
            stats.last_error = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:300] if str(exc) else repr(exc)
            if not down:
                log.warning("case-log database unavailable, records wait in the spool: %s", stats.last_error)
                down = True
            engine.dispose()
            stop.wait(backoff)
            backoff = min(max_backoff, backoff * 2)
            continue
        if down:
            log.warning("case-log database is back; draining the spool")
            down = False
            hold.not_before = time.monotonic() + max_backoff + hold_limit
        backoff = poll_interval
        if n:
            stats.applied += n
            stats.batches += 1
            continue
        if compact:
            _compact(spool, engine, name, stats)
        if time.monotonic() >= next_idle_check:
            _close_idle(engine, idle_after)
            next_idle_check = time.monotonic() + idle_check_every
        stop.wait(poll_interval)
    return stats


def _compact(spool: Spool, engine: sa.Engine, name: str, stats: DrainStats) -> None:
    try:
        with Session(engine) as session:
            stats.committed_seq = committed_seq(session, name)
        spool.compact(stats.committed_seq)
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        log.debug("spool compaction skipped: %s", exc)


def _close_idle(engine: sa.Engine, idle_after: dt.timedelta) -> None:
    try:
        with Session(engine) as session, session.begin():
            closed = close_idle_cases(session, idle_after)
        if closed:
            log.info("ended %d consultation(s) idle for %s", closed, idle_after)
    except sa.exc.SQLAlchemyError as exc:
        log.debug("closing idle cases skipped: %s", exc)
