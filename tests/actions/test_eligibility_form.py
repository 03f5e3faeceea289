"""validate_eligibility_form on real rasa_sdk trackers: reading, payloads, multi-selects, 不知道, corrections."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.eligibility_form import NOT_UNDERSTOOD, ValidateEligibilityForm
from rules.questions import plan_questions, question_groups
from tests.actions.conftest import AS_OF, make_tracker, payload, slot_events

SITUATIONS = list(question_groups()["situations"].facts)


def form() -> ValidateEligibilityForm:
    return ValidateEligibilityForm(today=lambda: AS_OF)


async def turn(domain: dict[str, Any], **kwargs: Any) -> tuple[dict[str, Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await form().run(dispatcher, make_tracker(**kwargs), domain)
    return slot_events(events), dispatcher


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def asked_message(dispatcher: CollectingDispatcher) -> dict[str, Any]:
    """The last message, which asks the next question."""
    return dispatcher.messages[-1]


async def test_several_facts_in_one_message_then_the_most_decisive_question(domain: dict[str, Any]) -> None:
    slots, dispatcher = await turn(domain, text="我五十三岁，上海户口，失业半年了，还没认定过就业困难人员")
    assert "requested_slot" in slots
    told = {"age": 53, "shanghai_hukou": True, "employment_status": "unemployed", "unemployed_months": 6}
    assert {k: slots[k] for k in told} == told
    assert slots["hardship_certified"] is False
    assert "记下了" in texts(dispatcher)
    first = plan_questions({**told, "hardship_certified": False}, AS_OF)[0]
    assert slots["requested_slot"] == first.key
    message = asked_message(dispatcher)
    assert message["text"] == first.text
    assert message["custom"]["asks"] == list(first.facts) == slots["asked"]


async def test_a_button_payload_sets_the_fact_without_reading_text(domain: dict[str, Any]) -> None:
    slots, dispatcher = await turn(
        domain, **payload("inform", {"shanghai_hukou": False}), requested_slot="shanghai_hukou"
    )
    assert slots["shanghai_hukou"] is False
    assert "记下了" not in texts(dispatcher)  # the answer to the question asked needs no echo


async def test_a_multi_select_answer_settles_every_option(domain: dict[str, Any]) -> None:
    chosen = {name: name == "migrant_worker" for name in SITUATIONS}
    slots, _ = await turn(domain, **payload("inform", chosen), requested_slot="situations", slots={"asked": SITUATIONS})
    assert {name: slots[name] for name in SITUATIONS} == chosen
    assert slots["requested_slot"] != "situations"


async def test_a_multi_select_answered_in_words(domain: dict[str, Any]) -> None:
    slots, dispatcher = await turn(
        domain, text="我是农民工，也在跑外卖", requested_slot="situations", slots={"asked": SITUATIONS}
    )
    assert slots["migrant_worker"] is True and slots["platform_worker"] is True
    assert all(slots[name] is False for name in SITUATIONS if name not in ("migrant_worker", "platform_worker"))
    # the reading is said back, the implied 没有 too, so a wrong one can be corrected
    (echo,) = [m["text"] for m in dispatcher.messages if m.get("text", "").startswith("记下了")]
    assert "农民工" in echo and "平台" in echo and "其余几项都没有" in echo


async def test_none_of_them_in_words(domain: dict[str, Any]) -> None:
    slots, dispatcher = await turn(
        domain, text="都没有", intent="deny", requested_slot="situations", slots={"asked": SITUATIONS}
    )
    assert all(slots[name] is False for name in SITUATIONS)
    assert "记下了" not in texts(dispatcher)


async def test_an_empty_group_list_comes_as_none(domain: dict[str, Any]) -> None:
    slots, _ = await turn(domain, **payload("inform", {"hardship_groups": "none"}), requested_slot="hardship_groups")
    assert slots["hardship_groups"] == []


async def test_dont_know_skips_the_question(domain: dict[str, Any]) -> None:
    slots, _ = await turn(domain, text="不清楚", intent="dont_know", requested_slot="hardship_certified")
    assert slots["skipped_facts"] == ["hardship_certified"]
    assert slots["requested_slot"] != "hardship_certified"


async def test_a_correction_is_said_and_stored(domain: dict[str, Any]) -> None:
    known = {"employment_status": "unemployed", "unemployed_months": 3}
    slots, dispatcher = await turn(domain, text="说错了，是五个月", slots=known)
    assert slots["unemployed_months"] == 5
    assert "已更正" in texts(dispatcher) and "5个月" in texts(dispatcher)


async def test_a_value_out_of_range_is_refused_with_a_message(domain: dict[str, Any]) -> None:
    slots, dispatcher = await turn(domain, text="5", requested_slot="age")
    assert "age" not in slots
    assert "年龄“5”好像不太对" in texts(dispatcher)


async def test_an_answer_not_understood_asks_again(domain: dict[str, Any]) -> None:
    pending = plan_questions({}, AS_OF)[0]
    slots, dispatcher = await turn(
        domain, text="嗯嗯嗯嗯", requested_slot=pending.key, slots={"asked": list(pending.facts)}
    )
    assert dispatcher.messages[0]["text"] == NOT_UNDERSTOOD
    assert slots["requested_slot"] == pending.key
    assert asked_message(dispatcher)["text"] == pending.text


async def test_a_digression_is_left_to_the_rules_then_the_question_comes_again(domain: dict[str, Any]) -> None:
    pending = plan_questions({}, AS_OF)[0]
    state = {"text": "为什么", "intent": "why", "requested_slot": pending.key, "slots": {"asked": list(pending.facts)}}
    events = await form().run(CollectingDispatcher(), make_tracker(**state), domain)
    assert [e for e in events if e.get("event") == "slot"] == [
        {"event": "slot", "timestamp": None, "name": "requested_slot", "value": pending.key}
    ]  # only the requested slot: Rasa rejects the form's turn and the rule for 为什么 runs
    slots, dispatcher = await turn(domain, **state, latest_action="action_explain_reasons")
    assert slots["requested_slot"] == pending.key  # back in the form: the question again
    assert asked_message(dispatcher)["text"] == pending.text


async def test_a_focused_check_asks_only_what_its_measures_need(domain: dict[str, Any]) -> None:
    slots, dispatcher = await turn(
        domain,
        text="",
        intent="ask_policy",
        slots={"focus": ["public_welfare_post"]},
        latest_action="action_explain_policy",
    )
    assert slots["requested_slot"] == "hardship_certified"
    assert asked_message(dispatcher)["custom"]["asks"] == ["hardship_certified"]


async def test_an_employer_is_asked_about_the_company(domain: dict[str, Any]) -> None:
    slots, _ = await turn(domain, text="我是一家公司的HR，想了解招人的补贴")
    assert slots["audience"] == "employer"
    assert slots["requested_slot"] == "employer_industry"


async def test_the_evaluation_date_can_be_set(domain: dict[str, Any]) -> None:
    slots, dispatcher = await turn(domain, **payload("inform", {"as_of": "2023-01-05"}))
    assert slots["as_of"] == "2023-01-05"
    assert "按2023年1月5日评估" in texts(dispatcher)
    slots, _ = await turn(domain, text="按2022年7月1日评估")
    assert slots["as_of"] == "2022-07-01"


async def test_the_form_ends_when_nothing_changes_an_outcome(domain: dict[str, Any]) -> None:
    facts: dict[str, Any] = {"employment_status": "employed", "is_college_graduate": False, "hardship_groups": []}
    facts.update({name: False for name in SITUATIONS})
    facts.update({"wants_job": True, "hardship_certified": False})
    assert plan_questions(facts, AS_OF) == []
    slots, dispatcher = await turn(domain, text="好的", intent="affirm", slots=facts)
    assert slots["requested_slot"] is None
    assert not dispatcher.messages


async def test_required_slots_are_the_plan(domain: dict[str, Any]) -> None:
    tracker = make_tracker(slots={"employment_status": "unemployed"})
    required = await form().required_slots([], CollectingDispatcher(), tracker, domain)
    assert required == [q.key for q in plan_questions({"employment_status": "unemployed"}, AS_OF)]


async def test_the_date_is_the_consultations_not_the_clock(domain: dict[str, Any]) -> None:
    # 今年毕业 read against the consultation's date, not today's
    slots, _ = await turn(domain, text="我今年大学毕业", slots={"as_of": "2022-07-01"})
    assert slots["graduation_year"] == 2022
    late = ValidateEligibilityForm(today=lambda: dt.date(2030, 1, 1))
    events = await late.run(CollectingDispatcher(), make_tracker(text="我今年大学毕业"), domain)
    assert slot_events(events)["graduation_year"] == 2030


async def test_a_need_stated_first_is_explained_then_checked(domain: dict[str, Any]) -> None:
    need = [{"entity": "policy", "value": "skill_upgrade_subsidy", "extractor": "QuestionRouter"}]
    slots, dispatcher = await turn(domain, text="我是外卖小哥，想考个证转行做电工", entities=need)
    explained = [m for m in dispatcher.messages if (m.get("custom") or {}).get("explained")]
    assert explained and explained[0]["custom"]["explained"] == ["skill_upgrade_subsidy"]
    assert slots["focus"] == ["skill_upgrade_subsidy"]
    assert slots["platform_worker"] is True  # the facts of the message are kept too


async def test_a_need_inside_the_form_is_an_answer(domain: dict[str, Any]) -> None:
    need = [{"entity": "policy", "value": "unemployed_graduate_service", "extractor": "QuestionRouter"}]
    slots, dispatcher = await turn(
        domain,
        text="还没找到工作",
        entities=need,
        requested_slot="employment_status",
        slots={"asked": ["employment_status"]},
    )
    assert not any((m.get("custom") or {}).get("explained") for m in dispatcher.messages)
    assert slots["employment_status"] == "unemployed" and "focus" not in slots


async def test_two_readings_are_asked_not_guessed(domain: dict[str, Any]) -> None:
    # 刚毕业 said in March: last summer's graduate or this year's?
    slots, dispatcher = await turn(domain, text="我大学刚毕业，还没找到工作", slots={"as_of": "2023-03-01"})
    assert "graduation_year" not in slots
    assert slots["requested_slot"] == "graduation_year"
    message = asked_message(dispatcher)
    assert message["text"] == "您说的毕业年份是2022还是2023？"
    assert [b["payload"] for b in message["buttons"][:2]] == [
        '/inform{"graduation_year":2022}',
        '/inform{"graduation_year":2023}',
    ]


async def test_can_i_get_it_after_a_measure_checks_that_measure(domain: dict[str, Any]) -> None:
    # 失业金怎么领 → where and how; then 那我能领吗: a focused check of the benefit, not the full questionnaire
    slots, dispatcher = await turn(
        domain, intent="check_my_eligibility", text="那我能领吗", slots={"policy": "unemployment_insurance_benefit"}
    )
    assert slots["focus"] == ["unemployment_insurance_benefit"]
    first = plan_questions({}, AS_OF, focus=["unemployment_insurance_benefit"])[0]
    assert slots["requested_slot"] == first.key
    assert asked_message(dispatcher)["custom"]["asks"] == list(first.facts)


async def test_what_can_i_get_after_a_measure_is_the_full_check(domain: dict[str, Any]) -> None:
    slots, _ = await turn(
        domain,
        intent="check_my_eligibility",
        text="那我能申请什么",
        slots={"policy": "unemployment_insurance_benefit", "focus": ["unemployment_insurance_benefit"]},
    )
    assert slots["focus"] is None
