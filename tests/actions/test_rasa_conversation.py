"""End to end over REST on the session's real stack (tests/conftest.py): real Chinese text, the trained model.

Marked `rasa`: needs .venv-rasa and a model (scripts/rasa_checks.sh trains one). Every message carries
`metadata.as_of`, so the consultations are evaluated on a fixed date whatever the clock says.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from bot.stack import Stack

AS_OF = "2022-07-01"

pytestmark = pytest.mark.rasa


def say(stack: Stack, sender: str, text: str) -> list[dict[str, Any]]:
    body = {"sender": sender, "message": text, "metadata": {"as_of": AS_OF}}
    reply = httpx.post(f"{stack.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
    reply.raise_for_status()
    return list(reply.json())


def custom(messages: list[dict[str, Any]], key: str) -> Any:
    return next((m["custom"][key] for m in messages if isinstance(m.get("custom"), dict) and key in m["custom"]), None)


def test_a_whole_consultation_in_words(real_stack: Stack) -> None:
    sender = f"e2e-{time.time_ns()}"
    greeting = say(real_stack, sender, "你好")
    assert any("稳就业" in (m.get("text") or "") for m in greeting)

    first = say(real_stack, sender, "我今年五十三，上海戶口，失業半年了")  # traditional characters too
    assert "记下了" in first[0]["text"] and "失业时长（月）：6个月" in first[0]["text"]
    asks = custom(first, "asks")
    assert asks, "the form asks its first question with custom.asks"

    assessment = None
    for _ in range(12):
        messages = say(real_stack, sender, "都没有" if len(asks) > 1 else "不知道")
        assessment = custom(messages, "assessment")
        if assessment is not None:
            break
        asks = custom(messages, "asks") or []
    assert assessment is not None, "the form ends in an assessment"
    assert assessment["as_of"] == AS_OF
    assert all({"policy_id", "status", "article"} <= set(r) for r in assessment["results"])

    explained = say(real_stack, sender, "什么是公益性岗位？")
    assert custom(explained, "explained") == ["public_welfare_post"]

    say(real_stack, sender, "/restart")
    again = say(real_stack, sender, "帮我看看能申请什么")
    assert "记下了" not in " ".join(m.get("text") or "" for m in again)  # nothing of before is kept


def test_a_digression_inside_the_form_comes_back_to_the_question(real_stack: Stack) -> None:
    sender = f"e2e-{time.time_ns()}"
    asks = custom(say(real_stack, sender, "帮我看看我能申请什么"), "asks")
    assert asks
    replies = say(real_stack, sender, "失业金怎么领？")
    assert custom(replies, "answer") == "procedure"
    assert custom(replies, "asks") == asks  # then the pending question again


def test_a_question_about_one_measure_is_answered_then_checked(real_stack: Stack) -> None:
    sender = f"e2e-{time.time_ns()}"
    replies = say(real_stack, sender, "我跑外卖的，路上摔了有没有类似工伤的保障")
    assert custom(replies, "explained") == ["platform_worker_injury_protection"]
    assert custom(replies, "assessment") is not None  # nothing more to ask: its result right away
