"""next_questions(): only facts that still change an outcome, most decisive first."""

from __future__ import annotations

import datetime as dt

import pytest

from rules import assess, next_questions, rank_questions
from rules.facts import FACTS, _fact
from rules.policy import default_policies
from rules.questions import _candidates, plan_questions, question_text

JULY = dt.date(2022, 7, 1)


def _statuses(facts: dict) -> dict[str, str]:
    return {r.policy_id: r.status for r in assess(facts, JULY).results}


def test_every_question_can_change_some_outcome() -> None:
    for facts in ({}, {"employment_status": "unemployed"}, {"hardship_groups": ["disabled"]}):
        before = _statuses(facts)
        for name in next_questions(facts, JULY):
            assert name not in facts
            values = _candidates(name, default_policies(), JULY)
            assert any(_statuses({**facts, name: v}) != before for v in values), name


def test_answered_and_skipped_facts_are_not_asked_again() -> None:
    first = next_questions({}, JULY)
    assert first
    top = first[0]
    assert top not in next_questions({}, JULY, skip={top})
    answered = {top: _candidates(top, default_policies(), JULY)[0]}
    assert top not in next_questions(answered, JULY)


def test_nothing_is_asked_once_nothing_is_undecided() -> None:
    facts: dict = {}
    for _ in range(len(FACTS)):
        questions = next_questions(facts, JULY)
        if not questions:
            break
        name = questions[0]
        facts[name] = _candidates(name, default_policies(), JULY)[-1]
    assert next_questions(facts, JULY) == []
    assert all(r.status != "needs_info" for r in assess(facts, JULY).results)


def test_the_more_decisive_question_comes_first() -> None:
    ranked = rank_questions({}, JULY)
    scores = [round(s.decides, 9) for s in ranked]
    assert scores == sorted(scores, reverse=True)
    # Months of unemployment settle nothing while the employment status is unknown ...
    order = [s.fact for s in ranked]
    assert "employment_status" in order and "unemployed_months" not in order
    # ... and become worth asking once the person is known to be unemployed.
    assert "unemployed_months" in next_questions({"employment_status": "unemployed"}, JULY)


def test_a_nonsense_fact_is_an_error_not_a_question() -> None:
    import pytest

    from rules import FactError

    with pytest.raises(FactError):
        next_questions({"nonsense": 1}, JULY)


def test_a_student_is_asked_what_they_study_not_whether_they_graduated() -> None:
    student = {"employment_status": "student", "in_graduating_year": True}
    asked = {q.key: q.text for q in plan_questions(student, dt.date(2022, 9, 1))}
    assert asked["is_college_graduate"] == question_text("is_college_graduate", student)
    assert asked["is_college_graduate"] != FACTS["is_college_graduate"].question
    assert "毕业生吗" not in asked["is_college_graduate"]
    jobless = {"employment_status": "unemployed"}
    assert question_text("is_college_graduate", jobless) == FACTS["is_college_graduate"].question


def test_a_malformed_alternative_question_is_refused() -> None:
    with pytest.raises(ValueError, match="question_if"):
        bad = {"type": "bool", "label": "x", "question": "x?", "read": {"kind": "phrases"}}
        _fact("x", {**bad, "question_if": [{"question": "no when"}]})
