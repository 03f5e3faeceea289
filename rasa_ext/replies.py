"""One bot message per reply: a message's `custom` payload travels with its text.

Rasa's output channels send a response's text (with its buttons) and its `custom` JSON as two messages
(rasa.core.channels.channel.OutputChannel.send_response). The contract wants the payload *on* the message
it belongs to (`custom.asks` on the message that asks, `custom.assessment` beside the assessment's text), so
the REST channel puts every custom-only message back onto the message before it when that one has none.
"""

from __future__ import annotations

from typing import Any


def merge_custom(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: list[dict[str, Any]] = []
    for message in messages:
        custom_only = message.get("custom") is not None and not message.get("text") and not message.get("buttons")
        previous = merged[-1] if merged else None
        if custom_only and previous is not None and previous.get("custom") is None and previous.get("text"):
            previous["custom"] = message["custom"]
            continue
        merged.append(message)
    return merged
