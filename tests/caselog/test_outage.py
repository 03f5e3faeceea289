"""Durability for real: a throwaway PostgreSQL cluster crashes mid-stream while the drain runs.

Every record written to the spool during the outage must end up in the database exactly once and
in order once PostgreSQL is back; the conversation side (spool writes) never fails meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog import drain
from caselog.db import make_engine
from caselog.migrate import upgrade
from caselog.models import Turn
from caselog.spool import Spool
from tests.caselog.events import Conversation
from tests.pg_cluster import Cluster, throwaway_cluster

MESSAGES = 600

pytestmark = pytest.mark.postgres


@pytest.fixture()
def cluster() -> Iterator[Cluster]:
    with throwaway_cluster("caselog-pg-") as c:
        yield c


def test_drain_survives_a_postgres_crash_mid_stream(cluster: Cluster, tmp_path: Path) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{cluster.port}/postgres"
    engine = make_engine(url, connect_args={"connect_timeout": 2})
    upgrade(engine)
    spool = Spool(tmp_path / "spool")
    stop = threading.Event()
    stats = drain.DrainStats()
    drainer = threading.Thread(
        target=drain.run,
        args=(spool, engine, stop),
        kwargs={"poll_interval": 0.02, "max_backoff": 0.5, "batch_size": 50, "stats": stats},
    )
    drainer.start()
    conversation = Conversation(spool, "outage-user", channel="web").start()

    def write() -> None:
        for i in range(MESSAGES):
            conversation.user(f"消息{i:04d}")
            time.sleep(0.004)

    writer = threading.Thread(target=write)
    writer.start()
    while spool.last_seq() < MESSAGES // 3:
        time.sleep(0.01)
    cluster.crash()  # like pulling the plug: no clean shutdown
    crashed_at = spool.last_seq()
    time.sleep(1.5)
    failures_while_down = stats.failures
    cluster.start()
    writer.join(120)
    written = spool.last_seq()
    deadline = time.monotonic() + 90
    committed = 0
    while time.monotonic() < deadline:
        try:
            with Session(engine) as s:
                committed = drain.committed_seq(s, drain.checkpoint_name(spool))
        except sa.exc.OperationalError:
            committed = 0
        if committed == written:
            break
        time.sleep(0.1)
    stop.set()
    drainer.join(30)

    with Session(engine) as s:
        texts = s.scalars(sa.select(Turn.text).order_by(Turn.seq)).all()
        n_ids = s.scalar(sa.select(sa.func.count(sa.distinct(Turn.record_id))))
    engine.dispose()
    print(
        f"\noutage: {written} records written ({MESSAGES} messages), crash after record {crashed_at}, "
        f"{failures_while_down} failed drain attempts while down, {len(texts)} messages found in PostgreSQL, "
        f"checkpoint {committed}"
    )
    assert failures_while_down > 0, "the drain never noticed the outage: the test did not test anything"
    assert committed == written
    assert texts == [f"消息{i:04d}" for i in range(MESSAGES)]  # every one, once, in order
    assert n_ids == MESSAGES
