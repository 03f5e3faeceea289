"""Staff accounts, server-side sessions, roles and stations, the audit trail, password cost (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog import audit, passwords, queries, staff, staff_sessions
from caselog.access import EVERY_STATION, Scope, scope_of
from caselog.drain import drain_once
from caselog.errors import BadInput, CaseNotFound
from caselog.models import AuditEvent, Case, StaffSession, StaffUser
from caselog.spool import Spool
from tests.caselog.events import Conversation


def _user(s: Session, name: str = "anna", **kw: str) -> StaffUser:
    return staff.create_staff_user(s, name, "correct horse", **({"role": "admin"} | kw))


def test_accounts_need_a_role_and_station_staff_a_station(engine: sa.Engine) -> None:
    with Session(engine) as s, s.begin():
        with pytest.raises(BadInput, match="station"):
            staff.create_staff_user(s, "bob", "correct horse")
        with pytest.raises(BadInput, match="role"):
            staff.create_staff_user(s, "bob", "correct horse", role="root")
        staff.create_staff_user(s, "bob", "correct horse", station="潍坊新村街道")
        _user(s, "Anna")
        with pytest.raises(BadInput, match="already exists"):
            _user(s, " ANNA ")  # the same name, padded and in capitals
        accounts = {a.username: a for a in staff.list_staff(s)}
    assert accounts["bob"].role == "staff" and accounts["bob"].station == "潍坊新村街道"
    assert accounts["Anna"].is_admin and accounts["Anna"].active


def test_a_login_name_is_compared_normalised(engine: sa.Engine) -> None:
    with Session(engine) as s, s.begin():
        _user(s, "zhang.san")
        assert staff.verify_staff_password(s, "  ZHANG.SAN ", "correct horse") is not None
        assert staff.verify_staff_password(s, "ｚｈａｎｇ.ｓａｎ", "correct horse") is not None  # full width
        assert staff.verify_staff_password(s, "zhang.san", "wrong horse") is None


def _open(s: Session, name: str, now: dt.datetime) -> str:
    user = staff.find_user(s, name)
    assert user is not None
    return staff_sessions.open_session(s, user, address="127.0.0.1", now=now).token


def test_sessions_end_on_logout_idle_and_lifetime(engine: sa.Engine) -> None:
    with Session(engine) as s, s.begin():
        _user(s)
        now = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)  # after the account's creation
        token = _open(s, "anna", now)
        assert staff_sessions.load_session(s, token, now=now + dt.timedelta(minutes=29)) is not None
        # idle: 31 minutes after the last request
        assert staff_sessions.load_session(s, token, now=now + dt.timedelta(minutes=61)) is None
        # lifetime: kept busy, still over after 12 hours
        busy = _open(s, "anna", now)
        for minutes in range(20, 12 * 60, 20):
            assert staff_sessions.load_session(s, busy, now=now + dt.timedelta(minutes=minutes)) is not None
        assert staff_sessions.load_session(s, busy, now=now + dt.timedelta(hours=12, minutes=1)) is None
        # logout
        other = _open(s, "anna", now)
        staff_sessions.close_session(s, other)
        assert staff_sessions.load_session(s, other, now=now) is None
        assert staff_sessions.load_session(s, "not-a-token", now=now) is None
        stored = s.scalars(sa.select(StaffSession.token_hash)).all()
    assert hashlib.sha256(token.encode()).hexdigest() in stored and token not in stored  # only hashes kept


def test_password_change_disable_and_role_change_end_every_session(engine: sa.Engine) -> None:
    with Session(engine) as s, s.begin():
        _user(s)
        first, second = _open(s, "anna", dt.datetime.now(dt.UTC)), _open(s, "anna", dt.datetime.now(dt.UTC))
        staff.set_staff_password(s, "anna", "battery staple")
        assert staff_sessions.load_session(s, first) is None and staff_sessions.load_session(s, second) is None
        assert staff.verify_staff_password(s, "anna", "correct horse") is None
        fresh = _open(s, "anna", dt.datetime.now(dt.UTC))
        assert staff_sessions.load_session(s, fresh) is not None
        staff.set_staff_active(s, "anna", False)
        assert staff_sessions.load_session(s, fresh) is None
        assert staff.verify_staff_password(s, "anna", "battery staple") is None
        staff.set_staff_active(s, "anna", True)
        assert staff.verify_staff_password(s, "anna", "battery staple") is not None
        again = _open(s, "anna", dt.datetime.now(dt.UTC))
        staff.set_staff_role(s, "anna", role="staff", station="一站")
        assert staff_sessions.load_session(s, again) is None


def test_a_disabled_or_removed_user_is_out_even_with_a_live_session_row(engine: sa.Engine) -> None:
    with Session(engine) as s, s.begin():
        user = _user(s)
        token = _open(s, "anna", dt.datetime.now(dt.UTC))
        s.execute(sa.update(StaffUser).where(StaffUser.id == user.id).values(is_active=False))  # behind staff's back
        assert staff_sessions.load_session(s, token) is None
    with Session(engine) as s, s.begin():
        s.execute(sa.delete(StaffUser))
        assert staff_sessions.load_session(s, token) is None


def test_weaker_hashes_are_upgraded_on_the_next_login(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "CURRENT", passwords.ScryptCost(n=2**12, r=8, p=1))
    old = passwords.ScryptCost(n=2**10, r=8, p=1)
    with Session(engine) as s, s.begin():
        user = _user(s)
        user.password_hash = passwords.hash_password("correct horse", old)
    with Session(engine) as s, s.begin():
        assert passwords.needs_rehash(staff.find_user(s, "anna").password_hash)  # type: ignore[union-attr]
        assert staff.verify_staff_password(s, "anna", "correct horse") is not None
    with Session(engine) as s:
        stored = staff.find_user(s, "anna").password_hash  # type: ignore[union-attr]
    assert stored.split("$")[1] == str(passwords.CURRENT.n) and not passwords.needs_rehash(stored)


@pytest.mark.real_password_cost
def test_the_real_cost_is_current_guidance_and_works() -> None:
    """N=2^17 needs an explicit maxmem: without it hashlib refuses with 'memory limit exceeded'."""
    assert (passwords.CURRENT.n, passwords.CURRENT.r, passwords.CURRENT.p) == (2**17, 8, 1)
    stored = passwords.hash_password("correct horse")
    assert stored.startswith("scrypt$131072$8$1$")
    assert passwords.verify_password("correct horse", stored)
    assert not passwords.verify_password("wrong horse", stored)
    assert passwords.needs_rehash(stored.replace("scrypt$131072$", "scrypt$16384$", 1))


def test_a_damaged_hash_cannot_make_a_login_allocate_gigabytes() -> None:
    good = passwords.hash_password("pw")
    _, _, r, p, salt, digest = good.split("$")
    started = time.perf_counter()
    for n in (2**30, 2**21, 3, 0):
        assert not passwords.verify_password("pw", f"scrypt${n}${r}${p}${salt}${digest}")
    assert not passwords.verify_password("pw", "md5$whatever")
    assert time.perf_counter() - started < 30


def test_scopes_keep_station_staff_to_their_station(engine: sa.Engine, spool: Spool) -> None:
    Conversation(spool, "web-1", channel="web").start().user("你好")
    spool.append_event(
        {
            "sender_id": "web-2",
            "event": "user",
            "text": "你好",
            "timestamp": time.time(),
            "metadata": {"channel": "web", "station": "一站"},
        }
    )
    Conversation(spool, "tg-1", channel="telegram").start().user("你好")
    drain_once(spool, engine)
    with Session(engine) as s, s.begin():
        by_station = {c.station: c.id for c in s.scalars(sa.select(Case))}
        assert set(by_station) == {None, "一站"}
        one, other = Scope(station="一站"), Scope(station="二站")
        assert [c.id for c in queries.list_cases(s, scope=one)] == [by_station["一站"]]
        assert queries.list_cases(s, scope=other) == [] and queries.list_cases(s, scope=Scope()) == []
        assert len(queries.list_cases(s, scope=EVERY_STATION)) == 3
        assert queries.case_detail(s, by_station[None], one) is None  # a Telegram case: admins only
        assert queries.case_detail(s, by_station["一站"], one) is not None
        with pytest.raises(CaseNotFound):
            queries.add_note(s, by_station[None], "bob", "回访", one)
        queries.assign_station(s, by_station[None], "一站")  # the station took the Telegram case over
        assert len(queries.list_cases(s, scope=one)) == 2
        assert scope_of("admin", None) == EVERY_STATION and scope_of("staff", "一站") == one
        assert queries.case_detail(s, 2**40) is None and queries.get_case(s, -1) is None


def test_the_audit_trail_keeps_who_did_what_masked(engine: sa.Engine) -> None:
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    with Session(engine) as s, s.begin():
        audit.record(s, "login_failed", actor="13812345678", address="10.0.0.9", now=now)
        audit.record(s, "note", actor="anna", target=7, detail="回访 13912345678", now=now + dt.timedelta(seconds=1))
        with pytest.raises(ValueError):
            audit.record(s, "nonsense", actor="anna")
    with Session(engine) as s:
        found = audit.events(s)
        assert [e.action for e in found] == ["note", "login_failed"]
        assert found[0].target == "7" and "13912345678" not in found[0].detail
        assert found[1].actor == "〔手机号〕" and found[1].address == "10.0.0.9"
        assert [e.action for e in audit.events(s, action="note")] == ["note"]
        assert s.scalar(sa.select(sa.func.count(AuditEvent.id))) == 2
