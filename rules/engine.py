"""assess(facts, as_of): one result per measure, with its status, reasons, missing facts and next steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rules.conditions import Evaluation, evaluate
from rules.facts import FACTS, validate_facts
from rules.policy import Policy, PolicySet, default_policies
from rules.vocabulary import chinese_date

DEFAULT_STEPS: dict[str, tuple[str, ...]] = {
    "needs_info": ("回答上面还需要的问题，或带上身份证到就近的街道社区就业服务站当面咨询。",),
    "not_eligible": ("如情况有变化可以重新咨询；也可以到就近的街道社区就业服务站了解其他帮扶措施。",),
    "expired": ("该阶段性措施已到期，可到街道社区就业服务站或“一网通办”了解现行的接续政策。",),
}


@dataclass(frozen=True)
class Result:
    policy_id: str
    title: str
    kind: str
    status: str
    article: str
    reasons: tuple[str, ...]
    missing_facts: tuple[str, ...]
    next_steps: tuple[str, ...]
    quote: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy_id": self.policy_id,
            "title": self.title,
            "kind": self.kind,
            "status": self.status,
            "article": self.article,
            "reasons": list(self.reasons),
            "missing_facts": list(self.missing_facts),
            "next_steps": list(self.next_steps),
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Assessment:
    as_of: dt.date
    rules_version: str
    results: tuple[Result, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "rules_version": self.rules_version,
            "results": [r.to_dict() for r in self.results],
        }

    def by_id(self) -> dict[str, Result]:
        return {r.policy_id: r for r in self.results}


def status_of(policy: Policy, facts: Mapping[str, Any], as_of: dt.date) -> tuple[str, Evaluation | None]:
    """The status alone, with the evaluation that decided it (None for date-only outcomes)."""
    if as_of < policy.effective_from:
        return "not_eligible", None
    if policy.effective_until is not None and as_of > policy.effective_until:
        return "expired", None

    params = policy.lookup(as_of)
    main = (
        evaluate(policy.eligible_when, facts, params)
        if policy.eligible_when is not None
        else Evaluation(True, [], [], [])
    )
    if main.value is True:
        return policy.on_match, main
    if main.value is None:
        return "needs_info", main
    if policy.confirm_when is None:
        return "not_eligible", main
    confirm = evaluate(policy.confirm_when, facts, params)
    if confirm.value is True:
        return "needs_confirmation", confirm
    if confirm.value is None:
        return "needs_info", confirm
    return "not_eligible", Evaluation(False, [], [], main.unmet + confirm.unmet)


def assess_policy(policy: Policy, facts: Mapping[str, Any], as_of: dt.date) -> Result:
    status, ev = status_of(policy, facts, as_of)
    cite = f"《意见》{policy.article}"
    reasons: list[str] = []
    missing: tuple[str, ...] = ()
    if ev is None and status == "not_eligible":
        reasons.append(
            f"{cite}：该措施自{chinese_date(policy.effective_from)}起施行（{policy.start_basis}），"
            f"评估日期{chinese_date(as_of)}尚在施行之前。"
        )
    elif status == "expired":
        assert policy.effective_until is not None
        reasons.append(f"{cite}：{policy.explanations['expired']}")
        reasons.append(
            f"该措施适用至{chinese_date(policy.effective_until)}（原文：“{policy.shown_until_quote}”），"
            f"评估日期为{chinese_date(as_of)}。"
        )
    else:
        assert ev is not None
        reasons.append(f"{cite}：{policy.explanations[status]}")
        if status == "needs_info":
            missing = tuple(ev.missing)
            reasons.append("还需要了解：" + "；".join(FACTS[m].label for m in missing) + "。")
        elif status == "not_eligible":
            reasons.extend(ev.unmet)
        else:
            reasons.extend(ev.met)
        if status == "needs_confirmation" and policy.confirm_with:
            reasons.append(f"需由{policy.confirm_with}确认。")
    steps = policy.next_steps.get(status) or DEFAULT_STEPS.get(status) or policy.next_steps[policy.on_match]
    return Result(
        policy_id=policy.id,
        title=policy.title,
        kind=policy.kind,
        status=status,
        article=policy.article,
        reasons=tuple(reasons),
        missing_facts=missing,
        next_steps=tuple(steps),
        quote=policy.shown_quotes[0],
    )


def assess(
    facts: Mapping[str, Any],
    as_of: dt.date,
    policies: PolicySet | None = None,
    *,
    validated: bool = False,
) -> Assessment:
    """Assess a person's facts against every measure on the date `as_of` (never the clock)."""
    if not isinstance(as_of, dt.date):
        raise TypeError("as_of must be a datetime.date")
    if policies is None:  # an empty PolicySet is falsy but is still the set to use
        policies = default_policies()
    clean = dict(facts) if validated else validate_facts(facts)
    return Assessment(as_of, policies.version, tuple(assess_policy(p, clean, as_of) for p in policies))
