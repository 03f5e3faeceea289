"""MaskedRestInput: Rasa's REST channel with personal data masked and the text normalised at the edge.

Its name stays "rest", so the URL stays `POST /webhooks/rest/webhook` (docs/interfaces.md).
The message text is masked (身份证号, mobile and bank card numbers) and then normalised
(understanding.normalise: traditional → simplified, full-width → half-width, typos of the project's words,
masked spans → a placeholder without digits) before Rasa's NLU, tracker store, logs or event broker see it;
what the person typed (masked) is kept in the message's metadata as `typed` when it differs. An optional
`"metadata"` object in the request body (e.g. `{"channel": "telegram"}`) is passed on with the message, its
strings masked too. Each reply message carries its own `custom` payload (rasa_ext/replies.py). A turn that
fails (action server, lock store or tracker store unavailable) answers 稍后再试 (rasa_ext/turn_guard.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request

from caselog.privacy import mask_text, mask_value
from rasa_ext.replies import merge_custom
from rasa_ext.turn_guard import guard
from understanding.normalise import normalise


def _one_message_per_reply(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[..., Any]:
    async def handler(message: UserMessage) -> Any:
        result = await on_new_message(message)
        collected = getattr(message.output_channel, "messages", None)
        if isinstance(collected, list):
            collected[:] = merge_custom(collected)
        return result

    return handler


class MaskedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # a failed turn says 稍后再试, never nothing; a payload travels on its message
        return super().blueprint(_one_message_per_reply(guard(on_new_message)))

    def _typed(self, req: Request) -> str | None:
        text = super()._extract_message(req)
        return mask_text(text) if isinstance(text, str) else text

    def _extract_message(self, req: Request) -> str | None:
        text = self._typed(req)
        return normalise(text) if isinstance(text, str) and not text.startswith("/") else text

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        body = request.json if isinstance(request.json, dict) else {}
        metadata = body.get("metadata")
        out = mask_value(metadata) if isinstance(metadata, dict) else {}
        typed = self._typed(request)
        if isinstance(typed, str) and not typed.startswith("/") and normalise(typed) != typed:
            out["typed"] = typed
        return out or None
