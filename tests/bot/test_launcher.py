"""The launcher's Stack (web app + drain against a stand-in Rasa) and the launcher command's clean shutdown."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.processes import StackError, group_alive, http_ok
from bot.stack import REPO, Ports, Stack, model_is_stale, port_in_use
from tests.bot.standins import FakeRasa


def test_stack_starts_web_and_drain_and_stops_every_group(tmp_path: Path, fake_rasa: FakeRasa) -> None:
    ports = Ports.free()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN", "CASELOG_SALT")}
    with Stack(ports=ports, workdir=tmp_path / "var", env=env, rasa_url=fake_rasa.url, out=sys.stderr) as stack:
        names = [c.name for c in stack.children]
        assert names == ["drain", "web"]
        assert http_ok(f"{stack.web_url}/healthz")
        assert (tmp_path / "var" / "caselog.db").exists()  # migrations applied
        assert (tmp_path / "var" / "spool").is_dir()
        login = urllib.request.urlopen(f"{stack.web_url}/login", timeout=5).read().decode()
        assert "工作人员登录" in login
        pgids = [c.pid for c in stack.children]
        assert all(p is not None and group_alive(p) for p in pgids)
        assert "Telegram" in stack.banner() and "caselog staff add" in stack.banner()
    assert not any(group_alive(p) for p in pgids if p is not None)
    assert not http_ok(f"http://127.0.0.1:{ports.web}/healthz")


def test_launcher_command_stops_cleanly_on_sigterm(tmp_path: Path, fake_rasa: FakeRasa) -> None:
    ports = Ports.free()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.launcher",
            "--workdir",
            str(tmp_path / "var"),
            "--web-port",
            str(ports.web),
            "--rasa-url",
            fake_rasa.url,
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not http_ok(f"http://127.0.0.1:{ports.web}/healthz"):
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "web app did not come up"
            time.sleep(0.3)
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, out
    assert f"http://127.0.0.1:{ports.web}/" in out
    assert "caselog staff add" in out and "已全部停止" in out
    assert not http_ok(f"http://127.0.0.1:{ports.web}/healthz")
    # no orphans: nothing in the launcher's session survives
    assert not group_alive(proc.pid)
    ps = subprocess.run(["ps", "-eo", "pid,sid,args"], capture_output=True, text=True).stdout
    assert str(tmp_path) not in ps


def test_model_staleness(tmp_path: Path) -> None:
    for name in ("nlu_data", "dialogue"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.yml").write_text("x")
    (tmp_path / "domain.yml").write_text("x")
    (tmp_path / "config.yml").write_text("x")
    assert model_is_stale(tmp_path)  # no model
    models = tmp_path / "models"
    models.mkdir()
    model = models / "m.tar.gz"
    model.write_text("m")
    later = time.time() + 10
    os.utime(model, (later, later))
    assert not model_is_stale(tmp_path)
    os.utime(tmp_path / "nlu_data" / "a.yml", (later + 5, later + 5))
    assert model_is_stale(tmp_path)


def test_stack_refuses_a_port_another_instance_holds(tmp_path: Path, fake_rasa: FakeRasa) -> None:
    ports = Ports.free()
    with socket.socket() as other:
        other.bind(("127.0.0.1", ports.web))
        other.listen()
        stack = Stack(ports=ports, workdir=tmp_path / "var", rasa_url=fake_rasa.url, out=sys.stderr)
        with pytest.raises(StackError, match=f"端口 {ports.web}.*--web-port"):
            stack.start()
        assert stack.children == []
    assert not port_in_use(ports.web)


def test_stack_reports_a_component_that_dies(tmp_path: Path) -> None:
    from bot.processes import Child

    child = Child("broken", [sys.executable, "-c", "import sys; print('boom'); sys.exit(3)"], tmp_path / "b.log", None)
    child.start(tmp_path, os.environ)
    time.sleep(0.5)
    with pytest.raises(StackError, match="boom"):
        child.wait_healthy(5)
    child.stop()
