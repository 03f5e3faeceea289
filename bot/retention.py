"""Retention: what the launcher deletes by itself, once at start and then every day.

CASELOG_RETENTION_DAYS (default 180; "off" keeps everything) applies to
- the case log: cases that ended (or, still open, started) longer ago (`caselog.queries.purge_older_than`),
  and staff sessions that can no longer be used;
- Rasa's tracker store: whole conversations whose last event is older (the SQL tracker store's `events`
  table, in the SQLite file RASA_TRACKER_DB or the PostgreSQL database of TRACKER_DB_*);
- the logs: each day's log lines move to `<name>.log.<YYYY-MM-DD>` (copy, then truncate: the running
  component keeps writing to its open file) and those older than the retention are deleted.
Each run is one `purge` entry in the audit trail (actor "retention").

Where no launcher runs (several machines, docs/scaling.md), a daily timer runs it once on one machine:
`.venv/bin/python -m bot.retention [--log-dir DIR]`, with DATABASE_URL, TRACKER_DB_* and
CASELOG_RETENTION_DAYS set as for the servers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shutil
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog import audit, queries, staff_sessions
from caselog.db import make_engine
from caselog.models import utcnow

log = logging.getLogger(__name__)

RETENTION_ENV = "CASELOG_RETENTION_DAYS"
DEFAULT_DAYS = 180
DAY = 24 * 3600.0


class RetentionConfigError(ValueError):
    """CASELOG_RETENTION_DAYS is neither a whole number of days (1 or more) nor "off"."""


def retention_days(env: Mapping[str, str]) -> int | None:
    raw = env.get(RETENTION_ENV, "").strip().lower()
    if not raw:
        return DEFAULT_DAYS
    if raw == "off":
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise RetentionConfigError(f"{RETENTION_ENV}={raw!r}: give a number of days (1 or more) or off")
    return int(raw)


def tracker_store_url(env: Mapping[str, str]) -> str | None:
    """The tracker store endpoints.yml / endpoints.scale.yml configure, as an SQLAlchemy URL."""
    host = env.get("TRACKER_DB_HOST", "").strip()
    if host:
        if "://" in host:
            return host
        user = quote(env.get("TRACKER_DB_USER", ""), safe="")
        password = quote(env.get("TRACKER_DB_PASSWORD", ""), safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        port = env.get("TRACKER_DB_PORT", "").strip()
        name = env.get("TRACKER_DB_NAME", "rasa").strip()
        return f"postgresql+psycopg://{auth}{host}{':' + port if port else ''}/{name}"
    path = env.get("RASA_TRACKER_DB", "").strip()
    return f"sqlite:///{path}" if path else None


def purge_tracker_store(url: str, days: int, now: dt.datetime) -> int:
    """Delete every conversation whose newest event is older than `days`; returns how many."""
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).exists():
        return 0
    cutoff = (now - dt.timedelta(days=days)).timestamp()
    engine = make_engine(url)
    try:
        if not sa.inspect(engine).has_table("events"):
            return 0
        events = sa.table("events", sa.column("sender_id"), sa.column("timestamp"))
        stale = (
            sa.select(events.c.sender_id)
            .group_by(events.c.sender_id)
            .having(sa.func.max(events.c.timestamp) < cutoff)
            .subquery()
        )
        with engine.begin() as conn:
            senders = list(conn.execute(sa.select(stale.c.sender_id)).scalars())
            for start in range(0, len(senders), 500):
                conn.execute(sa.delete(events).where(events.c.sender_id.in_(senders[start : start + 500])))
        return len(senders)
    finally:
        engine.dispose()


def rotate_logs(log_dir: Path, days: int, now: dt.datetime) -> int:
    """Move each log's lines so far to `<log>.<date>`, delete dated logs older than `days`; returns how many."""
    if not log_dir.is_dir():
        return 0
    stamp = now.astimezone(dt.UTC).date().isoformat()
    for current in sorted(log_dir.glob("*.log")):
        if current.stat().st_size == 0:
            continue
        dated = current.with_name(f"{current.name}.{stamp}")
        with open(current, "r+b") as src, open(dated, "ab") as dst:
            os.fchmod(dst.fileno(), 0o600)
            shutil.copyfileobj(src, dst)
            src.truncate(0)
    removed = 0
    cutoff = (now - dt.timedelta(days=days)).timestamp()
    for old in log_dir.glob("*.log.*"):
        if old.stat().st_mtime < cutoff:
            old.unlink()
            removed += 1
    return removed


@dataclass(frozen=True)
class RetentionReport:
    cases: int
    conversations: int
    logs: int

    def __str__(self) -> str:
        return f"{self.cases} case(s), {self.conversations} tracker conversation(s), {self.logs} old log file(s)"


def run_retention(
    days: int, *, database_url: str, tracker_url: str | None, log_dir: Path | None, now: dt.datetime | None = None
) -> RetentionReport:
    now = now or utcnow()
    engine = make_engine(database_url)
    try:
        with Session(engine) as session, session.begin():
            cases = queries.purge_older_than(session, days, now=now)
            staff_sessions.purge_sessions(session, now=now)
            conversations = purge_tracker_store(tracker_url, days, now) if tracker_url else 0
            logs = rotate_logs(log_dir, days, now) if log_dir is not None else 0
            report = RetentionReport(cases, conversations, logs)
            audit.record(session, "purge", actor="retention", detail=f"older than {days} day(s): {report}", now=now)
    finally:
        engine.dispose()
    return report


class RetentionJob(threading.Thread):
    """`run_once()` now (the launcher does, before it reports ready), then again every `interval` seconds
    until stop(); a failed run is logged and tried again the next time."""

    def __init__(self, job: Callable[[], object], interval: float = DAY, say: Callable[[str], None] = log.info) -> None:
        super().__init__(name="retention", daemon=True)
        self.job = job
        self.interval = interval
        self.say = say
        self.runs = 0
        self._halt = threading.Event()

    def run_once(self) -> None:
        try:
            self.say(f"· 数据保留期清理：{self.job()}")
        except Exception as exc:
            log.exception("retention run failed")
            self.say(f"· 数据保留期清理失败（{type(exc).__name__}），下次再试")
        self.runs += 1

    def run(self) -> None:
        while not self._halt.wait(self.interval):
            self.run_once()

    def stop(self) -> None:
        self._halt.set()
        if self.is_alive():
            self.join(timeout=30)


def start_retention(days: int | None, *, env: Mapping[str, str], database_url: str, log_dir: Path,
                    say: Callable[[str], None]) -> RetentionJob | None:  # fmt: skip
    """The launcher's daily job (None when CASELOG_RETENTION_DAYS=off)."""
    if days is None:
        return None
    tracker = tracker_store_url(env)
    job = RetentionJob(
        lambda: run_retention(days, database_url=database_url, tracker_url=tracker, log_dir=log_dir), say=say
    )
    job.run_once()  # before the launcher reports ready: nothing a caller adds next can be caught by it
    job.start()
    return job


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """One retention run now (a systemd timer or cron job calls it daily where no launcher runs)."""
    from caselog.db import database_url

    p = argparse.ArgumentParser(prog="python -m bot.retention", description=main.__doc__)
    p.add_argument("--log-dir", type=Path, help="rotate and expire the *.log files there too (default: none)")
    args = p.parse_args(argv)
    env = os.environ if env is None else env
    try:
        days = retention_days(env)
    except RetentionConfigError as exc:
        print(exc)
        return 2
    if days is None:
        print(f"{RETENTION_ENV}=off: nothing deleted")
        return 0
    url = database_url(env.get("DATABASE_URL"))
    report = run_retention(days, database_url=url, tracker_url=tracker_store_url(env), log_dir=args.log_dir)
    print(f"retention ({days} days): {report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
