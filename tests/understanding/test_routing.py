"""understanding.routing: the intent a message carries, over DIET's guess."""

from __future__ import annotations

import pytest

from understanding.normalise import normalise
from understanding.routing import asks_about_the_last_measure, merged_entities, route


@pytest.mark.parametrize(
    ("text", "intent", "policy"),
    [
        ("大学毕业去当兵有什么优惠政策", "ask_policy", "graduate_enlistment_support"),
        ("公司社保能缓交吗", "ask_policy", "employer_cost_relief"),
    ],
)
def test_a_question_about_a_measure_is_routed_to_it(text: str, intent: str, policy: str) -> None:
    decided = route(normalise(text), "nlu_fallback", 0.3)
    assert decided.intent == intent
    assert policy in [e["value"] for e in decided.entities if e["entity"] == "policy"]


def test_routed_entities_span_the_message_as_rasa_evaluation_needs() -> None:
    text = normalise("我是一家软件公司的HR，招高校毕业生有什么补贴？")
    decided = route(text, "ask_policy", 0.9)
    assert decided.entities, "an employer's question about hiring names measures"
    for entity in decided.entities:
        assert (entity["start"], entity["end"]) == (0, len(text))
        assert entity["extractor"] == "QuestionRouter"


def test_a_confident_control_intent_stays() -> None:
    assert route("重新开始", "restart", 0.95).intent is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [("单位可以因为员工感染过新冠就不录用他吗", "why"), ("骑手送餐摔伤了有没有保障", "human_handoff")],
)
def test_a_question_with_a_specific_cue_is_asked_even_over_a_confident_control_intent(text: str, intent: str) -> None:
    assert route(normalise(text), intent, 0.95).intent == "ask_policy"


@pytest.mark.parametrize(
    ("text", "intent"), [("为什么", "why"), ("转人工", "human_handoff"), ("你是机器人吗", "bot_challenge")]
)
def test_a_control_phrase_stays_a_control_intent(text: str, intent: str) -> None:
    assert route(normalise(text), intent, 0.95).intent is None


def test_a_payload_is_left_to_rasa() -> None:
    decided = route('/inform{"employment_status": "unemployed"}', "inform", 1.0)
    assert decided.intent is None and decided.entities == []


def _diet(entity: str, value: str, start: int, end: int) -> dict[str, object]:
    return {"entity": entity, "value": value, "start": start, "end": end, "extractor": "DIETClassifier"}


def test_a_diet_entity_the_router_names_too_keeps_its_span() -> None:
    text = normalise("公益岗位是干嘛的")
    decided = route(text, "ask_policy", 0.9)
    found = [_diet("policy", "public_welfare_post", 0, 4)]
    merged = merged_entities(found, decided)
    policies = [e for e in merged if e["entity"] == "policy"]
    assert [(e["value"], e["start"], e["end"]) for e in policies] == [("public_welfare_post", 0, 4)]


def test_a_diet_policy_entity_the_router_overrules_is_dropped() -> None:
    text = normalise("我送外卖的，路上摔了有没有类似工伤的保障")
    decided = route(text, "ask_policy", 0.9)
    merged = merged_entities([_diet("policy", "unemployment_insurance_benefit", 0, 2)], decided)
    values = {e["value"] for e in merged if e["entity"] == "policy"}
    assert "unemployment_insurance_benefit" not in values
    assert "platform_worker_injury_protection" in values


def test_diet_entities_of_other_kinds_stay() -> None:
    text = normalise("我失业半年了，公益岗位怎么申请")
    decided = route(text, "inform", 0.5)
    found = [_diet("duration", "半年", 3, 5)]
    assert found[0] in merged_entities(found, decided)


@pytest.mark.parametrize("text", ["在领失业金呢", "领着失业金呢", "坐月子呢", "还在找工作呢"])
def test_a_statement_ending_in_ne_is_not_a_question(text: str) -> None:
    assert route(normalise(text), "inform", 0.9).intent in (None, "inform")


@pytest.mark.parametrize("text", ["那失业金呢", "我呢", "还有别的呢"])
def test_an_elliptical_question_in_ne_still_asks(text: str) -> None:
    from understanding.measures import match_question

    assert match_question(normalise(text)).question


@pytest.mark.parametrize(
    ("text", "intent"), [("认定就业困难要准备啥", "ask_procedure"), ("家门口就业服务站都能办什么", "ask_policy")]
)
def test_what_to_prepare_is_a_procedure_and_what_a_place_does_is_not(text: str, intent: str) -> None:
    assert route(normalise(text), "ask_policy", 0.9).intent == intent


@pytest.mark.parametrize("text", ["周末去哪里玩好", "附近哪家面馆好吃"])
def test_where_without_anything_of_the_opinion_is_out_of_scope(text: str) -> None:
    assert route(normalise(text), "ask_procedure", 0.8).intent == "out_of_scope"


@pytest.mark.parametrize("text", ["失业登记去哪里办", "就业困难人员怎么认定", "办这个是去居委还是去街道"])
def test_where_about_a_measure_stays_a_procedure(text: str) -> None:
    decided = route(normalise(text), "ask_procedure", 0.8)
    assert (decided.intent or "ask_procedure") == "ask_procedure"  # None keeps DIET's intent


@pytest.mark.parametrize(
    ("text", "about_it"),
    [
        ("那我能领吗", True),
        ("我可以申请吗", True),
        ("我符合条件吗", True),
        ("有我的份吗", True),
        ("那我能申请什么", False),
        ("帮我看看能申请什么", False),
        ("我能领哪些补贴", False),
    ],
)
def test_a_yes_no_question_about_it_refers_to_the_last_measure(text: str, about_it: bool) -> None:
    assert asks_about_the_last_measure(normalise(text)) is about_it


@pytest.mark.parametrize("text", ["刚出狱，本地户口", "来访居民五十六岁，沪籍，待业一年多", "我58岁，失业一年了"])
def test_who_the_writer_is_names_no_measure(text: str) -> None:
    decided = route(normalise(text), "inform", 0.9)
    assert (decided.intent or "inform") == "inform"
    assert not [e for e in decided.entities if e["entity"] == "policy"]


@pytest.mark.parametrize(
    ("text", "policy"), [("刚从监狱出来想找工作", "hardship_subsidies"), ("我是外卖小哥，想考个证", None)]
)
def test_a_need_stated_names_its_measures(text: str, policy: str | None) -> None:
    decided = route(normalise(text), "inform", 0.9)
    policies = [e["value"] for e in decided.entities if e["entity"] == "policy"]
    assert policies and (policy is None or policy in policies)


@pytest.mark.parametrize(
    ("entity", "value", "usable"),
    [
        ("fact", "找", False),
        ("duration", "多", False),
        ("policy", "补贴", False),
        ("hardship_group", "家", False),
        ("fact", "migrant_worker", True),
        ("employment_status", "unemployed", True),
        ("policy", "unemployment_insurance_benefit", True),
        ("industry", "餐饮", True),
        ("duration", "四个月", True),
        ("age", "52", True),
    ],
)
def test_a_diet_entity_is_kept_only_where_it_names_something(entity: str, value: str, usable: bool) -> None:
    from understanding.routing import names_something

    assert names_something({"entity": entity, "value": value, "extractor": "DIETClassifier"}) is usable


def test_an_employers_unclear_question_is_offered_candidates_not_the_full_check() -> None:
    decided = route(normalise("我们超市招人有补贴吗"), "check_my_eligibility", 0.99)
    assert decided.intent == "ask_policy"
    assert {e["value"] for e in decided.entities if e["entity"] == "policy_candidate"} >= {"unemployed_hiring_subsidy"}
    assert route(normalise("帮我看看能申请什么"), "check_my_eligibility", 0.99).intent is None


def test_what_can_i_apply_for_after_a_situation_is_the_full_check() -> None:
    # 能申请什么 asks for the whole consultation; 能拿什么钱 for a list of the money measures
    assert route(normalise("你好，我失业半年了，想看看能申请什么"), "check_my_eligibility", 0.95).intent is None
    assert route(normalise("我失业了四个月，能拿什么钱"), "check_my_eligibility", 0.95).intent == "ask_policy"


@pytest.mark.parametrize("intent", ["goodbye", "thanks"])
def test_a_statement_of_facts_diet_took_for_goodbye_or_thanks_is_an_inform(intent: str) -> None:
    text = normalise("I'm unemployed for 6 months, not registered yet, 上海戶口")
    assert route(text, intent, 0.8).intent == "inform"
    assert route(normalise("谢谢，再见"), intent, 0.8).intent is None  # a real goodbye stays DIET's
