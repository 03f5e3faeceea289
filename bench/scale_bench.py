"""Throughput and latency of the scaled layout, 1 and 2 servers on this machine (not a test): prints a table.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/scale_bench.py \\
        [--servers 1 2] [--loads 5 10 20 30 50] [--turns-per-user 12] [--conversation-turns 8]

For each layout (`bot.scaled.ScaledStack`: N Rasa servers and N action servers behind HAProxy, the tracker
store in a scratch PostgreSQL database made on the DATABASE_URL server and dropped afterwards, the lock store
in Redis db 4 under a random key prefix, one drain per server) and each load (closed loop: that many
conversations at once, each sending its next message when it has the reply), it measures through the load
balancer, in the same run:
- form turns: a consultation ("我失业三个月了，上海户口", then "不知道" to every question; a new conversation
  after --conversation-turns turns or at the assessment): the form's validation action and rules behind it;
- the bare-Rasa reference: "/greet" → utter_greet (NLU bypassed by the payload, no custom action);
and prints turns/s, p50 and p95. "turns/s at p95 ≤ 2 s" is the highest form-turn throughput among the loads
whose p95 stays within 2 s. Then the resident memory (RSS, with children) of every Rasa and action server.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.scaled import ScaledPorts, ScaledStack

FORM_OPENING, FORM_ANSWER, BARE = "我失业三个月了，上海户口", "不知道", "/greet"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rss_mb(pid: int) -> float:
    pids = [pid]
    out = subprocess.run(["pgrep", "-g", str(pid)], capture_output=True, text=True).stdout.split()
    pids += [int(p) for p in out if int(p) != pid]
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def user(url: str, kind: str, turns: int, per_conversation: int) -> tuple[list[float], int]:
    times: list[float] = []
    errors = 0
    sender, n = "", 0
    with httpx.Client(trust_env=False, timeout=120) as client:
        for _ in range(turns):
            if n == 0:
                sender = f"bench-{uuid.uuid4().hex[:10]}"
            text = BARE if kind == "bare" else FORM_OPENING if n == 0 else FORM_ANSWER
            start = time.perf_counter()
            try:
                resp = client.post(url, json={"sender": sender, "message": text})
                resp.raise_for_status()
                body = resp.json()
            except (httpx.HTTPError, ValueError):
                errors += 1
                body = []
            times.append(time.perf_counter() - start)
            done = any(isinstance(m.get("custom"), dict) and "assessment" in m["custom"] for m in body)
            if any("稍后再试" in (m.get("text") or "") for m in body):
                errors += 1
            n = 0 if done or n + 1 >= per_conversation else n + 1
    return times, errors


def load(url: str, kind: str, users: int, turns_per_user: int, per_conversation: int) -> dict[str, float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        results = list(pool.map(lambda _: user(url, kind, turns_per_user, per_conversation), range(users)))
    wall = time.perf_counter() - started
    times = [t for ts, _ in results for t in ts]
    return {
        "n": len(times),
        "errors": sum(e for _, e in results),
        "tps": len(times) / wall,
        "p50": pct(times, 0.5),
        "p95": pct(times, 0.95),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--servers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--loads", type=int, nargs="+", default=[5, 10, 20, 30, 50])
    ap.add_argument("--turns-per-user", type=int, default=12)
    ap.add_argument("--conversation-turns", type=int, default=8)
    args = ap.parse_args()
    admin_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    admin = sa.create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    rows: list[str] = []
    memory: list[str] = []
    best: dict[int, str] = {}
    for servers in args.servers:
        db = f"scale_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{db}"'))
        env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN",)}
        env.update(
            DATABASE_URL=admin.url.set(database=db).render_as_string(hide_password=False),
            REDIS_DB="4",
            REDIS_KEY_PREFIX=f"bench{uuid.uuid4().hex[:8]}",
            ASSISTANT_AS_OF="2022-07-01",
        )
        try:
            with tempfile.TemporaryDirectory() as tmp:
                stack = ScaledStack(
                    servers, ScaledPorts.free(servers), Path(tmp) / "var", env=env,
                    components=("actions", "rasa", "balancer", "drain"), train=False, out=sys.stderr,
                )  # fmt: skip
                with stack:
                    url = f"{stack.rasa_url}/webhooks/rest/webhook"
                    for kind in ("bare", "form"):  # warm-up: first turns load lazy parts of the pipeline
                        load(url, kind, servers * 2, 4, args.conversation_turns)
                    fitting = []
                    for users in args.loads:
                        for kind, label in (("bare", "bare /greet (reference)"), ("form", "form turn")):
                            r = load(url, kind, users, args.turns_per_user, args.conversation_turns)
                            rows.append(
                                f"{servers:>7} {label:<24} {users:>5} {r['n']:>5} {r['errors']:>4} {r['tps']:>7.1f} "
                                f"{r['p50'] * 1e3:>8.0f} {r['p95'] * 1e3:>8.0f}"
                            )
                            print(rows[-1], file=sys.stderr, flush=True)
                            if kind == "form" and r["p95"] <= 2.0:
                                fitting.append((r["tps"], users))
                    best[servers] = (
                        f"{max(fitting)[0]:.1f} turns/s (at {max(fitting)[1]} concurrent)" if fitting else "none"
                    )
                    for child in stack.children:
                        if child.name.startswith(("rasa-", "actions-")) and child.pid:
                            memory.append(f"{servers} server(s): {child.name} {rss_mb(child.pid):.0f} MB")
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
    header = ("servers", "turn kind", "users", "n", "err", "turns/s", "p50 ms", "p95 ms")
    print("{:>7} {:<24} {:>5} {:>5} {:>4} {:>7} {:>8} {:>8}".format(*header))
    print("\n".join(rows))
    for servers, text in best.items():
        print(f"form turns/s with p95 ≤ 2 s, {servers} server(s): {text}")
    print("resident memory: " + "; ".join(memory))
    print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
