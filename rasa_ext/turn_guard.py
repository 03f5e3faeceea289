"""Every turn gets an answer: a turn that failed tells the person to try again, never silence.

Rasa 3.6 answers a REST message with an empty list when handling it failed: the lock store or the tracker
store raised (Redis or PostgreSQL down; Rasa's REST channel logs the exception and returns what was
collected), or a custom action failed (the action server is down or restarting; Rasa's processor logs
"Encountered an exception while running action" and carries on without the action's events). People
saw nothing. `guard(on_new_message)` wraps the channel's message handler: if the handler raised, the
partial reply is dropped (the turn was not stored) and replaced by `TRY_AGAIN_TEXT`; if an action failed
during the turn, `TRY_AGAIN_TEXT` follows whatever the bot did say. The failure is logged without the
person's text.

Action failures are seen through a filter on the processor's logger, scoped to the turn by a context
variable (the processor runs in the channel handler's task, so the variable is the turn's own).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from rasa_ext.errors import StoreUnavailable

logger = logging.getLogger(__name__)

TRY_AGAIN_TEXT = "抱歉，系统刚才没能处理好这条消息，请稍后再试（把刚才的话再发一次即可，之前说过的情况都还在）。"
PROCESSOR_LOGGER = "rasa.core.processor"

_turn_failures: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("turn_failures", default=None)


class _ActionFailureFilter(logging.Filter):
    """Marks the current turn as failed when the processor logs an exception (a failed action)."""

    def filter(self, record: logging.LogRecord) -> bool:
        failures = _turn_failures.get()
        if failures is not None and record.levelno >= logging.ERROR and record.exc_info:
            exc = record.exc_info[1]
            failures.append(f"action failed: {type(exc).__name__}: {exc}" if exc else "action failed")
        return True


_filter = _ActionFailureFilter()


def install() -> None:
    processor_logger = logging.getLogger(PROCESSOR_LOGGER)
    if _filter not in processor_logger.filters:
        processor_logger.addFilter(_filter)


def guard(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[None]]:
    install()

    async def guarded(message: UserMessage) -> None:
        failures: list[str] = []
        token = _turn_failures.set(failures)
        try:
            await on_new_message(message)
        except (Exception, StoreUnavailable) as exc:
            failures.append(f"turn failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
            if isinstance(message.output_channel, CollectingOutputChannel) and isinstance(
                message.output_channel.messages, list
            ):
                message.output_channel.messages.clear()  # nothing of this turn was stored: show none of it
        finally:
            _turn_failures.reset(token)
        if failures:
            logger.error("a turn failed (%s); the person is asked to try again", "; ".join(failures))
            await message.output_channel.send_text_message(message.sender_id, TRY_AGAIN_TEXT)

    return guarded
