"""End to end on Telegram: PTB against the Bot API stand-in, in front of the real Rasa stack.

A person writes in colloquial Chinese, answers by pressing the inline buttons, and gets an assessment
with its articles; what they told is in the tracker as contract-typed slots. Needs .venv-rasa and a
trained model (skipped without, failed under CI=true, like the other end-to-end tests).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.identity import sender_id
from bot.rasa_client import RasaClient
from bot.stack import Stack
from bot.telegram_bot import TelegramConfig, build_application, running
from tests.bot.standins import FakeTelegram

pytestmark = pytest.mark.rasa

TOKEN = "123456:E2E-token"
SALT = b"e2e-telegram-salt"
USER = 880001
OPENING = "你好，我失业半年了，想看看能申请什么"


@pytest.fixture()
async def telegram(real_stack: Stack) -> AsyncIterator[FakeTelegram]:
    with FakeTelegram(TOKEN) as tg:
        config = TelegramConfig(
            token=TOKEN, rasa_url=real_stack.rasa_url, salt=SALT, base_url=tg.base_url, poll_timeout=1
        )
        app = build_application(config, RasaClient(real_stack.rasa_url, timeout=60))
        async with running(app, config):
            yield tg  # type: ignore[misc]


async def _replies_after(tg: FakeTelegram, before: int) -> list[dict[str, Any]]:
    """The bot's messages for one turn: wait for the first, then until no more arrive for a moment."""
    await asyncio.to_thread(tg.wait_for, "sendMessage", before + 1, 60)
    count = len(tg.calls_of("sendMessage"))
    while True:
        await asyncio.sleep(0.7)
        now = len(tg.calls_of("sendMessage"))
        if now == count:
            return tg.calls_of("sendMessage")[before:]
        count = now


def _pick(keyboard: list[list[dict[str, Any]]]) -> str:
    """callback_data of 不是 / 完成 with nothing toggled (a multi-select) / 不知道: a person who fits few measures."""
    buttons = {b["text"]: b["callback_data"] for row in keyboard for b in row}
    for label in ("不是", "完成", "不知道"):
        if label in buttons:
            return buttons[label]
    return next(iter(buttons.values()))


async def test_a_person_reaches_an_assessment_by_pressing_buttons(real_stack: Stack, telegram: FakeTelegram) -> None:
    tg = telegram
    before = len(tg.calls_of("sendMessage"))
    tg.push_text(USER, OPENING)
    pressed = toggled = 0
    transcript: list[str] = []
    deadline = time.monotonic() + 300
    for _ in range(40):
        replies = await _replies_after(tg, before)
        before += len(replies)
        transcript.extend(r.get("text", "") for r in replies)
        if any("根据您告诉我的情况" in r.get("text", "") for r in replies):
            break
        assert time.monotonic() < deadline, "\n".join(transcript)
        keyboard = next((r["reply_markup"]["inline_keyboard"] for r in replies if r.get("reply_markup")), None)
        if keyboard:
            if any(b["text"].startswith("☐") for row in keyboard for b in row):
                toggled += 1  # a multi-select: its options are toggles, 完成 sends them
            tg.push_callback(USER, _pick(keyboard))
            pressed += 1
        else:
            tg.push_text(USER, "不知道")
    else:
        raise AssertionError("no assessment after 40 turns:\n" + "\n".join(transcript))

    answer = "\n".join(transcript)
    assert "记下了" in answer and "6个月" in answer, answer[:500]  # the facts in the greeting were taken
    assert "四(二)" in answer  # the 失业 measures, cited
    assert pressed >= 3, "the questions were answered with inline buttons"
    assert toggled >= 1, "a multi-select question was answered with its 完成 button"
    assert len(tg.calls_of("answerCallbackQuery")) == pressed

    sender = sender_id("telegram", USER, SALT)
    tracker = httpx.get(
        f"{real_stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": real_stack.api_token},
        timeout=30,
        trust_env=False,
    ).json()
    assert tracker["slots"]["employment_status"] == "unemployed"
    assert tracker["slots"]["unemployed_months"] == 6
    assert str(USER) not in sender
