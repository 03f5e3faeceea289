"""action_explain_policy: title, article, verbatim quote, next steps; personal status when facts are known."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.explain_policy import ActionExplainPolicy
from rules import default_policies
from rules.policy import source_text
from tests.actions.conftest import AS_OF, entity, make_tracker


async def explain(text: str, policy_id: str | None, slots: dict[str, Any] | None = None) -> tuple[str, list[Any]]:
    ents = [entity(text, text[-4:], "policy", policy_id)] if policy_id else []
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(intent="ask_policy", text=text, entities=ents, slots=slots)
    events = await ActionExplainPolicy(today=lambda: AS_OF).run(dispatcher, tracker, {})
    assert len(dispatcher.messages) == 1
    return dispatcher.messages[0]["text"], events


@pytest.mark.parametrize("policy_id", default_policies().ids)
async def test_every_measure_can_be_explained(policy_id: str) -> None:
    policy = default_policies().get(policy_id)
    assert policy is not None
    text, events = await explain("请问这个政策是什么", policy_id)
    assert policy.title in text
    assert f"《意见》{policy.article}" in text
    opinion = source_text()
    for quote in policy.quotes:
        assert f"“{quote}”" in text
        assert quote in opinion  # verbatim
    steps = policy.next_steps.get(policy.on_match) or ()
    if steps:
        assert steps[0].rstrip("。；") in text
    assert events == [{"event": "slot", "timestamp": None, "name": "policy", "value": policy_id}]


async def test_known_facts_give_a_personal_note() -> None:
    policy = default_policies().get("hardship_subsidies")
    assert policy is not None
    text, _ = await explain("什么是就业困难人员补贴", "hardship_subsidies", {"hardship_certified": True})
    assert policy.explanations["eligible"] in text
    assert "可以申请" in text


async def test_no_measure_named_asks_which_one() -> None:
    text, events = await explain("政策怎么样", None)
    assert "哪一项" in text
    assert events == []


async def test_unknown_id_sends_to_the_station() -> None:
    text, events = await explain("什么是火星补贴", "mars_subsidy")
    assert "12333" in text
    assert events == []
