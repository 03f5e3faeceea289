"""The result as the desk shows it: sections, one-line reasons, specific steps; words for facts and payloads."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.web.conversation import Consultation, form_state, from_tracker
from bot.web.printout import MAX_QUESTIONS, printable
from bot.web.result_view import GENERIC_STEPS, result_view, why_line
from bot.web.wording import describe_payload, fact_items, shown_text
from rules import FACTS, assess, default_policies, next_questions
from rules.questions import plan_questions, question_groups
from tests.bot.standins import GRADUATE_FACTS

PEOPLE = {
    "graduate": (GRADUATE_FACTS, "2022-07-01"),
    "employed_older": ({"age": 52, "employment_status": "employed", "shanghai_hukou": True}, "2022-08-01"),
    "before_the_opinion": ({"employment_status": "unemployed", "unemployed_months": 4}, "2022-01-01"),
    "long_after": ({"employment_status": "unemployed", "unemployed_months": 7, "wants_job": True}, "2030-01-01"),
}


def rows_of(view: dict) -> list[dict]:
    return [r for s in view["sections"] for g in s["groups"] for r in g["rows"]]


@pytest.mark.parametrize("person", list(PEOPLE))
def test_every_row_says_why_in_one_line_and_no_generic_step(person: str) -> None:
    facts, as_of = PEOPLE[person]
    raw = assess(facts, dt.date.fromisoformat(as_of)).to_dict()
    view = result_view(raw)
    rows = rows_of(view)
    assert len(rows) == len(raw["results"]) == len(default_policies())
    for row in rows:
        assert row["why"] and "\n" not in row["why"] and len(row["why"]) <= 90, row
        assert not set(row["steps"]) & GENERIC_STEPS
        if row["status"] == "needs_confirmation":
            assert row["office"]
        if row["status"] == "needs_info":
            assert row["missing"] and all(m["label"] for m in row["missing"])
    statuses = {r["status"] for r in rows}
    assert statuses  # the people above between them reach every status
    if person == "before_the_opinion":
        assert statuses == {"not_eligible"}
        assert all("施行" in r["why"] for r in rows)
    if person == "long_after":
        assert "expired" in statuses
        assert all("适用至" in r["why"] for r in rows if r["status"] == "expired")


def test_employer_measures_are_their_own_section() -> None:
    raw = assess(GRADUATE_FACTS, dt.date(2022, 7, 1)).to_dict()
    view = result_view(raw)
    sections = {s["id"]: s for s in view["sections"]}
    assert list(sections) == ["person", "employer"]
    assert sections["employer"]["title"] == "告诉招用您的单位"
    employer_ids = {r["policy_id"] for g in sections["employer"]["groups"] for r in g["rows"]}
    assert employer_ids == {r["policy_id"] for r in raw["results"] if r["kind"] == "employer"}
    assert "graduate_hiring_subsidy" in employer_ids and "employer_cost_relief" in employer_ids
    person_counts = sections["person"]["counts"]
    assert sum(person_counts.values()) + sum(sections["employer"]["counts"].values()) == len(raw["results"])


def test_why_line_names_the_unmet_condition() -> None:
    reasons = ["《意见》四(三)：说明。", "不符合：已实现就业（您的情况：失业）", "不符合：低保对象（您的情况：否）"]
    why = why_line("not_eligible", reasons)
    assert why == "不满足：已实现就业（您的情况：失业）（另有1项条件不满足）"
    assert why_line("eligible", ["《意见》四(一)：说明。", "符合：高校毕业生（您的情况：是）"]) == "符合：高校毕业生"
    assert why_line("needs_info", ["《意见》：x", "还需要了解：年龄。"]) == "还需要了解：年龄。"


def test_facts_and_payloads_in_words() -> None:
    items = fact_items({"hardship_groups": ["disabled", "low_income_family"], "age": 50, "wants_job": False})
    assert items == [
        {"fact": "age", "label": "年龄", "value": "50岁"},
        {"fact": "wants_job", "label": "有就业意愿", "value": "否"},
        {"fact": "hardship_groups", "label": "所属困难群体", "value": "残疾人、低收入困难家庭成员"},
    ]
    assert describe_payload('/inform{"employment_status": "unemployed"}') == "就业状态：失业"
    assert describe_payload("/deny") == "不是"
    assert describe_payload('/inform{"dont_know":true}') == "不知道"
    assert describe_payload('/inform{"as_of": "2022-07-01"}') == "评估日期：2022-07-01"
    assert describe_payload("我失业了") == "我失业了"
    assert shown_text("/affirm", {"tapped": "有"}) == "有"
    assert shown_text("/affirm", {"channel": "telegram"}) == "是"


def test_consultation_from_tracker_events() -> None:
    buttons = [{"title": "是", "payload": "/affirm"}]
    assessment = assess({}, dt.date(2022, 7, 1)).to_dict()
    tracker = {
        "slots": {"age": 22, "employment_status": "unemployed", "skipped_facts": ["wants_job"], "as_of": "2022-07-01"},
        "events": [
            {"event": "user", "text": "旧的", "metadata": {}},
            {"event": "restart"},
            {"event": "user", "text": "我22岁", "metadata": {}},
            {"event": "bot", "text": "您是高校毕业生吗？", "data": {"buttons": buttons}},
            {"event": "user", "text": "/affirm", "metadata": {"tapped": "是"}},
            {"event": "bot", "text": None, "data": {"custom": {"assessment": assessment}}},
            {"event": "slot", "name": "age", "value": 22},
        ],
    }
    c = from_tracker(tracker)
    assert [(m["who"], m.get("text")) for m in c.messages][:3] == [
        ("user", "我22岁"),
        ("bot", "您是高校毕业生吗？"),
        ("user", "是"),
    ]
    assert len(c.messages) == 4 and c.messages[3]["kind"] == "assessment"
    assert c.messages[3]["text"].startswith("评估结果")  # no text of its own: the display path's summary
    assert c.messages[1]["buttons"] == [{"title": "是", "payload": "/affirm"}]
    assert "assessment" in c.messages[3] and c.assessment is not None
    assert c.facts == {"age": 22, "employment_status": "unemployed"} and c.skipped == ["wants_job"]
    form = form_state(c)
    assert form["as_of"] == "2022-07-01"
    asked = [q["fact"] for q in form["questions"]]
    assert "wants_job" not in asked and "age" not in asked and asked
    assert form["skipped"] == [{"fact": "wants_job", "label": "有就业意愿"}]


def test_a_slot_the_rules_refuse_is_left_out_not_a_crash() -> None:
    c = from_tracker({"slots": {"age": 7, "employment_status": "unemployed"}, "events": []})
    assert c.facts == {"employment_status": "unemployed"}


def _consultation(slots: dict) -> Consultation:
    return from_tracker({"slots": {"as_of": "2022-07-01", **slots}, "events": []})


def test_the_form_asks_the_chats_plan_with_its_multi_selects() -> None:
    c = _consultation({"employment_status": "unemployed", "skipped_facts": ["wants_job"]})
    plan = plan_questions(c.facts, dt.date(2022, 7, 1), skip=["wants_job"])
    questions = form_state(c)["questions"]
    assert [q["key"] for q in questions] == [q.key for q in plan]
    assert "employer_industry" not in [q["key"] for q in questions]  # a job seeker is not asked about a company
    assert "employer_industry" in next_questions(c.facts, dt.date(2022, 7, 1))  # which the engine's ranking would
    group = next(q for q in questions if q["key"] == "situations")
    situations = question_groups()["situations"]
    assert group["multiple"] and group["type"] == "select" and group["none_title"] == "都没有"
    assert group["facts"] == list(situations.facts)
    assert group["options"] == [{"title": o.title, "fact": o.fact, "value": True} for o in situations.options]
    steps = next(q for q in questions if q["key"] == "steps")
    assert "wants_job" not in steps["facts"]  # answered 不知道: never asked again, not even in a group
    single = next(q for q in questions if q["key"] == "hardship_groups")
    assert single["multiple"] and single["facts"] == ["hardship_groups"] and single["none_title"] == "都不是"
    assert [o["value"] for o in single["options"]] == list(FACTS["hardship_groups"].choices)
    plain = next(q for q in questions if q["key"] == "is_college_graduate")
    assert not plain["multiple"] and plain["type"] == "bool" and plain["label"] == FACTS["is_college_graduate"].label


def test_the_form_follows_the_conversations_audience_and_focus() -> None:
    employer = _consultation({"audience": "employer"})
    assert [q["key"] for q in form_state(employer)["questions"]] == ["employer_industry"]
    focused = _consultation({"focus": ["migrant_worker_support", "not_a_measure"]})
    assert focused.focus == ["migrant_worker_support"]
    assert [q["key"] for q in form_state(focused)["questions"]] == ["migrant_worker"]
    assert _consultation({"audience": "somebody"}).audience == "person"


def test_the_printout_names_what_is_missing_from_the_same_plan() -> None:
    as_of = dt.date(2022, 7, 1)
    person = _consultation({"employment_status": "unemployed"})
    person.assessment = assess(person.facts, as_of).to_dict()
    doc = printable(person)
    assert doc is not None
    first = plan_questions(person.facts, as_of)[0]
    assert doc["missing"][: len(first.facts)] == [FACTS[n].label for n in first.facts][:MAX_QUESTIONS]
    assert FACTS["employer_industry"].label not in doc["missing"]
    employer = _consultation({"audience": "employer"})
    employer.assessment = assess({}, as_of).to_dict()
    assert printable(employer)["missing"] == [FACTS["employer_industry"].label]  # type: ignore[index]
