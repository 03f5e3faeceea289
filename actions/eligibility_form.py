"""validate_eligibility_form: each message's facts read and checked, then the next question from the rules.

The form asks only what `rules.plan_questions` says still changes an outcome — for a job seeker or an
employer, over every measure or only those a question was about (a focused check) — and stops
(requested_slot None) as soon as nothing does. It asks the question itself, with `custom.asks` (and
`custom.select` for a multi-select), so domain.yml holds no question texts. The evaluation date is read
once per run (actions/clock.py) and passed on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import clock
from actions.explain_policy import asks_something, explain_measures, policies_asked
from actions.question_messages import question_message, which_one_message
from actions.slots import (
    AS_OF,
    ASKED,
    AUDIENCE,
    FOCUS,
    FORM,
    POLICY,
    REQUESTED_SLOT,
    SKIPPED,
    asked_facts,
    audience_of,
    focus_of,
    known_facts,
    skipped_facts,
)
from actions.turn import Turn, describe, read_message
from rules import FACTS
from rules.questions import Question, plan_questions
from rules.vocabulary import chinese_date
from understanding.routing import asks_about_the_last_measure

NOT_UNDERSTOOD = "抱歉，我没听明白您的回答。可以直接回答这个问题，也可以点下面的选项；不清楚就说“不知道”。"
# intents whose message is an answer or a statement (a digression's message is not: it was answered already)
FACT_INTENTS = frozenset({"inform", "affirm", "deny", "dont_know", "check_my_eligibility", "nlu_fallback"})
# a message with one of these, right after the question, is a digression: the form lets the rules answer it
# (dialogue/rules.yml, "inside the form"), then comes back and asks its question again
DIGRESSIONS = frozenset(
    {
        "ask_policy",
        "ask_procedure",
        "why",
        "help",
        "bot_challenge",
        "out_of_scope",
        "human_handoff",
        "greet",
        "thanks",
        "show_result",
        "goodbye",
        "restart",
    }
)


def answered_since_user(tracker: Tracker) -> bool:
    """Whether another action ran after the latest user message (the form comes back after a digression)."""
    after: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "action":
            after.append(str(event.get("name")))
    return any(name not in (FORM, "action_listen") for name in after)


def acknowledge(turn: Turn, asked: list[str], dispatcher: CollectingDispatcher) -> None:
    """Say what changed when it is not just the answer to the question asked: corrections, facts told on the way."""
    if turn.as_of is not None:
        dispatcher.utter_message(text=f"好的，按{chinese_date(turn.as_of)}评估。")
    for complaint in turn.complaints:
        dispatcher.utter_message(text=complaint)
    if turn.corrected:
        corrected = "；".join(describe(n, turn.updates[n]) for n in turn.corrected)
        dispatcher.utter_message(text=f"好的，已更正：{corrected}。")
    told = [n for n in turn.updates if n not in turn.corrected and n not in asked]
    # a multi-select answered in words (我跑滴滴的): what it was read as, so a wrong reading can be corrected
    chosen = [n for n in asked if turn.updates.get(n) is True and n not in turn.corrected] if len(asked) > 1 else []
    if not turn.from_payload and (told or chosen):
        rest = "，其余几项都没有" if chosen and any(turn.updates.get(n) is False for n in asked) else ""
        said = "；".join(describe(n, turn.updates[n]) for n in [*chosen, *told])
        dispatcher.utter_message(text=f"记下了：{said}{rest}。")
    for name, note in turn.notes.items():
        if name in turn.updates:
            dispatcher.utter_message(text=f"{FACTS[name].label}{note}。")


class ValidateEligibilityForm(FormValidationAction):
    """Fills the fact slots of `eligibility_form` from each message and asks the next question."""

    def __init__(self, today: Callable[[], dt.date] = clock.today) -> None:
        self.today = today

    def name(self) -> str:
        return f"validate_{FORM}"

    def plan(self, tracker: Tracker, facts: dict[str, Any], skipped: list[str], as_of: dt.date) -> list[Question]:
        return plan_questions(
            facts, as_of, audience=audience_of(tracker.slots), focus=focus_of(tracker.slots), skip=skipped
        )

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The questions still worth asking, most decisive first ([] = the form is done)."""
        as_of = clock.evaluation_date(tracker.slots, self.today, tracker.latest_message)
        plan = self.plan(tracker, known_facts(tracker.slots), skipped_facts(tracker.slots), as_of)
        return [q.key for q in plan]

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        slots = tracker.slots
        as_of = clock.evaluation_date(slots, self.today, tracker.latest_message)
        known = known_facts(slots)
        asked = asked_facts(slots)
        skipped = skipped_facts(slots)
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        pending = slots.get(REQUESTED_SLOT)
        if intent in DIGRESSIONS and pending and not answered_since_user(tracker):
            # nothing but the requested slot: Rasa rejects the form's turn and the digression rule runs
            return [SlotSet(REQUESTED_SLOT, pending)]
        turn = read_message(message, asked=asked, known=known, as_of=as_of, intent=intent, audience=audience_of(slots))
        messages_before = len(dispatcher.messages)
        acknowledge(turn, asked, dispatcher)

        events: list[EventType] = [SlotSet(name, value) for name, value in turn.updates.items()]
        if turn.as_of is not None:
            as_of = turn.as_of
        if as_of.isoformat() != slots.get(AS_OF) and (turn.as_of or clock.requested_date(message)):
            events.append(SlotSet(AS_OF, as_of.isoformat()))  # the consultation keeps the date it was given
        audience = turn.audience or audience_of(slots)
        if turn.audience and turn.audience != slots.get(AUDIENCE):
            events.append(SlotSet(AUDIENCE, turn.audience))
        new_skipped = [n for n in skipped if n not in turn.updates] + [n for n in turn.unknown if n not in skipped]
        if new_skipped != skipped:
            events.append(SlotSet(SKIPPED, new_skipped))

        focus = focus_of(slots)
        last = slots.get(POLICY)
        if not pending and last and asks_about_the_last_measure(str(message.get("text") or "")):
            # 那我能领吗 after 失业金怎么领: a focused check of the measure just talked about
            if focus != [last]:
                focus = [last]
                events.append(SlotSet(FOCUS, focus))
        elif focus and intent == "check_my_eligibility":  # 看看我能申请什么 after a focused check: the full one
            focus = []
            events.append(SlotSet(FOCUS, None))
        needs = [p for p in policies_asked(message, {}) if intent == "inform" and not turn.from_payload]
        if needs and not pending and not focus:
            # the conversation starts with a need stated (我是外卖小哥，想考个证): its measures first
            explain_measures(needs, as_of, dispatcher, audience, asks_something(message), {**known, **turn.updates})
            focus = [p.id for p in needs]
            events += [SlotSet(FOCUS, focus), SlotSet(POLICY, needs[0].id)]
        facts = {**known, **turn.updates}
        plan = plan_questions(facts, as_of, audience=audience, focus=focus, skip=new_skipped)
        if not plan:
            return [*events, SlotSet(REQUESTED_SLOT, None), SlotSet(ASKED, None)]
        unclear = next(((n, vs) for n, vs in turn.ambiguous.items() if n not in facts), None)
        if unclear is not None:  # two readings of what was said: ask which, before anything else
            dispatcher.utter_message(**which_one_message(*unclear))
            return [*events, SlotSet(REQUESTED_SLOT, unclear[0]), SlotSet(ASKED, [unclear[0]])]
        question = plan[0]
        quiet = len(dispatcher.messages) > messages_before
        if question.key == pending and turn.empty and intent in FACT_INTENTS and not turn.is_question and not quiet:
            dispatcher.utter_message(text=NOT_UNDERSTOOD)
        dispatcher.utter_message(**question_message(question))
        return [*events, SlotSet(REQUESTED_SLOT, question.key), SlotSet(ASKED, list(question.facts))]
