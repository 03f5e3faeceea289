"""The Telegram side of a live handoff (caselog.handoff): while a worker has the conversation the bot is quiet.

`HandoffDesk.intercept` runs before a message goes to Rasa: when the person is handed to a human it keeps the
message for the worker and Rasa never sees it. `HandoffDesk.deliver` sends the workers' answers (the outbox)
through the Bot API. The chat to answer is the one the person last wrote from: remembered in memory for
everyone who writes, stored with the handoff only while it is open. If the case log cannot be reached the
bridge behaves as if there were no handoff (the bot answers), so nobody is left without a reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog import handoff as queries
from caselog.models import HandoffMessage
from caselog.spool import hash_sender

log = logging.getLogger(__name__)

WAITING_TEXT = "已为您转接工作人员，请稍候，工作人员会在这里直接回复您。"
Send = Callable[[int, str], Awaitable[object]]


class HandoffDesk:
    def __init__(self, engine: sa.Engine, *, key: bytes | None = None, remember: int = 10_000) -> None:
        self.engine = engine
        self.key = key  # the case log's sender-hash salt (None: CASELOG_SALT, as the spool uses)
        self._chats: OrderedDict[str, int] = OrderedDict()
        self._remember = remember
        self._told_to_wait: set[int] = set()

    def user_hash(self, sender: str) -> str:
        """The case log's name for the person (what the spool writes for the Rasa sender id)."""
        return hash_sender(sender, self.key)

    def _remember_chat(self, user_hash: str, chat_id: int) -> None:
        self._chats[user_hash] = chat_id
        self._chats.move_to_end(user_hash)
        while len(self._chats) > self._remember:
            self._chats.popitem(last=False)

    def _keep_incoming(self, user_hash: str, chat_id: int, text: str) -> tuple[int, str] | None:
        with Session(self.engine) as session, session.begin():
            open_one = queries.open_handoff(session, user_hash)
            if open_one is None:
                return None
            queries.add_incoming(session, open_one, text, chat_id=str(chat_id))
            return open_one.id, open_one.state

    async def intercept(self, sender: str, chat_id: int, text: str) -> str | None:
        """None: forward to Rasa as usual. A string: the person is handed to a human and their message is kept;
        say this to them ("" for nothing)."""
        user_hash = self.user_hash(sender)
        self._remember_chat(user_hash, chat_id)
        try:
            kept = await asyncio.to_thread(self._keep_incoming, user_hash, chat_id, text)
        except sa.exc.SQLAlchemyError as exc:
            log.warning("handoff check failed, the bot answers: %s", type(exc).__name__)
            return None
        if kept is None:
            return None
        handoff_id, state = kept
        if state == "requested" and handoff_id not in self._told_to_wait:
            self._told_to_wait.add(handoff_id)
            return WAITING_TEXT
        return ""

    def _pending(self) -> list[tuple[int, int | None, str]]:
        with Session(self.engine) as session:
            out = []
            for message in queries.outbox(session):
                h = message.handoff
                chat = int(h.chat_id) if h.chat_id else self._chats.get(h.user_hash)
                out.append((message.id, chat, message.text))
            return out

    def _mark(self, message_id: int, chat_id: int | None, error: str | None) -> None:
        with Session(self.engine) as session, session.begin():
            message = session.get(HandoffMessage, message_id)
            if message is None:
                return
            if error is not None:
                queries.failed(message, error)
                return
            if chat_id is not None and message.handoff.state != "closed" and not message.handoff.chat_id:
                message.handoff.chat_id = str(chat_id)
            queries.delivered(session, message)

    async def deliver(self, send: Send) -> int:
        """Send the answers whose chat is known; the others wait for the person's next message."""
        sent = 0
        for message_id, chat_id, text in await asyncio.to_thread(self._pending):
            if chat_id is None:
                continue
            try:
                await send(chat_id, text)
            except Exception as exc:  # the Bot API refused it: recorded, not retried for ever
                log.warning("a worker's answer could not be sent: %s", type(exc).__name__)
                await asyncio.to_thread(self._mark, message_id, None, f"{type(exc).__name__}: {exc}")
                continue
            await asyncio.to_thread(self._mark, message_id, chat_id, None)
            sent += 1
        return sent

    async def run(self, send: Send, stop: asyncio.Event, every: float = 1.0) -> None:
        """Deliver answers until `stop` is set."""
        while not stop.is_set():
            try:
                await self.deliver(send)
            except sa.exc.SQLAlchemyError as exc:
                log.warning("handoff outbox unavailable: %s", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
