"""Blind sets through the running bot (the session's real stack): policy questions and whole consultations.

- questions_*.yml: the share of questions whose answer names the right measure(s) in `custom.explained`.
  The conversation issue asks for 90% of a blind set. questions_test.yml was blind when first run through the
  whole stack (77.9% on 2026-12-01); it has been a development set since (its misses were read and their causes
  fixed: 189 of 190 through the stack on 2026-12-02), so it no longer measures strangers. questions_final.yml
  (180, written blind on 2026-12-02 and never read for development) does. Each floor is a little under the
  figure reached (a retrained DIET may move a borderline question), so that the figures can only go up;
- personas.yml: every persona reaches a result, the mean number of questions is at most 6, and no status of
  the bot's last assessment differs from the engine's on the persona's true facts.
The figures are printed (pytest -s); bench/persona_sim.py prints the same simulation with its transcripts.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from bot.stack import Stack
from tests.blind.questions import from_replies, load_questions, score_questions
from tests.blind.simulate import simulate

pytestmark = [pytest.mark.rasa]

# the set, and its floor: a little under the figure reached through the stack (see the module docstring)
QUESTIONS_FLOORS = {
    "questions_test.yml": 0.97,  # development since 2026-12-01: 189 of 190 on 2026-12-02
    # blind: 146 of 180 (81.1%) through the stack at its first run on 2026-12-02; 149 (82.8%) for the matcher after
    # three rounds of work on five other blind sets (bench/question_eval.py): held a little below, it can only go up
    # (148 for the matcher on 2026-12-02's third session, after 能拿什么钱 was read as a list: one question fewer)
    "questions_final.yml": 0.80,
    # written blind after that work and never read: 158 of 200 (79.0%) for the matcher, 154 (77.0%) through the
    # stack at its first run (clean-clone CI of 2441ee4): the stack and the matcher disagree on 4 of them
    "questions_final2.yml": 0.76,
    # written blind during the third session of 2026-12-02 and never read: 163 of 200 (81.5%) for the matcher at its
    # first run; held below it until the stack's own figure is on record
    "questions_final3.yml": 0.78,
    # written blind at the start of the fourth session of 2026-12-02 and never read: 151 of 200 (75.5%) for the
    # matcher at its first run (personal 20 of 50); after that session's work 160 for the matcher and 159 (79.5%)
    # through the stack (clean-clone CI of b87faef, pytest -s)
    "questions_final4.yml": 0.77,
}


def sender_for(stack: Stack):  # type: ignore[no-untyped-def]
    client = httpx.Client(trust_env=False, timeout=120)

    def send(sender: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        body = {"sender": sender, "message": text, "metadata": metadata}
        resp = client.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body)
        resp.raise_for_status()
        return list(resp.json())

    return send


@pytest.mark.parametrize("name", sorted(QUESTIONS_FLOORS))
def test_blind_policy_questions_are_answered(real_stack: Stack, name: str) -> None:
    send = sender_for(real_stack)
    prefix = uuid.uuid4().hex[:6]
    questions = load_questions(name)
    assert len(questions) >= 150
    counter = iter(range(10**6))

    def answer(text: str) -> tuple[str, list[str]]:
        return from_replies(send(f"q-{prefix}-{next(counter)}", text, {"channel": "test"}))

    report = score_questions(questions, answer)
    print("\n" + report.table())
    assert report.accuracy >= QUESTIONS_FLOORS[name], report.table()


def test_blind_personas_reach_the_engines_result_in_few_questions(real_stack: Stack) -> None:
    summary = simulate(sender_for(real_stack), f"sim-{uuid.uuid4().hex[:6]}")
    print("\n" + summary.table())
    assert summary.reached == len(summary.outcomes), summary.table()
    assert summary.mean_questions <= 6, summary.table()
    assert summary.different_statuses == 0, summary.table()
