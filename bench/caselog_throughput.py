"""Case-log figures: spool append rate (fsync per record), drain rate, staff query latency.

Usage: .venv/bin/python bench/caselog_throughput.py [--conversations 200] [--database-url URL]
Default database: a temporary SQLite file. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

import rules
from caselog import queries
from caselog.db import make_engine
from caselog.drain import drain_once
from caselog.migrate import upgrade
from caselog.spool import Spool


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="caselog-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    spool = Spool(tmp / "spool")
    assessment = rules.assess(
        {"age": 45, "employment_status": "unemployed", "unemployed_months": 4}, dt.date(2022, 7, 1)
    )
    payload = assessment.to_dict()

    latencies = []
    start = time.perf_counter()
    for n in range(args.conversations):
        sender = f"bench-{n}"
        events = [
            {"event": "session_started"},
            {
                "event": "user",
                "text": "我失业4个月了，手机13812345678",
                "parse_data": {"intent": {"name": "inform", "confidence": 0.9}},
            },
            {"event": "action", "name": "action_assess"},
            {"event": "bot", "text": "评估结果如下", "data": {"custom": {"assessment": payload}}},
            {"event": "slot", "name": "unemployed_months", "value": 4},
        ]
        for e in events:
            t0 = time.perf_counter()
            spool.append_event({"sender_id": sender, "timestamp": time.time(), **e})
            latencies.append(time.perf_counter() - t0)
    append_s = time.perf_counter() - start
    records = spool.last_seq()
    p99 = sorted(latencies)[int(len(latencies) * 0.99)]
    print(
        f"spool append: {records} records in {append_s:.2f}s = {records / append_s:.0f}/s; "
        f"median {statistics.median(latencies) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms"
    )

    start = time.perf_counter()
    applied = drain_once(spool, engine)
    drain_s = time.perf_counter() - start
    print(f"drain into {engine.dialect.name}: {applied} records in {drain_s:.2f}s = {applied / drain_s:.0f}/s")

    with Session(engine) as s:
        for label, kwargs in [
            ("list_cases (page of 50)", {}),
            ("list_cases by measure+status", {"policy_id": "unemployed_hiring_subsidy", "status": "eligible"}),
        ]:
            t0 = time.perf_counter()
            rows = queries.list_cases(s, **kwargs)
            print(f"{label}: {len(rows)} rows in {(time.perf_counter() - t0) * 1000:.1f} ms")
        t0 = time.perf_counter()
        counts = queries.counts_per_measure_and_status(s, bucket="day")
        print(f"counts_per_measure_and_status: {len(counts)} rows in {(time.perf_counter() - t0) * 1000:.1f} ms")
    engine.dispose()


if __name__ == "__main__":
    main()
