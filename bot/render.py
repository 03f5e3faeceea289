"""Assessment payload (docs/interfaces.md section 2) → a compact Chinese text for the chat channels.

Used by bot/display.py when the bot sent an assessment without text of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rules.vocabulary import ACTIONABLE, OPINION_NUMBER, by_status, status_label


@dataclass(frozen=True)
class Row:
    """One result of the payload, as much of it as the summary shows."""

    status: str
    title: str
    article: str
    next_step: str


def rows(assessment: Mapping[str, Any]) -> list[Row]:
    out = []
    for r in assessment.get("results") or []:
        if isinstance(r, Mapping):
            steps = r.get("next_steps") or []
            title = str(r.get("title") or r.get("policy_id", ""))
            out.append(Row(str(r.get("status", "")), title, str(r.get("article", "")), str(steps[0]) if steps else ""))
    return out


def assessment_text(assessment: Mapping[str, Any], max_len: int = 3800) -> str:
    """What applies, what needs confirming or more information; the rest as one count."""
    lines = [f"评估结果（依据{OPINION_NUMBER}）："]
    results = rows(assessment)
    for status, group in by_status(results, ACTIONABLE):
        lines.append(f"\n【{status_label(status)}】（{len(group)}项）")
        for row in group:
            lines.append(f"• {row.title}（《意见》{row.article}）")
            if row.next_step and status != "needs_info":
                lines.append(f"  → {row.next_step}")
    rest = len([r for r in results if r.status not in ACTIONABLE])
    if rest:
        lines.append(f"\n另有{rest}项暂不符合或已到期。")
    if len(lines) == 1:
        lines.append("暂无结果。")
    text = "\n".join(lines)
    if len(text) > max_len:
        text = text[: max_len - 20].rstrip() + "\n……（内容较长，已截断）"
    return text
