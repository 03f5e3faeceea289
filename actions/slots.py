"""The slots the actions read and write (fact slots carry the contract's fact names), and how to read them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rules import FACTS, FactError, validate_facts
from rules.questions import AUDIENCES, question_groups

FORM = "eligibility_form"
REQUESTED_SLOT = "requested_slot"
SKIPPED = "skipped_facts"  # facts the person answered 不知道 to: stay unknown, never asked again
POLICY = "policy"  # the catalogue id of the measure last explained
FOCUS = "focus"  # the measures of a focused check (a question about them); empty = the full check
AUDIENCE = "audience"  # "employer" when the person speaks for a company
AS_OF = "as_of"  # the evaluation date staff chose (YYYY-MM-DD); empty = today
ASKED = "asked"  # the facts the pending question settles (its custom.asks)
CHECK_FOLLOWS = "check_follows"  # action_explain_policy: a focused check follows (dialogue/rules.yml branches on it)

FACT_SLOTS: tuple[str, ...] = tuple(FACTS)
GROUP_SLOTS: tuple[str, ...] = tuple(question_groups())


def _names(raw: Any, allowed: Mapping[str, Any] | tuple[str, ...]) -> list[str]:
    if not isinstance(raw, list):
        return []
    return [name for name in raw if isinstance(name, str) and name in allowed]


def skipped_facts(slots: Mapping[str, Any]) -> list[str]:
    return _names(slots.get(SKIPPED), FACTS)


def asked_facts(slots: Mapping[str, Any]) -> list[str]:
    """What the pending question settles: its custom.asks, or the requested fact itself."""
    asked = _names(slots.get(ASKED), FACTS)
    requested = slots.get(REQUESTED_SLOT)
    return asked or ([requested] if requested in FACTS else [])


def focus_of(slots: Mapping[str, Any]) -> list[str]:
    from rules import default_policies

    return _names(slots.get(FOCUS), tuple(default_policies().ids))


def audience_of(slots: Mapping[str, Any]) -> str:
    value = slots.get(AUDIENCE)
    return value if value in AUDIENCES else "person"


def known_facts(slots: Mapping[str, Any]) -> dict[str, Any]:
    """The fact slots that hold valid contract values (anything else is treated as absent)."""
    facts: dict[str, Any] = {}
    for name in FACTS:
        value = slots.get(name)
        if value is None:
            continue
        try:
            facts[name] = validate_facts({name: value})[name]
        except FactError:
            continue
    return facts
