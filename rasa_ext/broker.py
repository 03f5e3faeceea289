"""SpoolEventBroker: Rasa's tracker events go to the case-log spool (fsync'd JSON lines).

endpoints.yml:
    event_broker:
      type: rasa_ext.broker.SpoolEventBroker
      spool_dir: var/spool        # or "${CASELOG_SPOOL_DIR}"; empty → $CASELOG_SPOOL_DIR or var/spool

Publishing never raises into the conversation: if the spool cannot be written the event is
dropped with an error log (the conversation goes on); the database is never touched here.
"""

from __future__ import annotations

import logging
import os
from asyncio import AbstractEventLoop
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from caselog.salt import sender_salt
from caselog.spool import Spool, default_spool_dir

logger = logging.getLogger(__name__)


def _expand(value: str | None) -> str | None:
    """Expand ${VAR}: Rasa 3.6 substitutes environment variables only in unquoted YAML scalars."""
    if not value:
        return None
    expanded = os.path.expandvars(str(value))
    if "${" in expanded or expanded[:1] == "$":
        logger.warning("spool_dir %r names an unset environment variable; using the default spool folder", value)
        return None
    return expanded


class SpoolEventBroker(EventBroker):
    def __init__(self, spool_dir: str | None = None, max_segment_bytes: int | None = None, **_: Any) -> None:
        sender_salt()  # no salt: Rasa does not start, and the error says what to set (caselog.salt)
        directory = _expand(spool_dir) or default_spool_dir()
        kwargs = {"max_segment_bytes": int(max_segment_bytes)} if max_segment_bytes else {}
        self.spool = Spool(directory, **kwargs)
        logger.info("Case-log events are spooled to '%s'.", self.spool.dir)

    @classmethod
    async def from_endpoint_config(
        cls,
        broker_config: EndpointConfig | None,
        event_loop: AbstractEventLoop | None = None,
    ) -> SpoolEventBroker | None:
        if broker_config is None:
            return None
        return cls(**broker_config.kwargs)

    def publish(self, event: dict[str, Any]) -> None:
        self.publish_many([event])

    def publish_many(self, events: list[dict[str, Any]]) -> None:
        """A turn's events in one fsync'd write (rasa_ext.tracker_store hands them over together)."""
        try:
            self.spool.append_events(events)
        except Exception:  # never fail the conversation because of the case log
            kinds = sorted({str(e.get("event")) for e in events})
            logger.exception("could not spool %d case-log event(s) of type %s", len(events), ", ".join(kinds))

    def is_ready(self) -> bool:
        return self.spool.dir.is_dir()
