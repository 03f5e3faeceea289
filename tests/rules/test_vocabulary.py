"""The shared vocabulary: one spelling of the opinion, the statuses, dates and the Shanghai day."""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from rules import vocabulary as v

REPO = Path(__file__).resolve().parents[2]
CODE_DIRS = ("rules", "actions", "bot", "caselog", "rasa_ext")


def test_every_status_has_a_label_and_a_rank_in_display_order() -> None:
    assert set(v.STATUSES) == {"eligible", "not_eligible", "needs_info", "needs_confirmation", "expired"}
    assert [v.status_rank(s) for s in v.STATUSES] == list(range(len(v.STATUSES)))
    assert v.STATUSES[0] == "eligible" and v.status_rank("no such status") == len(v.STATUSES)
    assert v.status_label("needs_confirmation") == "需要到窗口确认"
    assert set(v.ACTIONABLE) < set(v.STATUSES)


def test_the_opinion_is_named_once_with_its_number() -> None:
    assert v.OPINION == "《关于做好本市当前和今后一个时期稳就业工作的意见》（沪府规〔2022〕6号）"
    source = (REPO / "rules" / "source" / "opinion-2022-6.md").read_text(encoding="utf-8")
    assert v.OPINION_NUMBER in source
    assert v.OPINION_TITLE.strip("《》") in source.replace("\n", "")


def _string_literals(path: Path) -> list[str]:
    """The string constants of a module's code, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_module_spells_the_shared_words_again() -> None:
    """The title, the number, the status labels and the zone live in rules/vocabulary.py only."""
    offenders = []
    for folder in CODE_DIRS:
        for path in (REPO / folder).rglob("*.py"):
            if path.name == "vocabulary.py":
                continue
            for text in _string_literals(path):
                shared = [w for w in (v.OPINION_TITLE, v.OPINION_NUMBER, "Asia/Shanghai") if w in text]
                shared += [label for label in v.STATUS_LABELS.values() if text.strip("【】") == label]
                offenders += [f"{path.relative_to(REPO)}: {w}" for w in shared]
    assert offenders == []


def test_iso_dates() -> None:
    assert v.parse_iso_date("2022-07-01") == dt.date(2022, 7, 1)
    assert v.parse_iso_date(dt.date(2022, 7, 1)) == dt.date(2022, 7, 1)
    assert v.parse_iso_date(dt.datetime(2022, 7, 1, 23, 0)) == dt.date(2022, 7, 1)
    for bad in ("2022-13-01", "yesterday", None, ""):
        with pytest.raises(ValueError, match=re.escape(repr(bad))):
            v.parse_iso_date(bad)
    with pytest.raises(argparse.ArgumentTypeError, match="use YYYY-MM-DD"):
        v.date_argument("1.7.2022")
    assert v.chinese_date(dt.date(2022, 7, 1)) == "2022年7月1日"


def test_a_day_is_a_shanghai_day() -> None:
    start, end = v.day_start(dt.date(2022, 7, 1)), v.day_end(dt.date(2022, 7, 1))
    assert start == dt.datetime(2022, 6, 30, 16, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2022, 7, 1, 16, 0, tzinfo=dt.UTC)
    late_utc = dt.datetime(2022, 6, 30, 17, 30, tzinfo=dt.UTC)  # already 1 July in Shanghai
    assert v.shanghai_today(late_utc) == dt.date(2022, 7, 1)
    assert v.local_time(late_utc) == "2022-07-01 01:30"
    assert v.local_time(late_utc.replace(tzinfo=None), seconds=True) == "2022-07-01 01:30:00"  # naive is UTC
    assert v.local_time(None) == ""
