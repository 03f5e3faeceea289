"""The whole local system as one object (`Stack`): what `python -m bot.launcher` runs, and what tests start on
free ports in a temporary var folder.

Applies the case-log migrations, trains the Rasa model if it is missing or older than its sources,
starts the action server, the Rasa server, the case-log drain, the staff web app and (with
TELEGRAM_BOT_TOKEN) the Telegram bot, waits until each is healthy, then keeps them running (a component
that dies is restarted with back-off while the others keep serving; see bot/supervisor.py), and on
Ctrl-C / SIGTERM stops them all (each in its own process group, so nothing is left behind).
"""

from __future__ import annotations

import functools
import os
import secrets
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from bot.file_modes import tighten, use_private_umask
from bot.processes import Child, StackError, run_step
from bot.retention import RetentionConfigError, RetentionJob, retention_days, start_retention
from bot.supervisor import RestartPolicy, Supervisor, SupervisorThread
from rasa_ext.api_token import TOKEN_ENV as RASA_TOKEN_ENV
from rasa_ext.api_token import rasa_api_token

REPO = Path(__file__).resolve().parent.parent
APP_PY = REPO / ".venv" / "bin" / "python"
RASA_BIN = REPO / ".venv-rasa" / "bin" / "rasa"
RASA_PY = REPO / ".venv-rasa" / "bin" / "python"
TRAINING_SOURCES = ("nlu_data", "dialogue", "domain.yml", "config.yml")
ALL_COMPONENTS = ("actions", "rasa", "drain", "web", "telegram")
PORT_OPTIONS = {"actions": "--actions-port", "rasa": "--rasa-port", "web": "--web-port"}


def port_in_use(port: int) -> bool:
    """Whether something listens on 127.0.0.1:port (a socket in TIME_WAIT does not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


@dataclass(frozen=True)
class Ports:
    rasa: int = 5005
    actions: int = 5055
    web: int = 8000

    @classmethod
    def free(cls) -> Ports:
        socks = [socket.socket() for _ in range(3)]
        try:
            for s in socks:
                s.bind(("127.0.0.1", 0))
            rasa, actions, web = (int(s.getsockname()[1]) for s in socks)
        finally:
            for s in socks:
                s.close()
        return cls(rasa=rasa, actions=actions, web=web)


def _newest_mtime(paths: list[Path]) -> float:
    newest = 0.0
    for p in paths:
        if p.is_dir():
            for f in p.rglob("*"):
                if f.is_file():
                    newest = max(newest, f.stat().st_mtime)
        elif p.exists():
            newest = max(newest, p.stat().st_mtime)
    return newest


def model_is_stale(repo: Path = REPO, models: Path | None = None) -> bool:
    """True when there is no model or a training source changed after the newest model."""
    models = models or repo / "models"
    archives = list(models.glob("*.tar.gz")) if models.is_dir() else []
    if not archives:
        return True
    newest_model = max(a.stat().st_mtime for a in archives)
    return _newest_mtime([repo / s for s in TRAINING_SOURCES]) > newest_model


def _persistent_secret(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        value = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(value)
        return value


class Stack:
    """The running system. Use as a context manager: `with Stack(ports=Ports.free(), workdir=tmp) as s:`.

    components: which long-running parts to start (default all; "telegram" only with TELEGRAM_BOT_TOKEN).
    rasa_url: an already running Rasa (e.g. a stand-in) instead of starting actions + rasa here.
    """

    def __init__(
        self,
        ports: Ports | None = None,
        workdir: Path | str = "var",
        *,
        repo: Path = REPO,
        env: Mapping[str, str] | None = None,
        components: tuple[str, ...] = ALL_COMPONENTS,
        rasa_url: str | None = None,
        train: bool = True,
        migrate: bool = True,
        models_dir: Path | None = None,
        rasa_timeout: float = 600.0,
        out: object = None,
    ) -> None:
        self.ports = ports or Ports()
        self.repo = repo
        self.workdir = (repo / workdir) if not Path(workdir).is_absolute() else Path(workdir)
        self.base_env = dict(os.environ if env is None else env)
        self.components = tuple(c for c in components if c not in ("actions", "rasa") or rasa_url is None)
        self.external_rasa = rasa_url
        self.train = train and rasa_url is None and "rasa" in self.components
        self.migrate = migrate
        self.models_dir = models_dir or repo / "models"
        self.rasa_timeout = rasa_timeout
        self.children: list[Child] = []
        self._out = out or sys.stdout
        self._supervisor_thread: SupervisorThread | None = None
        self._child_env: dict[str, dict[str, str]] = {}
        self._retention: RetentionJob | None = None
        self._umask: int | None = None

    # ------------------------------------------------------------------ config
    @property
    def rasa_url(self) -> str:
        return self.external_rasa or f"http://127.0.0.1:{self.ports.rasa}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.web}"

    @property
    def log_dir(self) -> Path:
        return self.workdir / "logs"

    @property
    def database_url(self) -> str:
        return self.base_env.get("DATABASE_URL") or f"sqlite:///{self.workdir / 'caselog.db'}"

    @functools.cached_property
    def api_token(self) -> str:
        """The Rasa HTTP API token: RASA_API_TOKEN, else generated once into <workdir>/rasa-api-token."""
        return rasa_api_token(self.workdir, create=True, env=self.base_env)

    @functools.cached_property
    def action_token(self) -> str:
        """The secret Rasa sends to the action server (endpoints.yml), new for every start unless set."""
        return self.base_env.get("ACTION_SERVER_TOKEN") or secrets.token_urlsafe(32)

    def env(self) -> dict[str, str]:
        env = dict(self.base_env)
        env.update(
            PYTHONPATH=str(self.repo) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""),
            PYTHONUNBUFFERED="1",
            DATABASE_URL=self.database_url,
            CASELOG_SPOOL_DIR=str(self.workdir / "spool"),
            RASA_TRACKER_DB=str(self.workdir / "tracker.db"),
            ACTION_ENDPOINT_URL=f"http://127.0.0.1:{self.ports.actions}/webhook",
            RASA_URL=self.rasa_url,
            WEB_HOST="127.0.0.1",
            WEB_PORT=str(self.ports.web),
            CASELOG_SALT_FILE=str(self.workdir / "sender-salt"),
            ACTION_SERVER_TOKEN=self.action_token,
        )
        env[RASA_TOKEN_ENV] = self.api_token
        # one salt for every process (sender ids and the case log's user hashes agree across restarts)
        if not env.get("CASELOG_SALT"):
            env["CASELOG_SALT"] = _persistent_secret(self.workdir / "sender-salt")
        return env

    def say(self, text: str) -> None:
        print(text, file=self._out, flush=True)  # type: ignore[call-overload]

    # ------------------------------------------------------------------ steps
    def apply_migrations(self) -> None:
        from caselog.db import make_engine
        from caselog.migrate import current_revision, upgrade

        engine = make_engine(self.database_url)
        try:
            upgrade(engine)
            self.say(f"· 数据库迁移完成 (case log schema {current_revision(engine)})")
        finally:
            engine.dispose()

    def train_model(self) -> None:
        if not model_is_stale(self.repo, self.models_dir):
            self.say("· Rasa 模型已是最新，跳过训练")
            return
        self.say("· 正在训练 Rasa 模型（首次可能需要几分钟）…")
        run_step(
            "rasa train",
            [
                str(RASA_BIN),
                "train",
                "--data",
                "nlu_data",
                "dialogue",
                "--domain",
                "domain.yml",
                "--config",
                "config.yml",
                "--out",
                str(self.models_dir),
            ],
            self.repo,
            self.env(),
            self.log_dir / "train.log",
            timeout=3600,
        )
        self.say("· Rasa 模型训练完成")

    def _spawn(
        self,
        name: str,
        argv: list[str],
        health: str | None,
        timeout: float,
        *,
        extra_env: Mapping[str, str] | None = None,
        wait: bool = True,
    ) -> Child:
        """Start one component (its own `extra_env` on top of env()); with `wait`, until it is healthy."""
        child = Child(name, argv, self.log_dir / f"{name}.log", health, start_timeout=timeout)
        self.children.append(child)
        self._child_env[name] = dict(extra_env or {})
        child.start(self.repo, self.child_env(child))
        if wait:
            self.wait_started(child)
        return child

    def wait_started(self, child: Child) -> None:
        child.wait_healthy()
        self.say(f"· {child.name} 已启动 (pid {child.pid})")

    def child_env(self, child: Child) -> dict[str, str]:
        return {**self.env(), **self._child_env.get(child.name, {})}

    def check_ports(self) -> None:
        """Refuse to start over a running instance: its health checks would answer for ours."""
        for name, option in PORT_OPTIONS.items():
            port = getattr(self.ports, name)
            if name in self.components and port_in_use(port):
                raise StackError(
                    f"端口 {port}（{name}）已被占用，可能已有一个助手在运行：先停止它，或用 {option} 换一个端口"
                )

    def start(self) -> Stack:
        self.check_ports()
        try:
            days = retention_days(self.base_env)
        except RetentionConfigError as exc:
            raise StackError(str(exc)) from None
        self._umask = use_private_umask()  # databases, logs, spool, token, salt: 0600 (bot/file_modes.py)
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "spool").mkdir(exist_ok=True)
        tighten(self.workdir)
        try:
            self.start_components()
            env = self.env()
            self._retention = start_retention(
                days, env=env, database_url=env["DATABASE_URL"], log_dir=self.log_dir, say=self.say
            )
        except BaseException:
            self.stop()
            raise
        return self

    def prepare(self) -> None:
        """What runs once before any component: the case-log migrations, then training (each when asked for)."""
        if self.migrate:
            self.apply_migrations()
        if self.train:
            self.train_model()

    def start_components(self) -> None:
        """`prepare`, then the long-running components (bot.scaled has its own)."""
        self.prepare()
        py = str(APP_PY)
        if "actions" in self.components:
            self._spawn(
                "actions",
                [py, "-m", "bot.action_server", "--actions", "actions", "-p", str(self.ports.actions)],
                f"http://127.0.0.1:{self.ports.actions}/health",
                120,
            )
        if "rasa" in self.components:
            self._spawn(
                "rasa",
                [
                    str(RASA_PY),
                    "-m",
                    "rasa_ext.serve",  # rasa run, with --auth-token from the token module
                    "run",
                    "--enable-api",
                    "-i",
                    "127.0.0.1",
                    "-p",
                    str(self.ports.rasa),
                    "--credentials",
                    "credentials.yml",
                    "--endpoints",
                    "endpoints.yml",
                    "-m",
                    str(self.models_dir),
                ],
                f"{self.rasa_url}/status?token={self.api_token}",
                self.rasa_timeout,
            )
        if "drain" in self.components:
            self._spawn("drain", [py, "-m", "caselog", "drain", "--follow"], None, 2)
        if "web" in self.components:
            self._spawn("web", [py, "-m", "bot.web"], f"{self.web_url}/healthz", 60)
        if "telegram" in self.components and self.base_env.get("TELEGRAM_BOT_TOKEN"):
            self._spawn("telegram", [py, "-m", "bot.telegram_bot"], None, 3)

    def dead(self) -> list[Child]:
        return [c for c in self.children if not c.alive()]

    def child(self, name: str) -> Child:
        return next(c for c in self.children if c.name == name)

    def restart_child(self, child: Child) -> None:
        child.start(self.repo, self.child_env(child))

    def supervisor(self, policy: RestartPolicy | None = None) -> Supervisor:
        return Supervisor(self.children, self.restart_child, policy=policy, say=self.say)

    def supervise(self, policy: RestartPolicy | None = None) -> SupervisorThread:
        """Keep the started components running from a background thread (until stop())."""
        self._supervisor_thread = SupervisorThread(self.supervisor(policy))
        self._supervisor_thread.start()
        return self._supervisor_thread

    def stop(self) -> None:
        if self._retention is not None:
            self._retention.stop()
            self._retention = None
        if self._umask is not None:
            os.umask(self._umask)
            self._umask = None
        if self._supervisor_thread is not None:
            self._supervisor_thread.stop()
            self._supervisor_thread = None
        for child in reversed(self.children):
            child.stop()
        self.children.clear()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def banner(self) -> str:
        telegram = (
            "已启动" if any(c.name == "telegram" for c in self.children) else "未启动（设置 TELEGRAM_BOT_TOKEN 后启动）"
        )
        lines = [
            "",
            "稳就业政策助手已启动：",
            f"  工作台（聊天窗口）  {self.web_url}/   （需先登录）",
            f"  个案查询 / 统计     {self.web_url}/cases   {self.web_url}/stats",
            f"  Rasa REST           {self.rasa_url}/webhooks/rest/webhook",
            f"  终端聊天            .venv/bin/python -m bot.terminal --rasa-url {self.rasa_url}",
            f"  Telegram            {telegram}",
            f"  日志                {self.log_dir}/",
            "",
            "创建工作人员账号：",
            "  .venv/bin/caselog staff add 用户名 --station 服务站名   （管理员用 --admin；密码从提示输入，"
            "或用环境变量 CASELOG_STAFF_PASSWORD）",
        ]
        if not self.base_env.get("WEB_SECRET_KEY"):
            lines.append("注意：未设置 WEB_SECRET_KEY，本次使用随机密钥，重启后工作人员需重新登录。")
        lines += ["", "按 Ctrl-C 停止全部服务。"]
        return "\n".join(lines)
