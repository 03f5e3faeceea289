"""Where one form turn's time goes (not a test): prints a breakdown. Run it with the Rasa venv:

    .venv-rasa/bin/python bench/profile_turn.py [--turns 40] [--endpoints endpoints.scale.yml] [--cprofile]
        [--rasa-tracker-store]

Loads the newest model in models/ in this process with the given endpoints file (its ${...} come from the
environment: for endpoints.scale.yml set DATABASE_URL-style TRACKER_DB_* and REDIS_* as docs/scaling.md says;
without them the script uses a scratch SQLite tracker store and Rasa's in-memory lock store), starts one action
server (app venv) on a free port, and runs consultations one turn at a time: "我失业三个月了，上海户口" then "不知道"
until the assessment, a new conversation after each. Every turn is timed whole (Rasa's Agent.handle_message plus
the REST channel's masking) and by part, by wrapping the Rasa methods that do each part:

  lock           the lock store: issuing, waiting for and releasing the conversation's ticket
  tracker load   TrackerStore.retrieve (the conversation's events from the tracker store, rebuilt into a tracker)
  NLU            MessageProcessor.parse_message (tokenizer, featurizers, DIET, entity extractors)
  policies       MessageProcessor._predict_next_with_tracker (every prediction of the turn: rules, memo, TED)
  actions        RemoteAction.run: each call of the action server (form validation, custom actions), less
                 the part below: Rasa serialising the tracker and domain and checking the response
  action HTTP    the HTTP request itself (EndpointConfig.request): the action server's own work plus the
                 round trip
  tracker save   TrackerStore.save minus the two below (writing the new events)
  diff re-read   the tracker store reading the whole conversation again inside save(), to find the new events
                 (Rasa's SQLTrackerStore; rasa_ext's StrictSQLTrackerStore counts them instead)
  broker         publishing the new events to the event broker (the case-log spool; one fsync'd write per event
                 with Rasa's tracker stores, one per turn with StrictSQLTrackerStore)
  masking        MaskedRestInput's masking of the message (mask_text), done before Rasa sees it

"other" is the rest of the turn (Rasa's own bookkeeping between the parts). With --cprofile, also the top
functions by cumulative time over all turns.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pstats
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.chdir(REPO)
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

spent: dict[str, float] = defaultdict(float)
_inside: list[str] = []


def _timed_async(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        _inside.append(name)
        try:
            return await fn(*args, **kwargs)
        finally:
            _inside.pop()
            spent[name] += time.perf_counter() - start

    return wrapper


def _timed_sync(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - start

    return wrapper


def _retrieve_wrapper(fn: Callable[..., Any]) -> Callable[..., Any]:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return await fn(*args, **kwargs)
        finally:
            part = "diff re-read" if "tracker save" in _inside else "tracker load"
            spent[part] += time.perf_counter() - start

    return wrapper


def instrument(agent: Any) -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor

    MessageProcessor.parse_message = _timed_async("NLU", MessageProcessor.parse_message)  # type: ignore[method-assign]
    MessageProcessor._predict_next_with_tracker = _timed_sync(  # type: ignore[method-assign]
        "policies", MessageProcessor._predict_next_with_tracker
    )
    RemoteAction.run = _timed_async("actions", RemoteAction.run)  # type: ignore[method-assign]
    from rasa.utils.endpoints import EndpointConfig

    EndpointConfig.request = _timed_async("action HTTP", EndpointConfig.request)  # type: ignore[method-assign]

    store = agent.tracker_store
    while hasattr(store, "_tracker_store"):  # FailSafeTrackerStore / AwaitableTrackerStore wrap the real one
        store = store._tracker_store
    cls = type(store)
    cls.save = _timed_async("tracker save", cls.save)  # type: ignore[method-assign]
    cls.retrieve = _retrieve_wrapper(cls.retrieve)  # type: ignore[method-assign]
    cls.retrieve_full_tracker = _retrieve_wrapper(cls.retrieve_full_tracker)  # type: ignore[method-assign]
    if store.event_broker is not None:
        broker = type(store.event_broker)
        method = "publish_many" if hasattr(broker, "publish_many") else "publish"
        setattr(broker, method, _timed_sync("broker", getattr(broker, method)))

    lock_cls = type(agent.lock_store)
    for method in ("issue_ticket", "cleanup"):
        setattr(lock_cls, method, _timed_sync("lock", getattr(lock_cls, method)))
    lock_cls._acquire_lock = _timed_async("lock", lock_cls._acquire_lock)  # type: ignore[method-assign]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_action_server(log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(REPO / ".venv" / "bin" / "python"), "-m", "bot.action_server", "-p", str(port)],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return proc, port
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"the action server did not start; see {log}")


async def run(args: argparse.Namespace, tmp: Path) -> None:
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)

    from caselog.privacy import mask_text

    model = sorted((REPO / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)[-1]
    endpoints = AvailableEndpoints.read_endpoints(args.endpoints)
    agent = await load_agent(model_path=str(model), endpoints=endpoints)
    instrument(agent)
    print(f"model {model.name}; endpoints {args.endpoints}; tracker store {type(agent.tracker_store).__name__} → "
          f"{os.environ.get('TRACKER_DB_NAME') or os.environ.get('RASA_TRACKER_DB')}; lock store "
          f"{type(agent.lock_store).__name__}")  # fmt: skip

    async def turn(sender: str, text: str) -> tuple[float, dict[str, float], list[dict[str, Any]]]:
        spent.clear()
        start = time.perf_counter()
        t = time.perf_counter()
        masked = mask_text(text)
        spent["masking"] += time.perf_counter() - t
        out = CollectingOutputChannel()
        await agent.handle_message(UserMessage(masked, out, sender, input_channel="rest"))
        return time.perf_counter() - start, dict(spent), out.messages

    totals: list[float] = []
    parts: dict[str, list[float]] = defaultdict(list)
    profiler = cProfile.Profile() if args.cprofile else None
    sender, warm = f"prof-{uuid.uuid4().hex[:6]}", 0
    text = "我失业三个月了，上海户口"
    while len(totals) < args.turns:
        if profiler and warm >= args.warmup:
            profiler.enable()
        took, split, messages = await turn(sender, text)
        if profiler:
            profiler.disable()
        if warm < args.warmup:
            warm += 1
        else:
            totals.append(took)
            for name in PARTS:
                parts[name].append(split.get(name, 0.0))
        finished = any(isinstance(m.get("custom"), dict) and "assessment" in m["custom"] for m in messages)
        if finished:
            sender, text = f"prof-{uuid.uuid4().hex[:6]}", "我失业三个月了，上海户口"
        else:
            text = "不知道"

    for name in ("tracker save",):  # save's own time, without what is listed separately
        parts[name] = [s - d - b for s, d, b in zip(parts[name], parts["diff re-read"], parts["broker"], strict=True)]
    parts["actions"] = [a - h for a, h in zip(parts["actions"], parts["action HTTP"], strict=True)]
    mean_total = statistics.mean(totals)
    print(f"{len(totals)} form turns (after {args.warmup} warm-up): mean {mean_total * 1e3:.1f} ms, "
          f"median {statistics.median(totals) * 1e3:.1f} ms")  # fmt: skip
    print(f"{'part':<14} {'mean ms':>8} {'median ms':>10} {'share':>7}")
    accounted = 0.0
    for name in PARTS:
        mean = statistics.mean(parts[name])
        accounted += mean
        print(f"{name:<14} {mean * 1e3:>8.1f} {statistics.median(parts[name]) * 1e3:>10.1f} {mean / mean_total:>7.1%}")
    other = mean_total - accounted
    print(f"{'other':<14} {other * 1e3:>8.1f} {'':>10} {other / mean_total:>7.1%}")
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(40)


PARTS = (
    "lock", "tracker load", "NLU", "policies", "actions", "action HTTP", "tracker save", "diff re-read", "broker",
    "masking",
)  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--turns", type=int, default=40)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--endpoints", default="endpoints.yml", help="e.g. endpoints.scale.yml, or a copy with type: SQL")
    ap.add_argument("--cprofile", action="store_true")
    ap.add_argument("--rasa-tracker-store", action="store_true", help="Rasa's own SQL tracker store, for comparison")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.rasa_tracker_store:
            text = Path(args.endpoints).read_text(encoding="utf-8")
            stock = tmp / "endpoints.yml"
            stock.write_text(text.replace("type: rasa_ext.tracker_store.StrictSQLTrackerStore", "type: SQL"), "utf-8")
            args.endpoints = str(stock)
        os.environ.setdefault("RASA_TRACKER_DB", str(tmp / "tracker.db"))
        os.environ.setdefault("CASELOG_SPOOL_DIR", str(tmp / "spool"))
        os.environ.setdefault("ASSISTANT_AS_OF", "2022-07-01")
        os.environ.setdefault("ACTION_SERVER_TOKEN", uuid.uuid4().hex)  # endpoints send it, the server checks it
        proc, port = start_action_server(tmp / "actions.log")
        os.environ["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{port}/webhook"
        try:
            asyncio.run(run(args, tmp))
        finally:
            proc.terminate()
            proc.wait(20)


if __name__ == "__main__":
    main()
