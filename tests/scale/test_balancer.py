"""HAProxy with the layout's configuration (bot/balancer.py) in front of stand-in servers: a server that is
busy (answers its health check late) stays in rotation, a server whose process is gone leaves it at once."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.balancer import HAPROXY, RASA_BACKEND, BalancerPorts, haproxy_config, server_states
from tests.scale.conftest import free_port, skip_or_fail

BUSY_SECONDS = 4.0  # a saturated Rasa server on this machine answered `GET /` after more than 2 s


class _Slow(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        time.sleep(BUSY_SECONDS if self.server.busy else 0)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


def _serve(busy: bool) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Slow)
    server.busy = busy  # type: ignore[attr-defined]
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture()
def balancer(tmp_path: Path) -> Iterator[tuple[str, dict[str, ThreadingHTTPServer]]]:
    if not shutil.which("haproxy") and not Path(HAPROXY).exists():
        skip_or_fail("no haproxy (scripts/setup --with-scale installs it)")
    servers = {"busy": _serve(busy=True), "gone": _serve(busy=False)}
    ports = BalancerPorts(free_port(), free_port(), free_port())
    rasa = {name: s.server_address[1] for name, s in servers.items()}
    config = tmp_path / "haproxy.cfg"
    config.write_text(haproxy_config(ports, rasa, {"actions-1": free_port()}), encoding="utf-8")
    proc = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{ports.stats}/stats", servers
    finally:
        proc.terminate()
        proc.wait(10)
        for s in servers.values():
            s.shutdown()
            s.server_close()


def _state(stats_url: str, name: str) -> str:
    return server_states(stats_url).get(RASA_BACKEND, {}).get(name, "")


def test_a_busy_server_stays_in_rotation_and_a_dead_one_leaves_it(
    balancer: tuple[str, dict[str, ThreadingHTTPServer]],
) -> None:
    stats_url, servers = balancer
    deadline = time.monotonic() + 10
    while _state(stats_url, "gone") != "UP":
        assert time.monotonic() < deadline, server_states(stats_url)
        time.sleep(0.2)
    watched_until = time.monotonic() + 3 * BUSY_SECONDS  # several slow checks in a row
    while time.monotonic() < watched_until:
        assert _state(stats_url, "busy").startswith("UP"), f"a busy server was taken out: {server_states(stats_url)}"
        time.sleep(0.2)

    servers["gone"].shutdown()
    servers["gone"].server_close()  # connections now refused, as from a killed process
    gone_at = time.monotonic()
    while not _state(stats_url, "gone").startswith("DOWN"):
        assert time.monotonic() - gone_at < 5, f"a dead server stayed in rotation: {server_states(stats_url)}"
        time.sleep(0.2)
