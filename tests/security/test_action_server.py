"""bot.action_server: 127.0.0.1 by default; with ACTION_SERVER_TOKEN only requests carrying it are served."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.action_server import TOKEN_HEADER, is_loopback
from tests.bot.standins import free_port

REPO = Path(__file__).resolve().parents[2]
SECRET = "action-secret-for-tests"


def _start(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.action_server", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.fixture(scope="module")
def action_server() -> Iterator[str]:
    port = free_port()
    proc = _start("-p", str(port), env={**os.environ, "ACTION_SERVER_TOKEN": SECRET})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                if httpx.get(f"{url}/health", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "action server did not start"
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_webhook_and_action_list_need_the_secret(action_server: str) -> None:
    call = {"next_action": "action_give_assessment", "sender_id": "x", "tracker": {}, "domain": {}, "version": "3.6.21"}
    with httpx.Client(trust_env=False, timeout=30) as client:
        assert client.post(f"{action_server}/webhook", json=call).status_code == 401
        assert client.post(f"{action_server}/webhook", json=call, headers={TOKEN_HEADER: "wrong"}).status_code == 401
        assert client.get(f"{action_server}/actions").status_code == 401
        listed = client.get(f"{action_server}/actions", headers={TOKEN_HEADER: SECRET})
        assert listed.status_code == 200
        assert "action_give_assessment" in {a["name"] for a in listed.json()}


def test_binding_another_address_without_a_secret_is_refused() -> None:
    env = {k: v for k, v in os.environ.items() if k != "ACTION_SERVER_TOKEN"}
    proc = _start("-i", "0.0.0.0", "-p", str(free_port()), env=env)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert b"ACTION_SERVER_TOKEN" in out and b"Traceback" not in out


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False), ("10.0.0.5", False), ("h", False)],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
