"""understanding.facts.read: what one message states, clause by clause (sentences written for these tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from understanding.facts import read
from understanding.normalise import normalise

AS_OF = dt.date(2022, 9, 1)


def facts(text: str, **kwargs: Any) -> dict[str, Any]:
    return read(normalise(text), as_of=kwargs.pop("as_of", AS_OF), **kwargs).facts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the examples
        (
            "还没被认定为就业困难人员，但我是残疾人，有证",
            {"hardship_certified": False, "hardship_groups": ["disabled"]},
        ),
        (
            "我currently unemployed，已经6 months了，失业登记还没做",
            {"employment_status": "unemployed", "unemployed_months": 6, "registered_unemployed": False},
        ),
        (
            "我们家是零就业家庭，我跟我老公都下岗了",
            {"hardship_groups": ["zero_employment_family"], "employment_status": "unemployed"},
        ),
        (
            "我怀孕了，合同到期公司没跟我续签，已经三个月没上班了",
            {"pregnant_or_nursing": True, "employment_status": "unemployed", "unemployed_months": 3},
        ),
        ("外地户口", {"shanghai_hukou": False}),
        ("户口还在老家", {"shanghai_hukou": False}),
        ("我是江苏的", {"shanghai_hukou": False}),
        ("2022届本科毕业生", {"graduation_year": 2022, "is_college_graduate": True}),
        (
            "18年同济硕士毕业",
            {"graduation_year": 2018, "is_college_graduate": True, "graduated_from_shanghai_college": True},
        ),
        ("我现在大四", {"employment_status": "student", "in_graduating_year": True}),
        ("初中文化", {"is_college_graduate": False}),
        (
            "我是上海戶口，今年四十五歲，失業八個月了",
            {"shanghai_hukou": True, "age": 45, "employment_status": "unemployed", "unemployed_months": 8},
        ),
        ("失叶金在领", {"receiving_unemployment_insurance": True}),
        ("我是低包户", {"minimum_living_allowance": True}),
        ("今年伍十岁", {"age": 50}),
        ("我是外卖旗手", {"platform_worker": True, "employment_status": "flexible"}),
        ("我被layoff了", {"employment_status": "unemployed"}),
        (
            "我今年50岁，去年底被单位辞退了，到现在一直没工作",
            {"age": 50, "employment_status": "unemployed", "unemployed_months": 9},
        ),
        (
            "我失业四个月了，身份证〔已隐去〕，电话〔已隐去〕",
            {"employment_status": "unemployed", "unemployed_months": 4},
        ),
        # someone else's situation is not the writer's
        ("我老公失业了，我还在上班", {"employment_status": "employed"}),
        # an intention is not a status
        ("我想自己开个店", {"starting_business": True}),
        ("我自己开了家面馆", {"employment_status": "self_employed", "starting_business": True}),
        # the negation belongs to its own clause
        ("我没有上海户口，但在上海住了五年", {"shanghai_hukou": False, "resident_in_shanghai": True}),
        ("失业金没领，登记倒是办了", {"receiving_unemployment_insurance": False, "registered_unemployed": True}),
        ("不是因为疫情被辞的，是厂子倒闭了", {"covid_affected_dismissal": False, "employment_status": "unemployed"}),
        ("我不想上班了", {"wants_job": False}),
        ("我阳了以后公司就跟我解除了合同", {"covid_affected_dismissal": True, "employment_status": "unemployed"}),
        (
            "这位大叔五十八，刑满释放，想找个活干",
            {"age": 58, "hardship_groups": ["released_prisoner"], "wants_job": True},
        ),
    ],
)
def test_statements(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "那我去哪里做失业登记",
        "失业金怎么领",
        "就业困难人员怎么认定",
        "残疾人有什么补贴",
        "你好",
        "招高校毕业生的单位有什么补贴",
        "我在事业单位的朋友说的",
    ],
)
def test_questions_and_small_talk_state_nothing(text: str) -> None:
    assert facts(text) == {}


def test_a_question_keeps_what_the_person_says_of_themselves() -> None:
    assert facts("我48岁下岗了，有什么补贴吗") == {"age": 48, "employment_status": "unemployed"}
    assert facts("我是残疾人能申请吗") == {"hardship_groups": ["disabled"]}


@pytest.mark.parametrize(
    ("asked", "answer", "expected"),
    [
        ("registered_unemployed", "还没", {"registered_unemployed": False}),
        ("registered_unemployed", "嗯，办了", {"registered_unemployed": True}),
        ("hardship_groups", "都不是", {"hardship_groups": []}),
        ("unemployed_months", "三个多月吧", {"unemployed_months": 3}),
        ("unemployed_months", "去年底", {"unemployed_months": 9}),
        ("unemployed_months", "五月份", {"unemployed_months": 4}),
        ("age", "五十出头", {"age": 50}),
        ("age", "53", {"age": 53}),
        ("shanghai_hukou", "外地的", {"shanghai_hukou": False}),
        ("graduated_from_shanghai_college", "在老家读的", {"graduated_from_shanghai_college": False}),
        ("graduation_year", "去年", {"graduation_year": 2021}),
        ("wants_job", "想啊", {"wants_job": True}),
    ],
)
def test_answers_to_the_pending_question(asked: str, answer: str, expected: dict[str, Any]) -> None:
    assert facts(answer, asked=[asked]) == expected


def test_dont_know_leaves_the_fact_unknown() -> None:
    reading = read("不清楚", asked=["registered_unemployed"], as_of=AS_OF)
    assert reading.facts == {} and reading.unknown == ["registered_unemployed"]


def test_several_facts_asked_at_once_can_all_be_denied() -> None:
    asked = ["migrant_worker", "platform_worker", "hardship_groups"]
    assert facts("都没有", asked=asked) == {"migrant_worker": False, "platform_worker": False, "hardship_groups": []}


@pytest.mark.parametrize("reply", ["不是", "没有", "没有的", "no"])
def test_a_bare_no_to_a_question_of_several_options_denies_them_all(reply: str) -> None:
    asked = ["migrant_worker", "platform_worker"]
    assert facts(reply, asked=asked) == {"migrant_worker": False, "platform_worker": False}


def test_a_bare_yes_to_a_question_of_several_options_says_nothing() -> None:
    assert facts("是", asked=["migrant_worker", "platform_worker"]) == {}


def test_a_bare_duration_is_time_out_of_work_only_when_it_is() -> None:
    assert facts("半年") == {}
    assert facts("半年", known={"employment_status": "unemployed"}) == {"unemployed_months": 6}
    assert facts("在这家厂干了二十年，上个月被裁了") == {"employment_status": "unemployed", "unemployed_months": 1}


def test_an_employer_speaks_for_the_company() -> None:
    reading = read(normalise("我是一家酒店的HR，想招几个应届生，有补贴吗"), as_of=AS_OF)
    assert reading.audience == "employer"
    assert reading.facts == {"employer_industry": "住宿"}
    assert read("我是软件公司的人事", as_of=AS_OF).facts == {"employer_industry": "其他"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上海户籍？我不是", {"shanghai_hukou": False}),  # the key word echoed, then the answer
        ("低保——没有", {"minimum_living_allowance": False}),
        ("入伍？没想过", {"enlisting": False}),
        ("俺木有登记失业", {"registered_unemployed": False}),  # dialect: 木有 is 没有
        ("他们都嫌我年纪大，我都四十九了", {"age": 49}),
        ("大龄失业人员", {"hardship_groups": ["older_unemployed"], "employment_status": "unemployed"}),
        ("初中文化，招工的都要大专", {"is_college_graduate": False}),  # a bare degree word does not undo it
        ("我是护士，在医院上班，没在平台上接过单", {"employment_status": "employed", "platform_worker": False}),
    ],
)
def test_echoes_dialect_and_weak_words(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected
