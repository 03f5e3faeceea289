"""MaskedRestInput: Rasa's REST channel with personal data masked at the edge.

Its name stays "rest", so the URL stays `POST /webhooks/rest/webhook` (CONTRACT section 4).
The message text is masked (身份证号, mobile and bank card numbers) before Rasa's NLU, tracker
store, logs or event broker see it. An optional `"metadata"` object in the request body (e.g.
`{"channel": "telegram"}`) is passed on with the message, its strings masked too.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.rest import RestInput
from sanic.request import Request

from caselog.privacy import mask_text, mask_value


class MaskedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_message(self, req: Request) -> str | None:
        text = super()._extract_message(req)
        return mask_text(text) if isinstance(text, str) else text

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        body = request.json if isinstance(request.json, dict) else {}
        metadata = body.get("metadata")
        if not isinstance(metadata, dict):
            return None
        return mask_value(metadata)
