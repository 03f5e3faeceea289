"""Run with the Rasa venv (cwd = repo root): exercise MaskedRestInput and SpoolEventBroker in Rasa.

Prints one JSON object with what Rasa's pipeline saw; tests/caselog/test_rasa_ext.py checks it.
Usage: .venv-rasa/bin/python tests/caselog/rasa_check.py PORT   (env CASELOG_SPOOL_DIR set)
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, os.getcwd())


async def broker_through_tracker_store() -> dict[str, Any]:
    from rasa.core.brokers.broker import EventBroker
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.core.utils import AvailableEndpoints
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

    endpoints = AvailableEndpoints.read_endpoints("endpoints.yml")
    broker = await EventBroker.create(endpoints.event_broker)
    domain = Domain.from_dict({"slots": {"age": {"type": "any", "mappings": [{"type": "custom"}]}}})
    store = InMemoryTrackerStore(domain, event_broker=broker)
    tracker = await store.get_or_create_tracker("13812345678")
    assessment = {
        "as_of": "2022-07-01",
        "rules_version": "test",
        "results": [{"policy_id": "internship_program", "status": "eligible"}],
    }
    tracker.update_with_events(
        [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            UserUttered(
                "身份证310101199001011234 手机13912345678",  # unmasked on purpose: the broker masks again
                intent={"name": "inform", "confidence": 0.8},
                input_channel="rest",
                metadata={"channel": "telegram"},
            ),
            ActionExecuted("action_assess"),
            BotUttered("评估结果", data={"custom": {"assessment": assessment}}),
            SlotSet("age", 52),
        ],
        domain,
    )
    await store.save(tracker)
    return {"broker_class": type(broker).__name__, "broker_ready": broker.is_ready()}


async def channel_over_http(port: int) -> dict[str, Any]:
    import aiohttp
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage, register
    from sanic import Sanic

    from rasa_ext.channels import MaskedRestInput

    seen: list[dict[str, Any]] = []

    async def on_new_message(message: UserMessage) -> None:
        seen.append({"text": message.text, "metadata": message.metadata, "input_channel": message.input_channel})
        assert isinstance(message.output_channel, CollectingOutputChannel)
        await message.output_channel.send_text_message(message.sender_id, f"收到：{message.text}")

    app = Sanic("masked_rest_check")
    app.ctx.agent = SimpleNamespace(handle_message=on_new_message)
    register([MaskedRestInput()], app, route="/webhooks/")
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    try:
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
            body = {
                "sender": "s1",
                "message": "我的身份证是31010119900101123X，电话138 1234 5678，2022年失业3个月",
                "metadata": {"channel": "telegram", "note": "卡号6222021234567890"},
            }
            async with http.post(url, json=body) as resp:
                replies = await resp.json()
                status = resp.status
            async with http.post(url, json={"sender": "s2", "message": "你好"}) as resp:
                await resp.json()
    finally:
        server.close()
        await server.wait_closed()
    return {"name": MaskedRestInput.name(), "status": status, "replies": replies, "seen": seen}


async def main() -> None:
    result = await broker_through_tracker_store()
    result.update(await channel_over_http(int(sys.argv[1])))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
