"""Re-assess logged facts under the current rules: which measures' outcomes changed since given.

The rule maintainer's impact report: for every logged assessment, run rules.assess(facts, as_of)
(as_of = the logged one unless told otherwise) and compare each measure's status with the logged one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

import rules
from caselog.models import Assessment, Case
from caselog.queries import time_window


@dataclass(frozen=True)
class Change:
    case_id: int
    assessment_id: int
    as_of: dt.date
    policy_id: str
    before: str | None  # None: the measure was not in the logged assessment
    after: str | None  # None: the measure is no longer in the rules

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "assessment_id": self.assessment_id,
            "as_of": self.as_of.isoformat(),
            "policy_id": self.policy_id,
            "before": self.before,
            "after": self.after,
        }


@dataclass
class ReplayReport:
    rules_version: str
    assessments: int = 0
    changed_assessments: int = 0
    changes: list[Change] = field(default_factory=list)
    invalid: list[tuple[int, str]] = field(default_factory=list)  # (assessment id, why its facts fail)

    def per_measure(self) -> dict[str, Counter[tuple[str | None, str | None]]]:
        out: dict[str, Counter[tuple[str | None, str | None]]] = {}
        for c in self.changes:
            out.setdefault(c.policy_id, Counter())[(c.before, c.after)] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules_version": self.rules_version,
            "assessments": self.assessments,
            "changed_assessments": self.changed_assessments,
            "changes": [c.to_dict() for c in self.changes],
            "invalid": [{"assessment_id": a, "error": e} for a, e in self.invalid],
        }


def replay(
    session: Session,
    *,
    as_of: dt.date | None = None,
    policies: rules.PolicySet | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    channel: str | None = None,
    policy_id: str | None = None,
) -> ReplayReport:
    policies = policies or rules.default_policies()
    report = ReplayReport(rules_version=policies.version)
    stmt = sa.select(Assessment).options(selectinload(Assessment.results)).order_by(Assessment.id)
    stmt = stmt.where(*time_window(Assessment.ts, since, until))
    if channel:
        stmt = stmt.join(Case, Case.id == Assessment.case_id).where(Case.channel == channel)
    for assessment in session.scalars(stmt).yield_per(200):
        report.assessments += 1
        try:
            facts = rules.validate_facts(assessment.facts or {})
        except rules.FactError as exc:
            report.invalid.append((assessment.id, str(exc)))
            continue
        day = as_of or assessment.as_of
        now = {r.policy_id: r.status for r in rules.assess(facts, day, policies, validated=True).results}
        then = {r.policy_id: r.status for r in assessment.results}
        changed = False
        for pid in [*now, *(p for p in then if p not in now)]:
            if policy_id and pid != policy_id:
                continue
            if now.get(pid) != then.get(pid):
                report.changes.append(Change(assessment.case_id, assessment.id, day, pid, then.get(pid), now.get(pid)))
                changed = True
        report.changed_assessments += changed
    return report
