"""StrictSQLTrackerStore: Rasa's SQL tracker store (PostgreSQL in the scaled layout) that never papers over
a database outage.

endpoints.scale.yml:
    tracker_store:
      type: rasa_ext.tracker_store.StrictSQLTrackerStore
      dialect: postgresql
      url: ${TRACKER_DB_HOST}
      ...                          # the same keys as Rasa's `type: SQL`

Two differences from `type: SQL`:
- a read or write that fails raises `StoreUnavailable` (see rasa_ext/errors.py for why it must get past
  Rasa's FailSafeTrackerStore): the person is asked to try again and nothing is started afresh or kept
  only in memory;
- connections are pre-pinged, so after PostgreSQL restarts the pool replaces its dead connections instead
  of failing one turn per pooled connection;
- the turn's new events are found once, by counting the stored events (Rasa counts them for the insert
  and, for the event broker, reads the whole stored conversation again and rebuilds it into a tracker, on
  every save), and reach the event broker in one batch (one fsync'd spool write instead of one per event)
  after the commit, never before: a turn whose write failed is not in the case log either, so the message
  the person sends again after 稍后再试 is logged once (Rasa publishes first, then writes).

The single-machine run uses it too (endpoints.yml, `dialect: sqlite`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from rasa_ext.errors import StoreUnavailable

logger = logging.getLogger(__name__)


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


class StrictSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        try:
            return await super().retrieve(sender_id)
        except sa.exc.SQLAlchemyError as exc:
            logger.error("tracker store: cannot read a conversation: %s", _reason(exc))
            raise StoreUnavailable(f"tracker store unavailable: {_reason(exc)}") from exc

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        try:
            return await super().retrieve_full_tracker(conversation_id)
        except sa.exc.SQLAlchemyError as exc:
            logger.error("tracker store: cannot read a conversation: %s", _reason(exc))
            raise StoreUnavailable(f"tracker store unavailable: {_reason(exc)}") from exc

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's SQLTrackerStore.save (same rows), then the committed events to the event broker; both in a
        worker thread, so that the server's event loop goes on with other conversations' turns while this one
        waits for PostgreSQL and the spool's fsync (Rasa writes on the loop, and every turn on the server
        waits with it)."""
        await asyncio.to_thread(self._save_and_publish, tracker)

    def _save_and_publish(self, tracker: DialogueStateTracker) -> None:
        try:
            with self.session_scope() as session:
                new_events = list(self._additional_events(session, tracker))
                for event in new_events:
                    session.add(self._row(tracker.sender_id, event))
                session.commit()
        except sa.exc.SQLAlchemyError as exc:
            logger.error("tracker store: cannot save a conversation: %s", _reason(exc))
            raise StoreUnavailable(f"tracker store unavailable: {_reason(exc)}") from exc
        if self.event_broker is None or not new_events:
            return
        bodies = [{"sender_id": tracker.sender_id, **event.as_dict()} for event in new_events]
        publish_many = getattr(self.event_broker, "publish_many", None)
        if callable(publish_many):
            publish_many(bodies)  # SpoolEventBroker: one fsync'd write (thread-safe), never raises
        else:
            for body in bodies:
                self.event_broker.publish(body)

    def _row(self, sender_id: str, event: Event) -> Any:
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=data.get("name"),
            data=json.dumps(data),
        )
