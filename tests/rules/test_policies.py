"""The policy files: complete, cited, verbatim, and checked on load."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.errors import PolicyFileError
from rules.policy import default_policies, load_policies, source_text
from rules.sources import default_sources
from tests.rules.conftest import catalogue_ids


def test_every_catalogue_id_has_exactly_one_policy() -> None:
    ids = default_policies().ids
    assert sorted(ids) == sorted(catalogue_ids())
    assert len(ids) == len(set(ids)) == 38


def test_policies_come_in_catalogue_order() -> None:
    assert default_policies().ids == catalogue_ids()


@pytest.mark.parametrize("policy", default_policies().policies, ids=lambda p: p.id)
def test_quotes_and_units_are_verbatim_in_the_shipped_text(policy) -> None:  # type: ignore[no-untyped-def]
    text = source_text()
    assert policy.quotes, policy.id
    for quote in policy.quotes:
        assert quote in text, f"{policy.id}: not verbatim: {quote}"
    for unit in policy.responsible_units:
        assert unit in text
    if policy.until_quote:
        assert policy.until_quote in text
    for param in policy.parameters.values():
        for dated in param.values:
            assert dated.reference.quote in default_sources().documents[dated.reference.document].text


@pytest.mark.parametrize("policy", default_policies().policies, ids=lambda p: p.id)
def test_article_matches_the_catalogue(policy) -> None:  # type: ignore[no-untyped-def]
    catalogue = Path(__file__).resolve().parents[2] / "rules" / "source" / "CATALOGUE.md"
    row = next(line for line in catalogue.read_text(encoding="utf-8").splitlines() if f"| {policy.id} |" in line)
    assert f"| {policy.article} |" in row


def _edit(policy_dir: Path, name: str, old: str, new: str) -> None:
    path = policy_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text missing from {name}: {old}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("重点鼓励用人单位吸纳失业3个月及以上人员。", "重点鼓励用人单位吸纳失业6个月及以上人员。", "not verbatim"),
        ("fact: employment_status", "fact: employment_state", "unknown fact"),
        ("from: 2022-06-27", "from: 2022-13-45", "bad date"),
        ("article: 四(二)", "article: ''", "missing citation"),
        ("is: unemployed", "is: jobless", "does not fit"),
        ("confirm_with: 区就业促进中心（市人力资源社会保障局）", "", "must name the office"),
        ("gte: {param: min_unemployed_months}", "gte: {as_of_year: soon}", "whole number of years"),
        ("is: unemployed", "is: {as_of_year: 0}", "int fact"),
    ],
)
def test_broken_policy_files_are_refused_naming_the_file(policy_dir: Path, old: str, new: str, message: str) -> None:
    _edit(policy_dir, "unemployed_hiring_subsidy.yaml", old, new)
    with pytest.raises(PolicyFileError) as err:
        load_policies(policy_dir)
    assert "unemployed_hiring_subsidy.yaml" in str(err.value)
    assert message in str(err.value)


def test_invalid_yaml_is_refused_naming_the_file(policy_dir: Path) -> None:
    (policy_dir / "unemployed_hiring_subsidy.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(PolicyFileError, match=r"unemployed_hiring_subsidy\.yaml: not valid YAML"):
        load_policies(policy_dir)


def test_rules_version_changes_when_a_rule_changes(policy_dir: Path) -> None:
    before = load_policies(policy_dir).version
    _edit(policy_dir, "unemployed_hiring_subsidy.yaml", "用人单位无需另行申请。", "用人单位不需要另行申请。")
    assert load_policies(policy_dir).version != before


def test_a_reading_rests_on_a_verbatim_sentence(policy_dir: Path) -> None:
    policy = default_policies().get("graduate_enlistment_support")
    assert policy is not None and policy.readings
    assert all(r.quote in source_text() and r.text for r in policy.readings)
    path = policy_dir / "graduate_enlistment_support.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    quote: 鼓励更多本市高校毕业生应征入伍", "    quote: 鼓励更多本市户籍高校毕业生应征入伍")
    )
    with pytest.raises(
        PolicyFileError, match=r"graduate_enlistment_support\.yaml: readings\[2\] quote is not verbatim"
    ):
        load_policies(policy_dir)


def test_an_employer_measure_must_say_what_the_employer_does(policy_dir: Path) -> None:
    path = policy_dir / "unemployed_hiring_subsidy.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("employer_steps:")], encoding="utf-8")
    with pytest.raises(PolicyFileError) as err:
        load_policies(policy_dir)
    assert "unemployed_hiring_subsidy.yaml" in str(err.value) and "employer_steps" in str(err.value)


def test_every_employer_measure_has_its_own_steps() -> None:
    employer = [p for p in default_policies() if p.kind == "employer"]
    assert employer
    for p in employer:
        assert p.employer_steps and not any(s.startswith(("求职", "可以告诉")) for s in p.employer_steps), p.id
