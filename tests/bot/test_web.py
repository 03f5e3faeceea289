"""The staff web app over HTTP (TestClient) against a migrated temp case log and a stand-in Rasa."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bot.identity import sender_id
from bot.rasa_client import UNAVAILABLE_TEXT
from bot.web.session import COOKIE_NAME
from caselog.models import Assessment, AssessmentResult
from tests.bot.conftest import SALT, STAFF, add_case, csrf_of, login
from tests.bot.standins import FakeRasa, canned_assessment
from tests.caselog.test_inbox import add_turns

REPO = Path(__file__).resolve().parents[2]
UTC = dt.UTC

STAFF_PAGES = ["/", "/cases", "/cases/1", "/stats", "/inbox", "/inbox/nlu.yml", "/print"]
STAFF_APIS = ["/api/cases", "/api/cases/1", "/api/stats", "/api/inbox", "/api/chat/state"]


def test_health_needs_no_login(client: TestClient) -> None:
    assert client.get("/healthz").text == "ok"


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_pages_redirect_to_login_without_staff_session(client: TestClient, path: str) -> None:
    resp = client.get(path)
    assert resp.status_code == 303
    assert resp.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("path", STAFF_APIS)
def test_api_refuses_without_staff_session(client: TestClient, path: str) -> None:
    resp = client.get(path)
    assert resp.status_code == 401
    assert "cases" not in resp.json()


def test_chat_api_refuses_without_staff_session(client: TestClient, fake_rasa: FakeRasa) -> None:
    token = csrf_of(client.get("/login").text)  # even with a valid anonymous CSRF token
    resp = client.post("/api/chat", json={"message": "你好"}, headers={"X-CSRF-Token": token})
    assert resp.status_code == 401
    assert fake_rasa.received == []


def test_login_sets_signed_strict_httponly_cookie(client: TestClient) -> None:
    page = client.get("/login")
    anon_token = csrf_of(page.text)
    resp = client.post(
        "/login", data={"username": STAFF[0], "password": STAFF[1], "csrf_token": anon_token, "next": "/cases"}
    )
    assert resp.status_code == 303 and resp.headers["location"] == "/cases"
    cookie = resp.headers["set-cookie"]
    assert f"{COOKIE_NAME}=" in cookie
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert STAFF[1] not in cookie
    home = client.get("/")
    assert home.status_code == 200 and "代访客咨询" in home.text and STAFF[0] in home.text
    assert csrf_of(home.text) != anon_token  # a new CSRF token after login


def test_login_rejects_wrong_password_and_missing_csrf(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    wrong = client.post("/login", data={"username": STAFF[0], "password": "not-the-password", "csrf_token": token})
    assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text
    no_csrf = client.post("/login", data={"username": STAFF[0], "password": STAFF[1]})
    assert no_csrf.status_code == 403
    assert client.get("/").status_code == 303  # still not logged in


def test_open_redirect_is_not_followed(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    resp = client.post(
        "/login",
        data={"username": STAFF[0], "password": STAFF[1], "csrf_token": token, "next": "//evil.example/x"},
    )
    assert resp.headers["location"] == "/"


def test_tampered_cookie_is_not_a_login(client: TestClient) -> None:
    login(client)
    value = client.cookies[COOKIE_NAME]
    body, mac = value.rsplit(".", 1)
    client.cookies.set(COOKIE_NAME, body + "." + ("A" if mac[0] != "A" else "B") + mac[1:])
    assert client.get("/").status_code == 303


def test_logout_needs_csrf_and_ends_session(staff_client: TestClient) -> None:
    assert staff_client.post("/logout", data={}, headers={"X-CSRF-Token": ""}).status_code == 403
    assert staff_client.get("/").status_code == 200
    token = staff_client.headers["X-CSRF-Token"]
    assert staff_client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert staff_client.get("/").status_code == 303


def test_chat_proxy_forwards_with_web_metadata_and_renders_rows(staff_client: TestClient, fake_rasa: FakeRasa) -> None:
    resp = staff_client.post("/api/chat", json={"message": "我去年毕业了"})
    assert resp.status_code == 200
    data = resp.json()
    assert data["messages"][0]["text"] == "您是高校毕业生吗？"
    assert [b["title"] for b in data["messages"][0]["buttons"]] == ["是", "不是", "不知道"]
    body = fake_rasa.received[-1]
    assert body["metadata"] == {"channel": "web"} and body["message"] == "我去年毕业了"
    first_sender = body["sender"]
    assert first_sender.startswith("we-")

    resp = staff_client.post("/api/chat", json={"message": "/affirm", "shown": "是"})
    assert fake_rasa.received[-1]["metadata"] == {"channel": "web", "tapped": "是"}
    data = resp.json()
    view = next(m["assessment"] for m in data["messages"] if m.get("assessment"))
    expected = canned_assessment()
    assert view["as_of"] == expected["as_of"]
    rows = [r for s in view["sections"] for g in s["groups"] for r in g["rows"]]
    assert len(rows) == len(expected["results"])
    by_id = {r["policy_id"]: r for r in rows}
    for r in expected["results"]:
        row = by_id[r["policy_id"]]
        assert row["status"] == r["status"] and row["title"] == r["title"] and row["article"] == r["article"]
        assert row["section"] == ("employer" if r["kind"] == "employer" else "person")
    assert [s["id"] for s in view["sections"]] == ["person", "employer"]
    assert view["sections"][0]["groups"][0]["status"] == "eligible"  # actionable rows first
    # the form's state read back from the tracker: what the bot holds and what is still worth asking
    form = data["form"]
    known = {f["fact"]: f["shown"] for f in form["known"]}
    assert known["is_college_graduate"] == "是" and known["employment_status"] == "失业"
    assert form["questions"] and not {q["fact"] for q in form["questions"]} & set(known)
    assert fake_rasa.received[-1]["sender"] == first_sender  # same visitor

    assert staff_client.post("/api/chat/reset").json() == {"ok": True}
    staff_client.post("/api/chat", json={"message": "你好"})
    assert fake_rasa.received[-1]["sender"] != first_sender  # a new visitor, a new conversation


def test_chat_state_restores_the_consultation_from_the_tracker(staff_client: TestClient, fake_rasa: FakeRasa) -> None:
    empty = staff_client.get("/api/chat/state").json()
    assert empty["ok"] and empty["messages"] == [] and empty["assessment"] is None
    staff_client.post("/api/chat", json={"message": "我去年毕业了"})
    staff_client.post("/api/chat", json={"message": "/affirm", "shown": "是"})
    staff_client.post("/api/chat", json={"message": '/inform{"employment_status": "employed"}'})
    state = staff_client.get("/api/chat/state").json()
    who = [(m["who"], m.get("text")) for m in state["messages"]]
    assert who[:3] == [("user", "我去年毕业了"), ("bot", "您是高校毕业生吗？"), ("user", "是")]
    assert ("user", "就业状态：在职") in who  # a payload as words, not /inform{...}
    assert state["assessment"]["as_of"] == "2022-07-01"
    known = {f["fact"]: f["shown"] for f in state["form"]["known"]}
    assert known["employment_status"] == "在职"
    # after 新咨询 the next visitor starts empty
    staff_client.post("/api/chat/reset")
    assert staff_client.get("/api/chat/state").json()["messages"] == []


def test_chat_state_without_the_rasa_api_says_so(client: TestClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.token = "another-token"
    client.headers["X-CSRF-Token"] = login(client)
    state = client.get("/api/chat/state").json()
    assert state["ok"] is False and "读不到" in state["notice"]
    reply = client.post("/api/chat", json={"message": "你好"}).json()
    assert reply["ok"] and reply["form"] is None and "读不到" in reply["notice"]


def test_printout_from_the_conversation(staff_client: TestClient, fake_rasa: FakeRasa) -> None:
    assert "还没有评估结果" in staff_client.get("/print").text
    staff_client.post("/api/chat", json={"message": "/affirm", "shown": "是"})
    page = staff_client.get("/print").text
    assert 'id="printout"' in page and "2022年7月1日" in page and "本市高校毕业生" in page
    assert "topbar" not in page and "代访客咨询" not in page
    assert "/static/print.css" in page


def test_login_page_shows_no_command_line(client: TestClient) -> None:
    page = client.get("/login").text
    assert "python" not in page and ".venv" not in page and "<code>" not in page
    assert "管理员" in page


def test_chat_needs_csrf_header(staff_client: TestClient, fake_rasa: FakeRasa) -> None:
    resp = staff_client.post("/api/chat", json={"message": "你好"}, headers={"X-CSRF-Token": "forged"})
    assert resp.status_code == 403
    assert fake_rasa.received == []


def test_chat_rejects_bad_input_without_traceback(staff_client: TestClient) -> None:
    assert staff_client.post("/api/chat", json={"message": ""}).status_code == 422
    too_long = staff_client.post("/api/chat", json={"message": "字" * 2001})
    assert too_long.status_code == 400 and "太长" in too_long.json()["messages"][0]["text"]


def test_chat_reports_rasa_down_in_chinese(staff_client: TestClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.mode = "error"
    resp = staff_client.post("/api/chat", json={"message": "你好"})
    assert resp.status_code == 502
    assert resp.json()["messages"][0]["text"] == UNAVAILABLE_TEXT


def test_web_sender_is_hmac_of_conversation_not_raw(staff_client: TestClient, fake_rasa: FakeRasa) -> None:
    staff_client.post("/api/chat", json={"message": "你好"})
    sender = fake_rasa.received[-1]["sender"]
    assert sender != sender_id("web", "x", SALT)
    assert len(sender) == 35


def _seed(engine: sa.Engine) -> tuple[int, int]:
    web = add_case(engine, channel="web", started=dt.datetime(2022, 7, 1, 2, 0, tzinfo=UTC))
    tg = add_case(
        engine,
        channel="telegram",
        started=dt.datetime(2022, 7, 3, 2, 0, tzinfo=UTC),
        facts={"age": 50, "employment_status": "unemployed", "unemployed_months": 6, "shanghai_hukou": True},
        texts=("我失业半年了", "好的"),
    )
    return web, tg


def test_case_search_filters(staff_client: TestClient, engine: sa.Engine) -> None:
    web, tg = _seed(engine)
    page = staff_client.get("/cases")
    assert page.status_code == 200 and f"/cases/{web}" in page.text and f"/cases/{tg}" in page.text
    only_tg = staff_client.get("/cases", params={"channel": "telegram"}).text
    assert f"/cases/{tg}" in only_tg and f"/cases/{web}" not in only_tg
    by_date = staff_client.get("/api/cases", params={"since": "2022-07-02", "until": "2022-07-04"}).json()
    assert [c["id"] for c in by_date["cases"]] == [tg]
    eligible_ids = {r["policy_id"] for r in canned_assessment()["results"] if r["status"] == "eligible"}
    pid = sorted(eligible_ids)[0]
    found = staff_client.get("/api/cases", params={"policy_id": pid, "status": "eligible"}).json()["cases"]
    assert web in [c["id"] for c in found]
    assert all(c["channel"] in ("web", "telegram") for c in found)
    none = staff_client.get("/api/cases", params={"since": "2023-01-01"}).json()
    assert none["cases"] == []


def test_terminal_cases_can_be_filtered(staff_client: TestClient, engine: sa.Engine) -> None:
    web, _ = _seed(engine)
    terminal = add_case(engine, channel="terminal", started=dt.datetime(2022, 7, 2, 2, 0, tzinfo=UTC))
    page = staff_client.get("/cases", params={"channel": "terminal"}).text
    assert '<option value="terminal" selected>终端</option>' in page
    assert f"/cases/{terminal}" in page and f"/cases/{web}" not in page
    found = staff_client.get("/api/cases", params={"channel": "terminal"}).json()["cases"]
    assert [(c["id"], c["channel"]) for c in found] == [(terminal, "terminal")]


def test_case_detail_and_notes(staff_client: TestClient, engine: sa.Engine) -> None:
    web, _ = _seed(engine)
    page = staff_client.get(f"/cases/{web}")
    assert page.status_code == 200
    assert "我去年毕业了" in page.text and "可以申请" in page.text
    token = staff_client.headers["X-CSRF-Token"]
    forged = staff_client.post(f"/cases/{web}/notes", data={"note": "电话回访", "csrf_token": "bad"})
    assert forged.status_code == 403
    ok = staff_client.post(f"/cases/{web}/notes", data={"note": "已电话回访 13812345678", "csrf_token": token})
    assert ok.status_code == 303
    detail = staff_client.get(f"/api/cases/{web}").json()
    assert detail["notes"][0]["author"] == STAFF[0]
    assert "已电话回访" in detail["notes"][0]["text"]
    assert "13812345678" not in detail["notes"][0]["text"]  # masked by the case log
    empty = staff_client.post(f"/cases/{web}/notes", data={"note": "  ", "csrf_token": token})
    assert empty.status_code == 400
    assert staff_client.get("/cases/99999").status_code == 404


def test_case_list_opens_on_real_channels(staff_client: TestClient, engine: sa.Engine) -> None:
    web, tg = _seed(engine)
    rest = add_case(engine, channel="rest", started=dt.datetime(2022, 7, 2, 2, 0, tzinfo=UTC))
    page = staff_client.get("/cases").text
    assert f"/cases/{web}" in page and f"/cases/{tg}" in page and f"/cases/{rest}" not in page
    assert '<option value="" selected>网页和Telegram（实际咨询）</option>' in page
    everything = staff_client.get("/api/cases", params={"channel": "all"}).json()["cases"]
    assert {c["id"] for c in everything} == {web, tg, rest}
    only_rest = staff_client.get("/api/cases", params={"channel": "rest"}).json()["cases"]
    assert [c["id"] for c in only_rest] == [rest]


def test_case_view_in_words_a_worker_reads(staff_client: TestClient, engine: sa.Engine) -> None:
    case = add_case(
        engine,
        channel="telegram",
        started=dt.datetime(2022, 7, 3, 2, 0, tzinfo=UTC),
        facts={"employment_status": "unemployed", "hardship_groups": ["disabled"], "unemployed_months": 6},
        texts=("我失业了", "您现在的就业状态是？", '/inform{"employment_status": "unemployed"}', "好的", "/deny", "好"),
    )
    page = staff_client.get(f"/cases/{case}").text
    assert "/inform" not in page and "/deny" not in page and "hardship_groups" not in page
    assert "就业状态：失业" in page and ">不是<" in page
    assert "<dt>所属困难群体</dt><dd>残疾人</dd>" in page and "<dt>失业时长（月）</dt><dd>6个月</dd>" in page
    assert "进行中" in page


def test_stats_count_consultations_and_shares_per_measure(staff_client: TestClient, engine: sa.Engine) -> None:
    web, _ = _seed(engine)
    older_facts = {"age": 50, "employment_status": "unemployed", "unemployed_months": 6, "shanghai_hukou": True}
    older = canned_assessment(older_facts)
    # a second assessment in the same consultation: still one consultation, its latest assessment counts
    with Session(engine) as s, s.begin():
        a = Assessment(
            case_id=web,
            record_id="second",
            seq=99,
            ts=dt.datetime(2022, 7, 1, 2, 30, tzinfo=UTC),
            facts=older_facts,
            as_of=dt.date(2022, 7, 1),
            rules_version=older["rules_version"],
        )
        a.results = [AssessmentResult(policy_id=r["policy_id"], status=r["status"]) for r in older["results"]]
        s.add(a)
    add_case(engine, channel="web", started=dt.datetime(2022, 7, 1, 3, 0, tzinfo=UTC))
    add_case(engine, channel="rest", started=dt.datetime(2022, 7, 1, 4, 0, tzinfo=UTC))  # a test client
    data = staff_client.get("/api/stats", params={"since": "2022-06-01", "until": "2022-07-31"}).json()
    assert data["consultations"] == 3 and data["assessed"] == 3
    assert data["people"] == 1  # add_case gives every case the same person
    assert [(b["bucket"], b["consultations"]) for b in data["buckets"]] == [("2022-07-01", 2), ("2022-07-03", 1)]
    by_id = {m["policy_id"]: m for m in data["measures"]}
    graduate = canned_assessment()
    for pid in by_id:
        g = next(r["status"] for r in graduate["results"] if r["policy_id"] == pid)
        o = next(r["status"] for r in older["results"] if r["policy_id"] == pid)
        assert by_id[pid]["eligible"] == (g == "eligible") + 2 * (o == "eligible")
        assert by_id[pid]["needs_confirmation"] == (g == "needs_confirmation") + 2 * (o == "needs_confirmation")
    assert len(by_id) == len(graduate["results"])  # every measure listed, also at 0
    shares = [m["eligible"] + m["needs_confirmation"] for m in data["measures"]]
    assert shares == sorted(shares, reverse=True)
    with_rest = staff_client.get("/api/stats", params={"since": "2022-06-01", "channel": "all"}).json()
    assert with_rest["consultations"] == 4
    monthly = staff_client.get("/api/stats", params={"bucket": "month", "since": "2022-06-01", "until": "2022-07-31"})
    assert [b["bucket"] for b in monthly.json()["buckets"]] == ["2022-07-01"]

    page = staff_client.get("/stats", params={"since": "2022-06-01", "until": "2022-07-31"}).text
    assert '<b id="total-consultations">3</b>' in page and '<b id="total-people">1</b>' in page
    for title in (r["title"] for r in graduate["results"]):
        assert f'<span class="title">{title}</span>' in page  # full titles, never cut
    assert "/static/bars.js" in page


def test_inbox_lists_and_exports_what_the_bot_missed(staff_client: TestClient, engine: sa.Engine) -> None:
    today = dt.datetime.now(dt.UTC)
    add_turns(engine, "web", [("bot", "您多大了？"), ("user", "俺也说不好", "nlu_fallback", 0.2)], start=today)
    page = staff_client.get("/inbox").text
    assert "俺也说不好" in page and "没识别出" in page
    api = staff_client.get("/api/inbox").json()["missed"]
    assert [(m["text"], m["count"], m["intent"]) for m in api] == [("俺也说不好", 1, "nlu_fallback")]
    export = staff_client.get("/inbox/nlu.yml")
    assert export.headers["content-type"].startswith("text/yaml")
    assert export.headers["content-disposition"].startswith("attachment;")
    assert "    - 俺也说不好" in export.text


def test_security_headers_and_no_external_assets(staff_client: TestClient) -> None:
    resp = staff_client.get("/")
    assert "default-src 'self'" in resp.headers["content-security-policy"]
    assert resp.headers["x-frame-options"] == "DENY"
    assert "http://" not in resp.text and "https://" not in resp.text
    for asset in (
        "/static/js/widget.js",
        "/static/js/chat.js",
        "/static/js/form.js",
        "/static/js/result.js",
        "/static/js/dom.js",
        "/static/bars.js",
        "/static/style.css",
    ):
        got = staff_client.get(asset)
        assert got.status_code == 200, asset
        text = got.text
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text


def test_staff_cli_creates_a_login(client: TestClient, db_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": db_url, "CASELOG_STAFF_PASSWORD": "another-pass-99"}
    proc = subprocess.run(
        [sys.executable, "-m", "caselog", "staff", "add", "li.si", "--station", "潍坊新村街道"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    login(client, "li.si", "another-pass-99")
    assert client.get("/cases").status_code == 200
