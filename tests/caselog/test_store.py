"""The drain and the query API against SQLite and (when reachable) PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog import queries
from caselog.drain import checkpoint_name, drain_batch, drain_once
from caselog.errors import BadInput, CaseNotFound
from caselog.models import Assessment, Case, IngestCheckpoint, Turn
from caselog.spool import Spool
from tests.caselog.events import Conversation

JULY_1 = dt.datetime(2022, 7, 1, 9, 0, tzinfo=dt.UTC).timestamp()
JULY_3 = dt.datetime(2022, 7, 3, 9, 0, tzinfo=dt.UTC).timestamp()


def _consultation(spool: Spool) -> dict:
    c = Conversation(spool, "tg-1001", channel="telegram", clock=JULY_1).start()
    c.user("你好，我的身份证310101197001011234，手机13812345678", intent="check_my_eligibility")
    c.bot("您好！请问您多大年纪？")
    c.user("52岁，失业半年了")
    c.slot("age", 52)
    return c.assess({"age": 52, "unemployed_months": 6, "shanghai_hukou": True})


def test_a_consultation_becomes_a_case_with_masked_turns_and_an_assessment(engine: sa.Engine, spool: Spool) -> None:
    assessment = _consultation(spool)
    assert drain_once(spool, engine) == spool.last_seq()
    with Session(engine) as s:
        (case,) = s.scalars(sa.select(Case)).all()
        assert case.channel == "telegram"
        assert case.ended_at is None
        assert len(case.user_hash) == 64 and case.user_hash != "tg-1001"
        full = queries.get_case(s, case.id)
        assert full is not None
        assert [(t.speaker, t.intent) for t in full.turns] == [
            ("user", "check_my_eligibility"),
            ("bot", None),
            ("user", "inform"),
            ("bot", None),
        ]
        assert full.turns[0].text == "你好，我的身份证〔身份证号〕，手机〔手机号〕"
        assert full.turns[0].confidence == pytest.approx(0.93)
        assert full.turns[0].input_channel == "rest"
        (a,) = full.assessments
        # slots set by the same action after its message still belong to that assessment
        assert a.facts == {"age": 52, "unemployed_months": 6, "shanghai_hukou": True}
        assert a.as_of == dt.date(2022, 7, 1)
        assert a.rules_version == assessment["rules_version"] == case.rules_version
        assert {r.policy_id: r.status for r in a.results} == {
            r["policy_id"]: r["status"] for r in assessment["results"]
        }
        assert a.ts.tzinfo is not None and a.ts.date() == dt.date(2022, 7, 1)


def test_sessions_and_restarts_delimit_cases(engine: sa.Engine, spool: Spool) -> None:
    c = Conversation(spool, "web-7", channel="web", clock=JULY_1).start()
    c.user("你好", intent="greet")
    c.restart()
    c.start()
    c.user("我想问问补贴", intent="ask_policy")
    c.slot("age", 30)
    c.start()  # session expiry: a new session without a restart
    c.user("再见", intent="goodbye")
    drain_once(spool, engine)
    with Session(engine) as s:
        cases = s.scalars(sa.select(Case).order_by(Case.id)).all()
        assert len(cases) == 3
        assert [c.ended_at is not None for c in cases] == [True, True, False]
        assert [[t.text for t in c.turns] for c in cases] == [["你好"], ["我想问问补贴"], ["再见"]]
        assert cases[1].facts == {"age": 30}
        assert cases[2].facts == {}


def test_draining_twice_or_from_an_old_checkpoint_inserts_nothing_twice(engine: sa.Engine, spool: Spool) -> None:
    _consultation(spool)
    first = drain_once(spool, engine)
    assert first > 0
    assert drain_once(spool, engine) == 0
    with Session(engine) as s, s.begin():  # lose the checkpoint (e.g. restored from an older backup)
        s.execute(sa.update(IngestCheckpoint).values(seq=0))
    assert drain_once(spool, engine) == first
    with Session(engine) as s:
        assert s.scalar(sa.select(sa.func.count(Turn.id))) == 4
        assert s.scalar(sa.select(sa.func.count(Assessment.id))) == 1
        assert s.get(IngestCheckpoint, checkpoint_name(spool)).seq == spool.last_seq()  # type: ignore[union-attr]


def test_batches_commit_in_order(engine: sa.Engine, spool: Spool) -> None:
    c = Conversation(spool, "u", clock=JULY_1).start()
    for i in range(25):
        c.user(f"第{i}句")
    assert drain_batch(spool, engine, batch_size=10) == 10
    with Session(engine) as s:
        assert s.get(IngestCheckpoint, checkpoint_name(spool)).seq == 10  # type: ignore[union-attr]
    drain_once(spool, engine, batch_size=7)
    with Session(engine) as s:
        texts = s.scalars(sa.select(Turn.text).order_by(Turn.seq)).all()
    assert texts == [f"第{i}句" for i in range(25)]


def _three_cases(spool: Spool) -> None:
    a = Conversation(spool, "a", channel="telegram", clock=JULY_1).start()
    a.user("hi")
    a.assess({"age": 52, "unemployed_months": 6})
    b = Conversation(spool, "b", channel="web", clock=JULY_3).start()
    b.user("hi")
    b.assess({"age": 22, "is_college_graduate": True, "graduation_year": 2022})
    c = Conversation(spool, "c", channel="telegram", clock=JULY_3 + 60).start()
    c.user("只是问问")


def test_list_cases_filters_by_date_channel_measure_and_status(engine: sa.Engine, spool: Spool) -> None:
    _three_cases(spool)
    drain_once(spool, engine)
    with Session(engine) as s:
        everything = queries.list_cases(s)
        assert [c.channel for c in everything] == ["telegram", "web", "telegram"]  # newest first
        assert [c.turn_count for c in everything] == [1, 2, 2]
        assert everything[1].assessment_count == 1 and everything[1].latest_statuses
        assert len(queries.list_cases(s, since=dt.date(2022, 7, 2))) == 2
        assert len(queries.list_cases(s, until=dt.date(2022, 7, 1))) == 1
        assert len(queries.list_cases(s, since=dt.date(2022, 7, 3), until=dt.date(2022, 7, 3))) == 2
        assert {c.channel for c in queries.list_cases(s, channel="web")} == {"web"}
        web_case = queries.list_cases(s, channel="web")[0]
        policy, status = next(iter(web_case.latest_statuses.items()))
        matching = queries.list_cases(s, policy_id=policy, status=status)
        assert web_case.id in [c.id for c in matching]
        assert all(c.assessment_count for c in matching)
        assert queries.list_cases(s, policy_id=policy, status="no_such_status") == []
        assert len(queries.list_cases(s, limit=2)) == 2
        assert len(queries.list_cases(s, limit=2, offset=2)) == 1


def test_notes_are_masked_and_need_an_existing_case(engine: sa.Engine, spool: Spool) -> None:
    _three_cases(spool)
    drain_once(spool, engine)
    with Session(engine) as s, s.begin():
        case_id = queries.list_cases(s)[0].id
        queries.add_note(s, case_id, "anna", "已电话联系 13912345678")
        with pytest.raises(CaseNotFound):
            queries.add_note(s, 99999, "anna", "x")
        with pytest.raises(BadInput):
            queries.add_note(s, case_id, "anna", "   ")
    with Session(engine) as s:
        case = queries.get_case(s, case_id)
        assert case is not None
        assert [(n.author, n.text) for n in case.notes] == [("anna", "已电话联系 〔手机号〕")]
        assert queries.get_case(s, 99999) is None


def test_counts_per_measure_and_status(engine: sa.Engine, spool: Spool) -> None:
    _three_cases(spool)
    drain_once(spool, engine)
    with Session(engine) as s:
        rows = queries.counts_per_measure_and_status(s, dt.date(2022, 7, 1), dt.date(2022, 7, 31))
        per_day = {r.bucket for r in rows}
        assert per_day == {dt.date(2022, 7, 1), dt.date(2022, 7, 3)}
        n_measures = len({r.policy_id for r in rows})
        assert sum(r.count for r in rows) == 2 * n_measures  # two assessments, each covers every measure
        monthly = queries.counts_per_measure_and_status(s, None, None, bucket="month")
        assert {r.bucket for r in monthly} == {dt.date(2022, 7, 1)}
        assert sum(r.count for r in monthly) == 2 * n_measures
        weekly = queries.counts_per_measure_and_status(s, bucket="week")
        assert {r.bucket for r in weekly} == {dt.date(2022, 6, 27)}  # the Monday of that week
        assert queries.counts_per_measure_and_status(s, dt.date(2022, 8, 1), None) == []
        with pytest.raises(BadInput):
            queries.counts_per_measure_and_status(s, bucket="year")


def test_staff_users(engine: sa.Engine) -> None:
    with Session(engine) as s, s.begin():
        user = queries.create_staff_user(s, "anna", "correct horse", role="admin")
        assert user.password_hash.startswith("scrypt$") and "correct horse" not in user.password_hash
        with pytest.raises(BadInput):
            queries.create_staff_user(s, "anna", "another one", role="admin")
        with pytest.raises(BadInput):
            queries.create_staff_user(s, "bob", "short", station="一站")
    with Session(engine) as s:
        assert queries.verify_staff_password(s, "anna", "correct horse") is not None
        assert queries.verify_staff_password(s, "anna", "wrong horse") is None
        assert queries.verify_staff_password(s, "nobody", "correct horse") is None


def test_purge_removes_old_cases_with_everything_they_hold(engine: sa.Engine, spool: Spool) -> None:
    _three_cases(spool)
    drain_once(spool, engine)
    with Session(engine) as s, s.begin():
        queries.add_note(s, queries.list_cases(s)[-1].id, "anna", "old note")
    now = dt.datetime(2022, 7, 12, tzinfo=dt.UTC)
    with Session(engine) as s, s.begin():
        assert queries.purge_older_than(s, 10, now=now) == 1  # the 1 July case only
    with Session(engine) as s:
        assert [c.started_at.date() for c in queries.list_cases(s)] == [dt.date(2022, 7, 3)] * 2
        assert s.scalar(sa.select(sa.func.count(Turn.id))) == 3
        assert s.scalar(sa.select(sa.func.count(Assessment.id))) == 1
    with Session(engine) as s, s.begin():
        assert queries.purge_older_than(s, 0, now=now) == 2
    with Session(engine) as s:
        assert queries.list_cases(s) == []


def test_a_malformed_assessment_keeps_the_turn(engine: sa.Engine, spool: Spool) -> None:
    c = Conversation(spool, "x", clock=JULY_1).start()
    c.bot("结果", {"as_of": "not a date", "results": []})
    drain_once(spool, engine)
    with Session(engine) as s:
        assert s.scalars(sa.select(Turn.text)).all() == ["结果"]
        assert s.scalar(sa.select(sa.func.count(Assessment.id))) == 0
