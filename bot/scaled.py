"""The scaled layout on one machine: the same pieces a district runs on several (docs/scaling.md).

    DATABASE_URL=postgresql://postgres@127.0.0.1/wenjiuye REDIS_HOST=127.0.0.1 scripts/run --servers 2

starts, after the case-log migrations (and training, if the model is stale):
- one case-log drain per Rasa server, each following that server's own spool (var/scaled/spool-<n>);
- N action servers and N Rasa servers (`--endpoints endpoints.scale.yml`: PostgreSQL tracker store,
  Redis lock store, the spool broker), every Rasa server on the same model file;
- HAProxy (bot/balancer.py) in front of the Rasa servers (port 5005, where the single-machine Rasa
  would be) and of the action servers (5055), with health checks; statistics on 8404;
- the staff web app and (with TELEGRAM_BOT_TOKEN) the Telegram bot, both talking to the load balancer;
then keeps all of them running with the launcher's supervisor.

Settings: DATABASE_URL (the case log; PostgreSQL), TRACKER_DB_HOST/_PORT/_NAME/_USER/_PASSWORD (the
tracker store; default: the case log's server and database), REDIS_HOST/_PORT/_DB/_PASSWORD/_KEY_PREFIX (the
lock store; default 127.0.0.1:6379, db 1, no password), RASA_API_TOKEN (every Rasa server's token; else
generated once into <workdir>/rasa-api-token), ACTION_SERVER_TOKEN (else a new one per start).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.balancer import ACTIONS_BACKEND, HAPROXY, RASA_BACKEND, BalancerPorts, haproxy_config, server_states
from bot.processes import StackError
from bot.stack import APP_PY, RASA_PY, Stack, port_in_use

SCALED_COMPONENTS = ("actions", "rasa", "balancer", "drain", "web", "telegram")
ENDPOINTS = "endpoints.scale.yml"


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for s in socks:
            s.close()


@dataclass(frozen=True)
class ScaledPorts:
    balancer: int = 5005
    actions_balancer: int = 5055
    stats: int = 8404
    web: int = 8000
    rasa: tuple[int, ...] = (5010, 5011)
    actions: tuple[int, ...] = (5060, 5061)

    @classmethod
    def numbered(cls, servers: int, web: int = 8000, balancer: int = 5005) -> ScaledPorts:
        return cls(
            balancer=balancer,
            web=web,
            rasa=tuple(5010 + i for i in range(servers)),
            actions=tuple(5060 + i for i in range(servers)),
        )

    @classmethod
    def free(cls, servers: int) -> ScaledPorts:
        p = _free_ports(4 + 2 * servers)
        return cls(p[0], p[1], p[2], p[3], tuple(p[4 : 4 + servers]), tuple(p[4 + servers :]))

    def all(self) -> dict[str, int]:
        named = {"balancer": self.balancer, "actions balancer": self.actions_balancer, "stats": self.stats}
        named |= {f"rasa-{i + 1}": p for i, p in enumerate(self.rasa)}
        named |= {f"actions-{i + 1}": p for i, p in enumerate(self.actions)}
        return named | {"web": self.web}


@dataclass(frozen=True)
class Stores:
    """Where the shared state lives: PostgreSQL (case log, tracker store) and Redis (lock store)."""

    database_url: str
    tracker: dict[str, str] = field(default_factory=dict)
    redis: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Stores:
        from sqlalchemy.engine import make_url

        from caselog.db import database_url

        raw = env.get("DATABASE_URL", "")
        if not raw.startswith(("postgresql", "postgres://")):
            raise StackError(
                "多服务器布局需要 PostgreSQL：请设置 DATABASE_URL=postgresql://用户@主机/数据库（见 docs/scaling.md）"
            )
        url = make_url(database_url(raw))
        tracker = {
            "TRACKER_DB_HOST": env.get("TRACKER_DB_HOST") or url.host or "127.0.0.1",
            "TRACKER_DB_PORT": env.get("TRACKER_DB_PORT") or str(url.port or 5432),
            "TRACKER_DB_NAME": env.get("TRACKER_DB_NAME") or url.database or "postgres",
            "TRACKER_DB_USER": env.get("TRACKER_DB_USER") or url.username or "postgres",
            "TRACKER_DB_PASSWORD": env.get("TRACKER_DB_PASSWORD") or url.password or "",
        }
        redis = {
            "REDIS_HOST": env.get("REDIS_HOST") or "127.0.0.1",
            "REDIS_PORT": env.get("REDIS_PORT") or "6379",
            "REDIS_DB": env.get("REDIS_DB") or "1",
            "REDIS_PASSWORD": env.get("REDIS_PASSWORD") or "",
            "REDIS_KEY_PREFIX": env.get("REDIS_KEY_PREFIX") or "",
        }
        return cls(raw, tracker, redis)

    def env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.database_url, **self.tracker, **self.redis}

    def check(self) -> None:
        """One clear line when PostgreSQL or Redis cannot be reached, before anything starts."""
        from caselog.db import check_connection, make_engine

        engine = make_engine(self.database_url)
        try:
            check_connection(engine)
        except Exception as exc:
            raise StackError(f"无法连接 PostgreSQL（个案记录库）：{exc}") from exc
        finally:
            engine.dispose()
        host, port = self.redis["REDIS_HOST"], int(self.redis["REDIS_PORT"])
        try:
            with socket.create_connection((host, port), timeout=3) as s:
                s.sendall(b"PING\r\n")
                reply = s.recv(64)
        except OSError as exc:
            raise StackError(f"无法连接 Redis（{host}:{port}，锁存储）：{exc}") from exc
        if not reply.startswith((b"+PONG", b"-NOAUTH")):
            raise StackError(f"{host}:{port} 上的服务不像 Redis：{reply[:40]!r}")


class ScaledStack(Stack):
    """N Rasa servers and N action servers behind HAProxy, on PostgreSQL and Redis (see the module doc)."""

    def __init__(
        self,
        servers: int = 2,
        ports: ScaledPorts | None = None,
        workdir: Path | str = "var/scaled",
        *,
        stores: Stores | None = None,
        env: Mapping[str, str] | None = None,
        components: tuple[str, ...] = SCALED_COMPONENTS,
        **kwargs: object,
    ) -> None:
        if servers < 1:
            raise StackError("--servers 至少为 1")
        base_env = dict(os.environ if env is None else env)
        super().__init__(None, workdir, env=base_env, components=components, **kwargs)  # type: ignore[arg-type]
        self.servers = servers
        self.scaled_ports = ports or ScaledPorts.numbered(servers)
        if len(self.scaled_ports.rasa) != servers or len(self.scaled_ports.actions) != servers:
            raise StackError(f"需要 {servers} 个 Rasa 端口和 {servers} 个动作服务器端口")
        self.stores = stores or Stores.from_env(base_env)
        self.model: Path | None = None

    # ------------------------------------------------------------------ config
    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.scaled_ports.balancer}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.scaled_ports.web}"

    @property
    def stats_url(self) -> str:
        return f"http://127.0.0.1:{self.scaled_ports.stats}/stats"

    @property
    def database_url(self) -> str:
        return self.stores.database_url

    def server_url(self, n: int) -> str:
        """Rasa server n (1-based) directly, bypassing the load balancer."""
        return f"http://127.0.0.1:{self.scaled_ports.rasa[n - 1]}"

    def spool_dir(self, n: int) -> Path:
        return self.workdir / f"spool-{n}"

    def env(self) -> dict[str, str]:
        env = super().env()
        env.pop("RASA_TRACKER_DB", None)
        env.update(self.stores.env())
        env.update(
            ACTION_ENDPOINT_URL=f"http://127.0.0.1:{self.scaled_ports.actions_balancer}/webhook",
            RASA_URL=self.rasa_url,
            WEB_PORT=str(self.scaled_ports.web),
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
        )
        return env

    def check_ports(self) -> None:
        for name, port in self.scaled_ports.all().items():
            if port_in_use(port):
                raise StackError(f"端口 {port}（{name}）已被占用，可能已有一个助手在运行：先停止它，或换一组端口")

    # ------------------------------------------------------------------ start
    def _newest_model(self) -> Path:
        archives = sorted(self.models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        if not archives:
            raise StackError(f"{self.models_dir} 里没有训练好的模型")
        return archives[-1]

    def _rasa_argv(self, port: int) -> list[str]:
        """`rasa run` through rasa_ext.serve, which adds the API token (RASA_API_TOKEN of env()) unseen."""
        assert self.model is not None
        argv = [str(RASA_PY), "-m", "rasa_ext.serve", "run", "--enable-api", "-i", "127.0.0.1", "-p", str(port)]
        return [*argv, "--credentials", "credentials.yml", "--endpoints", ENDPOINTS, "-m", str(self.model)]

    def start(self) -> ScaledStack:
        if "balancer" in self.components and not Path(HAPROXY).exists():
            raise StackError("没有找到 haproxy：先运行 scripts/setup --with-scale（或 apt-get install haproxy）")
        self.stores.check()
        super().start()  # ports, private umask, migrations, start_components() below, the retention job
        return self

    def start_components(self) -> None:
        self.prepare()
        self.model = self._newest_model()
        self.say(f"· 模型 {self.model.name}，{self.servers} 个 Rasa 服务器")
        py = str(APP_PY)
        indexes = range(1, self.servers + 1)
        if "drain" in self.components:  # first: a server's records never wait for a drain not yet started
            for n in indexes:
                argv = [py, "-m", "caselog", "drain", "--follow", "--spool-dir", str(self.spool_dir(n))]
                self._spawn(f"drain-{n}", argv, None, 2)
        started = []
        if "actions" in self.components:
            for n, port in zip(indexes, self.scaled_ports.actions, strict=True):
                argv = [py, "-m", "bot.action_server", "--actions", "actions", "-i", "127.0.0.1", "-p", str(port)]
                health = f"http://127.0.0.1:{port}/health"
                started.append(self._spawn(f"actions-{n}", argv, health, 120, wait=False))
        if "rasa" in self.components:
            for n, port in zip(indexes, self.scaled_ports.rasa, strict=True):
                spool = {"CASELOG_SPOOL_DIR": str(self.spool_dir(n))}
                health = f"http://127.0.0.1:{port}/"
                argv = self._rasa_argv(port)
                started.append(self._spawn(f"rasa-{n}", argv, health, self.rasa_timeout, extra_env=spool, wait=False))
        for child in started:  # the servers load in parallel
            self.wait_started(child)
        if "balancer" in self.components:
            self._start_balancer()
        if "web" in self.components:
            self._spawn("web", [py, "-m", "bot.web"], f"{self.web_url}/healthz", 60)
        if "telegram" in self.components and self.base_env.get("TELEGRAM_BOT_TOKEN"):
            self._spawn("telegram", [py, "-m", "bot.telegram_bot"], None, 3)

    def _start_balancer(self) -> None:
        ports = BalancerPorts(self.scaled_ports.balancer, self.scaled_ports.actions_balancer, self.scaled_ports.stats)
        rasa = {f"rasa-{i + 1}": p for i, p in enumerate(self.scaled_ports.rasa)}
        actions = {f"actions-{i + 1}": p for i, p in enumerate(self.scaled_ports.actions)}
        config = self.workdir / "haproxy.cfg"
        config.write_text(haproxy_config(ports, rasa, actions), encoding="utf-8")
        self._spawn("balancer", [HAPROXY, "-db", "-f", str(config)], self.stats_url, 30)
        deadline = time.monotonic() + 30
        while not self.all_servers_up():
            if time.monotonic() > deadline:
                raise StackError(f"负载均衡器没有把全部服务器标记为可用：{server_states(self.stats_url)}")
            time.sleep(0.3)

    def all_servers_up(self) -> bool:
        states = server_states(self.stats_url)
        wanted = {RASA_BACKEND: self.servers, ACTIONS_BACKEND: self.servers}
        return all(
            len(states.get(b, {})) == n and all(s.startswith("UP") for s in states[b].values())
            for b, n in wanted.items()
        )

    def banner(self) -> str:
        lines = [
            "",
            f"稳就业政策助手已启动（多服务器布局：{self.servers} 个 Rasa 服务器 + {self.servers} 个动作服务器）：",
            f"  工作台（聊天窗口）  {self.web_url}/   （需先登录）",
            f"  Rasa REST（负载均衡）{self.rasa_url}/webhooks/rest/webhook",
            f"  负载均衡器状态      {self.stats_url}",
            f"  数据库              {self.stores.tracker['TRACKER_DB_HOST']}:{self.stores.tracker['TRACKER_DB_PORT']}"
            f"（对话：{self.stores.tracker['TRACKER_DB_NAME']}）",
            f"  Redis（锁）         {self.stores.redis['REDIS_HOST']}:{self.stores.redis['REDIS_PORT']}"
            f" db {self.stores.redis['REDIS_DB']}",
            f"  日志                {self.log_dir}/",
            "",
            "按 Ctrl-C 停止全部服务。",
        ]
        return "\n".join(lines)
