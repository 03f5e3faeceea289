"""Shared helpers of the scale tests: the Rasa venv, the shared Redis and PostgreSQL of this machine."""

from __future__ import annotations

import os
import socket

import pytest

from bot.launcher import REPO

RASA_PYTHON = REPO / ".venv-rasa" / "bin" / "python"
REDIS = ("127.0.0.1", 6379)


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def require_redis() -> tuple[str, int]:
    if not RASA_PYTHON.exists():
        skip_or_fail(f"no Rasa environment at {RASA_PYTHON}")
    try:
        with socket.create_connection(REDIS, timeout=2) as s:
            s.sendall(b"PING\r\n")
            if not s.recv(16).startswith(b"+PONG"):
                raise OSError("no PONG")
    except OSError:
        skip_or_fail(f"Redis at {REDIS[0]}:{REDIS[1]} is not reachable")
    return REDIS
