"""General reading rules (polarity, echoes, speakers, employers), each with sentences written for these tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from understanding.facts import read
from understanding.normalise import normalise

AS_OF = dt.date(2022, 9, 1)


def facts(text: str, **kwargs: Any) -> dict[str, Any]:
    return read(normalise(text), as_of=AS_OF, **kwargs).facts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a double negation is a yes; a negation after the phrase with a subject between
        ("也不是不想干活，就是腰不好", {"wants_job": True}),
        ("残疾人我不是，低保我家也不是", {"minimum_living_allowance": False}),
        # echoes of a key word, then the answer
        ("上班？没有啊", {"employment_status": "unemployed"}),
        ("工作？有的", {"employment_status": "employed"}),
        ("失业登记？没去过", {"registered_unemployed": False}),
        ("困难人员认定呢，还没有", {"hardship_certified": False}),
        ("戒毒？没有的事", {}),  # a group is a list, not a yes/no fact: nothing
        ("哺乳期？没有的事", {"pregnant_or_nursing": False}),
    ],
)
def test_polarity_and_echoes(text: str, expected: dict[str, Any]) -> None:
    assert facts(text) == expected


def test_the_writer_among_those_a_clause_speaks_of() -> None:
    assert facts("我老公跟我都被裁了") == {"employment_status": "unemployed"}
    assert facts("女儿和我都没工作") == {"employment_status": "unemployed"}
    assert facts("我女儿没工作") == {}  # only the daughter


def test_a_message_for_a_relative_states_the_relative() -> None:
    assert facts("替我弟弟问问，他今年二十六，大专毕业，没工作") == {
        "age": 26,
        "is_college_graduate": True,
        "employment_status": "unemployed",
    }
    assert facts("我侄子在技校读书，他能不能领补贴") == {
        "vocational_school_student": True,
        "employment_status": "student",
    }
    assert facts("我妈退休了，她能不能领补贴，我自己也在找工作") == {"wants_job": True}  # not a proxy: the writer too


def test_answers_said_with_a_time_word_before_the_no() -> None:
    assert facts("目前不考虑", asked=["wants_job"]) == {"wants_job": False}


@pytest.mark.parametrize(
    ("text", "industry"),
    [
        ("我们是开火锅店的，想招两个服务员", "餐饮"),  # 开…店 is a business, 火锅店 its industry
        ("我们剧院想招几个人", "文体娱乐"),
        ("我们小超市要招收银员", "零售"),
    ],
)
def test_employers_and_their_industry(text: str, industry: str) -> None:
    assert facts(text) == {"employer_industry": industry}


def test_a_parent_is_not_an_employer() -> None:
    assert read(normalise("我们做父母的很着急，儿子一直没找到工作"), as_of=AS_OF).audience is None
