"""Names of the helper slots the actions read and write (fact slots carry fact names: docs/interfaces.md 1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rules import FACTS

FORM = "eligibility_form"
REQUESTED_SLOT = "requested_slot"
SKIPPED = "skipped_facts"  # facts the person answered 不知道 to: stay unknown, never asked again
POLICY = "policy"

FACT_SLOTS: tuple[str, ...] = tuple(FACTS)


def skipped_facts(slots: Mapping[str, Any]) -> list[str]:
    raw = slots.get(SKIPPED)
    if not isinstance(raw, list):
        return []
    return [name for name in raw if isinstance(name, str) and name in FACTS]
