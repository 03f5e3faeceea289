"""The staff web app in headless Chromium against a stand-in Rasa: login, chat, table, case list, chart."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.launcher import Ports, Stack
from caselog.db import make_engine
from caselog.queries import create_staff_user
from tests.bot.browser import chromium
from tests.bot.conftest import STAFF, add_case
from tests.bot.standins import FakeRasa, canned_assessment

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def web_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, sa.Engine]]:
    workdir = tmp_path_factory.mktemp("browser") / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN")}
    with (
        FakeRasa() as rasa,
        Stack(
            ports=Ports.free(), workdir=workdir, env=env, rasa_url=rasa.url, components=("web",), out=sys.stderr
        ) as stack,
    ):
        engine = make_engine(stack.database_url)
        with Session(engine) as s, s.begin():
            create_staff_user(s, *STAFF)
        yield stack, engine
        engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


def log_in(page: Any, base: str, staff: tuple[str, str] = STAFF) -> None:
    page.goto(base + "/")
    assert "/login" in page.url
    page.fill("#username", staff[0])
    page.fill("#password", staff[1])
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def test_login_chat_table_and_case_list(web_stack: tuple[Stack, sa.Engine], browser: Any) -> None:
    stack, engine = web_stack
    base = stack.web_url
    case_id = add_case(engine, channel="web", started=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    log_in(page, base)
    page.fill("#text", "我去年从上海的大学毕业，还没找到工作")
    page.click("#send-btn")
    page.wait_for_selector(".msg.bot >> text=您是高校毕业生吗？")
    quick = page.locator("#quick button")
    assert quick.all_inner_texts() == ["是", "不是", "不知道"]

    quick.first.click()  # 是 → the stand-in answers with an assessment
    page.wait_for_selector("#assessment tbody tr")
    assert page.locator(".msg.user .bubble").last.inner_text() == "是"
    expected = canned_assessment()["results"]
    actionable = [r for r in expected if r["status"] in ("eligible", "needs_confirmation", "needs_info")]
    rows = page.locator("#assessment tbody tr")
    assert rows.count() == len(actionable)
    first = rows.first.locator("td")
    assert first.nth(0).inner_text() == "可以申请"
    eligible = [r for r in expected if r["status"] == "eligible"]
    assert first.nth(1).inner_text() == eligible[0]["title"]
    assert first.nth(2).inner_text() == f"《意见》{eligible[0]['article']}"
    assert first.nth(3).inner_text() == eligible[0]["next_steps"][0]
    assert "可以申请" in page.locator("#summary").inner_text()
    page.check("#show-all")
    assert rows.count() == len(expected)
    page.uncheck("#show-all")

    shot = os.environ.get("SAVE_WIDGET_SCREENSHOT")
    if shot:
        page.screenshot(path=shot, full_page=False)

    page.click("a[href='/cases']")
    page.wait_for_selector("#case-list")
    page.click(f"a[href='/cases/{case_id}']")
    page.wait_for_selector("h1 >> text=个案")
    assert "我去年毕业了" in page.inner_text(".transcript")
    page.fill("textarea[name=note]", "已电话回访，建议到社区就业服务站办理")
    page.click(".note-form button")
    page.wait_for_selector(".notes >> text=已电话回访")

    page.click("a[href='/stats']")
    page.wait_for_selector("#time-chart svg rect")
    assert page.locator("#measure-chart svg rect").count() > 0
    assert errors == []
    page.close()


def test_widget_fits_a_phone(web_stack: tuple[Stack, sa.Engine], browser: Any) -> None:
    stack, _ = web_stack
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, stack.web_url)
    page.fill("#text", "请给我评估")
    page.click("#send-btn")
    page.wait_for_selector("#assessment tbody tr")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"
    chat_box = page.locator(".chat").bounding_box()
    table_box = page.locator(".result").bounding_box()
    assert chat_box and table_box and table_box["y"] >= chat_box["y"] + chat_box["height"] - 1  # stacked
    context.close()


def test_session_cookie_not_readable_by_script_and_logout(web_stack: tuple[Stack, sa.Engine], browser: Any) -> None:
    stack, _ = web_stack
    context = browser.new_context()
    page = context.new_page()
    log_in(page, stack.web_url)
    assert "wjy_session" not in page.evaluate("document.cookie")
    cookie = next(c for c in context.cookies() if c["name"] == "wjy_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.click(".logout button")
    page.wait_for_url("**/login")
    page.goto(stack.web_url + "/cases")
    assert "/login" in page.url
    context.close()
