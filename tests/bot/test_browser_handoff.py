"""Live handoff end to end through the stand-ins: a person on Telegram asks for 人工, the case is 待人工 in
the staff app, a worker answers from the browser (desk and phone) and the answer reaches Telegram; the bot stays
quiet until the worker hands back.

Processes: the launcher's drain, web app and Telegram bot; the Bot API stand-in; a Rasa stand-in that writes
its events to the case-log spool like the real event broker.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from bot.stack import Ports, Stack
from caselog.db import make_engine
from caselog.handoff import HANDED_BACK_TEXT
from caselog.queries import create_staff_user
from caselog.spool import Spool
from tests.bot.browser import chromium
from tests.bot.conftest import STAFF
from tests.bot.standins import HANDOFF_TEXT, STANDIN_TOKEN, FakeRasa, FakeTelegram
from tests.bot.test_browser import SIZES, is_phone, no_overflow, small_tap_targets

pytestmark = pytest.mark.browser

TOKEN = "424242:HANDOFF-e2e"
SALT = "handoff-browser-salt"
PEOPLE = {"desk": 515001, "phone": 515002}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, FakeTelegram, FakeRasa]]:
    workdir = tmp_path_factory.mktemp("handoff") / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    with FakeTelegram(TOKEN) as tg, FakeRasa(spool=Spool(workdir / "spool"), spool_key=SALT.encode()) as rasa:
        env.update(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=tg.base_url,
            CASELOG_SALT=SALT,
            RASA_API_TOKEN=STANDIN_TOKEN,
        )
        with Stack(
            ports=Ports.free(),
            workdir=workdir,
            env=env,
            rasa_url=rasa.url,
            components=("drain", "web", "telegram"),
            out=sys.stderr,
        ) as s:
            engine = make_engine(s.database_url)
            with Session(engine) as db, db.begin():
                for size in SIZES:
                    create_staff_user(db, f"{STAFF[0]}.{size}", STAFF[1], role="admin")
            engine.dispose()
            tg.wait_for("getUpdates", 1, timeout=30)  # the Telegram bot is polling
            yield s, tg, rasa


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def texts_to(tg: FakeTelegram, user: int) -> list[str]:
    return [c["text"] for c in tg.calls_of("sendMessage") if c["chat_id"] == user]


def wait_text(tg: FakeTelegram, user: int, text: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while text not in texts_to(tg, user):
        assert time.monotonic() < deadline, f"{text!r} never reached {user}: {texts_to(tg, user)}"
        time.sleep(0.2)


@pytest.mark.parametrize("size", list(SIZES))
def test_handoff_round_trip(stack: tuple[Stack, FakeTelegram, FakeRasa], browser: Any, size: str) -> None:
    s, tg, rasa = stack
    person = PEOPLE[size]
    tg.push_text(person, "我要转人工")
    wait_text(tg, person, HANDOFF_TEXT)  # the bot's own answer to the request

    width, height = SIZES[size]
    phone = width < 500
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(s.web_url + "/login")
    page.fill("#username", f"{STAFF[0]}.{size}")
    page.fill("#password", STAFF[1])
    page.click("button[type=submit]")
    page.wait_for_url(s.web_url + "/")

    # the drain opens the handoff from the intent: 待人工 in the nav, then in the list
    deadline = time.monotonic() + 20
    while not page.locator("#nav-handoffs .count").count():
        assert time.monotonic() < deadline, "the case never became 待人工"
        page.wait_for_timeout(500)
        page.reload()
    assert page.inner_text("#nav-handoffs .count") == "1"
    page.click("#nav-handoffs")
    row = page.locator('#handoff-list tr[data-state="requested"]')
    expect(row).to_have_count(1)
    assert "待人工" in row.inner_text()
    no_overflow(page)
    row.locator("a[href^='/handoffs/']").click()
    page.wait_for_selector("#handoff-log")
    assert "我要转人工" in page.inner_text(".transcript")

    # the person writes: it reaches the worker, not the bot
    asked = len(rasa.received)
    tg.push_text(person, "我想问失业金怎么领")
    page.wait_for_selector("#handoff-log .msg.user >> text=我想问失业金怎么领", timeout=20_000)
    assert len(rasa.received) == asked

    answer = "您好，我是社区就业服务站的工作人员，失业金可以在一网通办申领。"
    page.fill("#reply-text", answer)
    page.click("#reply-btn")
    wait_text(tg, person, answer)
    expect(page.locator("#handoff-state")).to_contain_text("人工服务中")
    page.wait_for_selector("#handoff-log .msg.bot .meta >> text=已送达", timeout=20_000)
    if is_phone(page):
        assert small_tap_targets(page) == []
    no_overflow(page)

    page.click("#hand-back")
    wait_text(tg, person, HANDED_BACK_TEXT)
    expect(page.locator("#handoff-state")).to_contain_text("已交还机器人")
    tg.push_text(person, "谢谢")
    deadline = time.monotonic() + 20
    while not any(b["message"] == "谢谢" for b in rasa.received):
        assert time.monotonic() < deadline, "the bot did not get the conversation back"
        time.sleep(0.2)
    page.goto(s.web_url + "/handoffs")
    assert page.locator("#no-handoffs").count() == 1
    context.close()
    assert errors == []
