"""action_give_assessment: rules.assess on the validated facts → a readable answer plus the contract payload."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clock
from actions.assessment_text import render
from actions.slots import skipped_facts
from actions.validation import known_facts
from rules import assess


class ActionGiveAssessment(Action):
    def __init__(self, today: Callable[[], dt.date] = clock.today) -> None:
        self.today = today

    def name(self) -> str:
        return "action_give_assessment"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        as_of = self.today()
        facts = known_facts(tracker.slots)
        assessment = assess(facts, as_of, validated=True)
        payload: dict[str, Any] = {"assessment": assessment.to_dict()}
        # docs/interfaces.md section 4: the reply carries custom = {"assessment": <section 2 JSON>} beside the text
        dispatcher.utter_message(text=render(assessment, skipped_facts(tracker.slots)), json_message=payload)
        return []
