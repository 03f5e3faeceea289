"""validate_eligibility_form: facts from each message, typed and checked; the next question from the rules.

The form asks only what `rules.next_questions` says still changes an outcome, and stops (requested_slot
None) as soon as nothing does. The date is read once per run, at this action's boundary.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import clock
from actions.extraction import FACT_INTENTS, Extraction, extract, intent_of
from actions.slots import FORM, REQUESTED_SLOT, SKIPPED, skipped_facts
from actions.validation import check, known_facts
from rules import FACTS, next_questions

NOT_UNDERSTOOD = "抱歉，我没听明白您的回答。可以直接回答这个问题，不清楚就说“不知道”。"

_AS_OF: contextvars.ContextVar[dt.date] = contextvars.ContextVar("as_of")

Validator = Callable[["ValidateEligibilityForm", Any, CollectingDispatcher, Tracker, DomainDict], dict[str, Any]]


def _describe(name: str, value: Any) -> str:
    return f"{FACTS[name].label}：{FACTS[name].describe_value(value)}"


class ValidateEligibilityForm(FormValidationAction):
    """Fills the fact slots of `eligibility_form`; `validate_<fact>` exists for every fact (docs/interfaces.md s. 1)."""

    def __init__(self, today: Callable[[], dt.date] = clock.today) -> None:
        self.today = today

    def name(self) -> str:
        return f"validate_{FORM}"

    def as_of(self) -> dt.date:
        """The date of the current run (read once in `run`); outside a run, today."""
        value = _AS_OF.get(None)
        return value if value is not None else self.today()

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The facts still worth asking, most decisive first ([] = the form is done)."""
        return self.questions(known_facts(tracker.slots), skipped_facts(tracker.slots))

    def questions(self, facts: dict[str, Any], skipped: list[str]) -> list[str]:
        """rules.next_questions on this run's date: absent facts that still change an outcome."""
        return next_questions(facts, self.as_of(), skip=skipped)

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        token = _AS_OF.set(self.today())
        try:
            return await self._run(dispatcher, tracker, domain)
        finally:
            _AS_OF.reset(token)

    async def _run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        slots = tracker.slots
        requested = slots.get(REQUESTED_SLOT)
        message = tracker.latest_message or {}
        known = known_facts(slots)
        extraction = extract(message, requested if isinstance(requested, str) else None, known)
        skipped = skipped_facts(slots)
        messages_before = len(dispatcher.messages)

        updates = self._apply(extraction, known, dispatcher, tracker, domain)
        new_skipped = [n for n in skipped if n not in updates]
        for name in extraction.unknown:
            if name not in known and name not in updates and name not in new_skipped:
                new_skipped.append(name)

        events: list[EventType] = [SlotSet(name, value) for name, value in updates.items()]
        self._acknowledge(updates, known, extraction, requested, dispatcher)
        intent = intent_of(message)
        if new_skipped != skipped:
            events.append(SlotSet(SKIPPED, new_skipped))
        elif not updates and intent in FACT_INTENTS and requested:
            # Nothing new (an answer we could not read, or facts we already had): keep the form (no
            # rejection) and ask the pending question again; say so only when nothing was understood.
            silent = intent == "check_my_eligibility" or not extraction.empty
            if len(dispatcher.messages) == messages_before and not silent:
                dispatcher.utter_message(text=NOT_UNDERSTOOD)
            events.append(SlotSet(SKIPPED, skipped))

        facts = {**known, **updates}
        questions = self.questions(facts, new_skipped)
        events.append(SlotSet(REQUESTED_SLOT, self._next(questions, requested)))
        return events

    @staticmethod
    def _next(questions: list[str], pending: Any) -> str | None:
        """The pending question while it still matters and is unanswered; else the most decisive one."""
        if isinstance(pending, str) and pending in questions:
            return pending
        return questions[0] if questions else None

    def _apply(
        self,
        extraction: Extraction,
        known: dict[str, Any],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Validate every candidate through its validate_<fact>; return the facts whose value changes."""
        updates: dict[str, Any] = {}
        for name, raw in extraction.facts.items():
            validator = getattr(self, f"validate_{name}")
            value = validator(raw, dispatcher, tracker, domain).get(name)
            if value is None:
                continue
            if name == "hardship_groups" and extraction.from_entities and value:
                value = sorted(set(known.get(name) or []) | set(value), key=FACTS[name].choices.index)
            if known.get(name) != value:
                updates[name] = value
        if extraction.groups_denied and known.get("hardship_groups"):
            current = updates.get("hardship_groups", known["hardship_groups"])
            remaining = [g for g in current if g not in extraction.groups_denied]
            if remaining != known["hardship_groups"]:
                updates["hardship_groups"] = remaining
        for name, value in extraction.implied.items():
            if name not in known and name not in updates:
                updates[name] = value
        return updates

    @staticmethod
    def _acknowledge(
        updates: dict[str, Any],
        known: dict[str, Any],
        extraction: Extraction,
        requested: Any,
        dispatcher: CollectingDispatcher,
    ) -> None:
        corrected = [n for n in updates if n in known]
        # several facts at once, or one fact that is not the answer to the pending question
        volunteered = len(updates) >= 2 or (len(updates) == 1 and requested not in updates)
        if corrected:
            dispatcher.utter_message(
                text="好的，已更正：" + "；".join(_describe(n, updates[n]) for n in corrected) + "。"
            )
        elif volunteered and extraction.from_entities:
            dispatcher.utter_message(text="记下了：" + "；".join(_describe(n, v) for n, v in updates.items()) + "。")

    def _validate(self, name: str, value: Any, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        checked = check(name, value, self.as_of())
        if checked.complaint:
            dispatcher.utter_message(text=checked.complaint)
        elif checked.note:
            dispatcher.utter_message(text=f"{FACTS[name].label}{checked.note}。")
        return {name: checked.value}


def _validator(name: str) -> Validator:
    def validate(
        self: ValidateEligibilityForm,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return self._validate(name, slot_value, dispatcher)

    validate.__name__ = f"validate_{name}"
    validate.__doc__ = f"{FACTS[name].label} → contract type {FACTS[name].type} (None if it cannot be read)."
    return validate


for _fact in FACTS:
    setattr(ValidateEligibilityForm, f"validate_{_fact}", _validator(_fact))
