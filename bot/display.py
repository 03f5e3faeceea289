"""Rasa's replies → what a person sees: the one display path of Telegram, the terminal and the web chat.

    result = await exchange(rasa, sender, text, channel="telegram")
    for shown in result.shown:        # Shown(kind, text, buttons, custom)
        ...                           # the channel draws it: a message, a printed line, a JSON object

Three steps, each done here once:
1. send — `RasaClient.send`; when Rasa is down `result.unavailable` is true and `result.shown` holds
   one notice with UNAVAILABLE_TEXT; an empty reply becomes one notice with NO_REPLY_TEXT.
2. group — Rasa's REST channel sends a message's text (with its buttons) and its `custom` payload as two
   messages (see docs/interfaces.md, "Conversation"). `group` puts every custom-only message back onto the
   message before it, so one bot message is one `Shown`: an assessment's text is shown once, never twice.
3. kind — each grouped message goes through KINDS in order; the first function that returns a `Shown`
   decides its kind. A message no kind takes (a custom payload no one knows, with no text) is not shown.

Adding a reply kind (the extension point). Write `def my_kind(message: BotMessage) -> Shown | None` that
returns None for messages that are not of the kind, and put it into KINDS before `plain`. With nothing
else, every channel already shows it: the text channels print `shown.text` and offer `shown.buttons`,
the web chat API passes `kind`, `text`, `buttons`, `asks` and `explained` to the page. A channel that
draws the kind its own way branches on `shown.kind` in its one drawing function:
- Telegram: `bot.telegram_bot.keyboard` (inline keyboard) and `ChatBridge.show`,
- terminal: `bot.terminal.show`,
- web: `bot.web.chat_api.message_json` and `bot/web/static/chat.js`.
Kinds: `assessment` (custom.assessment), `multi_select` (a question whose `custom.select` lists options to
toggle: Telegram draws toggles and 完成, the terminal takes several numbers, the web widget its own toggles;
`select_payload` turns the chosen options into the one answer the bot reads), `plain`. `Shown.explained`
reads `custom.explained` (the catalogue ids an explanation covers).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.rasa_client import UNAVAILABLE_TEXT, BotMessage, Button, RasaClient, RasaUnavailable
from bot.render import assessment_text

NO_REPLY_TEXT = "抱歉，我没能理解，请换个说法再试试。"
BUTTONS_PROMPT = "请选择："


@dataclass(frozen=True)
class Shown:
    """One bot message as a person sees it: `text` is never empty; `custom` is the message's payload."""

    kind: str  # the name of the KINDS function that took it, or "notice" for this module's own words
    text: str
    buttons: tuple[Button, ...] = ()
    custom: Mapping[str, Any] = field(default_factory=dict)

    @property
    def assessment(self) -> dict[str, Any] | None:
        value = self.custom.get("assessment")
        return value if isinstance(value, dict) else None

    @property
    def asks(self) -> tuple[str, ...]:
        """The facts this message asks about (`custom.asks`)."""
        return _names(self.custom.get("asks"))

    @property
    def explained(self) -> tuple[str, ...]:
        """The catalogue ids this message explains (`custom.explained`)."""
        return _names(self.custom.get("explained"))

    @property
    def options(self) -> tuple[SelectOption, ...]:
        """A multi-select's options (`custom.select.options`), in order."""
        select = self.custom.get("select")
        raw = select.get("options") if isinstance(select, Mapping) else None
        if not isinstance(raw, list):
            return ()
        return tuple(
            SelectOption(str(o.get("title", "")), str(o.get("fact", "")), o.get("value"))
            for o in raw
            if isinstance(o, Mapping) and o.get("fact")
        )

    def select_text(self, key: str, default: str) -> str:
        select = self.custom.get("select")
        value = select.get(key) if isinstance(select, Mapping) else None
        return str(value) if value else default


@dataclass(frozen=True)
class SelectOption:
    title: str
    fact: str
    value: Any  # True for a yes/no fact, the item for a list fact (hardship_groups)


EMPTY_LIST = "none"  # Rasa drops an entity whose value is an empty list: "none" stands for []


def select_payload(shown: Shown, chosen: set[int]) -> str:
    """The answer to a multi-select: every fact it asks, true (or its chosen items) for the chosen options."""
    values: dict[str, Any] = {}
    for name in shown.asks:
        values[name] = False
    for i, option in enumerate(shown.options):
        if option.value is True:
            values[option.fact] = values.get(option.fact) is True or i in chosen
        else:  # an item of a list fact
            items = values.get(option.fact)
            items = items if isinstance(items, list) else []
            if i in chosen:
                items.append(option.value)
            values[option.fact] = items
    return "/inform" + json.dumps(
        {k: (EMPTY_LIST if v == [] else v) for k, v in values.items()}, ensure_ascii=False, separators=(",", ":")
    )


def _names(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


@dataclass(frozen=True)
class Exchange:
    shown: list[Shown]
    unavailable: bool = False  # Rasa did not answer: what was sent did not arrive


def notice(text: str) -> Shown:
    return Shown("notice", text)


def group(messages: list[BotMessage]) -> list[BotMessage]:
    """Each custom-only message joined to the message before it (Rasa sends them apart)."""
    out: list[BotMessage] = []
    for message in messages:
        if out and message.custom and not message.text and not message.buttons:
            before = out[-1]
            out[-1] = BotMessage(before.text, before.buttons, {**(before.custom or {}), **message.custom})
        else:
            out.append(message)
    return out


def assessment(message: BotMessage) -> Shown | None:
    """An assessment (`custom.assessment`): the bot's text, or a compact summary when it sent none."""
    if message.assessment is None:
        return None
    text = message.text or assessment_text(message.assessment)
    return Shown("assessment", text, tuple(message.buttons), message.custom or {})


def multi_select(message: BotMessage) -> Shown | None:
    """A question with options to toggle (`custom.select`), answered once with 完成."""
    custom = message.custom or {}
    if not isinstance(custom.get("select"), Mapping) or not message.text:
        return None
    return Shown("multi_select", message.text, tuple(message.buttons), custom)


def plain(message: BotMessage) -> Shown | None:
    """Text, with or without buttons (a question with buttons and no text gets a prompt)."""
    text = message.text or (BUTTONS_PROMPT if message.buttons else None)
    if text is None:
        return None
    return Shown("plain", text, tuple(message.buttons), message.custom or {})


# Tried in order; the first that returns a Shown decides. New kinds go before `plain`.
KINDS: list[Callable[[BotMessage], Shown | None]] = [assessment, multi_select, plain]


def display(messages: list[BotMessage]) -> list[Shown]:
    out: list[Shown] = []
    for message in group(messages):
        shown = next((s for s in (kind(message) for kind in KINDS) if s is not None), None)
        if shown is not None:
            out.append(shown)
    return out


async def exchange(
    rasa: RasaClient, sender: str, text: str, channel: str, metadata: Mapping[str, Any] | None = None
) -> Exchange:
    """Send one message on `channel`'s behalf and say what to show; never raises for Rasa's trouble.

    `metadata` goes with the message beside the channel (e.g. `tapped`: the title of the button tapped)."""
    try:
        replies = await rasa.send(sender, text, {**(metadata or {}), "channel": channel})
    except RasaUnavailable:
        return Exchange([notice(UNAVAILABLE_TEXT)], unavailable=True)
    return Exchange(display(replies) or [notice(NO_REPLY_TEXT)])
