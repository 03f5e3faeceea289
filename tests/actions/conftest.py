"""Tracker fixtures for the action tests: real rasa_sdk Tracker objects and a CollectingDispatcher."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.slots import GROUP_SLOTS
from rules import FACTS

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2022, 7, 1)


def entity(text: str, span: str, name: str, value: Any = None) -> dict[str, Any]:
    """An NLU entity for `span` inside `text`, with offsets, as Rasa's parse data has it."""
    start = text.index(span)
    return {"entity": name, "start": start, "end": start + len(span), "value": span if value is None else value}


def payload(intent: str, values: dict[str, Any]) -> dict[str, Any]:
    """make_tracker arguments for a button or form payload such as /inform{"age": 45}, as Rasa parses it."""
    import json

    entities = []
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            entities.append({"entity": name, "value": item})
    return {"intent": intent, "text": f"/{intent}{json.dumps(values, ensure_ascii=False)}", "entities": entities}


def make_tracker(
    *,
    intent: str = "inform",
    text: str = "",
    entities: Iterable[dict[str, Any]] = (),
    slots: dict[str, Any] | None = None,
    requested_slot: str | None = None,
    active_form: str | None = "eligibility_form",
    latest_action: str = "action_listen",
) -> Tracker:
    all_slots: dict[str, Any] = {name: None for name in FACTS}
    helpers = ("skipped_facts", "policy", "focus", "audience", "as_of", "asked", "check_follows", *GROUP_SLOTS)
    all_slots.update({name: None for name in helpers})
    all_slots["requested_slot"] = requested_slot
    all_slots.update(slots or {})
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "intent_ranking": [{"name": intent, "confidence": 0.99}],
        "entities": list(entities),
    }
    events: list[dict[str, Any]] = [{"event": "user", "text": text, "parse_data": latest}]
    if latest_action != "action_listen":
        events.append({"event": "action", "name": latest_action})
    events.append({"event": "action", "name": "eligibility_form"})  # Rasa runs the validation inside the form
    loop = {"name": active_form} if active_form else {}
    return Tracker("test-user", all_slots, latest, events, False, None, loop, "eligibility_form")


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def tracker_factory() -> Callable[..., Tracker]:
    return make_tracker


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
