"""Polarity and message reading, below the form."""

from __future__ import annotations

import pytest

from actions.extraction import extract, is_negated
from tests.actions.conftest import entity


@pytest.mark.parametrize(
    ("text", "span", "negated"),
    [
        ("我不是上海户口", "上海户口", True),
        ("没有办失业登记", "失业登记", True),
        ("没领失业金", "失业金", True),
        ("未被认定为就业困难人员", "就业困难人员", True),
        ("非本市户籍", "本市户籍", True),
        ("不想找工作", "找工作", True),
        ("家里无低保", "低保", True),
        ("我是上海户口", "上海户口", False),
        ("不过我办了失业登记", "失业登记", False),
        ("我没工作，但是在领失业金", "失业金", False),
    ],
)
def test_is_negated(text: str, span: str, negated: bool) -> None:
    start = text.index(span)
    assert is_negated(text, start, start + len(span)) is negated


def test_without_offsets_the_entity_is_positive() -> None:
    assert is_negated("", None, None) is False


def test_digression_intents_fill_nothing() -> None:
    text = "什么是公益性岗位"
    message = {"text": text, "intent": {"name": "ask_policy"}, "entities": [entity(text, "公益性岗位", "policy", "x")]}
    assert extract(message, "wants_job").empty


def test_dont_know_with_a_fact_entity_skips_that_fact() -> None:
    text = "不知道有没有失业登记"
    message = {
        "text": text,
        "intent": {"name": "dont_know"},
        "entities": [entity(text, "失业登记", "fact", "registered_unemployed")],
    }
    out = extract(message, "wants_job")
    assert out.unknown == ["registered_unemployed"]
    assert out.facts == {}


def test_employment_status_in_chinese_is_mapped() -> None:
    text = "我现在灵活就业"
    message = {"text": text, "intent": {"name": "inform"}, "entities": [entity(text, "灵活就业", "employment_status")]}
    assert extract(message, None).facts == {"employment_status": "flexible"}


def test_bare_text_for_the_group_question() -> None:
    message = {"text": "我是残疾人", "intent": {"name": "inform"}, "entities": []}
    assert extract(message, "hardship_groups").facts == {"hardship_groups": ["disabled"]}
    message = {"text": "都不是", "intent": {"name": "inform"}, "entities": []}
    assert extract(message, "hardship_groups").facts == {"hardship_groups": []}


def _message(text: str, intent: str, *ents: tuple[str, str, str | None]) -> dict[str, object]:
    return {"text": text, "intent": {"name": intent}, "entities": [entity(text, s, n, v) for s, n, v in ents]}


def test_the_number_taken_back_does_not_count() -> None:
    out = extract(
        _message("不是三个月，是半年", "inform", ("三个月", "duration", None), ("半年", "duration", None)), None
    )
    # no unemployment word and no pending months question: a bare duration is not read as time out of work
    assert "unemployed_months" not in out.facts
    out = extract(
        _message("不是三个月，是半年", "inform", ("三个月", "duration", None), ("半年", "duration", None)),
        "unemployed_months",
    )
    assert out.facts["unemployed_months"] == "半年"


def test_a_bare_duration_from_someone_out_of_work_is_the_time_out_of_work() -> None:
    half_year = _message("半年", "inform", ("半年", "duration", None))
    unemployed = {"employment_status": "unemployed"}
    assert extract(half_year, "is_college_graduate", unemployed).facts == {"unemployed_months": "半年"}
    # not for someone in work, nor once the months are known, nor for how long they used to work
    assert extract(half_year, "is_college_graduate", {"employment_status": "employed"}).facts == {}
    assert extract(half_year, "is_college_graduate", {**unemployed, "unemployed_months": 3}).facts == {}
    worked = _message("之前干了三年", "inform", ("三年", "duration", None))
    assert extract(worked, "is_college_graduate", unemployed).facts == {}


def test_negation_before_a_duration_is_about_work_not_the_number() -> None:
    out = extract(_message("没上班三个月了", "inform", ("三个月", "duration", None)), None)
    assert out.facts["unemployed_months"] == "三个月"
    assert out.implied == {"employment_status": "unemployed"}


def test_employment_status_spans_with_a_negation_inside() -> None:
    out = extract(_message("我没工作", "inform", ("没工作", "employment_status", "unemployed")), None)
    assert out.facts == {"employment_status": "unemployed"}


def test_not_shanghai_words_only_apply_to_shanghai_facts() -> None:
    out = extract(_message("外地来打工的", "inform", ("外地来打工", "fact", "migrant_worker")), None)
    assert out.facts == {"migrant_worker": True}
    out = extract(_message("我是外地户口", "inform", ("外地户口", "fact", "shanghai_hukou")), None)
    assert out.facts == {"shanghai_hukou": False}


def test_group_denied() -> None:
    out = extract(_message("没有残疾证", "inform", ("残疾证", "hardship_group", "disabled")), None)
    assert out.groups_denied == ["disabled"]
    assert "hardship_groups" not in out.facts


@pytest.mark.parametrize(
    ("text", "slot", "value"),
    [
        ("有的，办过了", "registered_unemployed", True),
        ("没办过", "registered_unemployed", False),
        ("已经在领了", "receiving_unemployment_insurance", True),
    ],
)
def test_a_yes_no_question_answered_in_words(text: str, slot: str, value: bool) -> None:
    out = extract({"text": text, "intent": {"name": "inform"}, "entities": []}, slot)
    assert out.facts == {slot: value}


def test_no_to_the_industry_question_skips_it() -> None:
    out = extract({"text": "没有", "intent": {"name": "deny"}, "entities": []}, "employer_industry")
    assert out.unknown == ["employer_industry"]
    assert out.facts == {}


def test_a_yes_that_echoes_another_questions_verb_is_not_an_answer() -> None:
    wants = {"text": "想", "intent": {"name": "affirm"}, "entities": []}
    assert extract(wants, "hardship_certified").facts == {}
    assert extract(wants, "wants_job").facts == {"wants_job": True}
    claimed = {"text": "认定过了", "intent": {"name": "affirm"}, "entities": []}
    assert extract(claimed, "hardship_certified").facts == {"hardship_certified": True}
    assert extract(claimed, "registered_unemployed").facts == {"hardship_certified": True}  # not a 登记 answer
    typed = {"text": "在领", "intent": {"name": "inform"}, "entities": []}
    assert extract(typed, "resident_in_shanghai").facts == {}
    assert extract(typed, "receiving_unemployment_insurance").facts == {"receiving_unemployment_insurance": True}


def test_an_unemployment_status_in_the_message_makes_its_duration_time_out_of_work() -> None:
    out = extract(
        _message("失叶一年多了", "inform", ("失叶", "employment_status", "unemployed"), ("一年多", "duration", None)),
        "employment_status",
    )
    assert out.facts == {"employment_status": "unemployed", "unemployed_months": "一年多"}


def test_a_fact_synonym_under_the_wrong_entity_type_is_still_that_fact() -> None:
    out = extract(_message("我是应届毕业生", "inform", ("应届毕业生", "year", "is_college_graduate")), None)
    assert out.facts == {"is_college_graduate": True}


def test_a_yes_or_no_that_names_another_question_answers_that_one() -> None:
    denied = {"text": "没认定过", "intent": {"name": "deny"}, "entities": []}
    out = extract(denied, "employment_status")
    assert out.facts == {"hardship_certified": False}
    # 想 could answer 想找工作 / 准备创业 / 打算入伍: not one question, so no answer at all
    assert extract({"text": "想", "intent": {"name": "affirm"}, "entities": []}, "employment_status").facts == {}
