"""Move spooled records into the database: in order, exactly once, patient with a slow or absent DB.

Each batch runs in one transaction that first takes the checkpoint row's lock (an UPDATE, which
also serialises several drainers on SQLite), re-reads the checkpoint, applies the records after it
and moves the checkpoint to the batch's last seq. So a batch is either wholly in the database with
its checkpoint or not at all; after an ambiguous commit the next attempt starts from whatever the
database says. Turns and assessments also carry the spool record's unique id, and records whose id
is already present are skipped.

Entry points: `drain_once(spool, engine)` (until the spool is empty) and `run(spool, engine, stop)`
(follow forever, retrying with back-off; `caselog drain --follow`, which the launcher starts).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog.ingest import CaseTracker, apply_record
from caselog.models import Assessment, IngestCheckpoint, Turn, utcnow
from caselog.spool import Spool

log = logging.getLogger(__name__)

DEFAULT_BATCH = 500


@dataclass
class DrainStats:
    applied: int = 0
    batches: int = 0
    failures: int = 0
    last_error: str | None = None
    committed_seq: int = 0


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


def drain_batch(spool: Spool, engine: sa.Engine, *, batch_size: int = DEFAULT_BATCH, name: str | None = None) -> int:
    """Apply at most `batch_size` records after the checkpoint in one transaction; return how many."""
    name = name or checkpoint_name(spool)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        cp = _lock_checkpoint(session, name)
        records = list(spool.read(after_seq=cp.seq, limit=batch_size))
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


def drain_once(spool: Spool, engine: sa.Engine, *, batch_size: int = DEFAULT_BATCH) -> int:
    """Drain until the spool holds nothing newer than the checkpoint; return records applied.

    Database errors propagate (the caller decides whether to retry)."""
    total = 0
    name = checkpoint_name(spool)
    while n := drain_batch(spool, engine, batch_size=batch_size, name=name):
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
) -> DrainStats:
    """Follow the spool until `stop` is set. Never raises on database trouble: waits and retries."""
    stats = stats or DrainStats()
    name = checkpoint_name(spool)
    backoff = poll_interval
    down = False
    while not stop.is_set():
        try:
            n = drain_batch(spool, engine, batch_size=batch_size, name=name)
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
        backoff = poll_interval
        if n:
            stats.applied += n
            stats.batches += 1
            continue
        if compact:
            _compact(spool, engine, name, stats)
        stop.wait(poll_interval)
    return stats


def _compact(spool: Spool, engine: sa.Engine, name: str, stats: DrainStats) -> None:
    try:
        with Session(engine) as session:
            stats.committed_seq = committed_seq(session, name)
        spool.compact(stats.committed_seq)
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        log.debug("spool compaction skipped: %s", exc)
