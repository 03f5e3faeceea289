"""action_explain_policy: the measure(s) a question is about, in plain words; then a focused check of them.

One measure: its title and article, who it is for (its conditions), the opinion's words, what to do and
where, and — on what the person has told — where they stand. Several (a family question such as
招高校毕业生单位有什么补贴): one line each. The reply carries `custom.explained` (the ids explained). Facts
the question states (我跑外卖的，摔了有没有保障) are recorded; the focused check that follows (the form,
dialogue/rules.yml) asks only what those measures still need. A question whose measure cannot be told
offers 2–4 candidates as buttons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clock
from actions.slots import AUDIENCE, CHECK_FOLLOWS, FOCUS, FORM, POLICY, audience_of, known_facts
from actions.turn import describe, read_message
from rules import Policy, conditions, default_policies
from rules.conditions import evaluate
from rules.engine import status_of
from rules.vocabulary import chinese_date
from understanding.facts import clauses

EXAMPLES = "公益性岗位、失业保险金、就业见习、就业困难人员补贴、创业扶持"
ASK_WHICH = f"您想了解哪一项措施？可以直接说名称，比如：{EXAMPLES}。"
CHECK_FOCUS = "我再问您一两个问题，看看这{n}对您是否适用。"
EMPLOYER_NOTE = "（用人单位享受）"


def entity_values(message: Mapping[str, Any], name: str) -> list[str]:
    out: list[str] = []
    for entity in message.get("entities") or []:
        if isinstance(entity, Mapping) and entity.get("entity") == name and entity.get("value"):
            value = str(entity["value"])
            if value not in out:
                out.append(value)
    return out


def policies_asked(message: Mapping[str, Any], slots: Mapping[str, Any]) -> list[Policy]:
    """The measures the message is about: its `policy` entities, else the measure explained last."""
    catalogue = default_policies()
    ids = entity_values(message, POLICY) or ([str(slots[POLICY])] if slots.get(POLICY) else [])
    return [p for p in (catalogue.get(i) for i in ids) if p is not None]


def steps_for(
    policy: Policy, audience: str = "person", facts: Mapping[str, Any] | None = None, as_of: dt.date | None = None
) -> tuple[str, ...]:
    """The steps to show: an employer asking about its own measure gets what the employer does; a person whose
    facts already place them (失业、还没领失业金 → 去申领) gets the steps of where they stand, else those of a match."""
    if audience == "employer" and policy.employer_steps:
        return policy.employer_steps
    if facts and as_of is not None:
        status, _ = status_of(policy, facts, as_of)
        # 失业了、领没领失业金还不知道: already within what the office confirms, so its steps (去申领)
        confirm = policy.confirm_when
        if status == "needs_info" and confirm and evaluate(confirm, facts, policy.lookup(as_of)).value is True:
            status = "needs_confirmation"
        if policy.next_steps.get(status):
            return tuple(policy.next_steps[status])
    return tuple(policy.next_steps.get(policy.on_match) or ())


def explain(policy: Policy, as_of: dt.date, audience: str = "person", facts: Mapping[str, Any] | None = None) -> str:
    """The measure itself; where this person stands follows as the focused check's result."""
    lookup = policy.lookup(as_of)
    lines = [f"【{policy.title}】《意见》{policy.article}{EMPLOYER_NOTE if policy.kind == 'employer' else ''}"]
    if policy.eligible_when is None:
        lines.append("适用对象：原文未对个人设定条件。")
    else:
        lines.append("适用条件：")
        lines.extend(conditions.describe(policy.eligible_when, lookup))
    if policy.confirm_when is not None:
        # 失业保险金: eligible is 正在领取; 失业、还没领 is what the office decides, said so the first line is no riddle
        office = f"，由{policy.confirm_with}确认" if policy.confirm_with else ""
        lines.append(f"需要到窗口确认的情况：{conditions.describe_inline(policy.confirm_when, lookup)}{office}。")
    if policy.effective_until is not None:
        until_quote = policy.shown_until_quote or policy.until_quote
        lines.append(f"有效期：至{chinese_date(policy.effective_until)}（原文：“{until_quote}”）。")
    lines.append("原文：" + "".join(f"“{q}”" for q in policy.shown_quotes))
    steps = steps_for(policy, audience, facts, as_of)
    if steps:
        lines.append("怎么办：" + "；".join(step.rstrip("。；") for step in steps) + "。")
    return "\n".join(lines)


def explain_several(
    policies: Sequence[Policy],
    audience: str = "person",
    asked: bool = True,
    facts: Mapping[str, Any] | None = None,
    as_of: dt.date | None = None,
) -> str:
    """One line each; `asked` False when the person only told their situation (我被裁了，四十岁) and asked nothing."""
    lines = [f"和您{'问的' if asked else '说的情况'}有关的措施有{len(policies)}项："]
    for p in policies:
        steps = steps_for(p, audience, facts, as_of)
        where = f"→ {steps[0]}" if steps else ""
        lines.append(f"• {p.title}（《意见》{p.article}）{EMPLOYER_NOTE if p.kind == 'employer' else ''}{where}")
    lines.append("想看哪一项的详细条件，可以直接问我它的名称。")
    return "\n".join(lines)


def asks_something(message: Mapping[str, Any]) -> bool:
    return any(c.question for c in clauses(str(message.get("text") or "")))


def explain_measures(
    chosen: Sequence[Policy],
    as_of: dt.date,
    dispatcher: CollectingDispatcher,
    audience: str = "person",
    asked: bool = True,
    facts: Mapping[str, Any] | None = None,
) -> None:
    """The message explaining one or several measures, with custom.explained; `facts`: what is known of the person."""
    if len(chosen) == 1:
        text = explain(chosen[0], as_of, audience, facts)
    else:
        text = explain_several(chosen, audience, asked, facts, as_of)
    dispatcher.utter_message(text=text, json_message={"explained": [p.id for p in chosen], "answer": "measure"})


class ActionExplainPolicy(Action):
    def __init__(self, today: Callable[[], dt.date] = clock.today) -> None:
        self.today = today

    def name(self) -> str:
        return "action_explain_policy"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        slots = tracker.slots
        message = tracker.latest_message or {}
        as_of = clock.evaluation_date(slots, self.today, tracker.latest_message)
        known = known_facts(slots)
        audience = "employer" if "employer" in entity_values(message, "audience") else audience_of(slots)
        turn = read_message(message, known=known, as_of=as_of, audience=audience)
        events: list[EventType] = [SlotSet(n, v) for n, v in turn.updates.items()]
        if turn.updates:
            dispatcher.utter_message(
                text="记下了：" + "；".join(describe(n, v) for n, v in turn.updates.items()) + "。"
            )
        if audience != audience_of(slots):
            events.append(SlotSet(AUDIENCE, audience))
        chosen = policies_asked(message, slots)
        if not chosen:
            candidates = [
                p for p in (default_policies().get(i) for i in entity_values(message, "policy_candidate")) if p
            ]
            if candidates:
                buttons = [{"title": p.title, "payload": f'/ask_policy{{"policy": "{p.id}"}}'} for p in candidates]
                custom = {"answer": "candidates", "candidates": [p.id for p in candidates]}
                dispatcher.utter_message(text="您问的是哪一项？", buttons=buttons, json_message=custom)
            else:
                dispatcher.utter_message(text=ASK_WHICH)
            in_form = tracker.active_loop.get("name") == FORM
            events.append(SlotSet(CHECK_FOLLOWS, None if in_form else False))
            return events
        facts = {**known, **turn.updates}
        explain_measures(chosen, as_of, dispatcher, audience, asks_something(message), facts)
        events.append(SlotSet(POLICY, chosen[0].id))
        in_form = tracker.active_loop.get("name") == FORM
        if not (in_form and not slots.get(FOCUS)):  # a question inside the full check does not narrow it
            events.append(SlotSet(FOCUS, [p.id for p in chosen]))
        # the rules start the focused check; inside the form it goes on by itself (dialogue/rules.yml)
        events.append(SlotSet(CHECK_FOLLOWS, None if in_form else True))
        return events
