"""The web app's sessions, login throttle, roles and stations, audit trail and request limits (TestClient)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bot.web.app import create_app
from bot.web.session import COOKIE_NAME, KNOWN_COOKIE
from bot.web.settings import WebSettings
from caselog import audit, staff
from caselog.inbox import FALLBACK_INTENT
from caselog.models import Case, StaffSession, Turn
from tests.bot.conftest import SALT, STAFF, add_case, csrf_of, login
from tests.bot.standins import FakeRasa

UTC = dt.UTC
STATION_STAFF = ("li.si", "station-pass-12", "潍坊新村街道")


def _app(engine: sa.Engine, fake_rasa: FakeRasa, **settings: object) -> TestClient:
    web = WebSettings(secret_key=b"k" * 32, rasa_url=fake_rasa.url, **settings)  # type: ignore[arg-type]
    return TestClient(create_app(web, engine=engine, salt=SALT), follow_redirects=False)


@pytest.fixture()
def station_user(engine: sa.Engine) -> tuple[str, str, str]:
    with Session(engine) as s, s.begin():
        staff.create_staff_user(s, STATION_STAFF[0], STATION_STAFF[1], station=STATION_STAFF[2])
    return STATION_STAFF


@pytest.fixture()
def second(client: TestClient) -> Iterator[TestClient]:
    """Another browser on the same web app."""
    with TestClient(client.app, follow_redirects=False) as c:
        yield c


def _try_login(client: TestClient, user: str, password: str) -> int:
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"username": user, "password": password, "csrf_token": token}).status_code


def _actions(engine: sa.Engine) -> list[str]:
    with Session(engine) as s:
        return [e.action for e in reversed(audit.events(s))]


# ---------------------------------------------------------------- sessions


def test_a_cookie_copied_before_logout_is_dead_after_it(client: TestClient, second: TestClient) -> None:
    login(client)
    stolen = client.cookies[COOKIE_NAME]
    second.cookies.set(COOKIE_NAME, stolen)
    assert second.get("/cases").status_code == 200  # the copy works while the session lives
    token = csrf_of(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert second.get("/cases").status_code == 303
    assert second.get("/api/cases").status_code == 401


def test_a_password_change_or_disabling_ends_a_live_session(client: TestClient, engine: sa.Engine) -> None:
    login(client)
    assert client.get("/cases").status_code == 200
    with Session(engine) as s, s.begin():
        staff.set_staff_password(s, STAFF[0], "brand-new-pass-1")
    assert client.get("/cases").status_code == 303
    login(client, STAFF[0], "brand-new-pass-1")
    assert client.get("/cases").status_code == 200
    with Session(engine) as s, s.begin():
        staff.set_staff_active(s, STAFF[0], False)
    assert client.get("/cases").status_code == 303
    assert _try_login(client, STAFF[0], "brand-new-pass-1") == 401


def test_a_session_idle_for_30_minutes_is_over(client: TestClient, engine: sa.Engine) -> None:
    login(client)
    with Session(engine) as s, s.begin():
        idle_since = dt.datetime.now(UTC) - dt.timedelta(minutes=31)
        s.execute(sa.update(StaffSession).values(last_seen_at=idle_since))
    assert client.get("/cases").status_code == 303


def test_the_cookie_holds_only_a_token(client: TestClient, engine: sa.Engine) -> None:
    login(client)
    cookie = client.cookies[COOKIE_NAME]
    assert STAFF[0] not in cookie and "admin" not in cookie
    with Session(engine) as s:
        assert s.scalar(sa.select(sa.func.count(StaffSession.id))) == 1


# ---------------------------------------------------------------- throttle


def test_padding_or_case_does_not_give_fresh_tries(client: TestClient, second: TestClient) -> None:
    for name in (STAFF[0], f" {STAFF[0]} ", STAFF[0].upper(), f"\u3000{STAFF[0]}", STAFF[0].title()):
        assert _try_login(client, name, "wrong-password!") == 401
    assert _try_login(client, f"  {STAFF[0]}  ", STAFF[1]) == 429  # locked, even with the right password
    assert _try_login(second, STAFF[0], STAFF[1]) == 429  # from another browser too


def test_the_lock_cannot_keep_a_user_out_of_a_browser_they_logged_in_from(
    client: TestClient, second: TestClient
) -> None:
    login(client)
    token = csrf_of(client.get("/").text)
    client.post("/logout", data={"csrf_token": token})
    assert KNOWN_COOKIE in client.cookies
    for _ in range(6):
        _try_login(second, STAFF[0], "attacker-guess!")
    assert _try_login(second, STAFF[0], STAFF[1]) == 429
    assert _try_login(client, STAFF[0], STAFF[1]) == 303  # the real user's browser is not locked out


def test_one_address_gets_a_limited_number_of_tries_over_all_names(client: TestClient) -> None:
    codes = [_try_login(client, f"user{i}", "wrong-password!") for i in range(21)]
    assert codes[:20] == [401] * 20 and codes[20] == 429


def test_forwarded_for_is_believed_only_from_a_configured_proxy(engine: sa.Engine, fake_rasa: FakeRasa) -> None:
    spoofed = {"X-Forwarded-For": "203.0.113.7"}
    with _app(engine, fake_rasa) as direct:
        for i in range(20):
            token = csrf_of(direct.get("/login").text)
            data = {"username": f"u{i}", "password": "wrong-password!", "csrf_token": token}
            direct.post("/login", data=data, headers={"X-Forwarded-For": f"198.51.100.{i}"})
        token = csrf_of(direct.get("/login").text)
        data = {"username": "u99", "password": "wrong-password!", "csrf_token": token}
        assert direct.post("/login", data=data, headers=spoofed).status_code == 429  # one peer, whatever it says
    with _app(engine, fake_rasa, trusted_proxies=frozenset({"testclient"})) as proxied:
        for i in range(20):
            token = csrf_of(proxied.get("/login").text)
            data = {"username": f"u{i}", "password": "wrong-password!", "csrf_token": token}
            assert proxied.post("/login", data=data, headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 401
        token = csrf_of(proxied.get("/login").text)
        data = {"username": "u99", "password": "wrong-password!", "csrf_token": token}
        assert proxied.post("/login", data=data, headers=spoofed).status_code == 401  # another client
    with Session(engine) as s:
        addresses = {e.address for e in audit.events(s, action="login_failed", limit=1000)}
    assert {"testclient", "198.51.100.1", "203.0.113.7"} <= addresses


# ---------------------------------------------------------------- roles, stations, audit


TELEGRAM_WORDS = "只在电报里说过的一句话"


def _seed(engine: sa.Engine) -> tuple[int, int]:
    mine = add_case(engine, channel="web", started=dt.datetime(2022, 7, 1, 2, 0, tzinfo=UTC))
    started = dt.datetime(2022, 7, 2, 2, 0, tzinfo=UTC)
    telegram = add_case(engine, channel="telegram", started=started)
    with Session(engine) as s, s.begin():
        s.execute(sa.update(Case).where(Case.id == mine).values(station=STATION_STAFF[2]))
        missed = Turn(case_id=telegram, record_id=f"m{telegram}", seq=99, ts=started + dt.timedelta(minutes=5),
                      speaker="user", text=TELEGRAM_WORDS, intent=FALLBACK_INTENT)  # fmt: skip
        s.add(missed)
    return mine, telegram


def test_station_staff_see_their_station_admins_all(
    client: TestClient, second: TestClient, engine: sa.Engine, station_user: tuple[str, str, str]
) -> None:
    mine, telegram = _seed(engine)
    login(second, station_user[0], station_user[1])
    assert [c["id"] for c in second.get("/api/cases").json()["cases"]] == [mine]
    assert second.get(f"/cases/{telegram}").status_code == 404
    assert second.get(f"/api/cases/{telegram}").status_code == 404
    assert second.get(f"/cases/{mine}").status_code == 200
    token = csrf_of(second.get(f"/cases/{mine}").text)
    assert second.post(f"/cases/{telegram}/notes", data={"note": "x", "csrf_token": token}).status_code == 404
    stats = second.get("/api/stats", params={"since": "2022-06-01", "until": "2022-07-31"}).json()
    assert stats["consultations"] == 1  # the Telegram case is not theirs
    window = {"since": "2022-06-01", "until": "2022-07-31", "channel": "all"}
    assert TELEGRAM_WORDS not in json.dumps(second.get("/api/inbox", params=window).json(), ensure_ascii=False)
    assert second.get("/audit").status_code == 403 and second.get("/api/audit").status_code == 403
    assert second.post(f"/cases/{telegram}/station", data={"station": "x", "csrf_token": token}).status_code == 403

    login(client)
    assert {c["id"] for c in client.get("/api/cases").json()["cases"]} == {mine, telegram}
    assert TELEGRAM_WORDS in json.dumps(client.get("/api/inbox", params=window).json(), ensure_ascii=False)
    admin_token = csrf_of(client.get(f"/cases/{telegram}").text)
    taken = client.post(f"/cases/{telegram}/station", data={"station": STATION_STAFF[2], "csrf_token": admin_token})
    assert taken.status_code == 303
    assert {c["id"] for c in second.get("/api/cases").json()["cases"]} == {mine, telegram}  # taken over
    trail = client.get("/api/audit").json()["events"]
    assert {"login", "case_view", "case_assign"} <= {e["action"] for e in trail}
    assert client.get("/audit").status_code == 200


def test_logins_views_and_notes_land_in_the_audit_trail(staff_client: TestClient, engine: sa.Engine) -> None:
    case_id, _ = _seed(engine)
    assert _try_login(TestClient(staff_client.app), STAFF[0], "wrong-password!") == 401
    staff_client.get(f"/cases/{case_id}")
    staff_client.get(f"/api/cases/{case_id}")
    token = staff_client.headers["X-CSRF-Token"]
    staff_client.post(f"/cases/{case_id}/notes", data={"note": "已电话回访", "csrf_token": token})
    staff_client.post("/logout", data={"csrf_token": token})
    assert _actions(engine) == ["login", "login_failed", "case_view", "case_view", "note", "logout"]


def test_widget_consultations_carry_the_staff_station(
    client: TestClient, fake_rasa: FakeRasa, station_user: tuple[str, str, str]
) -> None:
    client.headers["X-CSRF-Token"] = login(client, station_user[0], station_user[1])
    client.post("/api/chat", json={"message": "你好"})
    assert fake_rasa.received[-1]["metadata"]["station"] == station_user[2]


# ---------------------------------------------------------------- limits


def test_request_bodies_over_64_kb_are_refused_on_every_route(staff_client: TestClient) -> None:
    big = "x" * (65 * 1024)
    assert staff_client.post("/login", data={"username": big, "password": "p"}).status_code == 413
    assert staff_client.post("/api/chat", json={"message": big}).status_code == 413
    assert staff_client.post("/cases/1/notes", data={"note": big}).status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(70):
            yield b"y" * 1024

    chunked = staff_client.post("/api/chat", content=chunks(), headers={"Content-Type": "application/json"})
    assert chunked.status_code == 413


def test_oversized_ids_and_pages_are_not_a_crash(staff_client: TestClient) -> None:
    assert staff_client.get("/cases/99999999999999999999999").status_code == 404
    assert staff_client.get("/api/cases/9223372036854775808").status_code == 404
    assert staff_client.get("/cases", params={"page": "99999999999999999999"}).status_code == 200
    assert staff_client.get("/api/cases", params={"page": "9" * 5000}).status_code == 200
    assert staff_client.get("/api/audit", params={"page": "99999999999999999999"}).status_code == 200


def test_a_waiting_handoff_goes_to_the_station_that_takes_it_over(
    client: TestClient, second: TestClient, engine: sa.Engine, station_user: tuple[str, str, str]
) -> None:
    from caselog import handoff

    _, telegram = _seed(engine)
    with Session(engine) as s, s.begin():
        staff.create_staff_user(s, "wang.wu", "other-station-12", station="另一站")
        hid = handoff.request_handoff(s, user_hash="h" * 64, channel="telegram", case_id=telegram).id
    client.headers["X-CSRF-Token"] = login(client, station_user[0], station_user[1])
    second.headers["X-CSRF-Token"] = login(second, "wang.wu", "other-station-12")
    for browser in (client, second):  # waiting: every station sees it, not the case's transcript
        assert hid in [h["id"] for h in browser.get("/api/handoffs").json()["handoffs"]]
        assert browser.get(f"/api/cases/{telegram}").status_code == 404
    assert client.post(f"/api/handoffs/{hid}/take").status_code == 200
    with Session(engine) as s:
        assert s.get(Case, telegram).station == station_user[2]  # type: ignore[union-attr]
    assert client.get(f"/api/cases/{telegram}").status_code == 200
    assert second.get(f"/api/handoffs/{hid}").status_code == 404
    assert second.post(f"/api/handoffs/{hid}/reply", json={"text": "您好"}).status_code == 404
    assert hid not in [h["id"] for h in second.get("/api/handoffs").json()["handoffs"]]
