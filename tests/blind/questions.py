"""Scoring the bot's answers to a blind set of policy questions (tests/blind/questions_*.yml).

An answer names measures in its `custom.explained` (or `custom.candidates` when it asks which one was
meant) and says its kind in `custom.answer`. A question is right when expected ⊆ named ⊆ expected ∪ also_ok;
an out_of_scope question needs an out-of-scope answer; a procedure question a procedure answer naming the
expected measures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from tests.blind.scoring import BLIND

Answer = Callable[[str], tuple[str, list[str]]]  # text → (answer kind, measures named)


def load_questions(name: str) -> list[dict[str, Any]]:
    return list(yaml.safe_load((BLIND / name).read_text(encoding="utf-8"))["questions"])


def judge(question: Mapping[str, Any], kind: str, named: list[str]) -> bool:
    expected = set(question.get("measures") or [])
    allowed = expected | set(question.get("also_ok") or [])
    category = question.get("category")
    if category == "out_of_scope":
        return kind == "out_of_scope"
    if category == "procedure":
        return kind == "procedure" and expected <= set(named)
    return bool(expected) and expected <= set(named) <= allowed


def from_replies(replies: list[dict[str, Any]]) -> tuple[str, list[str]]:
    for message in replies:
        custom = message.get("custom")
        if isinstance(custom, dict) and "answer" in custom:
            return str(custom["answer"]), list(custom.get("explained") or custom.get("candidates") or [])
    return "none", []


@dataclass
class QuestionReport:
    right: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    misses: list[tuple[dict[str, Any], str, list[str]]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(self.right.values()) / max(1, sum(self.total.values()))

    def table(self) -> str:
        lines = [f"{'category':<14}{'right':>6}{'of':>5}  accuracy"]
        for category in sorted(self.total):
            lines.append(
                f"{category:<14}{self.right[category]:>6}{self.total[category]:>5}  "
                f"{self.right[category] / self.total[category]:.1%}"
            )
        lines.append(f"{'all':<14}{sum(self.right.values()):>6}{sum(self.total.values()):>5}  {self.accuracy:.1%}")
        return "\n".join(lines)


def score_questions(questions: list[dict[str, Any]], answer: Answer) -> QuestionReport:
    report = QuestionReport()
    for question in questions:
        kind, named = answer(question["text"])
        category = str(question["category"])
        report.total[category] += 1
        if judge(question, kind, named):
            report.right[category] += 1
        else:
            report.misses.append((question, kind, named))
    return report
