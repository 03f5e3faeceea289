"""action_give_assessment: rules.assess on what the person told (and what follows from it) → a short answer.

The reply carries the contract payload `custom.assessment` (every measure, docs/interfaces.md) beside a text
that fits a phone (actions/assessment_text.py): the focused result after a question about a measure, an
employer's measures for an employer, else what the person can apply for first. A focused check ends here:
the next check is the full one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clock
from actions.assessment_text import render, render_reasons
from actions.slots import FOCUS, audience_of, focus_of, known_facts, skipped_facts
from rules import Assessment, assess
from rules.implications import with_implied

WHY_BUTTON = {"title": "为什么暂不符合", "payload": "/why"}
FULL_CHECK_BUTTON = {"title": "看看我能申请什么", "payload": "/check_my_eligibility"}


def assessment_of(tracker: Tracker, as_of: dt.date) -> Assessment:
    """The assessment on the told facts and those that follow from them (rules/implications.yaml)."""
    return assess(with_implied(known_facts(tracker.slots)), as_of, validated=True)


class ActionGiveAssessment(Action):
    def __init__(self, today: Callable[[], dt.date] = clock.today) -> None:
        self.today = today

    def name(self) -> str:
        return "action_give_assessment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        slots = tracker.slots
        assessment = assessment_of(tracker, clock.evaluation_date(slots, self.today, tracker.latest_message))
        focus = focus_of(slots)
        audience = audience_of(slots)
        text = render(assessment, skipped_facts(slots), focus=focus, audience=audience)
        buttons = [FULL_CHECK_BUTTON] if focus else []
        shown = [r for r in assessment.results if r.policy_id in focus] if focus else assessment.results
        if any(r.status in ("not_eligible", "expired") for r in shown):
            buttons.append(WHY_BUTTON)
        payload: dict[str, Any] = {"assessment": assessment.to_dict()}
        dispatcher.utter_message(text=text, buttons=buttons, json_message=payload)
        return [SlotSet(FOCUS, None)] if focus else []


class ActionExplainReasons(Action):
    """action_explain_reasons (为什么): why each measure is 暂不符合 or 已到期, one line each."""

    def __init__(self, today: Callable[[], dt.date] = clock.today) -> None:
        self.today = today

    def name(self) -> str:
        return "action_explain_reasons"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        assessment = assessment_of(tracker, clock.evaluation_date(tracker.slots, self.today, tracker.latest_message))
        dispatcher.utter_message(text=render_reasons(assessment, audience_of(tracker.slots)))
        return []
