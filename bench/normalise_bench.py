"""Cost of reading one message (not a test): prints figures.

    .venv/bin/python bench/normalise_bench.py [--repeat 5]

Over every message of the blind fact sets (tests/blind/facts_*.yml but the *_final ones, which stay unread
except for their figures in bench/fact_eval.py): the channel's normalisation
(understanding.normalise: width, OpenCC, typo correction) alone, and normalisation plus the fact reader
(understanding.facts.read), each message timed --repeat times after a warm-up. Target (the understanding
issue): normalisation under 5 ms p95 per turn.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.blind.scoring import BLIND, load
from understanding.facts import read
from understanding.normalise import normalise


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    texts: list[str] = []
    for path in sorted(BLIND.glob("facts_*.yml")):
        if "_final" in path.stem:  # facts_final, facts_final2, …
            continue
        texts.extend(m["text"] for m in load(path.name)[1])
    as_of = dt.date(2022, 9, 1)
    start = time.perf_counter()
    normalise("预热")
    read(normalise("我失业半年了"), as_of=as_of)
    print(f"first use (dictionaries, OpenCC, lexicon): {(time.perf_counter() - start) * 1000:.0f} ms")
    for name, run in (
        ("normalise", lambda t: normalise(t)),
        ("normalise + read", lambda t: read(normalise(t), as_of=as_of)),
    ):
        times = []
        for text in texts:
            per = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                run(text)
                per.append((time.perf_counter() - t0) * 1000)
            times.append(statistics.median(per))
        print(
            f"{name:<18} {len(texts)} messages: median {statistics.median(times):.2f} ms, "
            f"p95 {percentile(times, 95):.2f} ms, max {max(times):.2f} ms (median of {args.repeat} runs each)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
