"""The supervisor keeps the launcher's components up: real child processes, killed for real."""

from __future__ import annotations

import itertools
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.processes import Child, http_ok
from bot.stack import REPO, Ports
from bot.supervisor import ComponentFailed, RestartPolicy, Supervisor
from tests.bot.standins import FakeRasa, free_port


def _http_child(tmp_path: Path, name: str) -> Child:
    port = free_port()
    argv = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    return Child(name, argv, tmp_path / f"{name}.log", f"http://127.0.0.1:{port}/", start_timeout=20)


def _tick_until(supervisor: Supervisor, done, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out"
        supervisor.tick()
        time.sleep(0.05)


def test_a_killed_component_is_restarted_while_the_others_keep_running(tmp_path: Path) -> None:
    web = _http_child(tmp_path, "web")
    other = Child("other", [sys.executable, "-c", "import time; time.sleep(600)"], tmp_path / "other.log")
    said: list[str] = []
    for child in (web, other):
        child.start(tmp_path, os.environ)
        child.wait_healthy()
    try:
        supervisor = Supervisor(
            [web, other],
            lambda c: c.start(tmp_path, os.environ),
            policy=RestartPolicy(first_delay=0.3),
            say=said.append,
        )
        supervisor.tick()
        first_pid, other_pid = web.pid, other.pid
        assert first_pid is not None
        os.killpg(first_pid, signal.SIGKILL)
        _tick_until(supervisor, lambda: any("web 已重新启动" in s for s in said), 30)
        assert web.pid != first_pid and web.alive()
        assert web.health_url is not None and http_ok(web.health_url)
        assert other.pid == other_pid and other.alive(), "the other component must not be touched"
        assert supervisor.restarts("web") == 1 and supervisor.restarts("other") == 0
        assert any("web 意外停止（被信号 SIGKILL 终止）" in s for s in said), said
    finally:
        web.stop()
        other.stop()


def test_backoff_doubles_then_repeated_failure_gives_up_naming_the_component(tmp_path: Path) -> None:
    crashy = Child(
        "crashy",
        [sys.executable, "-c", "import sys; print('boom: bad setting X', flush=True); sys.exit(3)"],
        tmp_path / "crashy.log",
    )
    crashy.start(tmp_path, os.environ)
    restarted_at: list[float] = []

    def restart(child: Child) -> None:
        restarted_at.append(time.monotonic())
        child.start(tmp_path, os.environ)

    supervisor = Supervisor(
        [crashy], restart, policy=RestartPolicy(first_delay=0.2, max_failures=4, window=60), say=lambda _: None
    )
    try:
        with pytest.raises(ComponentFailed) as failed:
            _tick_until(supervisor, lambda: False, 30)
    finally:
        crashy.stop()
    assert failed.value.component == "crashy"
    message = str(failed.value)
    assert "crashy" in message and "失败 4 次" in message and "exit 3" in message and "boom: bad setting X" in message
    assert len(restarted_at) == 3
    gaps = [b - a for a, b in itertools.pairwise(restarted_at)]
    assert gaps[0] >= 0.35 and gaps[1] >= 0.75, gaps  # 0.2 → 0.4 → 0.8 s (plus the time each run takes)
    assert RestartPolicy(first_delay=1, max_delay=30).delay(7) == 30


def test_a_component_up_long_enough_starts_its_backoff_afresh(tmp_path: Path) -> None:
    now = [0.0]
    child = Child("c", [sys.executable, "-c", "import time; time.sleep(600)"], tmp_path / "c.log")
    child.start(tmp_path, os.environ)
    policy = RestartPolicy(first_delay=1, stable_after=60, max_failures=3, window=600)
    supervisor = Supervisor([child], lambda c: c.start(tmp_path, os.environ), policy=policy, clock=lambda: now[0])
    try:
        for _ in range(2):  # two failures, each followed by a long healthy run
            assert child.pid is not None
            os.killpg(child.pid, signal.SIGKILL)
            child.proc.wait(5)  # type: ignore[union-attr]
            supervisor.tick()
            now[0] += 2  # past the back-off
            supervisor.tick()  # restarts
            supervisor.tick()  # healthy (no health URL: alive is enough)
            assert supervisor.watched[0].consecutive == 1, "the back-off restarts from the first delay"
            now[0] += 61
            supervisor.tick()
            assert supervisor.watched[0].consecutive == 0
        assert child.alive() and supervisor.restarts("c") == 2
    finally:
        child.stop()


class _Output:
    """The launcher's output, read line by line in a thread (select() and buffered pipes do not mix)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if m := re.search(pattern, line):
                return m
        raise AssertionError(f"no line matching {pattern!r}; output so far:\n{''.join(self.seen)}")

    def rest(self, timeout: float) -> str:
        self._thread.join(timeout)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)


def test_launcher_restarts_a_killed_web_app_and_stops_only_when_it_keeps_failing(
    tmp_path: Path, fake_rasa: FakeRasa
) -> None:
    ports = Ports.free()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN")}
    argv = [sys.executable, "-m", "bot.launcher", "--workdir", str(tmp_path / "var"), "--web-port", str(ports.web)]
    argv += ["--rasa-url", fake_rasa.url, "--restart-delay", "0.3", "--max-restarts", "3"]
    proc = subprocess.Popen(
        argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    output = _Output(proc)
    try:
        drain_pid = int(output.wait_for(r"drain 已启动 \(pid (\d+)\)", 60).group(1))
        web_pid = int(output.wait_for(r"web 已启动 \(pid (\d+)\)", 60).group(1))
        output.wait_for(r"Ctrl-C", 30)
        os.killpg(web_pid, signal.SIGKILL)
        output.wait_for(r"web 意外停止", 20)
        new_pid = int(output.wait_for(r"web 已重新启动 \(pid (\d+)\)", 60).group(1))
        assert new_pid != web_pid
        assert http_ok(f"http://127.0.0.1:{ports.web}/healthz")
        assert proc.poll() is None, "the launcher must keep running"
        os.kill(drain_pid, 0)  # the case-log drain was never touched

        # now the web app cannot come back: another program took its port
        os.killpg(new_pid, signal.SIGKILL)
        with socket.socket() as squatter:
            squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            deadline = time.monotonic() + 10
            while True:
                try:
                    squatter.bind(("127.0.0.1", ports.web))
                    break
                except OSError:
                    assert time.monotonic() < deadline
                    time.sleep(0.02)
            squatter.listen()
            proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    out = output.rest(10)
    assert proc.returncode == 1, out
    assert "服务无法恢复：web" in out and "不再重启" in out, out
    assert "address already in use" in out, out  # why, quoted from the web app's log
    assert "已全部停止" in out
    ps = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    assert str(tmp_path) not in ps, "nothing the launcher started may outlive it"
