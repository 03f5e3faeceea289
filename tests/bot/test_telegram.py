"""The Telegram bot against a stand-in Bot API and a stand-in Rasa, with PTB's own networking code."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.identity import sender_id
from bot.rasa_client import UNAVAILABLE_TEXT, RasaClient
from bot.telegram_bot import RATE_LIMIT_TEXT, SECRET_HEADER, TelegramConfig, build_application, running
from rules.vocabulary import OPINION
from tests.bot.standins import TELEGRAM_TOKEN, FakeRasa, FakeTelegram, canned_assessment, free_port

TOKEN = TELEGRAM_TOKEN
SALT = b"test-salt"
USER = 777001


def make_config(tg: FakeTelegram, rasa_url: str, **kw: object) -> TelegramConfig:
    return TelegramConfig(token=TOKEN, rasa_url=rasa_url, salt=SALT, base_url=tg.base_url, poll_timeout=1, **kw)  # type: ignore[arg-type]


@pytest.fixture()
async def polling(tg: FakeTelegram, rasa: FakeRasa) -> AsyncIterator[FakeTelegram]:
    config = make_config(tg, rasa.url)
    app = build_application(config, RasaClient(rasa.url, timeout=2))
    async with running(app, config):
        yield tg


async def wait_calls(tg: FakeTelegram, method: str, count: int = 1) -> list[dict]:
    return await asyncio.to_thread(tg.wait_for, method, count)


async def test_text_is_forwarded_with_hashed_sender_and_buttons_become_inline_keyboard(
    polling: FakeTelegram, rasa: FakeRasa
) -> None:
    polling.push_text(USER, "我去年毕业了")
    sent = await wait_calls(polling, "sendMessage")
    assert sent[0]["chat_id"] == USER
    assert sent[0]["text"] == "您是高校毕业生吗？"
    rows = sent[0]["reply_markup"]["inline_keyboard"]
    titles = [b["text"] for row in rows for b in row]
    assert titles == ["是", "不是", "不知道"]
    assert rows[0][0]["callback_data"] == "p:/affirm"

    body = rasa.received[-1]
    assert body["message"] == "我去年毕业了"
    assert body["metadata"] == {"channel": "telegram"}
    assert body["sender"] == sender_id("telegram", USER, SALT)
    assert str(USER) not in body["sender"]
    # polling mode removed any webhook first, like PTB does against the real API
    assert polling.calls_of("deleteWebhook")


async def test_button_press_answers_callback_and_forwards_payload(polling: FakeTelegram, rasa: FakeRasa) -> None:
    polling.push_callback(USER, "p:/affirm")
    answered = await wait_calls(polling, "answerCallbackQuery")
    assert answered[0]["callback_query_id"].startswith("cb")
    sent = await wait_calls(polling, "sendMessage")
    assert rasa.received[-1]["message"] == "/affirm"
    assert sent[0]["text"].startswith("根据您说的情况，评估结果如下：")
    await asyncio.sleep(0.3)
    # the reply had text: the payload beside it is not sent a second time as text
    assert len(polling.calls_of("sendMessage")) == 1


async def test_assessment_payload_without_text_is_rendered(polling: FakeTelegram, rasa: FakeRasa) -> None:
    polling.push_text(USER, "请给我评估")
    sent = await wait_calls(polling, "sendMessage")
    text = sent[0]["text"]
    assert text.startswith("评估结果（依据沪府规〔2022〕6号）")
    eligible = [r for r in canned_assessment()["results"] if r["status"] == "eligible"]
    assert eligible and "【可以申请】" in text
    for r in eligible:
        assert r["title"] in text and f"《意见》{r['article']}" in text


async def test_long_payload_buttons_round_trip_through_short_keys(tg: FakeTelegram) -> None:
    long_payload = '/inform{"employment_status":"unemployed","unemployed_months":6,"wants_job":true}'

    def reply(body: dict) -> list[dict]:
        button = {"title": "失业", "payload": long_payload}
        return [{"recipient_id": body["sender"], "text": "选一个", "buttons": [button]}]

    with FakeRasa(reply) as rasa:
        config = make_config(tg, rasa.url)
        async with running(build_application(config, RasaClient(rasa.url, timeout=2)), config):
            tg.push_text(USER, "你好")
            sent = await wait_calls(tg, "sendMessage")
            data = sent[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            assert len(data.encode()) <= 64
            tg.push_callback(USER, data)
            await wait_calls(tg, "sendMessage", 2)
            assert rasa.received[-1]["message"] == long_payload


async def test_commands(polling: FakeTelegram, rasa: FakeRasa) -> None:
    polling.push_text(USER, "/help")
    sent = await wait_calls(polling, "sendMessage")
    assert "/restart" in sent[0]["text"]
    assert rasa.received == []  # help is answered locally
    polling.push_text(USER, "/restart")
    sent = await wait_calls(polling, "sendMessage", 2)
    assert rasa.received[-1]["message"] == "/restart"
    assert sent[1]["text"] == "好的，我们重新开始。"
    polling.push_text(USER, "/start")
    sent = await wait_calls(polling, "sendMessage", 4)
    assert "稳就业政策助手" in sent[2]["text"]
    assert OPINION in sent[2]["text"]  # the opinion's own title and number, as in every answer
    assert rasa.received[-1]["message"] == "/greet"


async def test_rate_limit_sends_one_friendly_message(tg: FakeTelegram, rasa: FakeRasa) -> None:
    config = make_config(tg, rasa.url, rate_limit=3, rate_window=60.0)
    async with running(build_application(config, RasaClient(rasa.url, timeout=2)), config):
        for i in range(6):
            tg.push_text(USER, f"消息{i}")
        sent = await wait_calls(tg, "sendMessage", 4)
        await asyncio.sleep(0.5)  # give any excess message a chance to (wrongly) arrive
        texts = [p["text"] for p in tg.calls_of("sendMessage")]
        assert texts.count(RATE_LIMIT_TEXT) == 1
        assert len(texts) == 4, texts
        assert len(rasa.received) == 3
        # another user is not affected
        tg.push_text(USER + 1, "你好")
        sent = await wait_calls(tg, "sendMessage", 5)
        assert sent[4]["chat_id"] == USER + 1 and sent[4]["text"] == "您是高校毕业生吗？"


@pytest.mark.parametrize("failure", ["down", "error", "slow"])
async def test_rasa_failure_gives_friendly_chinese_message(tg: FakeTelegram, failure: str) -> None:
    with FakeRasa() as rasa:
        url = rasa.url
        if failure == "down":
            url = f"http://127.0.0.1:{free_port()}"
        rasa.mode = failure
        rasa.delay = 3.0
        config = make_config(tg, url)
        async with running(build_application(config, RasaClient(url, timeout=1)), config):
            tg.push_text(USER, "你好")
            sent = await wait_calls(tg, "sendMessage")
            assert sent[0]["text"] == UNAVAILABLE_TEXT


async def test_webhook_mode_checks_secret_token(tg: FakeTelegram, rasa: FakeRasa) -> None:
    port = free_port()
    config = make_config(
        tg,
        rasa.url,
        mode="webhook",
        webhook_url="https://bot.example.org/telegram/webhook",
        webhook_secret="s3cret-token",
        webhook_port=port,
    )
    update = {
        "update_id": 9,
        "message": {
            "message_id": 1,
            "date": 1700000000,
            "chat": {"id": USER, "type": "private"},
            "from": {"id": USER, "is_bot": False, "first_name": "访客"},
            "text": "你好",
        },
    }
    async with running(build_application(config, RasaClient(rasa.url, timeout=2)), config):
        hook = tg.calls_of("setWebhook")
        assert hook and hook[0]["secret_token"] == "s3cret-token"
        assert hook[0]["url"] == "https://bot.example.org/telegram/webhook"
        assert not tg.calls_of("getUpdates")
        url = f"http://127.0.0.1:{port}/telegram/webhook"
        async with httpx.AsyncClient() as client:
            for _ in range(50):
                try:
                    await client.get(f"http://127.0.0.1:{port}/healthz")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            missing = await client.post(url, json=update)
            wrong = await client.post(url, json=update, headers={SECRET_HEADER: "nope"})
            assert missing.status_code == 403 and wrong.status_code == 403
            await asyncio.sleep(0.3)
            assert tg.calls_of("sendMessage") == [] and rasa.received == []
            ok = await client.post(url, json=update, headers={SECRET_HEADER: "s3cret-token"})
            assert ok.status_code == 200
        sent = await wait_calls(tg, "sendMessage")
        assert sent[0]["text"] == "您是高校毕业生吗？"
        assert rasa.received[-1]["sender"] == sender_id("telegram", USER, SALT)


def test_no_token_means_no_telegram(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from bot import telegram_bot

    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert TelegramConfig.from_env() is None
    assert telegram_bot.main() == 0
    assert "not started" in capsys.readouterr().out


async def test_a_multi_select_is_toggles_and_done_sends_one_answer(polling: FakeTelegram, rasa: FakeRasa) -> None:
    from tests.bot.standins import multi_select_message

    polling.push_text(USER, "情况多选")
    sent = await wait_calls(polling, "sendMessage")
    rows = sent[0]["reply_markup"]["inline_keyboard"]
    options = multi_select_message()["custom"]["select"]["options"]
    assert [row[0]["text"] for row in rows[: len(options)]] == [f"☐ {o['title']}" for o in options]
    assert rows[-1][0]["text"] == "完成"
    first, second = rows[0][0]["callback_data"], rows[1][0]["callback_data"]
    polling.push_callback(USER, first)
    edited = await wait_calls(polling, "editMessageReplyMarkup")
    assert edited[0]["reply_markup"]["inline_keyboard"][0][0]["text"].startswith("☑")
    polling.push_callback(USER, second)
    polling.push_callback(USER, second)  # toggled on and off again
    await wait_calls(polling, "editMessageReplyMarkup", 3)
    polling.push_callback(USER, rows[-1][0]["callback_data"])
    await asyncio.to_thread(lambda: _wait_received(rasa, 2))
    answer = json.loads(rasa.received[-1]["message"].removeprefix("/inform"))
    asks = multi_select_message()["custom"]["asks"]
    assert set(answer) == set(asks)
    assert answer[options[0]["fact"]] is True
    assert all(answer[name] is False for name in asks if name != options[0]["fact"])


def _wait_received(rasa: FakeRasa, count: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while len(rasa.received) < count and time.monotonic() < deadline:
        time.sleep(0.05)
