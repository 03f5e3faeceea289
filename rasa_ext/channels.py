"""MaskedRestInput: Rasa's REST channel with personal data masked at the edge.

Its name stays "rest", so the URL stays `POST /webhooks/rest/webhook` (docs/interfaces.md section 4).
The message text is masked (身份证号, mobile and bank card numbers) before Rasa's NLU, tracker
store, logs or event broker see it. An optional `"metadata"` object in the request body (e.g.
`{"channel": "telegram"}`) is passed on with the message, its strings masked too. A turn that fails
(action server, lock store or tracker store unavailable) answers 稍后再试 (rasa_ext/turn_guard.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.request import Request

from caselog.privacy import mask_text, mask_value
from rasa_ext.turn_guard import guard


class MaskedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(guard(on_new_message))  # a failed turn says 稍后再试, never nothing

    def _extract_message(self, req: Request) -> str | None:
        text = super()._extract_message(req)
        return mask_text(text) if isinstance(text, str) else text

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        body = request.json if isinstance(request.json, dict) else {}
        metadata = body.get("metadata")
        if not isinstance(metadata, dict):
            return None
        return mask_value(metadata)
