"""Shared fixtures: a migrated temp case log, a staff user, a stand-in Rasa, the web app's test client."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bot.web.app import create_app
from bot.web.settings import WebSettings
from caselog.migrate import upgrade
from caselog.models import Assessment, AssessmentResult, Case, Turn
from caselog.queries import create_staff_user
from tests.bot.standins import STANDIN_TOKEN, TELEGRAM_TOKEN, FakeRasa, FakeTelegram, canned_assessment

STAFF = ("zhang.san", "correct-horse-12")
SALT = b"web-test-salt"


@pytest.fixture()
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'caselog.db'}"


@pytest.fixture()
def engine(db_url: str) -> Iterator[sa.Engine]:
    from caselog.db import make_engine

    eng = make_engine(db_url)
    upgrade(eng)
    with Session(eng) as s, s.begin():
        create_staff_user(s, *STAFF, role="admin")
    yield eng
    eng.dispose()


@pytest.fixture()
def fake_rasa() -> Iterator[FakeRasa]:
    with FakeRasa() as server:
        yield server  # type: ignore[misc]


@pytest.fixture()
def rasa(fake_rasa: FakeRasa) -> FakeRasa:
    """The Telegram tests' name for the stand-in Rasa."""
    return fake_rasa


@pytest.fixture()
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(TELEGRAM_TOKEN) as server:
        yield server  # type: ignore[misc]


@pytest.fixture()
def client(engine: sa.Engine, fake_rasa: FakeRasa) -> Iterator[TestClient]:
    settings = WebSettings(secret_key=b"k" * 32, rasa_url=fake_rasa.url, rasa_api_token=STANDIN_TOKEN)
    with TestClient(create_app(settings, engine=engine, salt=SALT), follow_redirects=False) as c:
        yield c


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert m, "page has no CSRF token"
    return m.group(1)


def login(client: TestClient, user: str = STAFF[0], password: str = STAFF[1]) -> str:
    """Log in through the form; returns the CSRF token of the logged-in session."""
    token = csrf_of(client.get("/login").text)
    resp = client.post("/login", data={"username": user, "password": password, "csrf_token": token, "next": "/"})
    assert resp.status_code == 303, resp.text
    return csrf_of(client.get("/").text)


@pytest.fixture()
def staff_client(client: TestClient) -> TestClient:
    client.headers["X-CSRF-Token"] = login(client)
    return client


def add_case(
    engine: sa.Engine,
    *,
    channel: str,
    started: dt.datetime,
    facts: dict | None = None,
    texts: tuple[str, ...] = ("我去年毕业了", "您是高校毕业生吗？"),
) -> int:
    """A case as the drain would leave it: turns and one assessment with its results."""
    assessment = canned_assessment(facts)
    with Session(engine) as s, s.begin():
        case = Case(channel=channel, user_hash="h" * 64, started_at=started, facts=facts or {})
        s.add(case)
        s.flush()
        for i, text in enumerate(texts):
            s.add(
                Turn(
                    case_id=case.id,
                    record_id=f"t{case.id}-{i}",
                    seq=i,
                    ts=started + dt.timedelta(seconds=i),
                    speaker="user" if i % 2 == 0 else "bot",
                    text=text,
                )
            )
        a = Assessment(
            case_id=case.id,
            record_id=f"a{case.id}",
            seq=len(texts),
            ts=started + dt.timedelta(minutes=1),
            facts=facts or {},
            as_of=dt.date.fromisoformat(assessment["as_of"]),
            rules_version=assessment["rules_version"],
        )
        s.add(a)
        s.flush()
        for r in assessment["results"]:
            s.add(AssessmentResult(assessment_id=a.id, policy_id=r["policy_id"], status=r["status"]))
        return case.id
