"""Which absent facts still change an answer, most decisive first.

- `next_questions(facts, as_of)`: fact names, over every measure (the engine-level view, for tools);
- `plan_questions(facts, as_of, audience=, focus=)`: the questions the conversation asks — a job seeker is
  not asked about an employer, a focused check only about the measures asked about, the rare situations
  and the steps after losing a job as one multi-select each (rules/questions.yaml), and nothing that
  follows from what is known (rules/implications.yaml).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rules.conditions import Condition, evaluate, leaves, parse
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
    policies = policies if policies is not None else default_policies()
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


# ---------------------------------------------------------------------------------------------- the plan
# What the conversation asks: question units (one fact, or a group of facts as one multi-select), for a job
# seeker or an employer, over all measures or the few a person asked about (a focused check). Facts that
# follow from others (rules/implications.yaml) are not asked.

QUESTIONS_FILE = Path(__file__).resolve().parent / "questions.yaml"
AUDIENCES = ("person", "employer")
NONE_TITLE = "都没有"
# An employer is asked about the company only: the conditions on the people it hires are shown, not asked.
EMPLOYER_FACTS = frozenset({"employer_industry"})


@dataclass(frozen=True)
class Option:
    title: str
    fact: str
    value: Any  # True for a bool fact; the item for a list fact


@dataclass(frozen=True)
class Group:
    name: str
    question: str
    audience: str
    options: tuple[Option, ...]

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o.fact for o in self.options))


@dataclass(frozen=True)
class Question:
    """One question: `key` is the form's requested slot (a fact, or a group's name); `facts` what it settles."""

    key: str
    facts: tuple[str, ...]
    text: str
    multiple: bool = False
    options: tuple[Option, ...] = ()
    decides: float = 0.0


@cache
def question_groups() -> dict[str, Group]:
    raw = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8")) or {}
    groups = {}
    for name, spec in raw.items():
        options = []
        for fact, title in spec["options"].items():
            if fact not in FACTS or FACTS[fact].type != "bool":
                raise ValueError(f"questions.yaml: group {name}: {fact!r} is not a yes/no fact")
            options.append(Option(str(title), fact, True))
        if spec.get("audience", "person") not in AUDIENCES:
            raise ValueError(f"questions.yaml: group {name}: audience must be one of {AUDIENCES}")
        groups[name] = Group(name, str(spec["question"]), spec.get("audience", "person"), tuple(options))
    return groups


def measures_for(audience: str, focus: Collection[str] = (), policies: PolicySet | None = None) -> PolicySet:
    """The measures a conversation decides: those asked about (focus), else a job seeker's or an employer's."""
    policies = policies if policies is not None else default_policies()
    if focus:
        chosen = tuple(p for p in policies if p.id in focus)
    elif audience == "employer":
        chosen = tuple(p for p in policies if p.kind == "employer")
    else:
        # all of them: what a hiring employer may claim for a person depends on the person's own facts (失业3个月);
        # the employer's own facts (its industry) are not asked of a job seeker (EMPLOYER_FACTS)
        chosen = tuple(policies)
    return PolicySet(chosen, policies.version)


@cache
def _alternatives(name: str) -> tuple[tuple[Condition, str], ...]:
    return tuple(
        (parse(when, f"facts.yaml: {name}: question_if", set()), text) for when, text in FACTS[name].question_if
    )


def question_text(name: str, known: Mapping[str, Any]) -> str:
    """The fact's question, or the first `question_if` alternative whose condition holds for what is known."""
    for when, text in _alternatives(name):
        if evaluate(when, known, {}).value is True:
            return text
    return FACTS[name].question


def _fact_question(name: str, known: Mapping[str, Any]) -> Question:
    fact = FACTS[name]
    if fact.type == "list":
        options = tuple(Option(c.label, name, c.value) for c in fact.options)
        return Question(name, (name,), fact.question, multiple=True, options=options)
    return Question(name, (name,), question_text(name, known))


def _settled(measures: list[Policy], facts: Mapping[str, Any], as_of: dt.date) -> int:
    return sum(status_of(p, facts, as_of)[0] != "needs_info" for p in measures)


def _group_score(names: tuple[str, ...], measures: list[Policy], facts: Mapping[str, Any], as_of: dt.date) -> float:
    """Measures settled by answering the group, averaged over 都没有 and each option chosen alone."""
    nothing = {n: False for n in names}
    answers = [nothing, *({**nothing, n: True} for n in names)]
    return sum(_settled(measures, {**facts, **a}, as_of) for a in answers) / len(answers)


def plan_questions(
    facts: Mapping[str, Any],
    as_of: dt.date,
    *,
    audience: str = "person",
    focus: Collection[str] = (),
    skip: Collection[str] = (),
    policies: PolicySet | None = None,
) -> list[Question]:
    """The questions that still change an outcome for this person, most decisive first ([] = nothing left)."""
    from rules.implications import with_implied

    known = with_implied(validate_facts(facts))
    chosen = measures_for(audience, focus, policies)
    all_policies = policies if policies is not None else default_policies()
    open_measures = undecided(known, as_of, chosen)
    touching: dict[str, list[Policy]] = {}
    for policy, missing in open_measures:
        for name in missing:
            if name in skip or name in known:
                continue
            if (audience == "employer") != (name in EMPLOYER_FACTS):
                continue  # an employer is asked about the company, a job seeker about themselves
            touching.setdefault(name, []).append(policy)
    questions: list[Question] = []
    grouped: set[str] = set()
    for group in question_groups().values():
        if group.audience != audience:
            continue
        names = tuple(n for n in group.facts if n in touching)
        if not names:
            continue
        grouped.update(names)
        if len(names) == 1:
            continue  # one fact left: asked with its own question below
        measures = list({p.id: p for n in names for p in touching.get(n, [])}.values())
        options = tuple(o for o in group.options if o.fact in names)
        score = _group_score(names, measures, known, as_of)
        questions.append(Question(group.name, names, group.question, True, options, score))
    for name, measures in touching.items():
        if name in grouped and any(name in q.facts for q in questions):
            continue
        values = _candidates(name, all_policies, as_of)
        score = sum(
            sum(status_of(p, {**known, name: v}, as_of)[0] != "needs_info" for v in values) / len(values)
            for p in measures
        )
        q = _fact_question(name, known)
        questions.append(Question(q.key, q.facts, q.text, q.multiple, q.options, score))
    order = {name: i for i, name in enumerate(FACTS)}
    questions.sort(key=lambda q: (-round(q.decides, 9), min(order[f] for f in q.facts)))
    decisive = [q for q in questions if q.decides > 0]
    return decisive or questions
