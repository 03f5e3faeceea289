"""Assessment payload (CONTRACT.md section 2) → rows for the widget table and plain text for chat."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rules.cli import STATUS_HEADINGS

# Table order: what a person can act on first.
STATUS_ORDER = ["eligible", "needs_confirmation", "needs_info", "not_eligible", "expired"]
STATUS_CSS = {
    "eligible": "ok",
    "needs_confirmation": "confirm",
    "needs_info": "info",
    "not_eligible": "no",
    "expired": "expired",
}


def status_label(status: str) -> str:
    return STATUS_HEADINGS.get(status, status)


@dataclass(frozen=True)
class Row:
    policy_id: str
    status: str
    status_label: str
    title: str
    article: str
    next_step: str

    def to_dict(self) -> dict[str, str]:
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
            )
        )
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    out.sort(key=lambda row: rank.get(row.status, len(rank)))
    return out


def assessment_text(assessment: dict[str, Any], max_len: int = 3800) -> str:
    """A compact Chinese summary for chat channels: what applies, what needs confirming or more info."""
    lines = ["评估结果（依据沪府规〔2022〕6号）："]
    shown = ("eligible", "needs_confirmation", "needs_info")
    for status in shown:
        group = rows(assessment, {status})
        if not group:
            continue
        lines.append(f"\n【{status_label(status)}】（{len(group)}项）")
        for row in group:
            lines.append(f"• {row.title}（《意见》{row.article}）")
            if row.next_step and status != "needs_info":
                lines.append(f"  → {row.next_step}")
    rest = len(rows(assessment, {"not_eligible", "expired"}))
    if rest:
        lines.append(f"\n另有{rest}项暂不符合或已到期。")
    if len(lines) == 1:
        lines.append("暂无结果。")
    text = "\n".join(lines)
    if len(text) > max_len:
        text = text[: max_len - 20].rstrip() + "\n……（内容较长，已截断）"
    return text
