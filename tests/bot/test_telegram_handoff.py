"""Live handoff on Telegram (PTB against the Bot API stand-in): the bot is quiet, the worker's answers arrive."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.handoff_bridge import WAITING_TEXT, HandoffDesk
from bot.identity import sender_id
from bot.rasa_client import RasaClient
from bot.telegram_bot import TelegramConfig, build_application, running
from caselog import handoff as h
from caselog.db import make_engine
from caselog.migrate import upgrade
from caselog.models import Handoff
from tests.bot.standins import FakeRasa, FakeTelegram

TOKEN = "123456:HANDOFF-token"
SALT = b"handoff-salt"
KEY = b"caselog-key"
USER = 606001


@pytest.fixture()
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'caselog.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture()
async def bot(engine: sa.Engine) -> AsyncIterator[tuple[FakeTelegram, FakeRasa, HandoffDesk]]:
    with FakeTelegram(TOKEN) as tg, FakeRasa() as rasa:
        config = TelegramConfig(token=TOKEN, rasa_url=rasa.url, salt=SALT, base_url=tg.base_url, poll_timeout=1)
        desk = HandoffDesk(engine, key=KEY)
        app = build_application(config, RasaClient(rasa.url, timeout=5), handoff=desk)
        async with running(app, config):
            yield tg, rasa, desk  # type: ignore[misc]


async def wait_calls(tg: FakeTelegram, count: int) -> list[dict]:
    return await asyncio.to_thread(tg.wait_for, "sendMessage", count)


async def test_handed_to_a_worker_and_back(bot: tuple[FakeTelegram, FakeRasa, HandoffDesk], engine: sa.Engine) -> None:
    tg, rasa, desk = bot
    tg.push_text(USER, "转人工")
    await wait_calls(tg, 1)
    assert rasa.received[-1]["message"] == "转人工"
    # the drain would now open the handoff from the intent; here the case log is written directly
    user_hash = desk.user_hash(sender_id("telegram", USER, SALT))
    with Session(engine) as s, s.begin():
        hid = h.request_handoff(s, user_hash=user_hash, channel="telegram", case_id=None).id
    asked = len(rasa.received)

    tg.push_text(USER, "我想问失业金怎么领")
    sent = await wait_calls(tg, 2)
    assert sent[1]["text"] == WAITING_TEXT and sent[1]["chat_id"] == USER
    tg.push_text(USER, "在吗")
    await asyncio.sleep(0.5)
    assert len(rasa.received) == asked  # the bot stays quiet: Rasa got neither message
    assert len(tg.calls_of("sendMessage")) == 2  # told to wait once, not at every message
    with Session(engine) as s:
        texts = [m.text for m in s.get(Handoff, hid).messages]
        assert texts == ["我想问失业金怎么领", "在吗"]

    with Session(engine) as s, s.begin():
        h.add_reply(s, hid, "wang", "您好，我是社区就业服务站的小王，失业金可以在一网通办申领。")
    sent = await wait_calls(tg, 3)
    assert sent[2]["chat_id"] == USER and sent[2]["text"].startswith("您好，我是社区就业服务站的小王")

    with Session(engine) as s, s.begin():
        h.hand_back(s, hid, "wang")
    sent = await wait_calls(tg, 4)
    assert sent[3]["text"] == h.HANDED_BACK_TEXT
    await asyncio.sleep(0.3)
    with Session(engine) as s:
        closed = s.get(Handoff, hid)
        assert closed.chat_id is None and all(m.delivered_at for m in closed.messages if m.direction == "out")

    tg.push_text(USER, "谢谢，我还想问问别的")
    await wait_calls(tg, 5)
    assert rasa.received[-1]["message"] == "谢谢，我还想问问别的"  # the bot answers again


async def test_without_the_case_log_the_bot_answers(tmp_path: Path) -> None:
    broken = make_engine(f"sqlite:///{tmp_path / 'no-tables.db'}")  # never migrated: every query fails
    with FakeTelegram(TOKEN) as tg, FakeRasa() as rasa:
        config = TelegramConfig(token=TOKEN, rasa_url=rasa.url, salt=SALT, base_url=tg.base_url, poll_timeout=1)
        app = build_application(config, RasaClient(rasa.url, timeout=5), handoff=HandoffDesk(broken, key=KEY))
        async with running(app, config):
            tg.push_text(USER, "你好")
            sent = await wait_calls(tg, 1)  # type: ignore[arg-type]
            assert sent[0]["text"] == "您是高校毕业生吗？"
    broken.dispose()
