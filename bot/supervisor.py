"""Keeps the launcher's components running.

A component that exits (or does not become healthy after a restart) is restarted after a back-off that
doubles with each consecutive failure, while every other component keeps serving. A component that
fails `max_failures` times within `window` seconds is given up on: `tick()` raises `ComponentFailed`
naming it and quoting why (exit status and the end of its log), and the launcher stops.

The supervisor never blocks: `tick()` looks at every component once (the launcher calls it in its main
loop; `SupervisorThread` calls it for a `Stack` used from Python, e.g. by the tests).
"""

from __future__ import annotations

import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from bot.processes import Child, StackError, http_ok, tail


@dataclass(frozen=True)
class RestartPolicy:
    first_delay: float = 1.0  # seconds before the first restart
    max_delay: float = 30.0  # the back-off doubles up to this
    max_failures: int = 5  # this many failures within `window` seconds stop the launcher
    window: float = 600.0
    stable_after: float = 60.0  # a component up this long starts its back-off afresh
    health_timeout: float | None = None  # seconds to become healthy after a restart (default: the child's own)

    def delay(self, consecutive: int) -> float:
        return min(self.max_delay, self.first_delay * 2 ** max(0, consecutive - 1))


class ComponentFailed(StackError):
    """A component kept failing; the message names it and says why."""

    def __init__(self, name: str, failures: int, window: float, reason: str) -> None:
        self.component = name
        self.reason = reason
        minutes = window / 60
        super().__init__(f"{name} 在 {minutes:g} 分钟内失败 {failures} 次，不再重启。最近一次：{reason}")


class _State(Enum):
    RUNNING = "running"
    WAITING = "waiting"  # dead, restart due at `due`
    STARTING = "starting"  # restarted, must be healthy by `due`


@dataclass
class _Watched:
    child: Child
    state: _State = _State.RUNNING
    due: float = 0.0
    up_since: float = 0.0
    consecutive: int = 0
    failures: deque[float] = field(default_factory=deque)
    restarts: int = 0


def exit_reason(child: Child) -> str:
    code = child.proc.returncode if child.proc is not None else None
    if code is None:
        status = "进程不在了"
    elif code < 0:
        try:
            status = f"被信号 {signal.Signals(-code).name} 终止"
        except ValueError:
            status = f"被信号 {-code} 终止"
    else:
        status = f"exit {code}"
    return f"{status}\n日志末尾：\n{tail(child.log_path, 8)}"


class Supervisor:
    """Watches `children`; `restart(child)` starts a dead child again (same argv, log and environment)."""

    def __init__(
        self,
        children: Sequence[Child],
        restart: Callable[[Child], None],
        *,
        policy: RestartPolicy | None = None,
        say: Callable[[str], None] = print,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy or RestartPolicy()
        self._restart = restart
        self._say = say
        self._clock = clock
        now = clock()
        self.watched = [_Watched(c, up_since=now) for c in children]

    def restarts(self, name: str) -> int:
        return sum(w.restarts for w in self.watched if w.child.name == name)

    def tick(self) -> None:
        """Look at every component once; raise ComponentFailed when one has failed too often."""
        now = self._clock()
        for w in self.watched:
            if w.state is _State.RUNNING:
                if w.child.alive():
                    if w.consecutive and now - w.up_since >= self.policy.stable_after:
                        w.consecutive = 0
                    continue
                self._failed(w, now, exit_reason(w.child))
            elif w.state is _State.WAITING:
                if now >= w.due:
                    self._start(w, now)
            elif w.state is _State.STARTING:
                if not w.child.alive():
                    self._failed(w, now, "重启时" + exit_reason(w.child))
                elif w.child.health_url is None or http_ok(w.child.health_url, timeout=1.0):
                    w.state = _State.RUNNING
                    w.up_since = now
                    self._say(f"· {w.child.name} 已重新启动 (pid {w.child.pid})")
                elif now >= w.due:
                    w.child.stop(grace=5)
                    log_end = tail(w.child.log_path, 8)
                    url = w.child.health_url.split("?", 1)[0]  # never print a token passed in the query
                    self._failed(w, now, f"重启后 {url} 一直没有响应\n日志末尾：\n{log_end}")

    def _failed(self, w: _Watched, now: float, reason: str) -> None:
        w.failures.append(now)
        while w.failures and now - w.failures[0] > self.policy.window:
            w.failures.popleft()
        w.consecutive += 1
        if len(w.failures) >= self.policy.max_failures:
            raise ComponentFailed(w.child.name, len(w.failures), self.policy.window, reason)
        delay = self.policy.delay(w.consecutive)
        first_line = reason.splitlines()[0] if reason else ""
        self._say(f"· {w.child.name} 意外停止（{first_line}），{delay:g} 秒后重启；其余服务照常运行")
        w.state = _State.WAITING
        w.due = now + delay

    def _start(self, w: _Watched, now: float) -> None:
        w.child.stop(grace=5)  # reap what is left of its process group, close its log
        w.restarts += 1
        try:
            self._restart(w.child)
        except OSError as exc:
            self._failed(w, now, f"无法启动：{exc}")
            return
        w.state = _State.STARTING
        w.due = now + (self.policy.health_timeout or w.child.start_timeout)


class SupervisorThread(threading.Thread):
    """Ticks a Supervisor in the background; `failure` holds the ComponentFailed that stopped it, if any."""

    def __init__(self, supervisor: Supervisor, interval: float = 0.5) -> None:
        super().__init__(name="supervisor", daemon=True)
        self.supervisor = supervisor
        self.interval = interval
        self.failure: ComponentFailed | None = None
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self.supervisor.tick()
            except ComponentFailed as exc:
                self.failure = exc
                return
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(30)
