"""understanding.routing: the intent a message carries, over DIET's guess."""

from __future__ import annotations

import pytest

from understanding.normalise import normalise
from understanding.routing import route


@pytest.mark.parametrize(
    ("text", "intent", "policy"),
    [
        ("大学毕业去当兵有什么优惠政策", "ask_policy", "graduate_enlistment_support"),
        ("公司社保能缓交吗", "ask_policy", "employer_cost_relief"),
    ],
)
def test_a_question_about_a_measure_is_routed_to_it(text: str, intent: str, policy: str) -> None:
    decided = route(normalise(text), "nlu_fallback", 0.3)
    assert decided.intent == intent
    assert policy in [e["value"] for e in decided.entities if e["entity"] == "policy"]


def test_routed_entities_span_the_message_as_rasa_evaluation_needs() -> None:
    text = normalise("我是一家软件公司的HR，招高校毕业生有什么补贴？")
    decided = route(text, "ask_policy", 0.9)
    assert decided.entities, "an employer's question about hiring names measures"
    for entity in decided.entities:
        assert (entity["start"], entity["end"]) == (0, len(text))
        assert entity["extractor"] == "QuestionRouter"


def test_a_confident_control_intent_stays() -> None:
    assert route("重新开始", "restart", 0.95).intent is None


def test_a_payload_is_left_to_rasa() -> None:
    decided = route('/inform{"employment_status": "unemployed"}', "inform", 1.0)
    assert decided.intent is None and decided.entities == []
