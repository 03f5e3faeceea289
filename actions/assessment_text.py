"""An Assessment as a short Chinese message for a phone: grouped by status, one next step per measure."""

from __future__ import annotations

from collections.abc import Sequence

from rules import FACTS, Assessment
from rules.engine import Result
from rules.vocabulary import OPINION, by_status, chinese_date, status_label

# more undecided measures than this (e.g. after 先看结果 early on) are listed in one line, not one each
DETAILED_NEEDS_INFO_MAX = 6
ASK_MORE = "想了解某一项，可以直接问我，比如“什么是公益性岗位”；说“重新开始”会清除您刚才告诉我的信息。"


def _one_line(group: Sequence[Result]) -> str:
    return "、".join(f"{r.title}（{r.article}）" for r in group)


def render(assessment: Assessment, skipped: Sequence[str] = ()) -> str:
    lines = [f"根据您提供的信息，按{OPINION}（评估日期：{chinese_date(assessment.as_of)}）："]
    for status, group in by_status(assessment.results):
        lines.append(f"\n【{status_label(status)}】{len(group)}项")
        if status == "not_eligible":
            lines.append(_one_line(group))
            continue
        if status == "needs_info" and len(group) > DETAILED_NEEDS_INFO_MAX:
            lines.append(_one_line(group))
            missing = {m for r in group for m in r.missing_facts}
            lines.append("  还需要了解：" + "、".join(FACTS[m].label for m in FACTS if m in missing))
            lines.append("  说“帮我看看能申请什么”可以接着回答。")
            continue
        for r in group:
            whose = "（用人单位享受，可告诉招用您的单位）" if r.kind == "employer" else ""
            lines.append(f"• {r.title}（《意见》{r.article}）{whose}")
            if status == "needs_info" and r.missing_facts:
                lines.append("  还需要：" + "、".join(FACTS[m].label for m in r.missing_facts))
            elif status != "expired" and r.next_steps:
                lines.append(f"  → {r.next_steps[0]}")
        if status == "expired":
            lines.append("  → 这些阶段性措施已到期，可到街道社区就业服务站或“一网通办”了解现行的接续政策。")
    if skipped:
        labels = "、".join(FACTS[n].label for n in skipped if n in FACTS)
        lines.append(f"\n您不确定的：{labels}。可以带上身份证到街道社区就业服务站当面确认。")
    lines.append(f"\n{ASK_MORE}")
    return "\n".join(lines)
