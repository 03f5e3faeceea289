"""The scaled layout on loopback, for real: two Rasa servers and two action servers behind HAProxy, the
tracker store in PostgreSQL (a scratch database on this machine's server), the lock store in Redis (own
db and key prefix), one case-log drain per Rasa server's spool, the web app and Telegram (against the
Bot API stand-in) pointed at the load balancer. Started once for the module; tests run in file order,
the ones that kill servers last."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.balancer import ACTIONS_BACKEND, RASA_BACKEND, server_states, server_stats
from bot.scaled import ScaledStack
from caselog import drain
from caselog.db import make_engine
from caselog.models import Case
from caselog.privacy import mask_text
from caselog.spool import Spool, hash_sender
from caselog.staff import create_staff_user
from tests.bot.standins import FakeTelegram
from tests.scale.conftest import (
    PERSONAS,
    REDIS,
    Persona,
    RedisProbe,
    assessment_of,
    event_shape,
    layout_env,
    require_layout,
    running_layout,
    say,
    scratch_database,
    stored_events,
    texts,
    tracker,
)

pytestmark = [pytest.mark.rasa, pytest.mark.postgres]

TELEGRAM_TOKEN = "654321:scale-test"
STAFF = ("scale.staff", "scale-password-1234")


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram(TELEGRAM_TOKEN) as tg:
        yield tg  # type: ignore[misc]


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory, telegram: FakeTelegram) -> Iterator[ScaledStack]:
    require_layout()
    with scratch_database() as url:
        env = layout_env(url, REDIS, redis_db=2)
        env.update(TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_API_BASE_URL=telegram.base_url)
        components = ("actions", "rasa", "balancer", "drain", "web", "telegram")
        with running_layout(tmp_path_factory.mktemp("scaled") / "var", env, components) as stack:
            yield stack


@pytest.fixture(scope="module")
def references(layout: ScaledStack) -> dict[str, tuple[dict[str, Any], list[tuple[Any, ...]], str]]:
    """Each persona once, every message to server 1: (assessment, tracker event shapes, sender)."""
    out = {}
    for persona in PERSONAS:
        sender = f"ref-{persona.name}-{uuid.uuid4().hex[:6]}"
        assessment = persona.consult(sender, [layout.server_url(1)])
        shapes = [event_shape(e) for e in stored_events(layout.database_url, sender)]
        out[persona.name] = (assessment, shapes, sender)
    return out


def _wait_for_case_log(stack: ScaledStack, engine: sa.Engine, timeout: float = 120) -> None:
    spools = [Spool(stack.spool_dir(n)) for n in range(1, stack.servers + 1)]
    deadline = time.monotonic() + timeout
    while True:
        with Session(engine) as s:
            if all(drain.committed_seq(s, drain.checkpoint_name(sp)) == sp.last_seq() for sp in spools):
                return
        assert time.monotonic() < deadline, "the drains did not catch up with the spools"
        time.sleep(0.3)


def _case(engine: sa.Engine, stack: ScaledStack, sender: str) -> dict[str, Any]:
    salt = stack.env()["CASELOG_SALT"].encode()
    with Session(engine) as s:
        cases = list(s.scalars(sa.select(Case).where(Case.user_hash == hash_sender(sender, salt))))
        assert len(cases) == 1, f"{sender}: {len(cases)} cases"
        (case,) = cases
        return {
            "turns": [(t.speaker, t.text) for t in case.turns],
            "assessments": [(a.facts, sorted((r.policy_id, r.status) for r in a.results)) for a in case.assessments],
        }


def test_fifty_concurrent_conversations_alternating_servers_end_as_on_one_server(
    layout: ScaledStack, references: dict[str, tuple[dict[str, Any], list[tuple[Any, ...]], str]]
) -> None:
    servers = [layout.server_url(1), layout.server_url(2)]
    run = uuid.uuid4().hex[:6]
    conversations = [(f"c{i:02d}-{run}", PERSONAS[i % len(PERSONAS)]) for i in range(50)]
    started = time.monotonic()
    with ThreadPoolExecutor(len(conversations)) as pool:
        futures = {
            sender: pool.submit(persona.consult, sender, servers, i % 2)  # consecutive messages: other server
            for i, (sender, persona) in enumerate(conversations)
        }
        assessments = {sender: f.result() for sender, f in futures.items()}
    took = time.monotonic() - started
    for sender, persona in conversations:
        assessment, shapes, _ = references[persona.name]
        assert assessments[sender] == assessment, sender
        rows = stored_events(layout.database_url, sender)  # the rows in PostgreSQL, in insertion order
        assert [event_shape(e) for e in rows] == shapes, f"{sender}: events lost, doubled or out of order"
        stamps = [e["timestamp"] for e in rows]
        assert stamps == sorted(stamps), f"{sender}: a later turn was stored before an earlier one"
        served = tracker(layout.rasa_url, sender)["events"]  # what a server rebuilds from them
        assert [event_shape(e) for e in served] == shapes, sender

    engine = make_engine(layout.database_url)
    try:
        _wait_for_case_log(layout, engine)
        expected = {name: _case(engine, layout, ref_sender) for name, (_, _, ref_sender) in references.items()}
        for sender, persona in conversations:
            case = _case(engine, layout, sender)
            events = tracker(layout.rasa_url, sender)["events"]
            said = [(e["event"], mask_text(e.get("text") or "")) for e in events if e["event"] in ("user", "bot")]
            assert case["turns"] == said, f"{sender}: the case log's messages differ from the tracker's"
            assert case == expected[persona.name], sender
    finally:
        engine.dispose()
    spooled = {n: Spool(layout.spool_dir(n)).last_seq() for n in (1, 2)}
    print(f"\n50 conversations over 2 servers: {took:.1f} s; spool records per server {spooled}")
    assert all(spooled.values()), "both servers' spools took part"


def test_two_messages_of_one_conversation_at_once_on_two_servers_run_one_after_the_other(layout: ScaledStack) -> None:
    one, two = layout.server_url(1), layout.server_url(2)
    first, second = "我想看看我能享受哪些政策", "什么是公益性岗位？"
    reference: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for order in ((first, second), (second, first)):  # what one server does with them one after the other
        sender = f"serial-{uuid.uuid4().hex[:8]}"
        for text in ("你好", *order):
            say(one, sender, text)
        reference[order] = [event_shape(e) for e in tracker(one, sender)["events"]]

    prefix = layout.env()["REDIS_KEY_PREFIX"]
    probe = RedisProbe(REDIS[0], REDIS[1], int(layout.env()["REDIS_DB"]))
    waited = 0  # pairs where the lock was seen holding both servers' tickets: one served, one waiting
    pairs = 8
    for k in range(pairs):
        sender = f"pair{k}-{uuid.uuid4().hex[:8]}"
        say(one, sender, "你好")
        barrier = threading.Barrier(2)
        done = threading.Event()
        seen: set[tuple[int, ...]] = set()

        def watch(
            key: str = f"{prefix}:lock:{sender}", seen: set[tuple[int, ...]] = seen, done: threading.Event = done
        ) -> None:
            while not done.is_set():
                raw = probe.get(key)
                if raw:
                    tickets = json.loads(raw)["tickets"]  # Rasa's TicketLock: each ticket a JSON string
                    seen.add(tuple(sorted(json.loads(t)["number"] for t in tickets)))
                time.sleep(0.002)

        def send(url: str, text: str, sender: str = sender, barrier: threading.Barrier = barrier) -> list[Any]:
            barrier.wait()
            return say(url, sender, text)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            with ThreadPoolExecutor(2) as pool:
                replies = [pool.submit(send, one, first), pool.submit(send, two, second)]
                answered = [texts(r.result()) for r in replies]
        finally:
            done.set()
            watcher.join(10)
        waited += any(len(tickets) == 2 for tickets in seen)
        assert all(a and not any("稍后再试" in t for t in a) for a in answered), answered
        events = tracker(one, sender)["events"]
        users = [i for i, e in enumerate(events) if e["event"] == "user"]
        order = tuple(events[i]["text"] for i in users[1:])
        assert sorted(order) == sorted((first, second)), order
        assert [event_shape(e) for e in events] == reference[order], "the two turns interleaved"  # type: ignore[index]
        end_of_first_turn = events[users[2] - 1]
        assert end_of_first_turn["event"] == "action" and end_of_first_turn["name"] == "action_listen"
        assert events[users[2]]["timestamp"] >= end_of_first_turn["timestamp"]  # the second waited for the first
        assert probe.get(f"{prefix}:lock:{sender}") is None  # the lock went with the last ticket
    probe.close()
    print(f"\nsimultaneous pairs: in {waited} of {pairs} the lock held both tickets while one turn waited")
    assert waited >= pairs // 2, "the two messages hardly ever met at the lock: the test did not test it"


def test_the_web_app_and_telegram_talk_through_the_load_balancer(layout: ScaledStack, telegram: FakeTelegram) -> None:
    engine = make_engine(layout.database_url)
    with Session(engine) as s, s.begin():
        create_staff_user(s, *STAFF, role="admin")
    engine.dispose()
    with httpx.Client(base_url=layout.web_url, trust_env=False, timeout=120) as web:
        page = web.get("/login").text
        csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        login = web.post("/login", data={"username": STAFF[0], "password": STAFF[1], "csrf_token": csrf, "next": "/"})
        assert login.status_code == 303, login.text
        home = web.get("/").text
        token = home.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        reply = web.post("/api/chat", json={"message": "你好"}, headers={"X-CSRF-Token": token})
        assert reply.status_code == 200 and reply.json()["ok"], reply.text
        assert any("稳就业" in (m.get("text") or "") for m in reply.json()["messages"])

    before = len(telegram.calls_of("sendMessage"))
    telegram.push_text(770001, "你好")
    sent = telegram.wait_for("sendMessage", before + 1, timeout=120)
    assert any("稳就业" in (m.get("text") or "") for m in sent[before:]), sent[before:]
    assert layout.env()["RASA_URL"] == layout.rasa_url  # what both were started with: the balancer


def _kill(layout: ScaledStack, name: str) -> None:
    child = layout.child(name)
    assert child.pid is not None
    os.killpg(child.pid, signal.SIGKILL)


def _wait_until(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.3)


def test_an_action_server_killed_costs_no_turn(layout: ScaledStack) -> None:
    restarts = layout._supervisor_thread.supervisor.restarts  # type: ignore[union-attr]
    before = restarts("actions-1")
    _kill(layout, "actions-1")
    persona = PERSONAS[0]
    with ThreadPoolExecutor(4) as pool:  # consult() fails on any 稍后再试
        results = [pool.submit(persona.consult, f"act-{i}-{uuid.uuid4().hex[:6]}", [layout.rasa_url]) for i in range(4)]
        assert all(r.result() for r in results)
    _wait_until(lambda: restarts("actions-1") > before, 60, "the supervisor did not restart actions-1")
    _wait_until(
        lambda: server_states(layout.stats_url).get(ACTIONS_BACKEND, {}).get("actions-1", "").startswith("UP"),
        120,
        "actions-1 did not rejoin the balancer",
    )


def test_a_rasa_server_killed_mid_run_loses_nothing_and_rejoins(
    layout: ScaledStack, references: dict[str, tuple[dict[str, Any], list[tuple[Any, ...]], str]]
) -> None:
    restarts = layout._supervisor_thread.supervisor.restarts  # type: ignore[union-attr]
    before = restarts("rasa-1")
    retried: list[str] = []
    answered: dict[str, list[str]] = {}

    def consult(sender: str, persona: Persona) -> dict[str, Any] | None:
        """Like a person: when the bot says 稍后再试 (or the balancer answers 502), send the message again."""
        answered[sender] = []
        for text in persona.messages:
            for _ in range(20):
                try:
                    messages = say(layout.rasa_url, sender, text)
                except httpx.HTTPError:
                    messages = [{"text": "稍后再试"}]
                if not any("稍后再试" in t for t in texts(messages)):
                    break
                retried.append(sender)
                time.sleep(0.5)
            else:
                raise AssertionError(f"{sender}: no answer to {text!r}")
            answered[sender].append(text)
            found = assessment_of(messages)
            if found is not None:
                return found
        return None

    conversations = [(f"kill-{i}-{uuid.uuid4().hex[:6]}", PERSONAS[i % len(PERSONAS)]) for i in range(12)]
    seen_down = threading.Event()
    with ThreadPoolExecutor(len(conversations)) as pool:
        futures = {s: pool.submit(consult, s, p) for s, p in conversations}
        time.sleep(3)  # mid-run
        _kill(layout, "rasa-1")
        _wait_until(
            lambda: server_states(layout.stats_url).get(RASA_BACKEND, {}).get("rasa-1", "").startswith("DOWN"),
            30,
            "the balancer kept a dead server in rotation",
        )
        seen_down.set()
        results = {s: f.result() for s, f in futures.items()}
    differ: list[str] = []
    engine = make_engine(layout.database_url)
    try:
        _wait_for_case_log(layout, engine)  # rasa-1's spool included: its drain kept running
        for sender, persona in conversations:
            assert results[sender] == references[persona.name][0], f"{sender} did not end as on one server"
            stored = stored_events(layout.database_url, sender)
            users = [e["text"] for e in stored if e["event"] == "user"]
            it = iter(users)
            assert all(text in it for text in answered[sender]), f"{sender}: an answered message is missing"
            said = [(e["event"], mask_text(e.get("text") or "")) for e in stored if e["event"] in ("user", "bot")]
            logged = _case(engine, layout, sender)["turns"]
            it = iter(logged)
            assert all(("user", mask_text(t)) in it for t in answered[sender]), f"{sender}: the case log lost a message"
            it = iter(said)
            assert all(turn in it for turn in logged), f"{sender}: the case log has a turn the tracker has not"
            if logged != said:
                # a turn committed by rasa-1 in the instant before it was killed, neither spooled nor
                # answered: the person sent it again, so the tracker has it twice and the case log once
                assert sender in retried, f"{sender}: the case log differs from the tracker without a crash"
                differ.append(sender)
    finally:
        engine.dispose()
    print(f"\nrasa-1 killed mid-run: {len(retried)} message(s) sent again; a turn stored twice in {differ or 'none'}")

    _wait_until(lambda: restarts("rasa-1") > before, 60, "the supervisor did not restart rasa-1")
    _wait_until(
        lambda: server_states(layout.stats_url).get(RASA_BACKEND, {}).get("rasa-1", "") == "UP",
        layout.rasa_timeout,
        "rasa-1 did not rejoin the balancer",
    )
    assert seen_down.is_set()

    def sent_to_rasa_1() -> int:
        return int(server_stats(layout.stats_url)[RASA_BACKEND]["rasa-1"]["stot"] or 0)

    sent_before, back = sent_to_rasa_1(), f"back-{uuid.uuid4().hex[:6]}"
    for text in PERSONAS[0].messages[:4]:  # through the balancer: round robin gives rasa-1 its share again
        assert not any("稍后再试" in t for t in texts(say(layout.rasa_url, back, text)))
    assert sent_to_rasa_1() >= sent_before + 2, "the balancer sends nothing to the restarted server"
