"""The desk's case-log queries: idle consultations end, taps are stored as tapped, consultations are counted."""

from __future__ import annotations

import datetime as dt
import time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog.consultations import consultation_stats
from caselog.drain import drain_once
from caselog.idle import close_idle_cases
from caselog.models import Case, Turn
from caselog.spool import Spool
from tests.caselog.events import Conversation

HOUR = 3600.0


def test_idle_cases_end_at_their_last_turn(engine: sa.Engine, spool: Spool) -> None:
    now = time.time()
    old = Conversation(spool, "old-visitor", channel="telegram", clock=now - 3 * HOUR).start()
    old.user("我失业了")
    old.bot("您失业多久了？")
    recent = Conversation(spool, "recent-visitor", channel="web", clock=now - 60).start()
    recent.user("你好")
    drain_once(spool, engine)
    with Session(engine) as s, s.begin():
        assert close_idle_cases(s, dt.timedelta(minutes=60)) == 1
    with Session(engine) as s:
        cases = {c.channel: c for c in s.scalars(sa.select(Case))}
        last_turn = s.scalar(sa.select(sa.func.max(Turn.ts)).where(Turn.case_id == cases["telegram"].id))
        assert cases["telegram"].ended_at == last_turn
        assert cases["web"].ended_at is None
    with Session(engine) as s, s.begin():
        assert close_idle_cases(s, dt.timedelta(minutes=60)) == 0  # nothing twice
    # the person writes again: a new consultation, the ended one stays ended
    old.clock = now
    old.user("我又来了")
    drain_once(spool, engine)
    with Session(engine) as s:
        assert s.scalar(sa.select(sa.func.count(Case.id)).where(Case.channel == "telegram")) == 2


def test_a_tapped_button_is_stored_as_its_title(engine: sa.Engine, spool: Spool) -> None:
    c = Conversation(spool, "tapper", channel="web").start()
    c._publish(
        {
            "event": "user",
            "text": "/affirm",
            "parse_data": {"intent": {"name": "affirm", "confidence": 1.0}},
            "metadata": {"channel": "web", "tapped": "有"},
        }
    )
    c.user('/inform{"age": 30}')  # no title given: the payload stays (the case view words it)
    drain_once(spool, engine)
    with Session(engine) as s:
        assert list(s.scalars(sa.select(Turn.text).order_by(Turn.seq))) == ["有", '/inform{"age": 30}']


def test_consultations_are_counted_once_per_case(engine: sa.Engine, spool: Spool) -> None:
    base = dt.datetime(2022, 7, 1, 2, 0, tzinfo=dt.UTC).timestamp()
    a = Conversation(spool, "person-a", channel="telegram", clock=base).start()
    a.user("我毕业了")
    first = a.assess({"is_college_graduate": True, "graduation_year": 2022, "employment_status": "unemployed"})
    latest_a = a.assess({"is_college_graduate": True, "graduation_year": 2022, "employment_status": "employed"})
    b = Conversation(spool, "person-b", channel="web", clock=base + 86400).start()
    b.user("我失业了")
    latest_b = b.assess({"employment_status": "unemployed", "unemployed_months": 5})
    t = Conversation(spool, "tester", channel="rest", clock=base).start()
    t.assess({"employment_status": "unemployed"})
    drain_once(spool, engine)
    with Session(engine) as s:
        ids = [r["policy_id"] for r in first["results"]]
        stats = consultation_stats(s, since=dt.date(2022, 7, 1), until=dt.date(2022, 7, 31), policy_ids=ids)
        assert (stats.consultations, stats.people, stats.assessed) == (2, 2, 2)
        assert [(b.bucket.isoformat(), b.consultations) for b in stats.buckets] == [
            ("2022-07-01", 1),
            ("2022-07-02", 1),
        ]
        shares = {m.policy_id: m for m in stats.measures}
        assert set(shares) == set(ids)
        for pid in ids:  # each consultation's latest assessment counts, never the earlier one
            ends = [next(r["status"] for r in x["results"] if r["policy_id"] == pid) for x in (latest_a, latest_b)]
            assert shares[pid].eligible == ends.count("eligible"), pid
            assert shares[pid].needs_confirmation == ends.count("needs_confirmation"), pid
            assert shares[pid].share("eligible") == ends.count("eligible") / 2
        # person A was first unemployed (internship eligible), then employed: the internship does not count
        assert shares["internship_program"].eligible == 0
        assert next(r["status"] for r in first["results"] if r["policy_id"] == "internship_program") == "eligible"
        weekly = consultation_stats(s, since=dt.date(2022, 7, 1), until=dt.date(2022, 7, 31), bucket="week")
        assert [b.bucket.isoformat() for b in weekly.buckets] == ["2022-06-27"]
        everything = consultation_stats(s, since=dt.date(2022, 7, 1), until=dt.date(2022, 7, 31), channels=None)
        assert everything.consultations == 3
