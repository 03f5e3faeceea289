"""Apply the Alembic migrations in `migrations/` (used by `caselog migrate` and the launcher)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from caselog.db import check_connection, make_engine

REPO_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = REPO_ROOT / "migrations"


def alembic_config(connection: sa.Connection | None = None) -> Config:
    cfg = Config(str(REPO_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["configure_logger"] = False
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: sa.Engine | None = None, revision: str = "head") -> None:
    """Create or upgrade the schema to `revision` on `engine` (default: DATABASE_URL)."""
    own = engine is None
    engine = engine or make_engine()
    try:
        check_connection(engine)
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), revision)
    finally:
        if own:
            engine.dispose()


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
