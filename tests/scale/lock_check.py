"""Run with the Rasa venv (cwd = repo root): Rasa's RedisLockStore against rasa_ext's AtomicRedisLockStore.

Usage: .venv-rasa/bin/python tests/scale/lock_check.py HOST PORT DB PREFIX
Prints one JSON object; tests/scale/test_lock_store.py checks it. Every store instance has its own Redis
connection, as two Rasa servers would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import threading
import time
from typing import Any

sys.path.insert(0, os.getcwd())

from rasa.core.lock import TicketLock
from rasa.core.lock_store import RedisLockStore

from rasa_ext.lock_store import AtomicRedisLockStore

HOST, PORT, DB, PREFIX = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def stock() -> RedisLockStore:
    return RedisLockStore(host=HOST, port=PORT, db=DB, key_prefix=PREFIX)


def atomic(**options: Any) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(host=HOST, port=PORT, db=DB, key_prefix=PREFIX, **options)


def two_servers_issue_at_the_same_moment(make: Any, conversation: str) -> dict[str, Any]:
    """Both servers read the lock before either writes it back (a rendezvous right after the read)."""
    barrier = threading.Barrier(2, timeout=2)
    original = TicketLock.issue_ticket
    first_call: set[int] = set()

    def issue_after_rendezvous(self: TicketLock, lifetime: float) -> int:
        me = threading.get_ident()
        if me not in first_call:
            first_call.add(me)
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
        return original(self, lifetime)

    stores = [make(), make()]
    tickets: list[int] = [0, 0]

    def issue(i: int) -> None:
        tickets[i] = stores[i].issue_ticket(conversation)

    TicketLock.issue_ticket = issue_after_rendezvous  # type: ignore[method-assign]
    try:
        threads = [threading.Thread(target=issue, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
    finally:
        TicketLock.issue_ticket = original  # type: ignore[method-assign]
    lock = stores[0].get_lock(conversation)
    holders = [i for i in range(2) if lock is not None and not lock.is_locked(tickets[i])]
    for i in range(2):
        stores[i].cleanup(conversation, tickets[i])
    return {"tickets": tickets, "holders": holders, "tickets_in_lock": len(lock.tickets) if lock else 0}


def many_servers_hammer_one_conversation(make: Any, conversation: str, servers: int, turns: int) -> dict[str, Any]:
    """Each server runs `turns` turns through `async with store.lock(...)`; a turn reads, waits, writes."""
    probe = make()
    red = probe.red
    counter, inside = f"{PREFIX}:counter:{conversation}", f"{PREFIX}:inside:{conversation}"
    red.delete(counter, inside)
    overlaps = [0]
    errors: list[str] = []

    async def serve(store: Any) -> None:
        for _ in range(turns):
            async with store.lock(conversation):
                if not red.set(inside, "1", nx=True, px=5000):
                    overlaps[0] += 1
                value = int(red.get(counter) or 0)
                await asyncio.sleep(0.002)
                red.set(counter, value + 1)
                red.delete(inside)

    def server() -> None:
        try:
            asyncio.run(serve(make()))
        except Exception as exc:  # a lost ticket or a wait that gave up: count it, keep going
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=server) for _ in range(servers)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    result = {
        "turns": servers * turns,
        "counted": int(red.get(counter) or 0),
        "overlaps": overlaps[0],
        "errors": errors[:3],
        "seconds": round(time.monotonic() - started, 2),
    }
    red.delete(counter, inside)
    return result


async def a_dead_holder_blocks_one_lease(conversation: str) -> dict[str, Any]:
    dead = atomic(lease_seconds=1.0)
    dead.issue_ticket(conversation)  # the server dies holding its ticket: never renewed, never released
    waiter = atomic(lease_seconds=1.0, poll_seconds=0.02)
    started = time.monotonic()
    async with waiter.lock(conversation):
        waited = time.monotonic() - started
    return {"waited": round(waited, 2)}


async def a_live_slow_turn_keeps_its_lock(conversation: str) -> dict[str, Any]:
    holder, other = atomic(lease_seconds=0.6), atomic(lease_seconds=0.6, poll_seconds=0.02)
    events: list[tuple[str, float]] = []
    t0 = time.monotonic()

    async def slow_turn() -> None:
        async with holder.lock(conversation):
            events.append(("holder in", time.monotonic() - t0))
            await asyncio.sleep(2.0)  # three leases long
            events.append(("holder out", time.monotonic() - t0))

    async def next_turn() -> None:
        await asyncio.sleep(0.1)
        async with other.lock(conversation):
            events.append(("other in", time.monotonic() - t0))

    await asyncio.gather(slow_turn(), next_turn())
    return {"events": [(name, round(t, 2)) for name, t in events]}


def main() -> None:
    out: dict[str, Any] = {}
    out["stock_same_moment"] = two_servers_issue_at_the_same_moment(stock, "c-stock-moment")
    out["atomic_same_moment"] = two_servers_issue_at_the_same_moment(atomic, "c-atomic-moment")
    out["stock_hammer"] = many_servers_hammer_one_conversation(stock, "c-stock-hammer", 3, 6)
    out["atomic_hammer"] = many_servers_hammer_one_conversation(atomic, "c-atomic-hammer", 4, 25)
    out["dead_holder"] = asyncio.run(a_dead_holder_blocks_one_lease("c-dead"))
    out["slow_turn"] = asyncio.run(a_live_slow_turn_keeps_its_lock("c-slow"))
    leftover = atomic().red.keys(f"{PREFIX}:lock:c-atomic*")
    out["atomic_keys_left"] = len(leftover)
    stock().red.delete(*stock().red.keys(f"{PREFIX}:*") or ["-"])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
