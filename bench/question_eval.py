"""Accuracy of the measure matcher on a question set, per category, with its misses, and its speed.

    .venv/bin/python bench/question_eval.py QUESTIONS.yml [--quiet] [--repeat N]

The file holds `questions:`, each with `id`, `category`, `text`, `measures` (what the answer must name) and
`also_ok` (what it may name besides). A question is correct when expected ⊆ named ⊆ expected ∪ also_ok, where
`named` is policy_ids (candidates for "unclear"); category out_of_scope needs kind out_of_scope; category procedure
needs kind procedure and the expected ids among the named ones; category none needs kind none. Texts pass
through the channel's normalisation first (understanding.normalise: script, width, typos), as in the bot.
Speed: every text is matched --repeat times (default 20) after a warm-up; figures are per call, over all calls and
over each question's median call (the second is steadier on a shared machine).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from understanding.measures import QuestionMatch, lexicon, match_question


def channel_normaliser() -> Callable[[str], str]:
    """The channel edge's normalisation (understanding.normalise), as the running bot applies it."""
    from understanding.normalise import normalise

    return normalise


def percentile(sorted_values: list[float], pct: float) -> float:
    return sorted_values[round(pct / 100 * (len(sorted_values) - 1))]


def judge(question: dict[str, Any], match: QuestionMatch) -> bool:
    expected = set(question.get("measures") or [])
    allowed = expected | set(question.get("also_ok") or [])
    named = set(match.candidates if match.kind == "unclear" else match.policy_ids)
    category = question.get("category")
    if category == "out_of_scope":
        return match.kind == "out_of_scope"
    if category == "procedure":
        return match.kind == "procedure" and expected <= named
    if category == "none":
        return match.kind == "none"
    return bool(expected) and expected <= named <= allowed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--quiet", action="store_true", help="figures only, no misses")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)

    try:
        questions = yaml.safe_load(args.questions.read_text(encoding="utf-8"))["questions"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        print(f"cannot read {args.questions}: {exc}", file=sys.stderr)
        return 2
    to_channel = channel_normaliser()

    started = time.perf_counter()
    lexicon()
    load_ms = (time.perf_counter() - started) * 1000

    per_category: dict[str, list[bool]] = defaultdict(list)
    misses: list[tuple[dict[str, Any], QuestionMatch]] = []
    texts = [to_channel(str(q["text"])) for q in questions]
    for question, text in zip(questions, texts, strict=True):
        match = match_question(text)
        ok = judge(question, match)
        per_category[str(question.get("category"))].append(ok)
        if not ok:
            misses.append((question, match))

    per_text: list[list[float]] = [[] for _ in texts]
    for text in texts:
        match_question(text)
    for _ in range(args.repeat):
        for k, text in enumerate(texts):
            t0 = time.perf_counter()
            match_question(text)
            per_text[k].append((time.perf_counter() - t0) * 1000)
    timings = sorted(t for ts in per_text for t in ts)
    typical = sorted(statistics.median(ts) for ts in per_text)

    total = sum(len(v) for v in per_category.values())
    right = sum(sum(v) for v in per_category.values())
    print(f"{'category':<14}{'right':>6}{'of':>5}{'accuracy':>10}")
    for category in sorted(per_category):
        results = per_category[category]
        print(f"{category:<14}{sum(results):>6}{len(results):>5}{sum(results) / len(results):>10.1%}")
    print(f"{'overall':<14}{right:>6}{total:>5}{right / total:>10.1%}")
    print(
        f"speed: {len(timings)} calls ({args.repeat} per question): median {statistics.median(timings):.2f} ms, "
        f"p95 {percentile(timings, 95):.2f} ms, max {timings[-1]:.2f} ms; per question (median of its calls): "
        f"p95 {percentile(typical, 95):.2f} ms, max {typical[-1]:.2f} ms; data loaded in {load_ms:.0f} ms"
    )
    if not args.quiet and misses:
        print("\nmisses:")
        for question, match in misses:
            named = match.candidates if match.kind == "unclear" else match.policy_ids
            print(f"  {question.get('id')} [{question.get('category')}] {question['text']}")
            print(f"      expected {question.get('measures')} also_ok {question.get('also_ok')}")
            print(f"      got {match.kind} {list(named)} topic={match.topic} family={match.family}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
