"""Durability for real: a throwaway PostgreSQL cluster crashes mid-stream while the drain runs.

Every record written to the spool during the outage must end up in the database exactly once and
in order once PostgreSQL is back; the conversation side (spool writes) never fails meanwhile.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
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

PG_BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
MESSAGES = 600

pytestmark = pytest.mark.postgres


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.data = root / "data"
        self.port = port
        self.bin = Path(PG_BINS[-1])
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=on"
        log = str(self.root / "log")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", log, "-w", "start")

    def crash(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
            capture_output=True,
            timeout=120,
        )


@pytest.fixture()
def cluster() -> Iterator[Cluster]:
    if not PG_BINS:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are needed when CI=true")
        pytest.skip("no PostgreSQL server binaries")
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
    elif pwd.getpwuid(os.geteuid()).pw_name == "postgres":
        owner = None
    else:
        pytest.skip("initdb must run as root (via runuser) or as the postgres user")
    root = Path(tempfile.mkdtemp(prefix="caselog-pg-"))
    if owner is not None:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    c = Cluster(root, _free_port())
    c.init()
    c.start()
    try:
        yield c
    finally:
        c.stop()
        shutil.rmtree(root, ignore_errors=True)


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
