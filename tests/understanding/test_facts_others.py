"""Facts said of someone else stay theirs; typed negations and English negations keep their polarity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from understanding.facts import read
from understanding.normalise import normalise

AS_OF = dt.date(2022, 9, 1)


def facts(text: str) -> dict[str, Any]:
    return read(normalise(text), as_of=AS_OF).facts


@pytest.mark.parametrize(
    ("text", "not_read"),
    [
        ("我妈是低保户，我今年大专毕业", "minimum_living_allowance"),
        ("我爸在领低保，我自己在读中职", "minimum_living_allowance"),
        ("帮来访者问：王阿姨五十一岁，失业半年，她丈夫有残疾证", "hardship_groups"),
        ("工作人员代问：来访者李先生，47岁，他老婆是低保对象", "minimum_living_allowance"),
        ("我和我哥都是农民工，他在跑外卖，我在工地打零工", "platform_worker"),
        ("我侄子在技校读书，我自己是开网约车的", "vocational_school_student"),
        ("闺蜜被认定为就业困难人员了，我也失业七个月了", "hardship_certified"),
    ],
)
def test_what_is_said_of_someone_else_is_not_the_writers(text: str, not_read: str) -> None:
    assert not_read not in facts(text)


def test_the_visitor_herself_is_still_read_beside_her_husband() -> None:
    got = facts("站里代问：来访人是外地户口，在上海住了六年，她老公是本地人，她本人没工作")
    assert got["shanghai_hukou"] is False
    assert got["employment_status"] == "unemployed"


@pytest.mark.parametrize(
    ("text", "fact", "value"),
    [
        ("暂时布想找工作，累了", "wants_job", False),
        ("我失业三个月了，还每去登记", "registered_unemployed", False),
        ("I don't want a job right now，先休息", "wants_job", False),
        ("unemployed for 6 months, not registered yet", "registered_unemployed", False),
        ("我今年四十无岁，男的", "age", 45),
        ("我实业三各月了", "unemployed_months", 3),
        ("我不是长期失业青年，我才失业两个月", "unemployed_months", 2),
    ],
)
def test_typed_and_english_negations_and_numbers_keep_their_value(text: str, fact: str, value: Any) -> None:
    assert facts(text).get(fact) == value


@pytest.mark.parametrize(
    ("text", "fact", "value"),
    [
        ("低保还在申请，没批下来", "minimum_living_allowance", False),
        ("就业困难人员认定还在审", "hardship_certified", False),
        ("本来想去当兵的，后来体检没过，现在不考虑了", "enlisting", False),
        ("本来想创业，后来没钱就算了", "starting_business", False),
    ],
)
def test_applied_for_or_given_up_is_not_so(text: str, fact: str, value: Any) -> None:
    assert facts(text).get(fact) is value


@pytest.mark.parametrize(
    ("text", "not_read"),
    [
        ("失业登记这个事情吧我一直拖着，总觉得手续麻烦", "registered_unemployed"),
        ("同事阳了被公司辞了，我是因为部门撤了被裁的", "covid_affected_dismissal"),
        ("我是大专毕业的，也算大学生吧", "employment_status"),
    ],
)
def test_a_topic_someone_elses_case_or_a_graduates_word_states_nothing(text: str, not_read: str) -> None:
    assert not_read not in facts(text)


def test_the_writers_own_covid_dismissal_is_still_read() -> None:
    assert facts("我阳了以后被公司辞了")["covid_affected_dismissal"] is True


@pytest.mark.parametrize(
    ("text", "fact", "value"),
    [
        ("去年申请过低保，后来没批下来", "minimum_living_allowance", False),
        ("上海户口还没落下来，在上海住了三年", "shanghai_hukou", False),
        ("我原来是要去当兵的，后来没去成", "enlisting", False),
        ("登记失业这事我一直拖着，到现在也没去办", "registered_unemployed", False),
        ("困难人员认定的材料交了，认定到现在还没批", "hardship_certified", False),
        ("我不是因为隔离被裁的，是公司效益不好", "employment_status", "unemployed"),
        ("我不是因为隔离被裁的，是公司效益不好", "covid_affected_dismissal", False),
        ("不是研究生，是大专学历", "is_college_graduate", True),
        ("I got laid off last month, never received 失业金", "receiving_unemployment_insurance", False),
        ("graduated from 华东师大 last year, still looking for a job", "graduation_year", 2021),
    ],
)
def test_not_granted_not_done_and_a_denied_reason(text: str, fact: str, value: Any) -> None:
    assert facts(text).get(fact) == value


@pytest.mark.parametrize(
    ("text", "not_read"),
    [
        ("差一点被裁了，最后还是留下来了", "employment_status"),
        ("想了解一下灵活就业的政策", "wants_job"),
        ("领导想让我换个岗位", "wants_job"),
        ("我在停薪留职", "employment_status"),
        ("失业金申请了，等通知", "receiving_unemployment_insurance"),
    ],
)
def test_what_almost_happened_or_was_only_applied_for_states_nothing(text: str, not_read: str) -> None:
    assert not_read not in facts(text)
