"""Live handoff in the case log: 待人工 from the intent, a worker's answers in the outbox, handing back."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from caselog import handoff as h
from caselog.drain import drain_once
from caselog.errors import BadInput
from caselog.models import Handoff, HandoffMessage
from caselog.spool import Spool, hash_sender
from tests.caselog.events import Conversation


def test_asking_for_a_human_on_telegram_opens_one_handoff(engine: sa.Engine, spool: Spool) -> None:
    tg = Conversation(spool, "tg-person", channel="telegram").start()
    tg.user("转人工", intent="human_handoff", confidence=0.97)
    tg.bot("需要真人帮忙的话：……")
    tg.user("我要找真人", intent="human_handoff", confidence=0.95)  # asked twice: still one handoff
    web = Conversation(spool, "web-visitor", channel="web").start()
    web.user("转人工", intent="human_handoff")  # on the staff's own widget nobody needs handing over
    drain_once(spool, engine)
    with Session(engine) as s:
        handoffs = list(s.scalars(sa.select(Handoff)))
        assert len(handoffs) == 1
        only = handoffs[0]
        assert (only.channel, only.state, only.user_hash) == ("telegram", "requested", hash_sender("tg-person"))
        assert only.case_id is not None and h.waiting_count(s) == 1
        assert h.open_handoff(s, hash_sender("tg-person")) is only


def test_a_worker_answers_and_hands_back(engine: sa.Engine) -> None:
    with Session(engine) as s, s.begin():
        handoff = h.request_handoff(s, user_hash="u1", channel="telegram", case_id=None)
        h.add_incoming(s, handoff, "我想问失业金 13812345678", chat_id="777")
        reply = h.add_reply(s, handoff.id, "wang", "您好，我是服务站的小王")
        assert handoff.state == "active" and handoff.taken_by == "wang"
        hid, rid = handoff.id, reply.id
    with Session(engine) as s:
        incoming = s.scalars(sa.select(HandoffMessage).where(HandoffMessage.direction == "in")).one()
        assert "13812345678" not in incoming.text  # masked like the rest of the case log
        assert [m.id for m in h.outbox(s)] == [rid]
        rows = h.open_handoffs(s)
        assert [(r.id, r.state_label, r.waiting) for r in rows] == [(hid, "人工服务中", 0)]
    with Session(engine) as s, s.begin():
        h.delivered(s, s.get(HandoffMessage, rid))
        h.hand_back(s, hid, "wang")
    with Session(engine) as s, s.begin():
        pending = h.outbox(s)
        assert [m.text for m in pending] == [h.HANDED_BACK_TEXT]
        assert s.get(Handoff, hid).chat_id == "777"  # kept until the notice is out
        h.delivered(s, pending[0])
    with Session(engine) as s:
        closed = s.get(Handoff, hid)
        assert closed.state == "closed" and closed.chat_id is None and h.open_handoff(s, "u1") is None
        try:
            h.add_reply(s, hid, "wang", "还在吗")
        except BadInput:
            pass
        else:
            raise AssertionError("a closed handoff took an answer")
