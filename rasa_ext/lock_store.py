"""AtomicRedisLockStore: Rasa's Redis ticket lock without its race between servers.

Rasa 3.6's RedisLockStore changes a conversation's lock by read-modify-write with no atomicity: issuing a
ticket is GET, append, SET; finishing is GET, remove, SET, then GET and DEL. Two servers receiving a
message of the same conversation at the same moment both GET the same lock, both issue the same ticket
number and both SET: each believes it holds the lock and the two turns run interleaved (the tracker store
then saves a mix of both). A finishing server can also overwrite or delete a ticket another server has
just issued, and that server then waits for a lock that no longer serves it.

Here every change of a lock is one optimistic Redis transaction (WATCH the key, read, change, MULTI/SET
or DEL/EXEC, retried when another server changed the key meanwhile), so ticket numbers are unique and
no change is lost. Also:
- tickets are leases: each is issued for `lease_seconds` (default 10) and renewed by its holder while
  the turn runs, so a server that dies holding a ticket blocks its conversation for at most one lease
  instead of Rasa's 60 s, while a slow turn keeps its lock as long as it needs;
- waiting polls every `poll_seconds` (default 0.05) instead of every second, and gives up after
  `max_wait_seconds` (default 60) with a LockError (the person is asked to try again);
- the key expires when its last ticket would, so locks of dead servers do not pile up in Redis;
- finishing a turn when Redis is briefly gone only logs: the ticket runs out with its lease.

endpoints.scale.yml:
    lock_store:
      type: rasa_ext.lock_store.AtomicRedisLockStore
      url: ${REDIS_HOST}
      port: ${REDIS_PORT}
      db: ${REDIS_DB}
      password: ${REDIS_PASSWORD}         # empty: none
      key_prefix: ${REDIS_KEY_PREFIX}     # letters and digits only (Rasa's rule)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_LEASE = 10.0
DEFAULT_POLL = 0.05
DEFAULT_MAX_WAIT = 60.0
DEFAULT_SOCKET_TIMEOUT = 2.0
_INTEGER_KEYS = ("port", "db")
_FLOAT_KEYS = ("socket_timeout",)


def _options(endpoint_config: EndpointConfig | None, overrides: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = dict(endpoint_config.kwargs) if endpoint_config is not None else {}
    if endpoint_config is not None and endpoint_config.url:
        options["host"] = endpoint_config.url
    options.update(overrides)
    # values substituted from the environment arrive as strings; an unset optional one as "" or None
    options = {k: v for k, v in options.items() if v not in ("", None)}
    for key in _INTEGER_KEYS:
        if key in options:
            options[key] = int(options[key])
    for key in _FLOAT_KEYS:
        if key in options:
            options[key] = float(options[key])
    return options


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        options = _options(endpoint_config, kwargs)
        self.lease = float(options.pop("lease_seconds", DEFAULT_LEASE))
        self.poll = float(options.pop("poll_seconds", DEFAULT_POLL))
        self.max_wait = float(options.pop("max_wait_seconds", DEFAULT_MAX_WAIT))
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        super().__init__(**options)
        # Rasa sets no connect timeout: an unreachable Redis host would hang the server's event loop
        self.red.connection_pool.connection_kwargs["socket_connect_timeout"] = options["socket_timeout"]

    # ---------------------------------------------------------------- atomic changes
    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, T]]) -> T:
        """Apply `change` to the stored lock in one optimistic transaction (retried on a concurrent change)."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    after, result = change(lock)
                    pipe.multi()
                    if after is None or not after.tickets:
                        pipe.delete(key)
                    else:
                        last_expiry = max(t.expires for t in after.tickets)
                        pipe.set(key, after.dumps(), px=max(1, math.ceil((last_expiry - time.time() + 1) * 1000)))
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = DEFAULT_LEASE) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(self.lease)

        try:
            return self._change(conversation_id, issue)
        except redis.RedisError as exc:
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def renew_ticket(self, conversation_id: str, ticket_number: int) -> bool:
        """Extend a ticket by one lease; False when it is gone (it expired, or the lock was deleted)."""

        def renew(lock: TicketLock | None) -> tuple[TicketLock | None, bool]:
            ticket = next((t for t in lock.tickets if t.number == ticket_number), None) if lock else None
            if ticket is None:
                return lock, False
            ticket.expires = time.time() + self.lease
            return lock, True

        return self._change(conversation_id, renew)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the ticket; the lock goes with its last ticket (in the same transaction)."""
        try:
            self.finish_serving(conversation_id, ticket_number)
        except redis.RedisError as exc:
            logger.warning("could not release a conversation lock (%s); it runs out with its lease", exc)

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    # ---------------------------------------------------------------- the lock Rasa's Agent takes per message
    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = DEFAULT_LEASE, wait_time_in_seconds: float = DEFAULT_POLL
    ) -> AsyncGenerator[TicketLock, None]:
        ticket = self.issue_ticket(conversation_id)
        keeper = asyncio.create_task(self._keep_alive(conversation_id, ticket))
        try:
            yield await self._acquire_lock(conversation_id, ticket, self.poll)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            self.cleanup(conversation_id, ticket)

    async def _keep_alive(self, conversation_id: str, ticket: int) -> None:
        while True:
            await asyncio.sleep(self.lease / 3)
            try:
                if not self.renew_ticket(conversation_id, ticket):
                    logger.warning("a conversation lock ticket ran out before its turn ended")
                    return
            except redis.RedisError as exc:
                logger.warning("could not renew a conversation lock (%s); retrying", exc)

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        deadline = time.monotonic() + self.max_wait
        while True:
            try:
                lock = self.get_lock(conversation_id)
            except redis.RedisError as exc:
                raise LockError(f"Could not read the lock for conversation_id '{conversation_id}': {exc}") from exc
            if lock is not None:
                lock.remove_expired_tickets()
            if lock is None or not any(t.number == ticket for t in lock.tickets):
                raise LockError(f"The lock ticket for conversation_id '{conversation_id}' was lost.")
            if not lock.is_locked(ticket):
                return lock
            if time.monotonic() > deadline:
                raise LockError(f"Waited {self.max_wait:g} s for the lock of conversation_id '{conversation_id}'.")
            await asyncio.sleep(wait_time_in_seconds)
