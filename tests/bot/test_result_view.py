"""The result as the desk shows it: sections, one-line reasons, specific steps; words for facts and payloads."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.web.conversation import form_state, from_tracker
from bot.web.result_view import GENERIC_STEPS, result_view, why_line
from bot.web.wording import describe_payload, fact_items, shown_text
from rules import assess, default_policies
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
