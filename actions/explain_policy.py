"""action_explain_policy: one measure in plain words — title, article, the opinion's own words, what to do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import clock
from actions.slots import POLICY
from actions.validation import known_facts
from rules import Policy, conditions, default_policies
from rules.engine import status_of
from rules.vocabulary import chinese_date, status_label

EXAMPLES = "公益性岗位、失业保险金、就业见习、就业困难人员补贴、创业扶持"


def policy_id_from(message: Mapping[str, Any], slots: Mapping[str, Any]) -> str | None:
    for entity in message.get("entities") or []:
        if isinstance(entity, Mapping) and entity.get("entity") == POLICY and entity.get("value"):
            return str(entity["value"])
    value = slots.get(POLICY)
    return str(value) if value else None


def explain(policy: Policy, facts: Mapping[str, Any], as_of: dt.date) -> str:
    def params(name: str) -> Any:
        return policy.parameters[name].at(as_of)

    lines = [f"【{policy.title}】《意见》{policy.article}"]
    if policy.eligible_when is None:
        lines.append("适用对象：原文未对个人设定条件。")
    else:
        lines.append("适用条件：")
        lines.extend(conditions.describe(policy.eligible_when, params))
    if policy.effective_until is not None:
        lines.append(f"有效期：至{chinese_date(policy.effective_until)}（原文：“{policy.until_quote}”）。")
    lines.append("原文：" + "".join(f"“{q}”" for q in policy.quotes))
    steps = policy.next_steps.get(policy.on_match) or ()
    if steps:
        lines.append("怎么办：" + "；".join(step.rstrip("。；") for step in steps) + "。")
    if facts:
        status, _ = status_of(policy, facts, as_of)
        explanation = policy.explanations.get(status)
        if explanation:
            lines.append(f"按您目前告诉我的情况（{status_label(status)}）：{explanation}")
    return "\n".join(lines)


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
        policy_id = policy_id_from(tracker.latest_message or {}, tracker.slots)
        policy = default_policies().get(policy_id) if policy_id else None
        if policy is None:
            dispatcher.utter_message(
                text=f"您想了解哪一项措施？可以直接说名称，比如：{EXAMPLES}。"
                if policy_id is None
                else "这项措施我暂时还没有整理好的说明，可以到街道社区就业服务站或拨打12333咨询。"
            )
            return []
        dispatcher.utter_message(text=explain(policy, known_facts(tracker.slots), self.today()))
        return [SlotSet(POLICY, policy.id)]
