"""validate_eligibility_form on real rasa_sdk trackers: extraction, yes/no, 不知道, corrections, minimal questions."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.eligibility_form import NOT_UNDERSTOOD, ValidateEligibilityForm
from rules import FACTS, assess, next_questions
from tests.actions.conftest import AS_OF, entity, make_tracker, slot_events

UNEMPLOYED: dict[str, Any] = {"employment_status": "unemployed"}


def form() -> ValidateEligibilityForm:
    return ValidateEligibilityForm(today=lambda: AS_OF)


async def turn(domain: dict[str, Any], **kwargs: Any) -> tuple[dict[str, Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await form().run(dispatcher, make_tracker(**kwargs), domain)
    return slot_events(events), dispatcher


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def test_every_fact_has_a_validate_method() -> None:
    for name in FACTS:
        assert callable(getattr(ValidateEligibilityForm, f"validate_{name}", None)), name


async def test_several_facts_in_one_message(domain: dict[str, Any]) -> None:
    text = "我五十三岁，上海户口，失业半年了，没有办失业登记"
    ents = [
        entity(text, "五十三", "age"),
        entity(text, "上海户口", "fact", "shanghai_hukou"),
        entity(text, "半年", "duration"),
        entity(text, "失业登记", "fact", "registered_unemployed"),
    ]
    slots, dispatcher = await turn(domain, text=text, entities=ents, requested_slot=None)
    assert slots["age"] == 53
    assert slots["shanghai_hukou"] is True
    assert slots["unemployed_months"] == 6
    assert slots["registered_unemployed"] is False
    assert slots["employment_status"] == "unemployed"  # said in passing: 失业
    assert "记下了" in texts(dispatcher)
    facts = {k: slots[k] for k in ("age", "shanghai_hukou", "unemployed_months", "registered_unemployed")}
    facts["employment_status"] = "unemployed"
    expected = next_questions(facts, AS_OF)
    assert slots["requested_slot"] == (expected[0] if expected else None)


@pytest.mark.parametrize(
    ("text", "span", "fact", "value"),
    [
        ("我不是上海户口", "上海户口", "shanghai_hukou", False),
        ("我是上海户口", "上海户口", "shanghai_hukou", True),
        ("还没领失业金", "失业金", "receiving_unemployment_insurance", False),
        ("我在领失业金", "失业金", "receiving_unemployment_insurance", True),
        ("未办理失业登记", "失业登记", "registered_unemployed", False),
        ("我是外地户口", "外地户口", "shanghai_hukou", False),
        ("无低保", "低保", "minimum_living_allowance", False),
    ],
)
async def test_polarity_comes_from_the_text_before_the_entity(
    domain: dict[str, Any], text: str, span: str, fact: str, value: bool
) -> None:
    slots, _ = await turn(domain, text=text, entities=[entity(text, span, "fact", fact)])
    assert slots[fact] is value


async def test_negation_stays_in_its_clause(domain: dict[str, Any]) -> None:
    text = "我没有上海户口，但是办了失业登记"
    ents = [
        entity(text, "上海户口", "fact", "shanghai_hukou"),
        entity(text, "失业登记", "fact", "registered_unemployed"),
    ]
    slots, _ = await turn(domain, text=text, entities=ents)
    assert slots["shanghai_hukou"] is False
    assert slots["registered_unemployed"] is True


@pytest.mark.parametrize(("intent", "value"), [("affirm", True), ("deny", False)])
async def test_yes_no_answers_the_question_just_asked(domain: dict[str, Any], intent: str, value: bool) -> None:
    slots, _ = await turn(domain, intent=intent, text="是" if value else "不是", requested_slot="registered_unemployed")
    assert slots["registered_unemployed"] is value
    assert slots["requested_slot"] != "registered_unemployed"


async def test_deny_to_the_group_question_means_none_of_them(domain: dict[str, Any]) -> None:
    slots, _ = await turn(domain, intent="deny", text="都不是", requested_slot="hardship_groups")
    assert slots["hardship_groups"] == []


async def test_group_button_payload(domain: dict[str, Any]) -> None:
    ents = [{"entity": "hardship_group", "value": "disabled"}]  # /inform{"hardship_group":"disabled"}: no offsets
    slots, _ = await turn(domain, entities=ents, slots={"hardship_groups": ["older_unemployed"]})
    assert slots["hardship_groups"] == ["older_unemployed", "disabled"]


async def test_dont_know_leaves_the_fact_unknown_and_moves_on(domain: dict[str, Any]) -> None:
    slots, _ = await turn(domain, intent="dont_know", text="不知道", requested_slot="hardship_certified")
    assert "hardship_certified" not in slots
    assert slots["skipped_facts"] == ["hardship_certified"]
    assert slots["requested_slot"] != "hardship_certified"
    assert slots["requested_slot"] in [*next_questions({}, AS_OF, skip=["hardship_certified"]), None]


async def test_a_skipped_fact_is_never_asked_again(domain: dict[str, Any]) -> None:
    skipped = ["employment_status", "hardship_certified"]
    slots, _ = await turn(domain, intent="inform", text="", slots={"skipped_facts": skipped}, requested_slot=None)
    assert slots["requested_slot"] not in skipped


async def test_a_correction_overwrites_and_is_acknowledged(domain: dict[str, Any]) -> None:
    text = "不对，我失业五个月了"
    slots, dispatcher = await turn(
        domain,
        intent="deny",
        text=text,
        entities=[entity(text, "五个月", "duration")],
        slots={"employment_status": "unemployed", "unemployed_months": 6},
        requested_slot="registered_unemployed",
    )
    assert slots["unemployed_months"] == 5
    assert "registered_unemployed" not in slots  # the 不对 was about the months, not the pending question
    assert "已更正" in texts(dispatcher)


async def test_a_duration_without_unemployment_words_is_not_unemployment(domain: dict[str, Any]) -> None:
    text = "我上班三个月了"
    slots, _ = await turn(domain, text=text, entities=[entity(text, "三个月", "duration")])
    assert "unemployed_months" not in slots


async def test_bare_text_answers_a_number_question(domain: dict[str, Any]) -> None:
    slots, _ = await turn(domain, intent="inform", text="五十三", requested_slot="age")
    assert slots["age"] == 53
    slots, _ = await turn(domain, intent="nlu_fallback", text="一年多", requested_slot="unemployed_months")
    assert slots["unemployed_months"] == 12


async def test_one_year_plus_is_recorded_as_at_least_twelve(domain: dict[str, Any]) -> None:
    text = "失业一年多了"
    slots, dispatcher = await turn(domain, text=text, entities=[entity(text, "一年多", "duration")])
    assert slots["unemployed_months"] == 12
    assert "至少12个月" in texts(dispatcher)


async def test_relative_year_uses_the_action_date(domain: dict[str, Any]) -> None:
    text = "我去年毕业的"
    slots, _ = await turn(domain, text=text, entities=[entity(text, "去年", "year")])
    assert slots["graduation_year"] == AS_OF.year - 1


async def test_out_of_range_age_is_refused_and_asked_again(domain: dict[str, Any]) -> None:
    assert "unemployed_months" in next_questions(UNEMPLOYED, AS_OF)
    slots, dispatcher = await turn(
        domain,
        text="两百岁",
        entities=[entity("两百岁", "两百", "age")],
        slots=UNEMPLOYED,
        requested_slot="unemployed_months",
    )
    assert "age" not in slots
    assert slots["requested_slot"] == "unemployed_months"
    assert "年龄" in texts(dispatcher)


async def test_yes_to_a_number_question_is_not_understood_but_keeps_the_form(domain: dict[str, Any]) -> None:
    slots, dispatcher = await turn(
        domain, intent="affirm", text="是的", slots=UNEMPLOYED, requested_slot="unemployed_months"
    )
    assert slots["requested_slot"] == "unemployed_months"
    assert "unemployed_months" not in slots
    assert NOT_UNDERSTOOD in texts(dispatcher)
    assert "skipped_facts" in slots  # a slot event: Rasa does not reject the form


async def test_a_digression_sets_no_fact_so_rasa_can_reject_the_form(domain: dict[str, Any]) -> None:
    text = "什么是公益性岗位"
    slots, dispatcher = await turn(
        domain,
        intent="ask_policy",
        text=text,
        entities=[entity(text, "公益性岗位", "policy", "public_welfare_post")],
        slots=UNEMPLOYED,
        requested_slot="wants_job",
    )
    assert set(slots) == {"requested_slot"}
    assert slots["requested_slot"] == "wants_job"  # the pending question, asked again after the answer
    assert dispatcher.messages == []


async def test_required_slots_are_the_rules_next_questions(domain: dict[str, Any]) -> None:
    tracker = make_tracker(slots={"employment_status": "unemployed", "skipped_facts": ["hardship_certified"]})
    v = form()
    required = await v.required_slots([], CollectingDispatcher(), tracker, domain)
    assert required == next_questions({"employment_status": "unemployed"}, v.today(), skip=["hardship_certified"])
    assert "employment_status" not in required and "hardship_certified" not in required


PROFILES: list[dict[str, Any]] = [
    {
        "age": 53,
        "shanghai_hukou": True,
        "resident_in_shanghai": True,
        "is_college_graduate": False,
        "employment_status": "unemployed",
        "unemployed_months": 6,
        "registered_unemployed": True,
        "receiving_unemployment_insurance": False,
        "wants_job": True,
        "hardship_certified": False,
        "hardship_groups": ["older_unemployed"],
        "minimum_living_allowance": False,
    },
    {
        "age": 22,
        "shanghai_hukou": False,
        "resident_in_shanghai": True,
        "is_college_graduate": True,
        "graduation_year": 2022,
        "graduated_from_shanghai_college": True,
        "in_graduating_year": False,
        "employment_status": "unemployed",
        "unemployed_months": 1,
        "registered_unemployed": False,
        "wants_job": True,
        "starting_business": True,
        "enlisting": False,
        "hardship_groups": [],
    },
    {"age": 35, "employment_status": "employed", "platform_worker": True, "pregnant_or_nursing": True},
]


def _answer(name: str, profile: dict[str, Any]) -> dict[str, Any]:
    """What a person with `profile` replies to the question about `name` (intent, entities, text)."""
    if name not in profile:
        return {"intent": "dont_know", "text": "不知道"}
    value = profile[name]
    if FACTS[name].type == "bool":
        return {"intent": "affirm" if value else "deny", "text": "是" if value else "不是"}
    if name == "hardship_groups":
        if not value:
            return {"intent": "deny", "text": "都不是"}
        return {"intent": "inform", "entities": [{"entity": "hardship_group", "value": g} for g in value]}
    if name == "employment_status":
        return {"intent": "inform", "entities": [{"entity": "employment_status", "value": value}]}
    if name == "employer_industry":
        return {"intent": "inform", "entities": [{"entity": "industry", "value": value}]}
    entity_name = {"age": "age", "unemployed_months": "duration", "graduation_year": "year"}[name]
    raw = f"{value}个月" if name == "unemployed_months" else str(value)
    return {"intent": "inform", "text": raw, "entities": [{"entity": entity_name, "value": raw}]}


@pytest.mark.parametrize("profile", PROFILES)
async def test_the_form_asks_only_what_matters_and_stops(domain: dict[str, Any], profile: dict[str, Any]) -> None:
    """Drive the form with a person: each question is the rules' top question, none repeats, and the answers
    given decide every measure exactly as the whole profile would (what was never asked changed nothing)."""
    slots: dict[str, Any] = {}
    requested: str | None = None
    asked: list[str] = []
    message: dict[str, Any] = {"intent": "check_my_eligibility", "text": "我能申请什么"}
    for _ in range(len(FACTS) + 2):
        events, _ = await turn(domain, slots=dict(slots), requested_slot=requested, **message)
        slots.update({k: v for k, v in events.items() if k != "requested_slot"})
        requested = events["requested_slot"]
        known = {k: v for k, v in slots.items() if k in FACTS and v is not None}
        skipped = slots.get("skipped_facts") or []
        expected = next_questions(known, AS_OF, skip=skipped)
        assert requested == (expected[0] if expected else None)
        if requested is None:
            break
        assert requested not in asked, f"{requested} asked twice"
        asked.append(requested)
        message = _answer(requested, profile)
    else:
        pytest.fail("the form never stopped")
    known = {k: v for k, v in slots.items() if k in FACTS and v is not None}
    assert set(known) <= set(profile)
    told = assess(known, AS_OF).by_id()
    everything = assess(profile, AS_OF).by_id()
    for pid, result in told.items():
        if result.status != "needs_info":
            assert result.status == everything[pid].status, pid
        else:  # only what the person did not know can be left open
            assert set(result.missing_facts) <= set(slots.get("skipped_facts") or []), pid


async def test_repeating_a_known_fact_is_not_a_misunderstanding(domain: dict[str, Any]) -> None:
    text = "我是上海户口"
    slots, dispatcher = await turn(
        domain,
        text=text,
        entities=[entity(text, "上海户口", "fact", "shanghai_hukou")],
        slots={**UNEMPLOYED, "shanghai_hukou": True},
        requested_slot="wants_job",
    )
    assert "shanghai_hukou" not in slots
    assert slots["requested_slot"] == "wants_job"
    assert "skipped_facts" in slots  # keeps the form
    assert dispatcher.messages == []


async def test_a_group_taken_back_is_removed(domain: dict[str, Any]) -> None:
    text = "我不是残疾人"
    slots, _ = await turn(
        domain,
        text=text,
        entities=[entity(text, "残疾人", "hardship_group", "disabled")],
        slots={"hardship_groups": ["older_unemployed", "disabled"]},
    )
    assert slots["hardship_groups"] == ["older_unemployed"]


async def test_a_fact_told_off_the_question_is_acknowledged_and_the_question_stays(domain: dict[str, Any]) -> None:
    text = "半年"
    pending = "is_college_graduate"
    slots, dispatcher = await turn(
        domain, text=text, entities=[entity(text, "半年", "duration")], slots=UNEMPLOYED, requested_slot=pending
    )
    assert slots["unemployed_months"] == 6
    assert slots["requested_slot"] == pending
    assert "记下了：失业时长（月）：6个月" in texts(dispatcher)
    assert NOT_UNDERSTOOD not in texts(dispatcher)
