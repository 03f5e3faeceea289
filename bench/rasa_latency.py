"""Turn latency over Rasa's REST channel (not a test): prints figures.

    .venv/bin/python bench/rasa_latency.py [--turns 200] [--users 20] [--conversation-turns 10] [--train-time]

Starts the action server and the Rasa server (trained model in models/) on free ports, then measures
in the same run:
- reference: a bare response turn (`/greet` → utter_greet, no custom action);
- custom-action turn: `/ask_policy` → action_explain_policy (rules engine behind the action server);
- form turn: a consultation message (form validation action + rules.next_questions);
each for one user (sequential turns) and for 20 concurrent users. Every kind is measured the same way: a
user starts a new conversation every --conversation-turns turns, so the tracker (loaded and saved on
every turn) stays the size of a real consultation for all kinds alike. Target: the custom-action
turns' p95 under 2x the reference's p95. Also prints the Rasa server's resident memory and, with
--train-time, how long a full `rasa train --force` takes. To tell our code from Rasa's remote-action
overhead, it also times the action server alone: the same /ask_policy action posted straight to its
webhook with a real tracker and domain, as Rasa would send them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.stack import RASA_BIN, REPO, Ports, Stack

KINDS = {
    "bare /greet (reference)": lambda: "/greet",
    "custom action /ask_policy": lambda: '/ask_policy{"policy": "public_welfare_post"}',
    "form turn (validation + next_questions)": lambda: "我失业三个月了，上海户口",
}


def turn(client: httpx.Client, url: str, sender: str, text: str) -> float:
    start = time.perf_counter()
    resp = client.post(url, json={"sender": sender, "message": text}, timeout=60)
    resp.raise_for_status()
    return time.perf_counter() - start


def run_user(url: str, make_text, turns: int, per_conversation: int) -> list[float]:  # type: ignore[no-untyped-def]
    sender = ""
    times = []
    with httpx.Client(trust_env=False) as client:
        for i in range(turns):
            if i % per_conversation == 0:
                sender = f"bench-{uuid.uuid4().hex[:8]}"
            times.append(turn(client, url, sender, make_text()))
    return times


def action_server_alone(stack: Stack, turns: int) -> list[float]:
    """action_explain_policy posted straight to the action server, with the tracker and domain Rasa sends."""
    sender = f"bench-{uuid.uuid4().hex[:8]}"
    rasa_url, actions_url = stack.rasa_url, f"http://127.0.0.1:{stack.ports.actions}"
    api = {"token": stack.api_token}  # the Rasa HTTP API needs its token; the action server its secret
    with httpx.Client(trust_env=False, timeout=60, headers={"X-Action-Token": stack.action_token}) as client:
        opening = {"sender": sender, "message": KINDS["custom action /ask_policy"]()}
        client.post(f"{rasa_url}/webhooks/rest/webhook", json=opening).raise_for_status()
        tracker = client.get(f"{rasa_url}/conversations/{sender}/tracker", params=api).json()
        domain = client.get(f"{rasa_url}/domain", params=api, headers={"Accept": "application/json"}).json()
        payload = {"next_action": "action_explain_policy", "sender_id": sender, "tracker": tracker, "domain": domain,
                   "version": "3.6.21"}  # fmt: skip
        times = []
        for _ in range(turns):
            start = time.perf_counter()
            client.post(f"{actions_url}/webhook", json=payload).raise_for_status()
            times.append(time.perf_counter() - start)
    return times


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1e3


def rss_mb(pid: int) -> float:
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _children(pid: int) -> list[int]:
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    except OSError:
        return []
    kids = [int(x) for x in out]
    return kids + [g for k in kids for g in _children(k)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--turns", type=int, default=200)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--conversation-turns", type=int, default=10, help="turns before a user starts afresh")
    ap.add_argument("--train-time", action="store_true")
    args = ap.parse_args()

    if args.train_time:
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run(
                [str(RASA_BIN), "train", "--data", "nlu_data", "dialogue", "--domain", "domain.yml",
                 "--config", "config.yml", "--out", out, "--force"],
                cwd=REPO, check=True, capture_output=True,
            )  # fmt: skip
            print(f"rasa train --force (NLU + dialogue): {time.perf_counter() - start:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN")}
        with Stack(
            ports=Ports.free(), workdir=Path(tmp) / "var", env=env, components=("actions", "rasa", "drain"),
            train=False, out=sys.stderr,
        ) as stack:  # fmt: skip
            url = f"{stack.rasa_url}/webhooks/rest/webhook"
            for make_text in KINDS.values():  # warm-up: first turns load models and caches
                run_user(url, make_text, 5, args.conversation_turns)
            results: dict[str, dict[str, list[float]]] = {}
            for name, make_text in KINDS.items():
                one = run_user(url, make_text, args.turns, args.conversation_turns)
                per_user = max(1, args.turns // args.users)
                with ThreadPoolExecutor(args.users) as pool:
                    futures = [
                        pool.submit(run_user, url, make_text, per_user, args.conversation_turns)
                        for _ in range(args.users)
                    ]
                    many = [t for f in futures for t in f.result()]
                results[name] = {"1 user": one, f"{args.users} concurrent": many}
            rasa = next(c for c in stack.children if c.name == "rasa")
            actions = next(c for c in stack.children if c.name == "actions")
            ref = results["bare /greet (reference)"]
            print(f"{'turn kind':<42} {'load':<14} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p95/ref':>8}")
            for name, by_load in results.items():
                for load, times in by_load.items():
                    ratio = pct(times, 0.95) / pct(ref[load], 0.95)
                    print(
                        f"{name:<42} {load:<14} {len(times):>5} {pct(times, 0.5):>8.1f} {pct(times, 0.95):>8.1f} "
                        f"{ratio:>8.2f}"
                    )
            alone = action_server_alone(stack, args.turns)
            print(
                f"action server alone, action_explain_policy (1 user, n={len(alone)}): "
                f"p50 {pct(alone, 0.5):.1f} ms, p95 {pct(alone, 0.95):.1f} ms"
            )
            print(
                f"Rasa server resident memory: {rss_mb(rasa.pid):.0f} MB; action server: {rss_mb(actions.pid):.0f} MB"
            )
            print(json.dumps({"turns": args.turns, "users": args.users, "conversation_turns": args.conversation_turns}))


if __name__ == "__main__":
    main()
