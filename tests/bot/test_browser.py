"""The staff web app in headless Chromium against a stand-in Rasa, at a desk (1366x860) and on a phone (390x844).

SAVE_SCREENSHOTS=DIR keeps the pictures the README shows (the phone result, the form, the printout).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from bot.stack import Ports, Stack
from caselog.db import make_engine
from caselog.queries import create_staff_user
from rules.questions import plan_questions
from tests.bot.browser import chromium
from tests.bot.conftest import STAFF, add_case
from tests.bot.standins import STANDIN_TOKEN, FakeRasa, canned_assessment
from tests.caselog.test_inbox import add_turns

pytestmark = pytest.mark.browser

SIZES = {"desk": (1366, 860), "phone": (390, 844)}
STAFF_POOL = 40
_logins = iter(range(STAFF_POOL))
TAP = 44


@pytest.fixture(scope="module")
def rasa() -> Iterator[FakeRasa]:
    with FakeRasa() as server:
        yield server  # type: ignore[misc]


@pytest.fixture(scope="module")
def web_stack(tmp_path_factory: pytest.TempPathFactory, rasa: FakeRasa) -> Iterator[tuple[Stack, sa.Engine]]:
    workdir = tmp_path_factory.mktemp("browser") / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN")}
    env["RASA_API_TOKEN"] = STANDIN_TOKEN
    with Stack(
        ports=Ports.free(), workdir=workdir, env=env, rasa_url=rasa.url, components=("web",), out=sys.stderr
    ) as stack:
        engine = make_engine(stack.database_url)
        with Session(engine) as s, s.begin():
            create_staff_user(s, *STAFF, role="admin")
            for n in range(STAFF_POOL):  # one login per test: the login throttle counts per user
                create_staff_user(s, f"{STAFF[0]}.{n}", STAFF[1], role="admin")
        yield stack, engine
        engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture(params=list(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture()
def page(browser: Any, size: str) -> Iterator[Any]:
    width, height = SIZES[size]
    phone = size == "phone"
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone)
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield p
    context.close()
    assert errors == []


def log_in(page: Any, base: str, staff: tuple[str, str] | None = None) -> None:
    staff = staff or (f"{STAFF[0]}.{next(_logins)}", STAFF[1])
    page.goto(base + "/")
    assert "/login" in page.url
    assert ".venv" not in page.content() and "python -m" not in page.content()  # no command line for staff
    page.fill("#username", staff[0])
    page.fill("#password", staff[1])
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    page.wait_for_selector("#send-btn:enabled")


def screenshot(page: Any, name: str, full_page: bool = False) -> None:
    folder = os.environ.get("SAVE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=full_page)


def is_phone(page: Any) -> bool:
    return page.viewport_size["width"] < 500


def open_panel(page: Any, name: str) -> None:
    """On a phone the panels are tabs; at a desk they are side by side."""
    if is_phone(page):
        page.click(f"#tab-{name}")
    assert page.locator(f"#panel-{name}").is_visible()


def no_overflow(page: Any) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the screen"
    wider = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => {
              const r = e.getBoundingClientRect();
              return r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1);
           }).map(e => e.tagName + '.' + e.className).slice(0, 5)"""
    )
    assert wider == [], f"elements outside the screen: {wider}"


def small_tap_targets(page: Any) -> list[str]:
    return page.evaluate(
        f"""() => [...document.querySelectorAll('button, a, input, select, summary, textarea')].filter(e => {{
              const r = e.getBoundingClientRect();
              return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'
                     && (r.height < {TAP} - 0.5 || r.width < {TAP} - 0.5);
           }}).map(e => e.tagName + ' ' + (e.textContent || e.name || '').trim().slice(0, 12)
                      + ' ' + Math.round(e.getBoundingClientRect().width) + 'x'
                      + Math.round(e.getBoundingClientRect().height))"""
    )


def chat_to_assessment(page: Any) -> None:
    page.fill("#text", "我去年从上海的大学毕业，还没找到工作")
    page.click("#send-btn")
    page.wait_for_selector(".msg.bot >> text=您是高校毕业生吗？")
    assert page.locator("#quick button").all_inner_texts() == ["是", "不是", "不知道"]
    page.locator("#quick button").first.click()  # 是 → the stand-in answers with an assessment
    page.wait_for_selector(".msg.note .show-result")


def test_result_as_cards_in_two_sections(web_stack: tuple[Stack, sa.Engine], page: Any) -> None:
    stack, _ = web_stack
    log_in(page, stack.web_url)
    chat_to_assessment(page)
    assert page.locator(".msg.user .bubble").last.inner_text() == "是"
    page.click(".msg.note .show-result")
    assert page.locator("#panel-result").is_visible()

    expected = canned_assessment()["results"]
    cards = page.locator("#result .res-card")
    assert cards.count() == len(expected)
    employer = {r["policy_id"] for r in expected if r["kind"] == "employer"}
    sections = page.locator("#result .res-section")
    assert sections.nth(0).locator("h3").inner_text() == "个人可以了解的措施"
    assert sections.nth(1).locator("h3").inner_text() == "告诉招用您的单位"
    person_ids = set(sections.nth(0).locator(".res-card").evaluate_all("cs => cs.map(c => c.dataset.policy)"))
    employer_ids = set(sections.nth(1).locator(".res-card").evaluate_all("cs => cs.map(c => c.dataset.policy)"))
    assert employer_ids == employer and not person_ids & employer

    first = sections.nth(0).locator(".res-card").first
    eligible = [r for r in expected if r["status"] == "eligible" and r["kind"] != "employer"]
    assert first.locator(".status").inner_text() == "可以申请"
    assert first.locator(".res-title").inner_text() == eligible[0]["title"]
    assert first.locator(".res-article").inner_text() == f"《意见》{eligible[0]['article']}"
    assert first.locator(".res-step span").inner_text() == eligible[0]["next_steps"][0]

    # every 暂不符合 card says why in one line; none repeats the engine's generic step
    for details in page.locator("details.rest").all():
        details.locator("summary").click()
    no = page.locator('.res-card[data-status="not_eligible"]')
    assert no.count() == sum(r["status"] == "not_eligible" for r in expected) > 0
    for card in no.all():
        why = card.locator(".res-why span").inner_text()
        assert why.startswith("不满足：") and "\n" not in why
    steps = page.locator(".res-step span").all_inner_texts()
    assert not [s for s in steps if s.startswith("如情况有变化可以重新咨询")]
    assert "可以申请" in page.locator("#summary").inner_text()

    no_overflow(page)
    if is_phone(page):
        widths = {round(c.bounding_box()["width"]) for c in cards.all()[:5]}
        assert len(widths) == 1 and widths.pop() >= 300  # cards stacked, full width
        page.evaluate("window.scrollTo(0, 0)")
        page.evaluate("document.querySelectorAll('details.rest').forEach(d => { d.open = false; })")
        screenshot(page, "phone-result.png")
        assert small_tap_targets(page) == []
        open_panel(page, "chat")
        assert small_tap_targets(page) == []
        no_overflow(page)
    else:
        screenshot(page, "desk-widget.png")


def test_consultation_survives_navigation_and_new_consultation_asks(
    web_stack: tuple[Stack, sa.Engine], page: Any, rasa: FakeRasa
) -> None:
    stack, engine = web_stack
    add_case(engine, channel="web", started=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    log_in(page, stack.web_url)
    chat_to_assessment(page)
    before = page.locator("#log .bubble").all_inner_texts()
    cards = page.locator("#result .res-card").count()
    sender = rasa.received[-1]["sender"]

    page.click("nav a[href='/cases']")
    page.wait_for_selector("#case-list")
    page.click("nav a[href='/']")
    page.wait_for_selector("#log .msg.note")
    assert page.locator("#log .bubble").all_inner_texts() == before
    assert page.locator("#result .res-card").count() == cards
    open_panel(page, "form")
    assert "高校毕业生" in page.locator("#known").inner_text()

    open_panel(page, "chat")
    page.click("#new-chat")
    assert page.locator("#confirm-new").is_visible()
    page.click("#confirm-new-cancel")
    assert not page.locator("#confirm-new").is_visible()
    assert page.locator("#log .bubble").all_inner_texts() == before

    page.click("#new-chat")
    page.click("#confirm-new-ok")
    expect(page.locator("#log .msg")).to_have_count(1)  # the greeting
    assert page.locator("#result .res-card").count() == 0
    page.fill("#text", "你好")
    page.click("#send-btn")
    page.wait_for_selector(".msg.bot >> text=您是高校毕业生吗？")
    assert rasa.received[-1]["sender"] != sender
    page.reload()
    page.wait_for_selector("#log .msg.user")
    assert page.locator("#log .msg.user .bubble").all_inner_texts() == ["你好"]
    no_overflow(page)


def test_multi_select_question_answers_every_fact_it_asks(
    web_stack: tuple[Stack, sa.Engine], page: Any, rasa: FakeRasa
) -> None:
    stack, _ = web_stack
    log_in(page, stack.web_url)
    page.fill("#text", "多选")
    page.click("#send-btn")
    toggles = page.locator(".select-box .toggle")
    toggles.first.wait_for()
    assert toggles.all_inner_texts() == ["农民工/农村劳动力", "在平台上接单（外卖、网约车）", "残疾人"]
    toggles.nth(0).click()
    toggles.nth(2).click()
    assert toggles.nth(2).get_attribute("aria-pressed") == "true"
    page.click(".select-done")
    page.wait_for_selector(".msg.note")
    assert rasa.received[-1]["message"] == (
        '/inform{"migrant_worker":true,"platform_worker":false,"hardship_groups":["disabled"]}'
    )
    assert page.locator(".msg.user .bubble").last.inner_text() == "农民工/农村劳动力、残疾人"
    if is_phone(page):
        assert small_tap_targets(page) == []
    no_overflow(page)


def form_answer(page: Any, fact: str, value: str) -> None:
    """Answer a question of the form (a choice button, or a number typed and 确定)."""
    q = page.locator(f'#questions .question[data-fact="{fact}"]')
    q.wait_for()
    if q.locator("input").count():
        q.locator("input").fill(value)
        q.locator("button[type=submit]").click()
    else:
        q.locator(f'button.choice[data-value="{value}"]').click()
    page.wait_for_selector(f'#known .fact-row[data-fact="{fact}"]')


def test_consultation_by_form_with_a_correction_and_another_date(
    web_stack: tuple[Stack, sa.Engine], page: Any, rasa: FakeRasa
) -> None:
    stack, _ = web_stack
    log_in(page, stack.web_url)
    page.fill("#text", "你好")
    page.click("#send-btn")
    open_panel(page, "form")
    page.wait_for_selector("#questions .question")
    as_of = dt.date.fromisoformat(page.input_value("#as-of-date"))  # today: nothing chose another date yet
    asked = page.locator("#questions .question").evaluate_all("qs => qs.map(q => q.dataset.fact)")
    assert asked == [q.key for q in plan_questions({}, as_of)]  # the chat's plan, nothing already known

    form_answer(page, "employment_status", "unemployed")
    assert rasa.received[-1]["message"] == '/inform{"employment_status":"unemployed"}'
    form_answer(page, "unemployed_months", "5")
    assert rasa.received[-1]["message"] == '/inform{"unemployed_months":5}'
    known = page.locator("#known .fact-row").evaluate_all("rs => rs.map(r => r.dataset.fact)")
    assert known == ["employment_status", "unemployed_months"]
    asked = page.locator("#questions .question").evaluate_all("qs => qs.map(q => q.dataset.fact)")
    facts = {"employment_status": "unemployed", "unemployed_months": 5}
    as_of = dt.date.fromisoformat(page.input_value("#as-of-date"))  # the assessment's date
    assert asked == [q.key for q in plan_questions(facts, as_of)] and "unemployed_months" not in asked
    open_panel(page, "result")
    hiring = page.locator('.res-card[data-policy="unemployed_hiring_subsidy"]')
    assert hiring.get_attribute("data-status") == "eligible"
    if is_phone(page):
        screenshot(page, "phone-form-result.png")

    # one click corrects a fact: 失业 → 在职, and the result follows
    open_panel(page, "form")
    row = page.locator('#known .fact-row[data-fact="employment_status"]')
    row.locator("button.edit").click()
    row.locator('button.choice[data-value="employed"]').click()
    page.wait_for_selector('#known .fact-row[data-fact="employment_status"] .fact-value >> text=在职')
    assert rasa.received[-1]["message"] == '/inform{"employment_status":"employed"}'
    assert page.locator(".msg.user .bubble").last.inner_text() == "（表单）就业状态：在职"
    open_panel(page, "result")
    assert page.locator('.res-card[data-policy="unemployed_hiring_subsidy"]').get_attribute("data-status") != "eligible"

    # a multi-select of the plan is a checkbox group: the ticked options yes, the others no, in one message
    open_panel(page, "form")
    facts["employment_status"] = "employed"
    (group,) = [q for q in plan_questions(facts, as_of) if q.key == "situations"]
    box = page.locator('#questions .question[data-fact="situations"]')
    assert box.locator("input[type=checkbox]").count() == len(group.options)
    assert box.locator("label.check").all_inner_texts() == [o.title for o in group.options]
    box.locator("label.check").filter(has=page.locator('input[data-fact="platform_worker"]')).click()
    assert box.locator('input[data-fact="platform_worker"]').is_checked()
    if is_phone(page):
        assert small_tap_targets(page) == []
    box.scroll_into_view_if_needed()
    screenshot(page, "phone-form.png" if is_phone(page) else "desk-form.png")
    box.locator(".checks-ok").click()
    page.wait_for_selector('#known .fact-row[data-fact="platform_worker"]')
    sent = json.loads(rasa.received[-1]["message"].removeprefix("/inform"))
    assert sent == {name: name == "platform_worker" for name in group.facts}
    assert page.locator(".msg.user .bubble").last.inner_text().endswith("：在外卖、网约车、快递等平台接单")
    facts.update(sent)
    asked = page.locator("#questions .question").evaluate_all("qs => qs.map(q => q.dataset.fact)")
    assert asked == [q.key for q in plan_questions(facts, as_of)] and "situations" not in asked
    # a list fact asked alone: 都不是 answers it (as "none", which the bot reads as an empty list)
    assert "hardship_groups" in asked
    page.locator('#questions .question[data-fact="hardship_groups"] .checks-none').click()
    page.wait_for_selector('#known .fact-row[data-fact="hardship_groups"]')
    assert rasa.received[-1]["message"] == '/inform{"hardship_groups":"none"}'

    # another evaluation date, stored with the conversation and shown with the assessment
    open_panel(page, "result")
    notes = page.locator(".msg.note").count()
    page.fill("#as-of-date", "2023-01-15")
    page.wait_for_selector(".msg.user >> text=按2023年1月15日评估", state="attached")
    expect(page.locator(".msg.note")).to_have_count(notes + 1)  # the reply's assessment
    assert rasa.received[-1]["message"] == '/inform{"as_of":"2023-01-15"}'
    expect(page.locator("#as-of-date")).to_have_value("2023-01-15")
    page.reload()
    page.wait_for_selector("#log .msg.user", state="attached")
    expect(page.locator("#as-of-date")).to_have_value("2023-01-15")  # restored from the conversation
    no_overflow(page)
    if is_phone(page):
        assert small_tap_targets(page) == []


def test_printout_is_one_a4_page_for_the_visitor(web_stack: tuple[Stack, sa.Engine], page: Any) -> None:
    stack, _ = web_stack
    log_in(page, stack.web_url)
    chat_to_assessment(page)
    page.click(".msg.note .show-result")
    page.click("#print")
    page.wait_for_selector("#printout")
    no_overflow(page)
    sheet = page.inner_text("#printout")
    expected = canned_assessment()
    eligible = [r for r in expected["results"] if r["status"] == "eligible" and r["kind"] != "employer"]
    confirm = [r for r in expected["results"] if r["status"] == "needs_confirmation" and r["kind"] != "employer"]
    for r in eligible:
        assert r["title"] in page.inner_text("#p-apply") and f"《意见》{r['article']}" in sheet
        assert r["next_steps"][0] in sheet
    for r in confirm:
        assert r["title"] in page.inner_text("#p-confirm")
    assert "向谁确认" in page.inner_text("#p-confirm")
    assert "高校毕业生（大专及以上）" in page.inner_text("#p-facts") and "22岁" in sheet
    assert page.inner_text("#p-as-of") == "2022年7月1日"
    assert page.inner_text("#p-version") == expected["rules_version"]
    assert "服务站" in sheet and "打印日期" in sheet
    assert "您是高校毕业生吗" not in sheet and "告诉招用您的单位" in sheet
    page.emulate_media(media="print")
    assert not page.locator(".screen-bar").is_visible()  # nothing of the page chrome on paper
    if not is_phone(page):
        pdf = page.pdf(format="A4")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the printout is not one A4 page"
        page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        screenshot(page, "printout.png")


def test_case_view_and_stats_read_in_words(web_stack: tuple[Stack, sa.Engine], page: Any) -> None:
    stack, engine = web_stack
    started = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    case = add_case(
        engine,
        channel="telegram",
        started=started,
        facts={"employment_status": "unemployed", "hardship_groups": ["disabled"]},
        texts=("我失业了", "您现在的就业状态是？", '/inform{"employment_status": "unemployed"}', "好的", "/deny"),
    )
    log_in(page, stack.web_url)
    page.click("nav a[href='/cases']")
    page.wait_for_selector("#case-list")
    no_overflow(page)
    if is_phone(page):
        assert small_tap_targets(page) == []
    page.click(f"a[href='/cases/{case}']")
    page.wait_for_selector(".transcript")
    if is_phone(page):
        assert small_tap_targets(page) == []
    transcript = page.inner_text(".transcript")
    assert "就业状态：失业" in transcript and "不是" in transcript and "/inform" not in transcript
    facts = page.inner_text(".case-facts")
    assert "所属困难群体" in facts and "残疾人" in facts and "hardship_groups" not in facts
    page.fill("textarea[name=note]", "已电话回访，建议到社区就业服务站办理")
    page.click(".note-form button")
    page.wait_for_selector(".notes >> text=已电话回访")
    no_overflow(page)

    page.click("nav a[href='/stats']")
    page.wait_for_selector("#totals")
    assert int(page.inner_text("#total-consultations")) >= 1
    bars = page.locator("#measure-chart li")
    assert bars.count() > 0
    for title in page.locator("#measure-chart .title").all()[:5]:
        box = title.bounding_box()
        assert box and box["height"] >= 14  # readable, never 4-5 px
        assert not title.evaluate("e => e.scrollWidth > e.clientWidth")  # the full label is shown
    widths = page.locator("#measure-chart .b-eligible").evaluate_all("bs => bs.map(b => b.style.width)")
    assert any(w not in ("", "0%") for w in widths)
    no_overflow(page)
    if is_phone(page):
        assert small_tap_targets(page) == []
        screenshot(page, "phone-stats.png")


def test_inbox_of_what_the_bot_missed_and_its_export(web_stack: tuple[Stack, sa.Engine], page: Any) -> None:
    stack, engine = web_stack
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)
    said = "俺们那旮旯的补助咋整" + ("（手机）" if is_phone(page) else "")
    for hours in (0, 1):
        turns = [("bot", "您失业多久了？"), ("user", said, "nlu_fallback", 0.2), ("bot", "抱歉，我没太明白。")]
        add_turns(engine, "telegram", turns, start=now - dt.timedelta(hours=hours))
    log_in(page, stack.web_url)
    page.click("nav a[href='/inbox']")
    page.wait_for_selector("#missed")
    row = page.locator("#missed tbody tr").filter(has=page.locator(f'td.missed-text:text-is("{said}")'))
    assert row.get_attribute("data-count") == "2"
    assert "没识别出" in row.inner_text()
    no_overflow(page)
    if is_phone(page):
        assert small_tap_targets(page) == []
    with page.expect_download() as info:
        page.click("#export")
    exported = Path(info.value.path()).read_text(encoding="utf-8")
    data = yaml.safe_load(exported)
    examples = {b["intent"]: b["examples"] for b in data["nlu"]}
    assert f"- {said}" in examples["nlu_fallback"].splitlines()


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
