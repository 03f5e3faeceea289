"""A date in the case log's queries is a Shanghai day, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog import queries
from caselog.drain import drain_once
from caselog.replay import replay
from caselog.spool import Spool
from tests.caselog.events import Conversation

# 23:50 on 30 June and 00:10 on 1 July in Shanghai: both 30 June in UTC
BEFORE_MIDNIGHT = dt.datetime(2022, 6, 30, 15, 50, tzinfo=dt.UTC).timestamp()
AFTER_MIDNIGHT = dt.datetime(2022, 6, 30, 16, 10, tzinfo=dt.UTC).timestamp()


def test_lists_counts_and_replay_cut_days_at_shanghai_midnight(engine: sa.Engine, spool: Spool) -> None:
    for sender, clock in (("before", BEFORE_MIDNIGHT), ("after", AFTER_MIDNIGHT)):
        conversation = Conversation(spool, sender, channel="web", clock=clock).start()
        conversation.user("我失业半年了")
        conversation.assess({"age": 40, "unemployed_months": 6})
    drain_once(spool, engine)
    july_1 = dt.date(2022, 7, 1)
    with Session(engine) as s:
        assert len(queries.list_cases(s, since=july_1, until=july_1)) == 1
        assert len(queries.list_cases(s, until=dt.date(2022, 6, 30))) == 1
        assert len(queries.list_cases(s, since=july_1)) == 1
        days = {row.bucket for row in queries.counts_per_measure_and_status(s)}
        assert days == {dt.date(2022, 6, 30), july_1}
        assert replay(s, since=july_1, until=july_1).assessments == 1
