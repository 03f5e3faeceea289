"""An assessment (contract section 2 JSON) as the staff web app shows it: for the person, then for an employer.

Each row has its status, one line saying why, the steps specific to the measure and the office that decides
(for 需要到窗口确认). Generic fallback steps of the engine (the same text on many rows) are left out: a row that
does not apply says why instead, a row that needs facts names them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from rules import FACTS, default_policies
from rules.engine import DEFAULT_STEPS
from rules.vocabulary import STATUSES, status_label, status_rank

# (section id, heading, what it means) — employer measures are what the person can tell an employer.
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("person", "个人可以了解的措施", "访客本人可以申请或参加的措施"),
    ("employer", "告诉招用您的单位", "这些补贴和减负政策由用人单位申请；求职时可以告诉招用您的单位"),
)
GENERIC_STEPS = frozenset(step for steps in DEFAULT_STEPS.values() for step in steps)
_CITE = re.compile(r"^《意见》[^：]*：")
_YOURS = re.compile(r"（您的情况：[^）]*）$")
WHY_MAX = 90


@dataclass(frozen=True)
class ResultRow:
    policy_id: str
    title: str
    section: str
    status: str
    status_label: str
    article: str
    why: str
    steps: tuple[str, ...]
    office: str
    missing: tuple[dict[str, str], ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["steps"] = list(self.steps)
        out["missing"] = [dict(m) for m in self.missing]
        return out


@cache
def _offices() -> dict[str, str]:
    return {p.id: p.confirm_with or "" for p in default_policies()}


def one_line(text: str, limit: int = WHY_MAX) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip("，、；。 ") + "…"


def why_line(status: str, reasons: Iterable[str]) -> str:
    """One line saying why: the conditions not met, the dates, what is missing, who must confirm."""
    reasons = [str(r) for r in reasons if str(r).strip()]
    if not reasons:
        return ""
    details = reasons[1:]
    if status == "not_eligible":
        unmet = [r.removeprefix("不符合：") for r in details if r.startswith("不符合：")]
        if unmet:
            head = "不满足：" + unmet[0]
            return one_line(head + (f"（另有{len(unmet) - 1}项条件不满足）" if len(unmet) > 1 else ""))
        return one_line(_CITE.sub("", reasons[0]))
    if status == "expired":
        return one_line(details[-1] if details else _CITE.sub("", reasons[0]))
    if status == "needs_info":
        asked = [r for r in details if r.startswith("还需要了解：")]
        return one_line(asked[0] if asked else _CITE.sub("", reasons[0]))
    met = [r.removeprefix("符合：") for r in details if r.startswith("符合：")]
    if status == "needs_confirmation" and not met:
        return one_line(_first_sentence(_CITE.sub("", reasons[0])))
    if met:  # the person's own values are in the facts beside the result
        return one_line("符合：" + "；".join(_YOURS.sub("", m) for m in met))
    return one_line(_CITE.sub("", reasons[0]))


def _first_sentence(text: str) -> str:
    end = text.find("。")
    return text[: end + 1] if end >= 0 else text


def row_of(result: Mapping[str, Any]) -> ResultRow:
    status = str(result.get("status", ""))
    pid = str(result.get("policy_id", ""))
    steps = tuple(str(s) for s in result.get("next_steps") or [] if str(s) not in GENERIC_STEPS)
    missing = tuple(
        {"fact": str(m), "label": FACTS[m].label if m in FACTS else str(m)} for m in result.get("missing_facts") or []
    )
    return ResultRow(
        policy_id=pid,
        title=str(result.get("title") or pid),
        section="employer" if result.get("kind") == "employer" else "person",
        status=status,
        status_label=status_label(status),
        article=str(result.get("article", "")),
        why=why_line(status, result.get("reasons") or []),
        steps=steps,
        office=_offices().get(pid, "") if status == "needs_confirmation" else "",
        missing=missing,
    )


def result_view(assessment: Mapping[str, Any]) -> dict[str, Any]:
    """{as_of, rules_version, counts, sections: [{id, title, note, counts, groups: [{status, label, rows}]}]}."""
    rows = [row_of(r) for r in assessment.get("results") or [] if isinstance(r, Mapping)]
    rows.sort(key=lambda r: status_rank(r.status))
    sections = []
    for sid, title, note in SECTIONS:
        mine = [r for r in rows if r.section == sid]
        if not mine:
            continue
        groups = []
        for status in [*STATUSES, *sorted({r.status for r in mine} - set(STATUSES))]:
            group = [r.to_dict() for r in mine if r.status == status]
            if group:
                groups.append({"status": status, "label": status_label(status), "rows": group})
        counts = {g["status"]: len(g["rows"]) for g in groups}
        sections.append({"id": sid, "title": title, "note": note, "counts": counts, "groups": groups})
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    return {
        "as_of": assessment.get("as_of"),
        "rules_version": assessment.get("rules_version"),
        "counts": counts,
        "sections": sections,
    }
