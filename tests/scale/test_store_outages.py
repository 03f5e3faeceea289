"""Redis or PostgreSQL stopped for a few seconds under the scaled layout: the person is told to try again,
nothing is lost or started afresh, and the service recovers by itself.

This machine's shared PostgreSQL and Redis serve the whole team, so the layout here runs on a throwaway
PostgreSQL cluster (initdb as the postgres user, like tests/caselog/test_outage.py) and its own
redis-server on a free port, and stops those.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.scaled import ScaledStack
from caselog import drain
from caselog.db import make_engine
from caselog.models import Case
from caselog.spool import Spool, hash_sender
from tests.pg_cluster import Cluster, throwaway_cluster
from tests.scale.conftest import (
    PERSONAS,
    RedisServer,
    assessment_of,
    layout_env,
    require_layout,
    running_layout,
    say,
    texts,
    tracker,
)

pytestmark = [pytest.mark.rasa, pytest.mark.postgres]
PERSONA = PERSONAS[0]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with throwaway_cluster("scale-pg-") as c:
        yield c


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory, cluster: Cluster, redis: RedisServer) -> Iterator[ScaledStack]:
    require_layout()
    env = layout_env(f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres", ("127.0.0.1", redis.port), 0)
    with running_layout(tmp_path_factory.mktemp("outage") / "var", env, ("actions", "rasa", "balancer", "drain")) as s:
        yield s


@pytest.fixture(scope="module")
def reference(layout: ScaledStack) -> dict[str, Any]:
    return PERSONA.consult(f"ref-{uuid.uuid4().hex[:6]}", [layout.server_url(1)])


def _turn(layout: ScaledStack, sender: str, text: str) -> list[str]:
    return texts(say(layout.rasa_url, sender, text))


def _until_answered(layout: ScaledStack, sender: str, text: str, timeout: float = 30) -> list[dict[str, Any]]:
    """The message sent again every half second (as a person told 稍后再试 would) until it is answered."""
    deadline = time.monotonic() + timeout
    while True:
        messages = say(layout.rasa_url, sender, text)
        if not any("稍后再试" in t for t in texts(messages)):
            return messages
        assert time.monotonic() < deadline, f"still 稍后再试 {timeout:.0f} s after the store came back"
        time.sleep(0.5)


def _finish(layout: ScaledStack, sender: str, script: tuple[str, ...]) -> dict[str, Any]:
    for text in script:
        found = assessment_of(_until_answered(layout, sender, text))
        if found is not None:
            return found
    raise AssertionError("no assessment")


def _no_restarts(layout: ScaledStack) -> bool:
    supervisor = layout._supervisor_thread.supervisor  # type: ignore[union-attr]
    return all(w.restarts == 0 for w in supervisor.watched)


def test_redis_stopped_for_a_few_seconds(layout: ScaledStack, redis: RedisServer, reference: dict[str, Any]) -> None:
    sender = f"redis-{uuid.uuid4().hex[:6]}"
    first, rest = PERSONA.messages[:2], PERSONA.messages[2:]
    for text in first:
        assert not any("稍后再试" in t for t in _turn(layout, sender, text))
    answered_before = [e for e in tracker(layout.rasa_url, sender)["events"] if e["event"] == "user"]
    redis.stop()
    try:
        during = [_turn(layout, sender, rest[0]) for _ in range(3)]
        assert all(len(t) == 1 and "稍后再试" in t[0] for t in during), during  # a clear message, every time
        time.sleep(3)
    finally:
        redis.start()
    assert _finish(layout, sender, rest) == reference  # carried on where it was
    users = [e for e in tracker(layout.rasa_url, sender)["events"] if e["event"] == "user"]
    assert users[: len(answered_before)] == answered_before
    assert _no_restarts(layout), "recovered without restarting anything"


def test_postgres_stopped_for_a_few_seconds(layout: ScaledStack, cluster: Cluster, reference: dict[str, Any]) -> None:
    sender = f"pg-{uuid.uuid4().hex[:6]}"
    first, rest = PERSONA.messages[:3], PERSONA.messages[3:]
    for text in first:
        assert not any("稍后再试" in t for t in _turn(layout, sender, text))
    before = tracker(layout.rasa_url, sender)["events"]
    cluster.crash()  # like pulling the plug
    try:
        during = [_turn(layout, sender, rest[0]) for _ in range(3)]
        assert all(len(t) == 1 and "稍后再试" in t[0] for t in during), during
        time.sleep(3)
    finally:
        cluster.start()
    after = _until_answered(layout, sender, rest[0])
    assert not any("稳就业政策小助手" in t for t in texts(after)), "the conversation must not start afresh"
    events = tracker(layout.rasa_url, sender)["events"]
    assert events[: len(before)] == before, "the stored conversation is intact"
    assert sum(e["event"] == "session_started" for e in events) == 1
    assert _finish(layout, sender, rest[1:]) == reference

    engine = make_engine(layout.database_url)
    try:
        spools = [Spool(layout.spool_dir(n)) for n in (1, 2)]
        deadline = time.monotonic() + 120
        while True:
            with Session(engine) as s:
                if all(drain.committed_seq(s, drain.checkpoint_name(sp)) == sp.last_seq() for sp in spools):
                    break
            assert time.monotonic() < deadline, "the case log did not catch up after the outage"
            time.sleep(0.3)
        salt = layout.env()["CASELOG_SALT"].encode()
        with Session(engine) as s:
            cases = list(s.scalars(sa.select(Case).where(Case.user_hash == hash_sender(sender, salt))))
            assert len(cases) == 1, "one case, not a second one started by the outage"
            logged = [t.text for t in cases[0].turns if t.speaker == "user"]
    finally:
        engine.dispose()
    stored = [e["text"] for e in tracker(layout.rasa_url, sender)["events"] if e["event"] == "user"]
    assert logged == stored, "the case log has each message the tracker has, once, in order"
    assert _no_restarts(layout)
