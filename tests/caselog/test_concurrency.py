"""20 conversations written at once (threads and processes) while the drain runs: nothing lost."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog import drain
from caselog.models import Assessment, Case, Turn
from caselog.spool import Spool, hash_sender
from tests.caselog.events import Conversation

CONVERSATIONS = 20
MESSAGES = 12
SALT = "concurrency-salt"


def _converse(spool_dir: str, n: int) -> None:
    c = Conversation(Spool(spool_dir, max_segment_bytes=16 * 1024), f"user-{n}", channel="telegram" if n % 2 else "web")
    c.start()
    for i in range(MESSAGES):
        c.user(f"用户{n}第{i}句，电话1391234{n:04d}")
        c.bot(f"回复{n}-{i}")
    c.assess({"age": 20 + n, "unemployed_months": n})


def test_twenty_concurrent_conversations_lose_nothing(
    tmp_path: Path, sqlite_engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASELOG_SALT", SALT)
    spool_dir = str(tmp_path / "spool")
    spool = Spool(spool_dir)
    stop = threading.Event()
    stats = drain.DrainStats()
    drainer = threading.Thread(
        target=drain.run, args=(spool, sqlite_engine, stop), kwargs={"poll_interval": 0.02, "stats": stats}
    )
    drainer.start()
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_converse, args=(spool_dir, n)) for n in range(0, CONVERSATIONS, 2)]
    threads = [threading.Thread(target=_converse, args=(spool_dir, n)) for n in range(1, CONVERSATIONS, 2)]
    for w in [*procs, *threads]:
        w.start()
    for t in threads:
        t.join(120)
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    written = spool.last_seq()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with Session(sqlite_engine) as s:
            if drain.committed_seq(s, drain.checkpoint_name(spool)) == written:
                break
        time.sleep(0.05)
    stop.set()
    drainer.join(30)
    assert stats.failures == 0, stats.last_error

    with Session(sqlite_engine) as s:
        assert s.scalar(sa.select(sa.func.count(Case.id))) == CONVERSATIONS
        assert s.scalar(sa.select(sa.func.count(Turn.id))) == CONVERSATIONS * (2 * MESSAGES + 1)
        for n in range(CONVERSATIONS):
            (case,) = s.scalars(sa.select(Case).where(Case.user_hash == hash_sender(f"user-{n}", SALT.encode())))
            assert case.channel == ("telegram" if n % 2 else "web")
            texts = [t.text for t in case.turns]
            expected = []
            for i in range(MESSAGES):
                expected += [f"用户{n}第{i}句，电话〔手机号〕", f"回复{n}-{i}"]
            assert texts[:-1] == expected
            seqs = [t.seq for t in case.turns]
            assert seqs == sorted(seqs)
            (assessment,) = s.scalars(sa.select(Assessment).where(Assessment.case_id == case.id))
            assert assessment.facts == {"age": 20 + n, "unemployed_months": n}
            assert assessment.as_of == dt.date(2022, 7, 1)
    print(f"\nconcurrency: {CONVERSATIONS} conversations, {written} records drained in {stats.batches} batches")
