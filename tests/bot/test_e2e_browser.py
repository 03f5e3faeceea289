"""End to end: the real stack (action server, Rasa with the trained model, drain, web app) in Chromium.

Needs .venv-rasa and a model in models/ (the test command trains first); skipped without them,
failed under CI=true.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from bot.stack import Stack
from tests.bot.browser import chromium
from tests.bot.test_browser import log_in
from tests.conftest import E2E_STAFF

pytestmark = [pytest.mark.browser, pytest.mark.rasa]

OPENING = "我今年22岁，上海户籍，今年刚从上海的大学毕业，现在还没找到工作，想看看能享受哪些政策"
STATUS_LABELS = {"可以申请", "需要到窗口确认", "还需要的信息", "暂不符合", "已到期"}


# How the simulated visitor answers a question (matched in the bot's last message); anything else: 不知道.
ANSWERS = [
    ("多大", "22岁"),
    ("哪一年毕业", "2026年"),
    ("就业状态", "失业"),
    ("失业多久", "3个月"),
    ("高校毕业生", "是"),
    ("上海户籍", "是"),
    ("常住上海", "是"),
    ("上海的高校", "是"),
    ("就业意愿", "是"),
]
# The options the visitor ticks in a multi-select question (custom.select); none of the others apply.
TICKS = {"想找工作"}


def _answer_for(question: str, buttons: list[str]) -> str:
    for key, answer in ANSWERS:
        if key in question and (not buttons or answer in buttons):
            return answer
    return "不知道"


def _answer_until_assessment(page: Any, max_turns: int = 30) -> None:
    page.fill("#text", OPENING)
    page.click("#send-btn")
    for _ in range(max_turns):
        page.wait_for_selector("#send-btn:enabled", timeout=60_000)
        if page.locator("#result .res-card").count():
            return
        select = page.locator("#quick .select-box")
        if select.count():
            ticked = [t for t in select.locator(".toggle").all() if t.inner_text() in TICKS]
            for toggle in ticked:
                toggle.click()
            select.locator(".select-done" if ticked else ".select-none").click()
            page.wait_for_timeout(100)
            continue
        question = page.locator(".msg.bot .bubble").last.inner_text()
        quick = page.locator("#quick button")
        labels = quick.all_inner_texts()
        answer = _answer_for(question, labels)
        if labels:
            quick.nth(labels.index(answer) if answer in labels else 0).click()
        else:
            page.fill("#text", answer)
            page.click("#send-btn")
        page.wait_for_timeout(100)
    transcript = page.inner_text("#log")
    raise AssertionError(f"no assessment after {max_turns} turns:\n{transcript}")


def test_real_stack_chat_to_assessment_and_case_list(real_stack: Stack) -> None:
    base = real_stack.web_url
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="zh-CN")
        log_in(page, base, E2E_STAFF)
        _answer_until_assessment(page)
        cards = page.locator("#result .res-card")
        assert cards.count() > 0
        # 还需要的信息, 暂不符合 and 已到期 are folded under their heading: open them as a worker does
        for heading in page.locator("#result details.rest > summary").all():
            heading.click()
        assert all(card.is_visible() for card in cards.all())
        labels = set(page.locator("#result .res-card .status").all_inner_texts())
        assert labels <= STATUS_LABELS and labels
        assert all(t.startswith("《意见》") for t in page.locator("#result .res-article").all_inner_texts())
        shot = os.environ.get("SAVE_WIDGET_SCREENSHOT")
        if shot:
            Path(shot).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=shot)

        # the conversation reaches the case log through the spool and the drain
        deadline = time.monotonic() + 60
        while True:
            page.goto(base + "/cases?channel=web")
            if page.locator("#case-list a").count():
                break
            assert time.monotonic() < deadline, "the conversation never reached the case list"
            page.wait_for_timeout(1000)
        page.locator("#case-list a").first.click()
        page.wait_for_selector(".transcript")
        assert "上海" in page.inner_text(".transcript")
        # the case appears with its first drained turn; the assessment is a later spool record
        while not page.locator(".assessment-history tbody tr").count():
            assert time.monotonic() < deadline, "the assessment never reached the case detail"
            page.wait_for_timeout(1000)
            page.reload()
            page.wait_for_selector(".transcript")
