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
- the turn's new events reach the event broker in one batch (one fsync'd spool write instead of one per
  event), found by counting the stored events (Rasa reads the whole stored conversation again and rebuilds
  it into a tracker, on every save, only to find them).

The single-machine run uses it too (endpoints.yml, `dialect: sqlite`).
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

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

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        if self.event_broker is None:
            return
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    async def _stream_new_events(self, event_broker: EventBroker, new_events: list[Event], sender_id: str) -> None:
        bodies = [{"sender_id": sender_id, **event.as_dict()} for event in new_events]
        publish_many = getattr(event_broker, "publish_many", None)
        if callable(publish_many):
            publish_many(bodies)
        else:
            for body in bodies:
                event_broker.publish(body)

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await super().save(tracker)
        except sa.exc.SQLAlchemyError as exc:
            logger.error("tracker store: cannot save a conversation: %s", _reason(exc))
            raise StoreUnavailable(f"tracker store unavailable: {_reason(exc)}") from exc
