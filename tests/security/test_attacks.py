"""Each attack of the security review, tried against the real stack (action server, Rasa with the trained
model, case-log drain, staff web app on free ports: the session's `real_stack`). None may come back.

Skipped without .venv-rasa or a model in models/ (scripts/rasa_checks.sh trains one); a failure under CI=true.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import stat
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from bot.stack import Stack
from caselog import staff
from caselog.db import make_engine
from caselog.models import Case

pytestmark = pytest.mark.rasa

RAW_ID = "310101199001011234"


def _sender() -> str:
    return f"sec-{uuid.uuid4().hex[:12]}"


def _rasa(stack: Stack, method: str, path: str, *, token: str | None = "", **kw: Any) -> httpx.Response:
    """A call to Rasa's HTTP API; token "" means the stack's token, None none at all."""
    params = dict(kw.pop("params", {}))
    if token is not None:
        params["token"] = token or stack.api_token
    return httpx.request(method, stack.rasa_url + path, params=params, timeout=60, trust_env=False, **kw)


def _tracker(stack: Stack, sender: str) -> dict[str, Any]:
    resp = _rasa(stack, "GET", f"/conversations/{sender}/tracker")
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def _user_texts(stack: Stack, sender: str) -> list[str]:
    return [e.get("text") or "" for e in _tracker(stack, sender).get("events", []) if e.get("event") == "user"]


def _say(stack: Stack, sender: str, text: str, **kw: Any) -> httpx.Response:
    return httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        timeout=60,
        trust_env=False,
        **kw,
    )


# ---------------------------------------------------------------- 1. Rasa HTTP API and action server


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/status", None),
        ("GET", "/conversations/someone/tracker", None),
        ("GET", "/conversations/someone/story", None),  # 404 with the token: no such conversation
        ("POST", "/model/parse", {"text": "我失业三个月了"}),
        ("GET", "/domain", None),
    ],
)
def test_rasa_api_refuses_requests_without_the_token(real_stack: Stack, method: str, path: str, body: Any) -> None:
    json_only = {"Accept": "application/json"}
    for token in (None, "wrong-token"):
        resp = _rasa(real_stack, method, path, token=token, json=body, headers=json_only)
        assert resp.status_code in (401, 403), (path, token, resp.status_code, resp.text[:200])
    assert _rasa(real_stack, method, path, json=body, headers=json_only).status_code not in (401, 403)


def test_the_token_file_is_private(real_stack: Stack) -> None:
    if os.environ.get("RASA_API_TOKEN"):
        pytest.skip("RASA_API_TOKEN is set: no token file is written")
    path = real_stack.workdir / "rasa-api-token"
    assert path.read_text().strip() == real_stack.api_token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_conversation_writes_that_skip_the_masking_channel_are_refused(real_stack: Stack) -> None:
    sender = _sender()
    raw_event = {"event": "user", "text": f"身份证{RAW_ID}", "parse_data": {"intent": {"name": "inform"}}}
    attempts = [
        ("POST", f"/conversations/{sender}/messages", {"text": f"身份证{RAW_ID}", "sender": "user"}),
        ("POST", f"/conversations/{sender}/tracker/events", [raw_event]),
        ("PUT", f"/conversations/{sender}/tracker/events", [raw_event]),
        ("POST", f"/conversations/{sender}/trigger_intent", {"name": "inform", "entities": {"id": RAW_ID}}),
        ("POST", f"/conversations/{sender}/execute", {"name": "utter_greet"}),
    ]
    for method, path, body in attempts:
        resp = _rasa(real_stack, method, path, json=body)
        assert resp.status_code == 403, (method, path, resp.status_code, resp.text[:200])
    assert RAW_ID not in json.dumps(_tracker(real_stack, sender))


def test_the_model_cannot_be_trained_replaced_or_unloaded_through_the_server(real_stack: Stack) -> None:
    before = _rasa(real_stack, "GET", "/status").json()["model_file"]
    models = sorted(p.name for p in real_stack.models_dir.glob("*"))
    yaml = {"headers": {"Content-Type": "application/x-yaml"}, "content": b""}
    attempts: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/model/train", yaml),
        ("POST", "/model/test/intents", yaml),
        ("POST", "/model/test/stories", {"content": b""}),
        ("PUT", "/model", {"json": {"model_file": "models/attacker.tar.gz"}}),
        ("DELETE", "/model", {}),
    ]
    for method, path, kw in attempts:
        resp = _rasa(real_stack, method, path, **kw)
        assert resp.status_code == 403, (method, path, resp.status_code, resp.text[:200])
    assert _rasa(real_stack, "GET", "/status").json()["model_file"] == before
    assert sorted(p.name for p in real_stack.models_dir.glob("*")) == models


def test_a_web_page_cannot_post_into_a_conversation_cross_site(real_stack: Stack) -> None:
    """A page open in a staff browser can send a 'simple' text/plain POST to 127.0.0.1 without a preflight."""
    sender = _sender()
    body = json.dumps({"sender": sender, "message": "我失业三个月了"})
    resp = httpx.post(
        f"{real_stack.rasa_url}/webhooks/rest/webhook",
        content=body,
        headers={"Content-Type": "text/plain", "Origin": "http://evil.example"},
        timeout=60,
        trust_env=False,
    )
    assert resp.status_code == 403
    assert _user_texts(real_stack, sender) == []


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = str(s.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_the_action_server_listens_on_loopback_only_and_wants_the_secret(real_stack: Stack) -> None:
    url = f"http://127.0.0.1:{real_stack.ports.actions}"
    call = {"next_action": "action_give_assessment", "sender_id": "x", "tracker": {}, "domain": {}, "version": "3.6.21"}
    assert httpx.post(f"{url}/webhook", json=call, timeout=30, trust_env=False).status_code == 401
    assert httpx.get(f"{url}/actions", timeout=30, trust_env=False).status_code == 401
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address to try")
    with socket.socket() as s, pytest.raises(OSError):
        s.settimeout(3)
        s.connect((address, real_stack.ports.actions))


# ---------------------------------------------------------------- 4. masking at the channel edge


def _without_scores(data: object) -> object:
    """The same structure without its floats: a classifier's confidence may hold any digits (…0573137009123e-07)."""
    if isinstance(data, dict):
        return {k: _without_scores(v) for k, v in data.items() if not isinstance(v, float)}
    if isinstance(data, list):
        return [_without_scores(v) for v in data if not isinstance(v, float)]
    return data


def test_personal_data_typed_as_people_type_it_is_masked_and_never_becomes_a_fact(real_stack: Stack) -> None:
    sender = _sender()
    for text in (
        "身份证310101-1990-0101-2345，手机139 1234 5670",
        "我叫王小明，住在浦东新区张杨路100号，银行卡6222.0212.3456.7890",
    ):
        assert _say(real_stack, sender, text).status_code == 200
    tracker = _tracker(real_stack, sender)

    # what the person said, as Rasa keeps it: texts, parse data, entities, slots, metadata (not ids or times)
    def no_ids(data: dict) -> dict:  # a random message_id may hold any digits (…e97890ec…)
        return {k: v for k, v in data.items() if k != "message_id"}

    kept = [tracker["slots"], no_ids(tracker["latest_message"])]
    users = [e for e in tracker["events"] if e["event"] == "user"]
    kept += [{k: e.get(k) for k in ("text", "metadata")} for e in users]
    kept += [no_ids(e.get("parse_data") or {}) for e in users]
    dump = json.dumps(_without_scores(kept), ensure_ascii=False)
    for raw in ("2345", "5670", "1234", "1990", "王小明", "张杨路", "100号", "7890"):
        assert raw not in dump, raw
    said = _user_texts(real_stack, sender)
    assert said[0] == "身份证〔身份证号〕，手机〔手机号〕"
    assert "〔姓名〕" in said[1] and "〔住址〕" in said[1] and "〔银行卡号〕" in said[1]
    numbers = ("age", "graduation_year", "unemployed_months")
    assert {k: tracker["slots"].get(k) for k in numbers} == dict.fromkeys(numbers)


# ---------------------------------------------------------------- 5. request limits (Rasa)


def test_an_overlong_chat_message_gets_a_friendly_reply_and_never_reaches_nlu(real_stack: Stack) -> None:
    sender = _sender()
    resp = _say(real_stack, sender, "我失业了" * 600)
    assert resp.status_code == 200
    texts = [m.get("text") or "" for m in resp.json()]
    assert any("太长" in t for t in texts), texts
    assert _user_texts(real_stack, sender) == []


def test_a_huge_body_is_refused_by_rasa(real_stack: Stack) -> None:
    resp = _say(real_stack, _sender(), "字" * 200_000)
    assert resp.status_code == 413


# ---------------------------------------------------------------- 2., 3., 9. the staff web app


@pytest.fixture()
def db(real_stack: Stack) -> Iterator[Session]:
    engine = make_engine(real_stack.database_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def _account(db: Session, *, station: str | None = None) -> tuple[str, str]:
    name, password = f"sec.{uuid.uuid4().hex[:8]}", "a-long-password-1"
    role = "staff" if station else "admin"
    with db.begin():
        staff.create_staff_user(db, name, password, role=role, station=station)
    return name, password


def _browser(stack: Stack) -> httpx.Client:
    return httpx.Client(base_url=stack.web_url, follow_redirects=False, timeout=60, trust_env=False)


def _csrf(page: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', page) or re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert m, page[:300]
    return m.group(1)


def _login(client: httpx.Client, name: str, password: str) -> int:
    token = _csrf(client.get("/login").text)
    return client.post("/login", data={"username": name, "password": password, "csrf_token": token}).status_code


def test_a_session_cookie_copied_before_logout_no_longer_works(real_stack: Stack, db: Session) -> None:
    name, password = _account(db)
    with _browser(real_stack) as staff_browser, _browser(real_stack) as thief:
        assert _login(staff_browser, name, password) == 303
        thief.cookies.set("wjy_session", staff_browser.cookies["wjy_session"])
        assert thief.get("/cases").status_code == 200
        token = _csrf(staff_browser.get("/cases").text)
        assert staff_browser.post("/logout", data={"csrf_token": token}).status_code == 303
        assert thief.get("/cases").status_code == 303
        assert thief.get("/api/cases").status_code == 401


def test_a_disabled_account_is_out_at_once(real_stack: Stack, db: Session) -> None:
    name, password = _account(db)
    with _browser(real_stack) as browser:
        assert _login(browser, name, password) == 303
        assert browser.get("/api/cases").status_code == 200
        with db.begin():
            staff.set_staff_active(db, name, False)
        assert browser.get("/api/cases").status_code == 401
        assert _login(browser, name, password) == 401


def test_padding_the_user_name_gives_no_extra_password_tries(real_stack: Stack, db: Session) -> None:
    name, password = _account(db)
    with _browser(real_stack) as attacker:
        for padded in (name, f" {name}", f"{name} ", f"  {name}  ", name.upper()):
            assert _login(attacker, padded, "guess-guess-1") == 401
        assert _login(attacker, f"   {name}", password) == 429


def test_station_staff_cannot_read_another_stations_case(real_stack: Stack, db: Session) -> None:
    name, password = _account(db, station="一站")
    with db.begin():
        started = dt.datetime.now(dt.UTC)
        theirs = Case(channel="web", user_hash="x" * 64, started_at=started, facts={}, station="二站")
        telegram = Case(channel="telegram", user_hash="y" * 64, started_at=started, facts={})
        db.add_all([theirs, telegram])
        db.flush()
        ids = [theirs.id, telegram.id]
    with _browser(real_stack) as browser:
        assert _login(browser, name, password) == 303
        listed = {c["id"] for c in browser.get("/api/cases").json()["cases"]}
        assert not listed & set(ids)
        for case_id in ids:
            assert browser.get(f"/api/cases/{case_id}").status_code == 404
            assert browser.get(f"/cases/{case_id}").status_code == 404
        assert browser.get("/api/audit").status_code == 403


def test_oversized_numbers_and_bodies_get_an_answer_not_a_500(real_stack: Stack, db: Session) -> None:
    name, password = _account(db)
    with _browser(real_stack) as browser:
        assert _login(browser, name, password) == 303
        assert browser.get("/cases/99999999999999999999999").status_code == 404
        assert browser.get("/api/cases/9223372036854775808").status_code == 404
        assert browser.get("/cases", params={"page": "99999999999999999999"}).status_code == 200
        token = _csrf(browser.get("/cases").text)
        big = browser.post("/api/chat", json={"message": "字" * 40_000}, headers={"X-CSRF-Token": token})
        assert big.status_code == 413
        long = browser.post("/api/chat", json={"message": "我失业了" * 600}, headers={"X-CSRF-Token": token})
        assert long.status_code == 400 and "太长" in long.json()["messages"][0]["text"]
