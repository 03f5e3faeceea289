"""Run with the Rasa venv (cwd = repo root): StrictSQLTrackerStore's save on SQLite, with a recording broker.

Usage: .venv-rasa/bin/python tests/scale/store_check.py DB_PATH
Prints one JSON object; tests/scale/test_tracker_store.py checks it.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

sys.path.insert(0, os.getcwd())

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

from rasa_ext.errors import StoreUnavailable
from rasa_ext.tracker_store import StrictSQLTrackerStore


class Recording(EventBroker):
    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def publish_many(self, events: list[dict[str, Any]]) -> None:
        self.batches.append([e.get("text") or e.get("event") for e in events])

    def publish(self, event: dict[str, Any]) -> None:
        self.publish_many([event])


def stored(store: StrictSQLTrackerStore, sender: str) -> list[str]:
    with store.session_scope() as session:
        rows = session.query(store.SQLEvent).filter_by(sender_id=sender).order_by(store.SQLEvent.id).all()
        return [json.loads(r.data).get("text") or r.type_name for r in rows]


def turn(text: str) -> list[Any]:
    return [UserUttered(text, intent={"name": "inform", "confidence": 1.0}), BotUttered(f"re {text}")]


async def main(db: str) -> dict[str, Any]:
    domain = Domain.empty()
    broker = Recording()
    store = StrictSQLTrackerStore(domain, dialect="sqlite", db=db, event_broker=broker)
    out: dict[str, Any] = {}

    tracker = await store.get_or_create_tracker("c1")
    tracker.update_with_events([ActionExecuted("action_session_start"), SessionStarted(), *turn("一")], domain)
    await store.save(tracker)
    tracker = await store.retrieve("c1")
    tracker.update_with_events(turn("二"), domain)
    await store.save(tracker)
    out["after_two_turns"] = {"stored": stored(store, "c1"), "published": list(broker.batches)}

    # the database fails at the commit of the third turn: nothing of it may reach the broker
    tracker = await store.retrieve("c1")
    tracker.update_with_events(turn("三"), domain)
    broker.batches.clear()
    original = sa.orm.Session.commit

    def failing_commit(self: sa.orm.Session) -> None:
        raise sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    sa.orm.Session.commit = failing_commit  # type: ignore[method-assign]
    try:
        await store.save(tracker)
        out["failed_save_raised"] = None
    except StoreUnavailable as exc:
        out["failed_save_raised"] = type(exc).__name__
    finally:
        sa.orm.Session.commit = original  # type: ignore[method-assign]
    out["after_failed_commit"] = {"stored": stored(store, "c1"), "published": list(broker.batches)}

    # sent again (as the person told 稍后再试 would): stored and published once
    await store.save(tracker)
    out["after_retry"] = {"stored": stored(store, "c1"), "published": list(broker.batches)}
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1])), ensure_ascii=False))
