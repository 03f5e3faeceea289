"""Benchmarks for the eligibility engine (not a test): prints figures.

    .venv/bin/python bench/rules_bench.py

1. median time to assess one person over the full catalogue (target < 1 ms);
2. wall time of the scenario suite, and of 1,000 scenarios (target < 2 s);
3. questions: over the scenario suite's people, the mean number of questions next_questions asks before
   nothing is left undecided, against asking every fact of the contract.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rules import FACTS, assess, default_policies, next_questions
from rules.questions import _candidates
from rules.scenarios import SCENARIO_DIR, check, collect


def bench_assess(scenarios: list, rounds: int = 5) -> list[float]:
    times = []
    for _ in range(rounds):
        for s in scenarios:
            start = time.perf_counter()
            assess(s.facts, s.as_of)
            times.append(time.perf_counter() - start)
    return times


def bench_suite(scenarios: list, target: int = 1000) -> tuple[float, float, int]:
    start = time.perf_counter()
    for s in scenarios:
        check(s)
    suite = time.perf_counter() - start
    repeated = (scenarios * (target // len(scenarios) + 1))[:target]
    start = time.perf_counter()
    for s in repeated:
        check(s)
    return suite, time.perf_counter() - start, len(repeated)


def simulate_questions(truth: dict, as_of: dt.date) -> tuple[int, int]:
    """Ask next_questions' top fact until nothing is undecided; the person answers from `truth`
    or says 不知道 (the fact is skipped). Returns (questions asked, of which answered)."""
    facts: dict = {}
    skipped: set[str] = set()
    asked = answered = 0
    while True:
        questions = next_questions(facts, as_of, skip=skipped)
        if not questions:
            return asked, answered
        name = questions[0]
        asked += 1
        if name in truth:
            facts[name] = truth[name]
            answered += 1
        else:
            skipped.add(name)


def complete_person(facts: dict, seed: int, as_of: dt.date) -> dict:
    """The scenario's facts plus a seeded random answer for every other fact: a person who answers all."""
    rng = random.Random(seed)
    policies = default_policies()
    full = dict(facts)
    for name in FACTS:
        if name not in full:
            full[name] = rng.choice(_candidates(name, policies, as_of))
    return full


def main() -> None:
    policies = default_policies()
    scenarios = collect([SCENARIO_DIR], policies, dt.date(2026, 1, 1))
    print(f"catalogue: {len(policies)} measures; scenarios: {len(scenarios)}; rules {policies.version}")

    times = bench_assess(scenarios)
    print(
        f"assess one person (full catalogue): median {statistics.median(times) * 1e3:.3f} ms, "
        f"p95 {sorted(times)[int(len(times) * 0.95)] * 1e3:.3f} ms over {len(times)} runs (target < 1 ms)"
    )

    suite, thousand, n = bench_suite(scenarios)
    print(f"scenario suite ({len(scenarios)} scenarios): {suite:.3f} s wall")
    print(f"{n} scenarios: {thousand:.3f} s wall (target < 2 s)")

    counts = [simulate_questions(dict(s.facts), s.as_of) for s in scenarios]
    asked = [c[0] for c in counts]
    answered = [c[1] for c in counts]
    print(
        f"questions per person until nothing is undecided: mean {statistics.mean(asked):.2f} "
        f"(median {statistics.median(asked)}, max {max(asked)}; of which answered: mean "
        f"{statistics.mean(answered):.2f}, the rest 不知道) vs {len(FACTS)} when asking every fact"
    )
    full = [simulate_questions(complete_person(dict(s.facts), i, s.as_of), s.as_of)[0] for i, s in enumerate(scenarios)]
    print(
        f"same people answering every question (absent facts filled with seeded random values): mean "
        f"{statistics.mean(full):.2f} questions (median {statistics.median(full)}, max {max(full)}) "
        f"vs {len(FACTS)} when asking every fact"
    )


if __name__ == "__main__":
    main()
