"""bot/display.py: Rasa's REST replies → what a person sees, the same for Telegram, the terminal and the web."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot import display
from bot.display import NO_REPLY_TEXT, Shown, exchange, group
from bot.rasa_client import UNAVAILABLE_TEXT, BotMessage, Button, RasaClient, parse_messages
from tests.bot.standins import YES_NO, FakeRasa, canned_assessment


def rasa_reply(*items: dict) -> list[BotMessage]:
    return parse_messages([{"recipient_id": "x", **item} for item in items])


def test_text_and_its_custom_payload_are_one_message() -> None:
    payload = canned_assessment()
    shown = display.display(rasa_reply({"text": "评估如下"}, {"custom": {"assessment": payload}}))
    assert [(s.kind, s.text) for s in shown] == [("assessment", "评估如下")]
    assert shown[0].assessment == payload


def test_an_assessment_without_text_gets_the_compact_summary() -> None:
    shown = display.display(rasa_reply({"custom": {"assessment": canned_assessment()}}))
    assert shown[0].kind == "assessment" and shown[0].text.startswith("评估结果（依据")


def test_asks_and_explained_are_read_from_the_payload() -> None:
    shown = display.display(
        rasa_reply(
            {"text": "您是高校毕业生吗？", "buttons": YES_NO},
            {"custom": {"asks": ["is_college_graduate"]}},
            {"text": "公益性岗位是……"},
            {"custom": {"explained": ["public_welfare_post"]}},
        )
    )
    assert [s.kind for s in shown] == ["plain", "plain"]
    assert shown[0].asks == ("is_college_graduate",) and [b.title for b in shown[0].buttons] == ["是", "不是", "不知道"]
    assert shown[1].explained == ("public_welfare_post",) and shown[1].asks == ()


def test_buttons_without_text_get_a_prompt_and_unknown_payloads_alone_are_not_shown() -> None:
    shown = display.display(rasa_reply({"buttons": YES_NO}))
    assert shown[0].text == display.BUTTONS_PROMPT
    assert display.display(rasa_reply({"custom": {"something": 1}})) == []
    # a payload that follows nothing stays on its own
    assert len(group(rasa_reply({"custom": {"asks": ["age"]}}, {"text": "几岁？"}))) == 2


def test_a_new_kind_is_one_function_in_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    def explained(message: BotMessage) -> Shown | None:
        if not (message.custom or {}).get("explained"):
            return None
        return Shown("explained", f"{message.text}（说明）", tuple(message.buttons), message.custom or {})

    monkeypatch.setattr(display, "KINDS", [display.assessment, explained, display.plain])
    shown = display.display(rasa_reply({"text": "见习是……"}, {"custom": {"explained": ["internship_program"]}}))
    assert [(s.kind, s.text) for s in shown] == [("explained", "见习是……（说明）")]


async def test_exchange_sends_with_the_channel_and_says_when_rasa_is_down() -> None:
    with FakeRasa() as rasa:
        client = RasaClient(rasa.url, timeout=2)
        result = await exchange(client, "s-1", "我去年毕业了", "terminal")
        assert rasa.received[-1] == {"sender": "s-1", "message": "我去年毕业了", "metadata": {"channel": "terminal"}}
        assert not result.unavailable and result.shown[0].buttons[0] == Button("是", "/affirm")
        rasa.mode = "error"
        down = await exchange(client, "s-1", "还在吗", "terminal")
        assert down.unavailable and [s.text for s in down.shown] == [UNAVAILABLE_TEXT]
        await client.aclose()
    with FakeRasa(lambda body: []) as silent:
        client = RasaClient(silent.url, timeout=2)
        quiet = await exchange(client, "s-1", "……", "web")
        assert not quiet.unavailable and [(s.kind, s.text) for s in quiet.shown] == [("notice", NO_REPLY_TEXT)]
        await client.aclose()


def test_web_chat_passes_kind_asks_and_explained(staff_client: TestClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.reply = lambda body: [
        {"recipient_id": body["sender"], "text": "您多大了？"},
        {"recipient_id": body["sender"], "custom": {"asks": ["age"]}},
    ]
    messages = staff_client.post("/api/chat", json={"message": "你好"}).json()["messages"]
    assert messages == [
        {"who": "bot", "kind": "plain", "text": "您多大了？", "buttons": [], "asks": ["age"], "explained": []}
    ]
