"""A small async client for the Rasa REST channel (docs/interfaces.md section 4)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

log = logging.getLogger(__name__)

DEFAULT_RASA_URL = "http://127.0.0.1:5005"
WEBHOOK_PATH = "/webhooks/rest/webhook"
UNAVAILABLE_TEXT = "抱歉，政策助手暂时无法回答（服务繁忙或正在维护），请稍后再试。如需帮助，可拨打12345市民服务热线。"


class RasaUnavailable(Exception):
    """Rasa did not answer in time, answered with an error, or answered something unreadable."""


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass
class BotMessage:
    """One message of the bot's reply."""

    text: str | None = None
    buttons: list[Button] = field(default_factory=list)
    custom: dict[str, Any] | None = None

    @property
    def assessment(self) -> dict[str, Any] | None:
        if isinstance(self.custom, dict) and isinstance(self.custom.get("assessment"), dict):
            return self.custom["assessment"]
        return None


def parse_messages(raw: object) -> list[BotMessage]:
    if not isinstance(raw, list):
        raise RasaUnavailable("Rasa reply is not a list")
    out: list[BotMessage] = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        buttons = [
            Button(str(b.get("title", "")), str(b.get("payload", b.get("title", ""))))
            for b in item.get("buttons") or []
            if isinstance(b, dict)
        ]
        custom = item.get("custom") if isinstance(item.get("custom"), dict) else None
        text = item.get("text") if isinstance(item.get("text"), str) else None
        if text or buttons or custom:
            out.append(BotMessage(text=text, buttons=buttons, custom=custom))
    return out


def rasa_url_from_env() -> str:
    return os.environ.get("RASA_URL", DEFAULT_RASA_URL).rstrip("/")


def timeout_from_env() -> float:
    try:
        return float(os.environ.get("RASA_TIMEOUT", "30"))
    except ValueError:
        return 30.0


class RasaClient:
    """Posts one user message and returns the bot's messages; raises RasaUnavailable on any failure."""

    def __init__(self, base_url: str | None = None, timeout: float | None = None) -> None:
        self.base_url = (base_url or rasa_url_from_env()).rstrip("/")
        self.timeout = timeout if timeout is not None else timeout_from_env()
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout, trust_env=False)
        return self._client

    async def send(self, sender: str, message: str, metadata: dict[str, Any] | None = None) -> list[BotMessage]:
        body: dict[str, Any] = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        try:
            resp = await self._http().post(self.base_url + WEBHOOK_PATH, json=body)
            resp.raise_for_status()
            return parse_messages(resp.json())
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("Rasa REST call failed: %s", type(exc).__name__)
            raise RasaUnavailable(str(type(exc).__name__)) from exc

    async def tracker(self, sender: str, token: str | None) -> dict[str, Any]:
        """The conversation's tracker after its last restart (slots and events) from Rasa's HTTP API."""
        params = {"include_events": "AFTER_RESTART"}
        if token:
            params["token"] = token
        url = f"{self.base_url}/conversations/{quote(sender, safe='')}/tracker"
        try:
            resp = await self._http().get(url, params=params)
            resp.raise_for_status()
            data = resp.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("Rasa tracker call failed: %s", type(exc).__name__)
            raise RasaUnavailable(str(type(exc).__name__)) from exc
        if not isinstance(data, dict):
            raise RasaUnavailable("Rasa tracker is not an object")
        return data

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
