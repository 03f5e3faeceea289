"""Assessment payload (docs/interfaces.md section 2) → rows for the widget table and plain text for chat."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rules.vocabulary import ACTIONABLE, OPINION_NUMBER, status_label, status_rank


@dataclass(frozen=True)
class Row:
    policy_id: str
    status: str
    status_label: str
    title: str
    article: str
    next_step: str
    actionable: bool  # one of the statuses a chat shows first (the widget hides the others by default)

    def to_dict(self) -> dict[str, str | bool]:
        return self.__dict__.copy()


def rows(assessment: dict[str, Any], include: set[str] | None = None) -> list[Row]:
    """One row per result, ordered by status then as given; `include` limits the statuses shown."""
    out: list[Row] = []
    for r in assessment.get("results") or []:
        if not isinstance(r, dict):
            continue
        status = str(r.get("status", ""))
        if include is not None and status not in include:
            continue
        steps = r.get("next_steps") or []
        out.append(
            Row(
                policy_id=str(r.get("policy_id", "")),
                status=status,
                status_label=status_label(status),
                title=str(r.get("title") or r.get("policy_id", "")),
                article=str(r.get("article", "")),
                next_step=str(steps[0]) if steps else "",
                actionable=status in ACTIONABLE,
            )
        )
    out.sort(key=lambda row: status_rank(row.status))
    return out


def assessment_text(assessment: dict[str, Any], max_len: int = 3800) -> str:
    """A compact Chinese summary for chat channels: what applies, what needs confirming or more info."""
    lines = [f"评估结果（依据{OPINION_NUMBER}）："]
    for status in ACTIONABLE:
        group = rows(assessment, {status})
        if not group:
            continue
        lines.append(f"\n【{status_label(status)}】（{len(group)}项）")
        for row in group:
            lines.append(f"• {row.title}（《意见》{row.article}）")
            if row.next_step and status != "needs_info":
                lines.append(f"  → {row.next_step}")
    rest = len([r for r in rows(assessment) if r.status not in ACTIONABLE])
    if rest:
        lines.append(f"\n另有{rest}项暂不符合或已到期。")
    if len(lines) == 1:
        lines.append("暂无结果。")
    text = "\n".join(lines)
    if len(text) > max_len:
        text = text[: max_len - 20].rstrip() + "\n……（内容较长，已截断）"
    return text
