"""The single-machine run (`scripts/run`) when its action server dies: the turn it costs says 稍后再试,
the supervisor brings the action server back, and the conversation carries on where it was."""

from __future__ import annotations

import os
import signal
import time
import uuid

import httpx
import pytest

from bot.processes import http_ok
from bot.stack import Stack
from bot.supervisor import RestartPolicy

pytestmark = pytest.mark.rasa


def _say(stack: Stack, sender: str, text: str) -> list[str]:
    resp = httpx.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60, trust_env=False
    )
    resp.raise_for_status()
    return [m.get("text") or "" for m in resp.json()]


def test_a_killed_action_server_costs_one_turn_that_says_try_again(real_stack: Stack) -> None:
    stack = real_stack
    sender = f"recovery-{uuid.uuid4().hex[:8]}"
    assert any("就业状态" in t for t in _say(stack, sender, "我想看看我能享受哪些政策"))
    actions = stack.child("actions")
    supervisor = stack.supervisor(RestartPolicy(first_delay=0.5))
    assert actions.pid is not None and actions.health_url is not None
    os.killpg(actions.pid, signal.SIGKILL)
    actions.proc.wait(10)  # type: ignore[union-attr]
    try:
        during = _say(stack, sender, "我失业三个月了")
        assert len(during) == 1 and "稍后再试" in during[0], during  # never silence
    finally:
        deadline = time.monotonic() + 120
        while not (supervisor.restarts("actions") and actions.alive() and http_ok(actions.health_url)):
            assert time.monotonic() < deadline, "the supervisor did not bring the action server back"
            supervisor.tick()
            time.sleep(0.2)
    after = _say(stack, sender, "我失业三个月了")
    assert any("失业" in t and "3" in t for t in after), after  # the form took the answer given again
    assert not any("稍后再试" in t for t in after)
    assert any("高校毕业生" in t or "？" in t for t in after), after  # and asks its next question
