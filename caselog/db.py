"""Engine and sessions from DATABASE_URL (default: SQLite file var/caselog.db, WAL, busy timeout)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from caselog.errors import DatabaseUnavailable

DATABASE_URL_ENV = "DATABASE_URL"
DEFAULT_SQLITE_PATH = "var/caselog.db"
SQLITE_BUSY_TIMEOUT_MS = 10_000


def database_url(url: str | None = None) -> str:
    """The configured database URL, with plain `postgresql://` mapped to the psycopg 3 driver."""
    url = url or os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{DEFAULT_SQLITE_PATH}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    return url


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable DATABASE_URL>"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str | None = None, **kwargs: Any) -> sa.Engine:
    url = database_url(url)
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise DatabaseUnavailable(f"DATABASE_URL is not a valid database URL: {safe_url(url)}") from exc
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:" and not db.startswith("file:"):
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("connect_timeout", 5)
        kwargs.setdefault("pool_pre_ping", True)
        return sa.create_engine(url, connect_args=connect_args, **kwargs)
    return sa.create_engine(url, **kwargs)


def session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def check_connection(engine: sa.Engine) -> None:
    """Raise DatabaseUnavailable (one readable line) unless the database answers."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
        detail = reason[0] if reason else type(exc).__name__
        raise DatabaseUnavailable(f"cannot reach the database at {safe_url(str(engine.url))}: {detail}") from exc
