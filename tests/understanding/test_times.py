"""Points in time as months before the evaluation date (passed in, never the clock)."""

from __future__ import annotations

import datetime as dt

import pytest

from understanding.times import months_since

AS_OF = dt.date(2022, 9, 1)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("去年底", 9),
        ("去年年底被裁", 9),
        ("今年三月", 6),
        ("三月份", 6),
        ("十月份", 11),  # October has not come yet this year: last year's
        ("春节后", 7),
        ("年初", 8),
        ("上个月", 1),
        ("上周", 0),
        ("前几天", 0),
        ("半年前", 6),
        ("一年半以前", 18),
        ("去年五月", 16),
    ],
)
def test_months_since(text: str, months: int) -> None:
    assert months_since(text, AS_OF) == months


def test_the_evaluation_date_decides() -> None:
    assert months_since("去年底", dt.date(2023, 3, 1)) == 3
    assert months_since("今年三月", dt.date(2022, 2, 1)) is None  # March has not come: not a past point
