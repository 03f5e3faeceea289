import datetime as dt

import pytest

from understanding.numbers import (
    Duration,
    chinese_to_int,
    first_int,
    parse_age,
    parse_duration,
    parse_months,
    parse_year,
)


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("53", 53),
        ("５３", 53),
        ("五十三", 53),
        ("二十", 20),
        ("十", 10),
        ("十五", 15),
        ("两百", 200),
        ("二百零五", 205),
        ("一百二十", 120),
        ("两百五", 250),
        ("三千五", 3500),
        ("一万二", 12000),
        ("十万", 100000),
        ("二〇二二", 2022),
        ("二零二一", 2021),
        ("三", 3),
        ("零", 0),
        ("abc", None),
        ("", None),
    ],
)
def test_chinese_to_int(token: str, expected: int | None) -> None:
    assert chinese_to_int(token) == expected


@pytest.mark.parametrize(
    ("text", "months", "at_least"),
    [
        ("三个月", 3, False),
        ("半年", 6, False),
        ("一年多", 12, True),
        ("十个月", 10, False),
        ("两年", 24, False),
        ("一个多月", 1, True),
        ("3个月", 3, False),
        ("３个月", 3, False),
        ("一年半", 18, False),
        ("三个多月", 3, True),
        ("两年多", 24, True),
        ("十几个月", 10, True),
        ("一年零三个月", 15, False),
        ("1年3个月", 15, False),
        ("二十个月", 20, False),
        ("失业半年了", 6, False),
        ("我失业五个月了", 5, False),
        ("半个月", 0, False),
        ("两周", 0, False),
        ("十天", 0, False),
        ("一年", 12, False),
    ],
)
def test_parse_duration(text: str, months: int, at_least: bool) -> None:
    assert parse_duration(text) == Duration(months, at_least)
    assert parse_months(text) == months


@pytest.mark.parametrize("text", ["几个月", "很久", "", "不知道"])
def test_parse_duration_without_a_number(text: str) -> None:
    assert parse_duration(text) is None


def test_at_least_is_said() -> None:
    assert Duration(12, True).describe() == "至少12个月"
    assert Duration(6).describe() == "6个月"


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("五十三", 53),
        ("53", 53),
        ("53岁", 53),
        ("我今年五十三岁", 53),
        ("二十", 20),
        ("四十五周岁", 45),
        ("没说", None),
    ],
)
def test_parse_age(text: str, age: int | None) -> None:
    assert parse_age(text) == age


TODAY = dt.date(2022, 7, 1)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2022年", 2022),
        ("22届", 2022),
        ("21届的", 2021),
        ("98届", 1998),
        ("二〇二二年", 2022),
        ("二零二一年毕业", 2021),
        ("今年", 2022),
        ("去年", 2021),
        ("前年", 2020),
        ("明年", 2023),
        ("还不知道", None),
    ],
)
def test_parse_year(text: str, year: int | None) -> None:
    assert parse_year(text, TODAY) == year


def test_relative_years_follow_the_reference_date_not_the_clock() -> None:
    assert parse_year("今年", dt.date(2030, 1, 1)) == 2030
    assert parse_year("去年", dt.date(2023, 12, 31)) == 2022


def test_first_int_finds_the_first_number() -> None:
    assert first_int("我三十岁，有两个孩子") == 30
    assert first_int("没有数字") is None


@pytest.mark.parametrize(("text", "months"), [("八九个月", 8), ("三四个月", 3)])
def test_a_range_of_months_is_its_lower_bound(text: str, months: int) -> None:
    assert parse_duration(text) == Duration(months, True)


def test_short_chinese_years_are_read_digit_by_digit() -> None:
    assert parse_year("二三年", TODAY) == 2023
