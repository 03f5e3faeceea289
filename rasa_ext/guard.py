"""ApiGuard: what the Rasa server accepts, installed on the server by listing it in credentials.yml.

Rasa builds one Sanic app for the HTTP API and the channels; this pseudo-channel has no routes of its
own, only a start-up listener that puts one request middleware in front of every route:

- the HTTP API (everything outside /webhooks/ except `/` and `/version`) needs `?token=` equal to the
  API token (rasa_ext.api_token), even if Rasa was started without `--auth-token`; no token known → 401;
- training, replacing, unloading and testing the model, and the API routes that write conversation
  events (and so would skip the masking channel) answer 403 whatever the token;
- channel webhooks refuse requests that carry an `Origin` header (a web page posting cross-site:
  the project's clients are servers, not browsers);
- a REST message longer than MAX_MESSAGE characters gets a friendly reply and never reaches NLU;
- request bodies are capped at MAX_BODY_BYTES (Sanic answers 413).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_ext.api_token import ApiTokenMissing, rasa_api_token

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
MAX_MESSAGE = 2000
TOO_LONG_TEXT = f"您的消息太长了（超过{MAX_MESSAGE}字），请分几次、简短地描述您的情况。"
WEBHOOKS = "/webhooks/"
REST_WEBHOOK = "/webhooks/rest/webhook"
OPEN_ROUTES = frozenset({"/", "/version"})
# (method, route pattern) of Rasa 3.6's API that must never be reachable on a running server.
BLOCKED_ROUTES = frozenset(
    {
        ("POST", "/model/train"),
        ("PUT", "/model"),
        ("DELETE", "/model"),
        ("POST", "/model/test/stories"),
        ("POST", "/model/test/intents"),
        ("POST", "/conversations/<conversation_id:path>/messages"),
        ("POST", "/conversations/<conversation_id:path>/tracker/events"),
        ("PUT", "/conversations/<conversation_id:path>/tracker/events"),
        ("POST", "/conversations/<conversation_id:path>/execute"),
        ("POST", "/conversations/<conversation_id:path>/trigger_intent"),
    }
)


def _route(request: Request) -> str:
    route = getattr(request, "route", None)
    return route.uri if route is not None else request.path


def _too_long_reply(request: Request) -> HTTPResponse | None:
    try:
        body = request.json if request.body else None
    except Exception:  # not JSON: Rasa's channel answers it as it always does
        return None
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, str) and len(message) > MAX_MESSAGE:
        return response.json([{"recipient_id": str(body.get("sender") or ""), "text": TOO_LONG_TEXT}])
    return None


def make_guard(token: str | None) -> Callable[[Request], Awaitable[HTTPResponse | None]]:
    async def guard(request: Request) -> HTTPResponse | None:
        route = _route(request)
        if route.startswith(WEBHOOKS):
            if request.headers.get("origin"):
                return response.json({"error": "browser requests are not accepted here"}, status=403)
            if route == REST_WEBHOOK and request.method == "POST":
                return _too_long_reply(request)
            return None
        if (request.method, route) in BLOCKED_ROUTES:
            return response.json({"error": "not available on this server"}, status=403)
        if route in OPEN_ROUTES:
            return None
        given = request.args.get("token") or ""
        if token is None or not hmac.compare_digest(given.encode(), token.encode()):
            return response.json({"error": "a valid ?token= is required"}, status=401)
        return None

    return guard


def install(app: Sanic, token: str | None) -> None:
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.register_middleware(make_guard(token), "request")


class ApiGuard(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "guard"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("api_guard")

        @bp.listener("before_server_start")
        async def _install(app: Sanic, _loop: Any) -> None:
            try:
                token: str | None = rasa_api_token()
            except ApiTokenMissing as exc:
                logger.error("%s; every API request will be refused", exc)
                token = None
            install(app, token)

        return bp
