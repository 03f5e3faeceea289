"""action_give_assessment: the contract payload beside a text that fits a phone; focused, employer, 为什么."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.give_assessment import ActionExplainReasons, ActionGiveAssessment
from rules import assess, default_policies
from rules.conditions import describe_inline
from rules.implications import with_implied
from tests.actions.conftest import AS_OF, make_tracker, slot_events

UNEMPLOYED: dict[str, Any] = {
    "employment_status": "unemployed",
    "unemployed_months": 6,
    "wants_job": True,
    "receiving_unemployment_insurance": True,
    "hardship_certified": False,
    "hardship_groups": [],
    "is_college_graduate": False,
}


async def run(action: Any, domain: dict[str, Any], **kwargs: Any) -> tuple[dict[str, Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, make_tracker(active_form=None, **kwargs), domain)
    return slot_events(events), dispatcher


async def test_the_payload_is_the_contracts_assessment(domain: dict[str, Any]) -> None:
    _, dispatcher = await run(ActionGiveAssessment(today=lambda: AS_OF), domain, slots=UNEMPLOYED)
    (message,) = dispatcher.messages
    payload = message["custom"]["assessment"]
    assert payload == assess(with_implied(UNEMPLOYED), AS_OF).to_dict()
    assert [r["policy_id"] for r in payload["results"]] == default_policies().ids


async def test_the_text_puts_what_can_be_done_first_and_counts_the_rest(domain: dict[str, Any]) -> None:
    _, dispatcher = await run(ActionGiveAssessment(today=lambda: AS_OF), domain, slots=UNEMPLOYED)
    text = dispatcher.messages[0]["text"]
    results = assess(with_implied(UNEMPLOYED), AS_OF).results
    eligible = [r for r in results if r.status == "eligible" and r.kind != "employer"]
    refused = [r for r in results if r.status == "not_eligible" and r.kind != "employer"]
    assert text.index("【可以申请】") < text.index(eligible[-1].title)
    assert f"{len(refused)}项暂不符合" in text and "回复“为什么”" in text
    assert not any(r.title in text for r in refused)  # listed behind 为什么, not here
    assert len(text.splitlines()) <= 4 + len([r for r in results if r.status in ("eligible", "needs_confirmation")])
    assert {"title": "为什么暂不符合", "payload": "/why"} in dispatcher.messages[0]["buttons"]


async def test_a_focused_result_shows_the_measures_asked_about_and_ends_the_focus(domain: dict[str, Any]) -> None:
    slots, dispatcher = await run(
        ActionGiveAssessment(today=lambda: AS_OF), domain, slots={**UNEMPLOYED, "focus": ["renren_leye"]}
    )
    text = dispatcher.messages[0]["text"]
    assert default_policies().get("renren_leye").title in text  # type: ignore[union-attr]
    assert text.count("•") == 1
    assert slots == {"focus": None}
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "/check_my_eligibility"


async def test_an_employer_sees_the_employer_measures(domain: dict[str, Any]) -> None:
    _, dispatcher = await run(
        ActionGiveAssessment(today=lambda: AS_OF), domain, slots={"audience": "employer", "employer_industry": "餐饮"}
    )
    text = dispatcher.messages[0]["text"]
    industry = default_policies().get("hardship_industry_subsidy")
    assert industry is not None and industry.title in text
    assert "招用符合条件的人员时可以申请" in text
    # whom to hire in one line each (a phone), not an indented condition tree
    hiring = default_policies().get("unemployed_hiring_subsidy")
    assert hiring is not None and hiring.eligible_when is not None
    assert "招用条件：" + describe_inline(hiring.eligible_when, hiring.lookup(AS_OF)) in text
    assert "同时满足以下全部条件" not in text
    person_only = default_policies().get("unemployment_insurance_benefit")
    assert person_only is not None and person_only.title not in text
    assert industry.employer_steps[0] in text  # what the company does, not "告诉单位的人事或财务"
    assert "告诉单位的人事" not in text


async def test_why_lists_each_refusal_with_its_reason(domain: dict[str, Any]) -> None:
    _, dispatcher = await run(ActionExplainReasons(today=lambda: AS_OF), domain, slots=UNEMPLOYED)
    text = dispatcher.messages[0]["text"]
    refused = [r for r in assess(with_implied(UNEMPLOYED), AS_OF).results if r.status == "not_eligible"]
    refused = [r for r in refused if r.kind != "employer"]
    assert refused and all(r.title in text for r in refused)
    assert "不符合" in text
