"""action_give_assessment: the readable answer and the docs/interfaces.md section 4 payload."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.assessment_text import render
from actions.give_assessment import ActionGiveAssessment
from rules import FACTS, STATUSES, assess, default_policies
from rules.cli import STATUS_HEADINGS
from tests.actions.conftest import AS_OF, make_tracker

FACTS_53 = {
    "age": 53,
    "shanghai_hukou": True,
    "employment_status": "unemployed",
    "unemployed_months": 6,
    "registered_unemployed": True,
    "hardship_groups": ["older_unemployed"],
}


async def run_action(slots: dict[str, Any], as_of: dt.date = AS_OF) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    events = await ActionGiveAssessment(today=lambda: as_of).run(dispatcher, make_tracker(slots=slots), {})
    assert events == []
    return dispatcher


async def test_payload_is_the_contract_assessment() -> None:
    dispatcher = await run_action(FACTS_53)
    carrying = [m for m in dispatcher.messages if m.get("custom")]
    assert len(carrying) == 1
    message = carrying[0]
    assert set(message["custom"]) == {"assessment"}
    payload = message["custom"]["assessment"]
    assert payload == assess(FACTS_53, AS_OF).to_dict()
    assert payload["as_of"] == "2022-07-01"
    assert payload["rules_version"] == default_policies().version
    ids = [r["policy_id"] for r in payload["results"]]
    assert sorted(ids) == sorted(default_policies().ids) and len(ids) == len(set(ids))
    for result in payload["results"]:
        assert {"policy_id", "status", "article", "reasons", "missing_facts", "next_steps"} <= set(result)
        assert result["status"] in STATUSES
    assert message["text"]  # the text travels beside the payload


async def test_text_is_grouped_by_status_with_article_and_a_next_step() -> None:
    dispatcher = await run_action(FACTS_53)
    text = dispatcher.messages[0]["text"]
    result = assess(FACTS_53, AS_OF)
    for status, heading in STATUS_HEADINGS.items():
        present = any(r.status == status for r in result.results)
        assert (f"【{heading}】" in text) == present, heading
    for r in result.results:
        assert r.title in text
        if r.status in ("eligible", "needs_confirmation"):
            assert f"{r.title}（《意见》{r.article}）" in text
            assert r.next_steps[0] in text
    assert "2022年7月1日" in text


async def test_only_validated_slots_count() -> None:
    dispatcher = await run_action({"age": "五十三", "employment_status": "unemployed"})
    payload = dispatcher.messages[0]["custom"]["assessment"]
    assert payload == assess({"employment_status": "unemployed"}, AS_OF).to_dict()


async def test_the_date_of_the_run_is_used_and_expired_measures_say_so() -> None:
    later = dt.date(2023, 3, 1)
    dispatcher = await run_action(FACTS_53, later)
    payload = dispatcher.messages[0]["custom"]["assessment"]
    assert payload["as_of"] == "2023-03-01"
    expired = [r for r in payload["results"] if r["status"] == "expired"]
    if expired:
        assert "【已到期】" in dispatcher.messages[0]["text"]


def test_skipped_facts_are_named() -> None:
    text = render(assess({}, AS_OF), ["hardship_certified"])
    assert "已被认定为就业困难人员" in text
    assert "街道社区就业服务站" in text


def test_many_undecided_measures_are_listed_in_one_line_with_what_is_missing() -> None:
    told = {name: False for name, fact in FACTS.items() if fact.type == "bool" and name not in ("wants_job",)}
    few = assess({**told, "employment_status": "unemployed", "unemployed_months": 3, "hardship_groups": []}, AS_OF)
    many = assess({}, AS_OF)
    undecided = [r for r in many.results if r.status == "needs_info"]
    assert len(undecided) > 6
    text = render(many)
    section = text.split("【还需要的信息】")[1].split("【")[0]
    assert all(f"{r.title}（{r.article}）" in section for r in undecided)
    assert "还需要了解：" in section and "就业状态" in section and "高校毕业生" in section
    assert section.count("•") == 0  # one line, not a bullet per measure
    few_section = render(few).split("【还需要的信息】")[1].split("【")[0]
    assert few_section.count("•") == sum(r.status == "needs_info" for r in few.results) <= 6
