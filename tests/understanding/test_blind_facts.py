"""The bot's reading of facts, on blind sets written by strangers (tests/blind/README.md), with thresholds.

The path is the bot's: the channel's normalisation, then understanding.facts.read with the question that
was pending (for replies). Thresholds (the understanding issue): at least 90% of messages with every fact
right, per-fact recall at least 97%, wrong values (another value, or a fact not stated) at most 0.5%.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.blind.scoring import load, score, table
from understanding.facts import read
from understanding.normalise import normalise


def reader(text: str, asked: list[str], as_of: dt.date) -> dict:
    return read(normalise(text), asked=asked, as_of=as_of).facts


@pytest.mark.parametrize("name", ["facts_test.yml"])
def test_blind_set_meets_the_thresholds(name: str) -> None:
    as_of, messages = load(name)
    assert len(messages) >= 300
    report = score(messages, as_of, reader)
    print(f"\n{name}\n{table(report)}")
    assert report.total.full_rate >= 0.90, table(report)
    assert report.total.recall >= 0.97, table(report)
    assert report.total.wrong_rate <= 0.005, table(report)


def test_scoring_counts_a_wrong_value_and_a_fact_not_stated() -> None:
    messages = [{"id": "x", "category": "plain", "text": "我失业半年了", "facts": {"unemployed_months": 5}}]
    report = score(messages, dt.date(2022, 9, 1), reader)
    assert report.total.fully_right == 0 and report.total.wrong == 1 and report.total.spurious == 1


def test_the_final_blind_set_does_not_get_worse() -> None:
    """facts_final.yml is never read for development: it measures strangers. It does not meet the issue's
    thresholds (86.6% of messages fully right, recall 93.8%, wrong values 2.80% on 2026-12-02); these floors
    hold what was reached, so that it can only go up."""
    as_of, messages = load("facts_final.yml")
    assert len(messages) >= 300
    report = score(messages, as_of, reader)
    print(f"\nfacts_final.yml\n{table(report)}")
    assert report.total.full_rate >= 0.86, table(report)
    assert report.total.recall >= 0.93, table(report)
    assert report.total.wrong_rate <= 0.03, table(report)
