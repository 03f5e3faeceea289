"""HAProxy in front of the Rasa servers and the action servers of the scaled layout (docs/scaling.md).

One HAProxy process, three frontends on 127.0.0.1 (a district binds the Rasa one where its web app and
Telegram bot can reach it):
- Rasa (REST channel and HTTP API): round robin over the Rasa servers; a server is checked every second
  (`GET /`) and out of rotation after two failed checks: a refused connection (the process is gone) or no
  answer within 10 s (a saturated server answers its checks late, and must stay in rotation). A message
  is never sent twice: only a connection that failed before the request went out is retried on another
  server (a Rasa server that dies while handling a message costs that message; the channel says 稍后再试).
- Action servers: the same, checked on `GET /health`; here a call that failed on a dying server is
  retried on another, since actions keep no state of their own (everything is in the tracker Rasa sends).
- Statistics: `/stats` (HTML) and `/stats;csv` — which servers are UP, their queues and errors.
"""

from __future__ import annotations

import csv
import io
import shutil
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
RASA_BACKEND = "rasa_servers"
ACTIONS_BACKEND = "action_servers"


@dataclass(frozen=True)
class BalancerPorts:
    rasa: int
    actions: int
    stats: int


def haproxy_config(ports: BalancerPorts, rasa: Mapping[str, int], actions: Mapping[str, int]) -> str:
    """The configuration for servers named `name -> port` on 127.0.0.1."""

    def servers(named: Mapping[str, int]) -> str:
        return "\n".join(f"    server {name} 127.0.0.1:{port} check" for name, port in named.items())

    return f"""# Written by bot/scaled.py for this run; see bot/balancer.py and docs/scaling.md.
global
    log stdout format raw local0 notice
    maxconn 4096
    # action requests carry the whole tracker and domain: buffered whole, a failed one can be retried
    tune.bufsize 1048576

defaults
    mode http
    log global
    option httplog
    option dontlog-normal
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    # a busy server answers its check late but is not dead (a dead one refuses the connection at once):
    # a short check timeout took saturated servers out one after the other until none was left (503)
    timeout check 10s
    retries 3
    option redispatch 1
    default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 2

frontend rasa
    bind 127.0.0.1:{ports.rasa}
    default_backend {RASA_BACKEND}

backend {RASA_BACKEND}
    balance roundrobin
    option httpchk GET /
    http-check expect status 200
    # a message is sent once: only a connection that failed before the request went out is retried
    retry-on conn-failure
{servers(rasa)}

frontend actions
    bind 127.0.0.1:{ports.actions}
    default_backend {ACTIONS_BACKEND}

backend {ACTIONS_BACKEND}
    balance roundrobin
    option httpchk GET /health
    http-check expect status 200
    option http-buffer-request
    # actions keep no state: a call that failed on a dying server is safe to send to another
    retry-on conn-failure empty-response junk-response response-timeout 502 503 504
{servers(actions)}

frontend stats
    bind 127.0.0.1:{ports.stats}
    stats enable
    stats uri /stats
    stats refresh 5s
"""


def server_stats(stats_url: str, timeout: float = 2.0) -> dict[str, dict[str, dict[str, str]]]:
    """{backend: {server: row}} from HAProxy's CSV statistics (`status`, `stot` = requests sent to it, …)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(stats_url.rstrip("/") + ";csv", timeout=timeout) as resp:
            text = resp.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError):
        return {}
    out: dict[str, dict[str, dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(text.lstrip("# "))):
        name = row.get("svname") or ""
        if name in ("FRONTEND", "BACKEND"):
            continue
        out.setdefault(row.get("pxname") or "", {})[name] = row
    return out


def server_states(stats_url: str, timeout: float = 2.0) -> dict[str, dict[str, str]]:
    """{backend: {server: status}}: UP, DOWN, MAINT, "UP 1/2" (going down), "DOWN 1/2" (coming up), …"""
    stats = server_stats(stats_url, timeout)
    return {backend: {name: row.get("status") or "" for name, row in rows.items()} for backend, rows in stats.items()}
