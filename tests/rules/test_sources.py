"""The stored documents, the opinion's entry into force, and the corrections shown for the stored text."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from rules.errors import PolicyFileError
from rules.policy import default_policies, load_policies
from rules.sources import SOURCE_DIR, default_sources, load_sources

LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture()
def source_dir(tmp_path: Path) -> Path:
    target = tmp_path / "source"
    shutil.copytree(SOURCE_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text missing from {path.name}: {old}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_opinion_takes_effect_on_the_day_it_was_issued() -> None:
    sources = default_sources()
    assert sources.in_force == dt.date(2022, 6, 27)
    quoted = {(q.document, q.text) for q in sources.in_force_quotes}
    assert ("opinion", "本意见自印发之日起施行。") in quoted
    assert ("interpretation", "《意见》已于2022年6月27日正式印发施行。") in quoted
    assert {p.effective_from for p in default_policies()} == {dt.date(2022, 6, 27)}


def test_the_stored_text_keeps_its_errors_and_what_is_shown_has_none() -> None:
    sources = default_sources()
    opinion = sources.documents["opinion"].text
    assert opinion.count(" and ") == 2  # the gazette's text layer, kept as stored: quotes are checked against it
    assert LATIN.search(sources.shown(opinion)) is None
    for fix in sources.corrections:
        assert fix.stored in opinion and fix.shown not in opinion and fix.why


def test_every_quote_is_verbatim_and_every_shown_quote_is_corrected() -> None:
    sources = default_sources()
    opinion = sources.documents["opinion"].text
    corrected = 0
    for policy in default_policies():
        assert len(policy.shown_quotes) == len(policy.quotes)
        for quote, shown in zip(policy.quotes, policy.shown_quotes, strict=True):
            assert quote in opinion
            assert LATIN.search(shown) is None, (policy.id, shown)
            corrected += quote != shown
    assert corrected == 1  # entrepreneurship_support's 创业扶持政策 and 资金支持


def test_a_correction_whose_words_are_not_in_the_stored_text_is_refused(source_dir: Path) -> None:
    _edit(source_dir / "corrections.yaml", "stored: 民营企业 and 个体工商户", "stored: 民营企业 und 个体工商户")
    with pytest.raises(PolicyFileError, match=r"corrections\.yaml: correction #1: .* is not in the stored text"):
        load_sources(source_dir)


def test_a_correction_that_changes_nothing_is_refused(source_dir: Path) -> None:
    _edit(source_dir / "corrections.yaml", "shown: 创业扶持政策和资金支持", "shown: 创业扶持政策 and 资金支持")
    with pytest.raises(PolicyFileError, match="correction #2 changes nothing"):
        load_sources(source_dir)


def test_a_correction_without_its_reason_is_refused(source_dir: Path) -> None:
    path = source_dir / "corrections.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"\n  why: [^\n]*", "", text, count=1), encoding="utf-8")
    with pytest.raises(PolicyFileError, match="correction #1 needs 'stored', 'shown' and 'why'"):
        load_sources(source_dir)


def test_an_entry_into_force_quote_that_is_not_in_its_document_is_refused(source_dir: Path) -> None:
    _edit(source_dir / "DOCUMENTS.yaml", "quote: 《意见》已于2022年6月27日", "quote: 《意见》已于2022年6月25日")
    with pytest.raises(PolicyFileError, match=r"DOCUMENTS\.yaml: in_force\.quotes\[1\] is not verbatim"):
        load_sources(source_dir)


def test_a_listed_document_without_its_text_is_refused(source_dir: Path) -> None:
    (source_dir / "opinion-2022-6-interpretation.md").unlink()
    with pytest.raises(PolicyFileError, match="document 'interpretation': no stored text"):
        load_sources(source_dir)


def _policy_dir(tmp_path: Path) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(SOURCE_DIR.parent / "policies", target)
    return target


def test_a_measure_cannot_start_before_the_opinion(tmp_path: Path) -> None:
    policies = _policy_dir(tmp_path)
    _edit(policies / "teacher_certify_later.yaml", "effective:\n", "effective:\n  from: 2022-06-25\n")
    with pytest.raises(PolicyFileError, match=r"teacher_certify_later\.yaml: effective\.from 2022-06-25 is before"):
        load_policies(policies)


def test_a_later_start_needs_the_words_that_set_it(tmp_path: Path) -> None:
    policies = _policy_dir(tmp_path)
    _edit(policies / "teacher_certify_later.yaml", "effective:\n", "effective:\n  from: 2022-07-01\n")
    with pytest.raises(PolicyFileError, match=r"effective\.from_quote"):
        load_policies(policies)
    _edit(
        policies / "teacher_certify_later.yaml",
        "  from: 2022-07-01\n",
        "  from: 2022-07-01\n  from_quote: 实施教师资格阶段性措施\n",
    )
    policy = load_policies(policies).get("teacher_certify_later")
    assert policy is not None and policy.effective_from == dt.date(2022, 7, 1)
    assert "实施教师资格阶段性措施" in policy.start_basis
