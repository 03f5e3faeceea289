"""Several spools into one case log (the scaled layout: one spool and one drain per Rasa server).

One conversation's consecutive turns are served by different servers, so its records sit in different
spools; the drains must still build one case with its turns in order and its assessment's facts whole.
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog import drain
from caselog.models import Assessment, Case, IngestCheckpoint
from caselog.spool import Spool, hash_sender
from tests.caselog.events import Conversation

SALT = "several-spools-salt"


class LiveConversation(Conversation):
    """Events stamped when they are made, just before they are spooled (as Rasa stamps them)."""

    def _publish(self, event: dict[str, Any]) -> None:
        self.clock = time.time() - 0.001
        super()._publish(event)


class Person:
    """Writes one person's turns, each to the spool of the server that handled it."""

    def __init__(self, spools: list[Spool], name: str) -> None:
        self.spools = spools
        self.name = name
        self.conversation = LiveConversation(spools[0], name, channel="web")

    def on(self, server: int) -> Conversation:
        self.conversation.spool = self.spools[server]
        return self.conversation

    def consult(self, servers: list[int], pause: float = 0.0) -> None:
        self.on(servers[0]).start()
        self.conversation.user("我想看看能申请什么")
        self.conversation.bot("您现在的就业状态是？")
        for i, (fact, value) in enumerate((("employment_status", "unemployed"), ("unemployed_months", 6))):
            time.sleep(pause)
            c = self.on(servers[(i + 1) % len(servers)])
            c.user(f"回答{i}")
            c.slot(fact, value)
            c.bot(f"记下了{i}")
        time.sleep(pause)
        self.on(servers[len(servers) - 1]).assess({"employment_status": "unemployed", "unemployed_months": 6})


def _cases(engine: sa.Engine, name: str) -> list[Case]:
    with Session(engine) as s:
        cases = list(s.scalars(sa.select(Case).where(Case.user_hash == hash_sender(name, SALT.encode()))))
        for c in cases:
            _ = [t.text for t in c.turns], [a.facts for a in c.assessments]
        return cases


def test_a_drain_waits_for_the_spool_that_holds_an_earlier_turn(engine: sa.Engine, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CASELOG_SALT", SALT)
    a, b = Spool(tmp_path / "a"), Spool(tmp_path / "b")
    for spool in (a, b):
        drain.drain_once(spool, engine)  # both drains have been running (checkpoints exist)
    Person([a, b], "alice").consult([0, 1])  # turns alternate: a, b, a, then the assessment on b

    assert drain.drain_once(b, engine) == 0, "b's turns come after a turn still waiting in a"
    assert drain.drain_once(a, engine) > 0
    assert drain.drain_once(b, engine) > 0
    assert drain.drain_once(a, engine) > 0  # a's later turn, after b's
    assert drain.drain_once(b, engine) > 0  # and b's assessment, the last turn
    assert drain.drain_once(a, engine) == drain.drain_once(b, engine) == 0

    (case,) = _cases(engine, "alice")
    assert [t.text for t in case.turns] == [
        "我想看看能申请什么",
        "您现在的就业状态是？",
        "回答0",
        "记下了0",
        "回答1",
        "记下了1",
        "根据您的情况，评估结果如下。",
    ]
    (assessment,) = case.assessments
    assert assessment.facts == {"employment_status": "unemployed", "unemployed_months": 6}
    with Session(engine) as s:
        assert all(cp.written_before for cp in s.scalars(sa.select(IngestCheckpoint)))


def test_without_the_horizon_the_same_order_of_drains_splits_the_case(
    engine: sa.Engine, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """What the horizon prevents (peer_timeout=0: every other drain counts as gone)."""
    monkeypatch.setenv("CASELOG_SALT", SALT)
    a, b = Spool(tmp_path / "a"), Spool(tmp_path / "b")
    Person([a, b], "bob").consult([0, 1])
    for spool in (b, a, b, a):
        drain.drain_once(spool, engine, peer_timeout=0)
    cases = _cases(engine, "bob")
    assert len(cases) == 2 or next(t.text for t in cases[0].turns) != "我想看看能申请什么"


def test_drains_following_two_spools_build_every_case_whole_and_in_order(
    engine: sa.Engine, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CASELOG_SALT", SALT)
    spools = [Spool(tmp_path / "a"), Spool(tmp_path / "b")]
    stop = threading.Event()
    stats = [drain.DrainStats(), drain.DrainStats()]
    drainers = [
        threading.Thread(target=drain.run, args=(spool, engine, stop), kwargs={"poll_interval": poll, "stats": st})
        for spool, poll, st in zip(spools, (0.2, 0.01), stats, strict=True)  # a slow drain and a quick one
    ]
    for t in drainers:
        t.start()
    with Session(engine) as s:  # the servers take traffic once their drains run (the layout starts them first)
        while s.scalar(sa.select(sa.func.count()).select_from(IngestCheckpoint)) < 2:
            time.sleep(0.01)
    rng = random.Random(7)
    people = [Person(spools, f"p{n}") for n in range(12)]
    writers = [threading.Thread(target=p.consult, args=([rng.randrange(2) for _ in range(3)], 0.03)) for p in people]
    for t in writers:
        t.start()
    for t in writers:
        t.join(60)
    deadline = time.monotonic() + 60
    with Session(engine) as s:
        while time.monotonic() < deadline:
            done = [drain.committed_seq(s, drain.checkpoint_name(sp)) == sp.last_seq() for sp in spools]
            s.expire_all()
            if all(done):
                break
            time.sleep(0.05)
    stop.set()
    for t in drainers:
        t.join(30)
    assert not any(st.failures for st in stats), [st.last_error for st in stats]
    for p in people:
        (case,) = _cases(engine, p.name)
        texts = [t.text for t in case.turns]
        assert texts[:2] == ["我想看看能申请什么", "您现在的就业状态是？"], texts
        assert texts[2:6] == ["回答0", "记下了0", "回答1", "记下了1"], texts
        (assessment,) = case.assessments
        assert assessment.facts == {"employment_status": "unemployed", "unemployed_months": 6}
    with Session(engine) as s:
        assert s.scalar(sa.select(sa.func.count(Assessment.id))) == len(people)


def test_a_drain_holds_a_record_back_no_longer_than_the_hold_limit(
    engine: sa.Engine, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Two servers whose clocks run ahead of each other's spools: each drain waits for the other, until
    the hold limit lets them go (liveness over order when the horizon cannot be trusted)."""
    monkeypatch.setenv("CASELOG_SALT", SALT)
    spools = [Spool(tmp_path / "a"), Spool(tmp_path / "b")]
    for spool in spools:
        drain.drain_once(spool, engine)
    ahead = time.time() + 30  # both events stamped 30 s ahead of any spool's write time
    for spool, name in zip(spools, ("carol", "dave"), strict=True):
        c = Conversation(spool, name, channel="web", clock=ahead).start()
        c.user("你好")
    assert drain.drain_once(spools[0], engine) == drain.drain_once(spools[1], engine) == 0  # each waits
    stop = threading.Event()
    stats = [drain.DrainStats(), drain.DrainStats()]
    drainers = [
        threading.Thread(
            target=drain.run, args=(sp, engine, stop), kwargs={"poll_interval": 0.05, "hold_limit": 0.5, "stats": st}
        )
        for sp, st in zip(spools, stats, strict=True)
    ]
    started = time.monotonic()
    for t in drainers:
        t.start()
    deadline = started + 20
    while time.monotonic() < deadline and not all(_cases(engine, n) for n in ("carol", "dave")):
        time.sleep(0.05)
    stop.set()
    for t in drainers:
        t.join(30)
    assert all(_cases(engine, n) for n in ("carol", "dave")), "the drains never let the records go"
    assert time.monotonic() - started >= 0.5
    assert sum(st.released for st in stats) > 0 and all(st.held_back for st in stats)


def test_after_an_outage_a_drain_does_not_release_before_the_others_are_back(
    engine: sa.Engine, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The hold limit lets records go, but not while the other drains may still be in their back-off."""
    monkeypatch.setenv("CASELOG_SALT", SALT)
    spools = [Spool(tmp_path / "a"), Spool(tmp_path / "b")]
    for spool in spools:
        drain.drain_once(spool, engine)
    ahead = time.time() + 30
    Conversation(spools[0], "erin", channel="web", clock=ahead).start().user("你好")
    waiting = next(iter(spools[0].read(after_seq=0, limit=1))).seq  # the first record, which waits
    long_held = time.monotonic() - 10  # held far longer than the limit
    after_outage = drain.Holdback(seq=waiting, since=long_held, not_before=time.monotonic() + 60)
    assert drain.drain_batch(spools[0], engine, hold=after_outage, hold_limit=0.5) == 0
    assert not _cases(engine, "erin")
    settled = drain.Holdback(seq=waiting, since=long_held)
    assert drain.drain_batch(spools[0], engine, hold=settled, hold_limit=0.5) > 0
    assert _cases(engine, "erin")
