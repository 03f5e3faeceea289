"""Shared helpers of the scale tests: the Rasa venv, this machine's PostgreSQL and Redis or throwaway ones,
the scaled layout, and a scripted consultation with what its tracker should hold."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from bot.scaled import ScaledPorts, ScaledStack
from bot.stack import REPO
from bot.supervisor import RestartPolicy

RASA_PYTHON = REPO / ".venv-rasa" / "bin" / "python"
REDIS = ("127.0.0.1", 6379)
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
AS_OF = "2022-07-01"
TOKEN = f"scale-test-{uuid.uuid4().hex}"
WEBHOOK = "/webhooks/rest/webhook"


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def redis_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def require_redis() -> tuple[str, int]:
    if not RASA_PYTHON.exists():
        skip_or_fail(f"no Rasa environment at {RASA_PYTHON}")
    if not redis_answers(*REDIS):
        skip_or_fail(f"Redis at {REDIS[0]}:{REDIS[1]} is not reachable")
    return REDIS


def require_layout() -> None:
    require_redis()
    if not list((REPO / "models").glob("*.tar.gz")):
        skip_or_fail("no trained model in models/ (scripts/test trains it first)")
    if not shutil.which("haproxy"):
        skip_or_fail("no haproxy (scripts/setup --with-scale installs it)")


@contextmanager
def scratch_database(admin_url: str = PG_ADMIN_URL) -> Iterator[str]:
    """A fresh database `scale_<random>` on a PostgreSQL server; dropped afterwards. Yields its URL."""
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"scale_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError:
        admin.dispose()
        skip_or_fail(f"PostgreSQL at {admin.url.host}:{admin.url.port} is not reachable")
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def layout_env(database_url: str, redis: tuple[str, int], redis_db: int = 2) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "CASELOG_SALT")}
    env.update(
        DATABASE_URL=database_url.replace("postgresql+psycopg://", "postgresql://"),
        REDIS_HOST=redis[0],
        REDIS_PORT=str(redis[1]),
        REDIS_DB=str(redis_db),
        REDIS_KEY_PREFIX=f"scale{uuid.uuid4().hex[:10]}",
        ASSISTANT_AS_OF=AS_OF,
        CASELOG_SALT=f"scale-salt-{uuid.uuid4().hex}",
        WEB_SECRET_KEY="scale-test-secret-key",
        RASA_API_TOKEN=TOKEN,
    )
    return env


@contextmanager
def running_layout(workdir: Path, env: dict[str, str], components: tuple[str, ...]) -> Iterator[ScaledStack]:
    """Two Rasa servers and two action servers behind HAProxy, supervised (quick restarts for the tests)."""
    stack = ScaledStack(2, ScaledPorts.free(2), workdir, env=env, components=components, train=False, out=sys.stderr)
    with stack:
        stack.supervise(RestartPolicy(first_delay=0.5, max_failures=5))
        yield stack


# ---------------------------------------------------------------------- conversations


def say(url: str, sender: str, text: str, timeout: float = 120) -> list[dict[str, Any]]:
    resp = httpx.post(url + WEBHOOK, json={"sender": sender, "message": text}, timeout=timeout, trust_env=False)
    resp.raise_for_status()
    return resp.json()


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m.get("text") or "" for m in messages]


def assessment_of(messages: list[dict[str, Any]]) -> dict[str, Any] | None:
    for m in messages:
        custom = m.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("assessment"), dict):
            return custom["assessment"]
    return None


def tracker(url: str, sender: str) -> dict[str, Any]:
    resp = httpx.get(f"{url}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=60, trust_env=False)
    resp.raise_for_status()
    return resp.json()


def stored_events(database_url: str, sender: str) -> list[dict[str, Any]]:
    """The conversation's rows in Rasa's `events` table, in the order they were inserted (by id): what is
    stored, read without a Rasa server (whose tracker endpoint rebuilds a tracker from them)."""
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender})
            return [json.loads(data) for (data,) in rows]
    finally:
        engine.dispose()


class RedisProbe:
    """GETs one key over and over on its own connection (the app venv has no Redis client: plain RESP)."""

    def __init__(self, host: str, port: int, db: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=5)
        self.buf = b""
        self._call("SELECT", str(db))

    def _line(self) -> bytes:
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            assert chunk, "Redis closed the connection"
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _call(self, *args: str) -> bytes | None:
        parts = [f"*{len(args)}\r\n".encode()]
        for a in args:
            data = a.encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
        self.sock.sendall(b"".join(parts))
        line = self._line()
        assert not line.startswith(b"-"), line
        if not line.startswith(b"$"):
            return line[1:]
        size = int(line[1:])
        if size < 0:
            return None
        while len(self.buf) < size + 2:
            self.buf += self.sock.recv(65536)
        value, self.buf = self.buf[:size], self.buf[size + 2 :]
        return value

    def get(self, key: str) -> bytes | None:
        return self._call("GET", key)

    def close(self) -> None:
        self.sock.close()


def event_shape(event: dict[str, Any]) -> tuple[Any, ...]:
    """What an event says, without its timestamps and ids: equal shapes = the same conversation."""
    kind = event.get("event")
    if kind == "user":
        return ("user", event.get("text"), (event.get("parse_data") or {}).get("intent", {}).get("name"))
    if kind == "bot":
        return ("bot", event.get("text"), json.dumps((event.get("data") or {}).get("custom"), sort_keys=True))
    if kind == "slot":
        return ("slot", event.get("name"), json.dumps(event.get("value"), sort_keys=True))
    if kind in ("action", "active_loop"):
        return (kind, event.get("name"))
    return (kind,)


@dataclass(frozen=True)
class Persona:
    """A scripted consultation: 你好, then the script; its last message asks for the result."""

    name: str
    script: tuple[str, ...]

    @property
    def messages(self) -> tuple[str, ...]:
        return ("你好", *self.script)

    def consult(self, sender: str, urls: list[str], start: int = 0) -> dict[str, Any]:
        """Message i goes to urls[(start + i) % len(urls)]; returns the assessment."""
        for i, text in enumerate(self.messages):
            messages = say(urls[(start + i) % len(urls)], sender, text)
            assert not any("稍后再试" in t for t in texts(messages)), (sender, i, messages)
            found = assessment_of(messages)
            if found is not None:
                return found
        raise AssertionError(f"{self.name}: no assessment at the end of the script")


RESULT = "直接告诉我结果"
PERSONAS = (
    Persona("unemployed", ("我失业半年了，上海户口，想看看能申请什么", "不知道", "不知道", RESULT)),
    Persona("graduate", ("我今年刚毕业，还没找到工作，能申请什么补贴", "是", "不知道", RESULT)),
    Persona("migrant", ("我是农民工，在上海打工，想问问有什么政策", "失业", "不知道", RESULT)),
)


# ---------------------------------------------------------------------- throwaway servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """Our own redis-server on a free port (no persistence): stopped and started at will."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            skip_or_fail("no redis-server (scripts/setup --with-scale installs it)")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="scale-redis-"))
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert self.binary is not None
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        argv += ["--dir", str(self.dir), "--daemonize", "no"]
        with open(self.dir / "log", "ab") as log:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 20
        while not redis_answers("127.0.0.1", self.port):
            assert self.proc.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)
        self.proc = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
