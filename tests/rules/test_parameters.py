"""Dated parameters: each value carries its own reference (document, article, quote), refused on load without one."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from rules import assess
from rules.errors import PolicyFileError
from rules.policy import load_policies
from rules.sources import SOURCE_DIR, load_sources

FILE = "unemployed_hiring_subsidy.yaml"
SHIPPED_VALUE = """      - from: 2022-06-27
        value: 3
        reference: {article: 四(二), quote: 重点鼓励用人单位吸纳失业3个月及以上人员}
"""
# A made-up later document that raises the threshold; stored beside the opinion in a scratch source folder.
NOTICE = "关于调整吸纳失业人员一次性就业补贴的通知\n\n一、重点鼓励用人单位吸纳失业6个月及以上人员。\n"


def _edit(policy_dir: Path, old: str, new: str) -> None:
    path = policy_dir / FILE
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text missing from {FILE}: {old}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _refused(policy_dir: Path, message: str, sources_dir: Path = SOURCE_DIR) -> None:
    with pytest.raises(PolicyFileError) as err:
        load_policies(policy_dir, load_sources(sources_dir))
    assert FILE in str(err.value)
    assert message in str(err.value)


@pytest.fixture()
def sources_with_notice(tmp_path: Path) -> Path:
    """A copy of rules/source with one more stored document, `notice-2023`."""
    target = tmp_path / "source"
    shutil.copytree(SOURCE_DIR, target)
    (target / "notice-2023.md").write_text(NOTICE, encoding="utf-8")
    registry = target / "DOCUMENTS.yaml"
    text = registry.read_text(encoding="utf-8")
    entry = "  notice-2023:\n    title: 关于调整吸纳失业人员一次性就业补贴的通知\n    file: notice-2023.md\n\n"
    registry.write_text(text.replace("\n# The opinion takes effect", "\n" + entry + "# The opinion takes effect"))
    return target


def later_value(reference: str) -> str:
    return SHIPPED_VALUE + f"      - from: 2023-01-01\n        value: 6\n        reference: {reference}\n"


def test_a_value_without_a_reference_is_refused(policy_dir: Path) -> None:
    _edit(policy_dir, SHIPPED_VALUE, SHIPPED_VALUE + "      - from: 2023-01-01\n        value: 6\n")
    _refused(policy_dir, "value #2 needs")


def test_a_reference_without_a_quote_is_refused(policy_dir: Path) -> None:
    _edit(policy_dir, SHIPPED_VALUE, later_value("{document: opinion, article: 四(二)}"))
    _refused(policy_dir, "value #2 needs its own reference")


def test_the_old_shape_with_one_reference_for_all_dates_is_refused(policy_dir: Path) -> None:
    ref = "{article: 四(二), quote: 重点鼓励用人单位吸纳失业3个月及以上人员}"
    old = f"    values:\n      2022-06-27: 3\n    reference: {ref}\n"
    _edit(policy_dir, "    values:\n" + SHIPPED_VALUE, old)
    _refused(policy_dir, "takes 'description' and 'values' (each value with its own reference)")


def test_a_later_value_that_reuses_the_earlier_quote_is_refused(policy_dir: Path) -> None:
    # The trap of issue 11: 3 → 6 months from 2023 with the 2022 sentence still standing for it.
    _edit(policy_dir, SHIPPED_VALUE, later_value("{article: 四(二), quote: 重点鼓励用人单位吸纳失业3个月及以上人员}"))
    _refused(policy_dir, "the value from 2023-01-01 rests on the same quote as the one before it")


def test_a_quote_the_opinion_does_not_contain_is_refused(policy_dir: Path) -> None:
    _edit(policy_dir, SHIPPED_VALUE, later_value("{article: 一, quote: 重点鼓励用人单位吸纳失业6个月及以上人员}"))
    _refused(
        policy_dir, "value #2 reference quote is not verbatim in 《关于做好本市当前和今后一个时期稳就业工作的意见》"
    )


def test_a_document_that_is_not_stored_is_refused(policy_dir: Path) -> None:
    ref = "{document: notice-2023, article: 一, quote: 重点鼓励用人单位吸纳失业6个月及以上人员}"
    _edit(policy_dir, SHIPPED_VALUE, later_value(ref))
    _refused(policy_dir, "names document 'notice-2023', which is not stored")


def test_a_stored_document_is_checked_verbatim_too(policy_dir: Path, sources_with_notice: Path) -> None:
    ref = "{document: notice-2023, article: 一, quote: 重点鼓励用人单位吸纳失业12个月及以上人员}"
    _edit(policy_dir, SHIPPED_VALUE, later_value(ref))
    _refused(policy_dir, "is not verbatim in 关于调整吸纳失业人员一次性就业补贴的通知", sources_with_notice)


def test_two_values_on_one_date_are_refused(policy_dir: Path) -> None:
    twice = SHIPPED_VALUE + SHIPPED_VALUE.replace("value: 3", "value: 4")
    _edit(policy_dir, SHIPPED_VALUE, twice)
    _refused(policy_dir, "has two values from 2022-06-27")


def test_a_parameter_without_a_value_when_the_measure_starts_is_refused(policy_dir: Path) -> None:
    _edit(policy_dir, "      - from: 2022-06-27\n        value: 3", "      - from: 2022-07-01\n        value: 3")
    _refused(policy_dir, "has no value on 2022-06-27, when the measure starts")


def test_a_value_from_another_stored_document_applies_from_its_date(
    policy_dir: Path, sources_with_notice: Path
) -> None:
    ref = "{document: notice-2023, article: 一, quote: 重点鼓励用人单位吸纳失业6个月及以上人员}"
    _edit(policy_dir, SHIPPED_VALUE, later_value(ref))
    policies = load_policies(policy_dir, load_sources(sources_with_notice))
    policy = policies.get("unemployed_hiring_subsidy")
    assert policy is not None
    param = policy.parameters["min_unemployed_months"]
    before, after = param.value_at(dt.date(2022, 12, 31)), param.value_at(dt.date(2023, 1, 1))
    assert (before.value, before.reference.document) == (3, "opinion")
    assert (after.value, after.reference.document, after.reference.article) == (6, "notice-2023", "一")
    facts = {"employment_status": "unemployed", "unemployed_months": 4}
    statuses = [
        assess(facts, day, policies).by_id()["unemployed_hiring_subsidy"].status
        for day in (dt.date(2022, 12, 31), dt.date(2023, 1, 1))
    ]
    assert statuses == ["eligible", "needs_confirmation"]
