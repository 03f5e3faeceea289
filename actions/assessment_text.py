"""An Assessment as a message that fits a phone: what the person can do first, one line each, the rest counted.

- full check: 【可以申请】 and 【需要到窗口确认】 one line each with the next step; what is still missing in one
  line; the employer measures the person can tell a hiring employer about; then "还有N项暂不符合…，回复“为什么”
  看原因" instead of 25 titles (action_explain_reasons lists them with their reasons);
- focused check (a question about one or a few measures): those measures only, each with its reason, and an
  offer of the full check;
- an employer: the employer measures — what the company can apply for now, and what it can apply for when it
  hires people who meet the conditions (shown, not asked).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rules import FACTS, Assessment, default_policies
from rules.conditions import describe_inline
from rules.engine import Result
from rules.policy import Policy
from rules.vocabulary import OPINION_NUMBER, STATUS_LABELS, chinese_date

WHY_HINT = "回复“为什么”看原因"
ASK_MORE = "想了解某一项，可以直接问我，比如“公益性岗位是什么”；说“重新开始”会清除您告诉我的信息。"
EXPIRED_STEP = "这些阶段性措施已到期，可到街道社区就业服务站或“一网通办”了解现行的接续政策。"


def _line(r: Result) -> str:
    step = f" → {r.next_steps[0]}" if r.next_steps else ""
    return f"• {r.title}（{r.article}）{step}"


def _employer_line(r: Result, policy: Policy | None) -> str:
    """An employer's own measure with what the employer does (the result's steps speak to the person hired)."""
    steps = policy.employer_steps if policy is not None and policy.employer_steps else r.next_steps
    return f"• {r.title}（{r.article}）" + (f" → {steps[0]}" if steps else "")


def _titles(group: Sequence[Result]) -> str:
    return "、".join(r.title for r in group)


def _header(assessment: Assessment) -> str:
    return f"根据您告诉我的情况（依据{OPINION_NUMBER}，评估日期{chinese_date(assessment.as_of)}）："


def _missing(group: Sequence[Result]) -> str:
    missing = {m for r in group for m in r.missing_facts}
    return "、".join(FACTS[m].label for m in FACTS if m in missing)


def render_person(assessment: Assessment, skipped: Sequence[str] = ()) -> str:
    own = [r for r in assessment.results if r.kind != "employer"]
    employer = [
        r for r in assessment.results if r.kind == "employer" and r.status in ("eligible", "needs_confirmation")
    ]
    lines = [_header(assessment)]
    for status in ("eligible", "needs_confirmation"):
        group = [r for r in own if r.status == status]
        if group:
            lines.append(f"【{STATUS_LABELS[status]}】")
            lines.extend(_line(r) for r in group)
    open_ = [r for r in own if r.status == "needs_info"]
    if open_:
        lines.append(f"【{STATUS_LABELS['needs_info']}】{_titles(open_)}：还需要了解{_missing(open_)}。")
    if not any(r.status in ("eligible", "needs_confirmation") for r in own):
        lines.append("按目前的情况，暂时没有您本人可以直接申请的措施。")
    if employer:
        lines.append(f"招用您的单位可享受：{_titles(employer)}（可告诉招用您的单位）。")
    refused = [r for r in own if r.status == "not_eligible"]
    expired = [r for r in own if r.status == "expired"]
    rest = []
    if refused:
        rest.append(f"{len(refused)}项暂不符合")
    if expired:
        rest.append(f"{len(expired)}项已到期")
    if rest:
        lines.append(f"还有{'、'.join(rest)}，{WHY_HINT}。")
    if skipped:
        labels = "、".join(FACTS[n].label for n in skipped if n in FACTS)
        lines.append(f"您不确定的：{labels}。可以带上身份证到街道社区就业服务站当面确认。")
    return "\n".join(lines)


def render_focus(assessment: Assessment, focus: Collection[str]) -> str:
    lines = [_header(assessment)]
    for r in (r for r in assessment.results if r.policy_id in focus):
        lines.append(f"• {r.title}（{r.article}）：{STATUS_LABELS[r.status]}")
        why = r.reasons[0].split("：", 1)[-1] if r.reasons else ""
        if why:
            lines.append(f"  {why}")
        if r.status == "needs_info" and r.missing_facts:
            lines.append("  还需要了解：" + "、".join(FACTS[m].label for m in r.missing_facts))
        elif r.status in ("eligible", "needs_confirmation") and r.next_steps:
            lines.append(f"  → {r.next_steps[0]}")
    lines.append("想看看您还能申请哪些措施，可以点“看看我能申请什么”。")
    return "\n".join(lines)


def render_employer(assessment: Assessment, focus: Collection[str] = ()) -> str:
    catalogue = default_policies()
    results = [r for r in assessment.results if (r.policy_id in focus if focus else r.kind == "employer")]
    lines = [_header(assessment).replace("您告诉我的情况", "贵单位的情况")]
    ready = [r for r in results if r.status in ("eligible", "needs_confirmation")]
    if ready:
        lines.append("【贵单位可以申请或到窗口确认】")
        lines.extend(_employer_line(r, catalogue.get(r.policy_id)) for r in ready)
    hiring = [r for r in results if r.status == "needs_info"]
    if hiring:
        lines.append("【招用符合条件的人员时可以申请】")
        for r in hiring:
            policy = catalogue.get(r.policy_id)
            lines.append(f"• {r.title}（{r.article}）")
            if policy is not None and policy.eligible_when is not None:
                lines.append("  招用条件：" + describe_inline(policy.eligible_when, policy.lookup(assessment.as_of)))
    refused = [r for r in results if r.status in ("not_eligible", "expired")]
    if refused:
        lines.append(f"暂不符合或已到期：{_titles(refused)}，{WHY_HINT}。")
    return "\n".join(lines)


def render(
    assessment: Assessment,
    skipped: Sequence[str] = (),
    *,
    focus: Collection[str] = (),
    audience: str = "person",
) -> str:
    if audience == "employer":
        return render_employer(assessment, focus)
    if focus:
        return render_focus(assessment, focus)
    return render_person(assessment, skipped)


def render_reasons(assessment: Assessment, audience: str = "person") -> str:
    """Why each measure is 暂不符合 or 已到期: one line each."""
    wanted = (lambda r: r.kind == "employer") if audience == "employer" else (lambda r: r.kind != "employer")
    lines = []
    for status in ("not_eligible", "expired"):
        group = [r for r in assessment.results if r.status == status and wanted(r)]
        if not group:
            continue
        lines.append(f"【{STATUS_LABELS[status]}】")
        for r in group:
            why = r.reasons[1] if len(r.reasons) > 1 else r.reasons[0].split("：", 1)[-1]
            lines.append(f"• {r.title}（{r.article}）：{why}")
        if status == "expired":
            lines.append(f"  → {EXPIRED_STEP}")
    return "\n".join(lines) if lines else "按目前的情况，没有暂不符合的措施。"
