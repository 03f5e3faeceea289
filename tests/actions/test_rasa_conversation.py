"""End to end over REST: the trained model in models/, the action server, real Chinese text.

Marked `rasa`: needs .venv-rasa and a model (scripts/rasa_checks.sh trains one). Skipped when either is
missing. Starts both servers on free ports and stops them afterwards.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
AS_OF = "2022-07-01"
API_TOKEN = secrets.token_urlsafe(16)  # the HTTP API always needs one (rasa_ext.serve adds --auth-token)

pytestmark = pytest.mark.rasa


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _latest_model() -> Path | None:
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def _wait(url: str, proc: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"no answer from {url} after {seconds}s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def rasa_url() -> Iterator[str]:
    model = _latest_model()
    if not RASA.exists() or model is None:
        pytest.skip("needs .venv-rasa and a trained model in models/ (run scripts/rasa_checks.sh)")
    action_port, rasa_port = _free_port(), _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        endpoints = Path(tmp) / "endpoints.yml"
        endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n')
        credentials = Path(tmp) / "credentials.yml"
        credentials.write_text("rest:\n")
        env = {
            **os.environ,
            "ASSISTANT_AS_OF": AS_OF,
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "RASA_API_TOKEN": API_TOKEN,
        }
        logs = Path(tmp)
        actions = subprocess.Popen(
            [sys.executable, "-m", "bot.action_server", "--actions", "actions", "-p", str(action_port)],
            cwd=ROOT,
            env=env,
            stdout=(logs / "actions.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        command = [
            str(RASA.with_name("python")),
            "-m",
            "rasa_ext.serve",
            "run",
            "--enable-api",
            "-m",
            str(model),
            "-i",
            "127.0.0.1",
            "-p",
            str(rasa_port),
        ]
        command += ["--endpoints", str(endpoints), "--credentials", str(credentials)]
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=(logs / "rasa.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait(f"http://127.0.0.1:{action_port}/health", actions, 60)
            _wait(f"http://127.0.0.1:{rasa_port}/status?token={API_TOKEN}", server, 240)
            yield f"http://127.0.0.1:{rasa_port}"
        finally:
            _stop(server)
            _stop(actions)


def say(url: str, sender: str, text: str) -> list[dict[str, Any]]:
    reply = httpx.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    reply.raise_for_status()
    return list(reply.json())


def slots(url: str, sender: str) -> dict[str, Any]:
    tracker = httpx.get(f"{url}/conversations/{sender}/tracker", params={"token": API_TOKEN}, timeout=30).json()
    return dict(tracker["slots"])


def _assessment(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    return next((m["custom"]["assessment"] for m in messages if isinstance(m.get("custom"), dict)), None)


def test_a_whole_conversation(rasa_url: str) -> None:
    sender = f"e2e-{time.time_ns()}"
    greeting = say(rasa_url, sender, "你好")
    assert any("稳就业" in (m.get("text") or "") for m in greeting)

    first = say(rasa_url, sender, "我失业半年了，上海户口，能申请什么补贴")
    assert first, "the form asks a question"
    known = slots(rasa_url, sender)
    assert known["unemployed_months"] == 6
    assert known["shanghai_hukou"] is True
    assert known["requested_slot"]

    assessment = None
    for _ in range(30):
        messages = say(rasa_url, sender, "不知道")
        assessment = _assessment(messages)
        if assessment is not None:
            break
    assert assessment is not None, "the form ends in an assessment"
    assert assessment["as_of"] == AS_OF
    assert {"as_of", "rules_version", "results"} <= set(assessment)
    assert all({"policy_id", "status", "article"} <= set(r) for r in assessment["results"])
    assert slots(rasa_url, sender)["skipped_facts"]

    explained = say(rasa_url, sender, "什么是公益性岗位？")
    assert any("公益性岗位" in (m.get("text") or "") for m in explained)

    say(rasa_url, sender, "/restart")
    after = slots(rasa_url, sender)
    assert after["unemployed_months"] is None and after["shanghai_hukou"] is None


def test_a_digression_inside_the_form_comes_back_to_the_question(rasa_url: str) -> None:
    sender = f"e2e-{time.time_ns()}"
    say(rasa_url, sender, "帮我看看我能申请什么")
    pending = slots(rasa_url, sender)["requested_slot"]
    assert pending
    replies = say(rasa_url, sender, "失业金怎么领？")
    texts = [m.get("text") or "" for m in replies]
    assert any("失业保险金" in t for t in texts)
    assert slots(rasa_url, sender)["requested_slot"] == pending
    assert len(texts) >= 2  # the explanation, then the pending question again
