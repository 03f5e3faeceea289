"""next_questions(facts, as_of): which absent facts still change an answer, most decisive first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from rules.conditions import leaves
from rules.engine import status_of
from rules.facts import FACTS, validate_facts
from rules.policy import Policy, PolicySet, default_policies

FACT_ORDER = {name: i for i, name in enumerate(FACTS)}


@dataclass(frozen=True)
class QuestionScore:
    fact: str
    decides: float  # expected number of undecided measures an answer settles
    touches: int  # undecided measures that name this fact as missing
    question: str


def _int_candidates(name: str, policies: PolicySet, as_of: dt.date) -> list[int]:
    fact = FACTS[name]
    values: set[int] = set()
    for policy in policies:
        for cond in (policy.eligible_when, policy.confirm_when):
            if cond is None:
                continue
            for leaf in leaves(cond):
                if leaf.fact != name:
                    continue
                v = leaf.resolve(policy.lookup(as_of))
                points = v if isinstance(v, tuple) else (v,)
                for p in points:
                    values.update({p - 1, p, p + 1})
    lo = fact.minimum if fact.minimum is not None else 0
    hi = fact.maximum if fact.maximum is not None else 10**6
    picked = sorted(v for v in values if lo <= v <= hi)
    return picked or [lo]


def _str_candidates(name: str, policies: PolicySet) -> list[str]:
    values: list[str] = []
    for policy in policies:
        for cond in (policy.eligible_when, policy.confirm_when):
            if cond is None:
                continue
            for leaf in leaves(cond):
                if leaf.fact == name:
                    for v in leaf.value if isinstance(leaf.value, tuple) else (leaf.value,):
                        if v not in values:
                            values.append(v)
    return [*values, "其他行业"]


@cache
def _candidates(name: str, policies: PolicySet, as_of: dt.date) -> tuple[Any, ...]:
    fact = FACTS[name]
    if fact.type == "bool":
        return (True, False)
    if fact.type == "enum":
        return fact.choices
    if fact.type == "list":
        return ([], *([c] for c in fact.choices))
    if fact.type == "int":
        return tuple(_int_candidates(name, policies, as_of))
    return tuple(_str_candidates(name, policies))


def undecided(facts: Mapping[str, Any], as_of: dt.date, policies: PolicySet) -> list[tuple[Policy, list[str]]]:
    """The measures whose status is still needs_info, with the facts each is missing."""
    out = []
    for policy in policies:
        status, ev = status_of(policy, facts, as_of)
        if status == "needs_info" and ev is not None:
            out.append((policy, ev.missing))
    return out


def rank_questions(
    facts: Mapping[str, Any],
    as_of: dt.date,
    *,
    skip: Collection[str] = (),
    policies: PolicySet | None = None,
    validated: bool = False,
) -> list[QuestionScore]:
    policies = policies or default_policies()
    clean = dict(facts) if validated else validate_facts(facts)
    open_measures = undecided(clean, as_of, policies)
    touching: dict[str, list[Policy]] = {}
    for policy, missing in open_measures:
        for name in missing:
            if name not in skip and name not in clean:
                touching.setdefault(name, []).append(policy)
    scores = []
    for name, measures in touching.items():
        values = _candidates(name, policies, as_of)
        settled = 0.0
        for policy in measures:
            hits = sum(status_of(policy, {**clean, name: v}, as_of)[0] != "needs_info" for v in values)
            settled += hits / len(values)
        scores.append(QuestionScore(name, settled, len(measures), FACTS[name].question))
    scores.sort(key=lambda s: (-round(s.decides, 9), -s.touches, FACT_ORDER[s.fact]))
    # A fact that settles nothing on its own (e.g. months of unemployment while the employment status
    # is unknown) waits until it does; it is offered only when no single answer settles anything.
    decisive = [s for s in scores if s.decides > 0]
    return decisive or scores


def next_questions(
    facts: Mapping[str, Any],
    as_of: dt.date,
    *,
    skip: Collection[str] = (),
    policies: PolicySet | None = None,
) -> list[str]:
    """Absent facts that would still decide an undecided measure, most decisive first.

    `skip` holds facts the person was asked and could not answer (不知道): they stay unknown and are
    not asked again. An empty list means nothing left would change any outcome.
    """
    return [s.fact for s in rank_questions(facts, as_of, skip=skip, policies=policies)]
