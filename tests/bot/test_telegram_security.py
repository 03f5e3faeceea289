"""The Telegram bot's gate: every update kind is rate-limited, group chats get one message and are left,
per-user state stays bounded, overlong text gets a friendly reply (stand-in Bot API and Rasa)."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.rasa_client import RasaClient
from bot.telegram_bot import (
    GROUP_TEXT,
    MAX_MESSAGE,
    RATE_LIMIT_TEXT,
    TOO_LONG_TEXT,
    ChatBridge,
    TelegramConfig,
    build_application,
    running,
)
from tests.bot.standins import FakeRasa, FakeTelegram
from tests.bot.test_telegram import USER, make_config, wait_calls

GROUP = -100123456


def _group_text(tg: FakeTelegram, text: str, user: int = USER) -> None:
    tg.push(
        {
            "message": {
                "message_id": 5000 + len(tg.updates),
                "date": int(time.time()),
                "chat": {"id": GROUP, "type": "supergroup", "title": "某群"},
                "from": {"id": user, "is_bot": False, "first_name": "访客"},
                "text": text,
            }
        }
    )


def _sticker(tg: FakeTelegram) -> None:
    tg.push(
        {
            "message": {
                "message_id": 7000 + len(tg.updates),
                "date": int(time.time()),
                "chat": {"id": USER, "type": "private"},
                "from": {"id": USER, "is_bot": False, "first_name": "访客"},
                "sticker": {
                    "file_id": "s1", "file_unique_id": "u1", "type": "regular", "width": 1, "height": 1,
                    "is_animated": False, "is_video": False,
                },
            }
        }
    )  # fmt: skip


async def test_a_group_chat_gets_one_message_and_the_bot_leaves(tg: FakeTelegram, rasa: FakeRasa) -> None:
    config = make_config(tg, rasa.url)
    async with running(build_application(config, RasaClient(rasa.url, timeout=2)), config):
        _group_text(tg, "我失业了，身份证310101199001011234")
        _group_text(tg, "/start")
        _group_text(tg, "还在吗", user=USER + 5)
        left = await wait_calls(tg, "leaveChat")
        await asyncio.sleep(0.5)
    assert [c["chat_id"] for c in left] == [GROUP]
    sent = tg.calls_of("sendMessage")
    assert [(c["chat_id"], c["text"]) for c in sent] == [(GROUP, GROUP_TEXT)]
    assert rasa.received == []


@pytest.mark.parametrize("kind", ["/help", "/start", "sticker", "button"])
async def test_every_update_kind_counts_against_the_rate_limit(tg: FakeTelegram, rasa: FakeRasa, kind: str) -> None:
    config = make_config(tg, rasa.url, rate_limit=3, rate_window=60.0)
    async with running(build_application(config, RasaClient(rasa.url, timeout=2)), config):
        for _ in range(8):
            if kind == "sticker":
                _sticker(tg)
            elif kind == "button":
                tg.push_callback(USER, "p:/affirm")
            else:
                tg.push_text(USER, kind)
        await asyncio.sleep(2.0)
        tg.push_text(USER, "我失业了")
        await asyncio.sleep(1.0)
    warnings = [c for c in tg.calls_of("sendMessage") if c["text"] == RATE_LIMIT_TEXT]
    answered = [c for c in tg.calls_of("answerCallbackQuery") if c.get("text") == RATE_LIMIT_TEXT]
    assert len(warnings) + len(answered) == 1  # warned once, then quiet
    assert len(rasa.received) <= 3
    assert "我失业了" not in [r["message"] for r in rasa.received]  # the limit held for text after them too


async def test_overlong_text_gets_a_friendly_reply_and_never_reaches_rasa(tg: FakeTelegram, rasa: FakeRasa) -> None:
    config = make_config(tg, rasa.url)
    async with running(build_application(config, RasaClient(rasa.url, timeout=2)), config):
        tg.push_text(USER, "字" * (MAX_MESSAGE + 1))
        sent = await wait_calls(tg, "sendMessage")
    assert sent[0]["text"] == TOO_LONG_TEXT
    assert rasa.received == []


def test_per_user_state_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.telegram_bot as telegram_bot

    monkeypatch.setattr(telegram_bot, "MAX_TRACKED_USERS", 100)
    bridge = ChatBridge(TelegramConfig(token="x", rate_limit=1), RasaClient("http://127.0.0.1:9"))
    bridge.limiter.max_keys = 100

    async def spray() -> None:
        for user in range(5000):
            bridge._allowed(user)
            bridge._allowed(user)  # over the limit: remembered as warned
            async with bridge._locks.hold(f"te-{user}"):
                pass

    asyncio.run(spray())
    assert len(bridge.limiter) <= 100
    assert len(bridge._warned) <= 100
    assert len(bridge._locks) == 0
