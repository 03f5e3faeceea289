from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from caselog.migrate import alembic_config, current_revision, upgrade
from caselog.models import Base


def test_migrations_match_the_models_and_go_down_and_up_again(engine: sa.Engine) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None and current_revision(engine) == head
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert not sa.inspect(engine).has_table("cases")
    upgrade(engine)
    assert sa.inspect(engine).has_table("cases")
    assert current_revision(engine) == head
