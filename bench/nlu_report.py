"""Print NLU figures from the report files of `rasa test nlu` and fail below the thresholds.

Standard library only (runs with either venv). Reads, from the results folder (default results/nlu):
- intent_report.json: per-intent precision/recall/F1, "accuracy", "macro avg";
- the entity extractor's report (DIETClassifier_report.json): per-entity scores and "micro avg" /
  "macro avg". Rasa computes these over entity tokens with the no-entity label left out.

Exit status: 0 when intent accuracy >= --min-intent-accuracy and entity micro-F1 >= --min-entity-f1,
1 when a figure is below its threshold, 2 when a report file is missing or unreadable.

Usage: python bench/nlu_report.py [RESULTS_DIR] [--min-intent-accuracy 0.80] [--min-entity-f1 0.70]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

SUMMARY_KEYS = ("accuracy", "macro avg", "weighted avg", "micro avg")
NOT_ENTITY_REPORTS = ("intent_report.json", "response_selection_report.json")


class ReportError(Exception):
    """A report file is missing or not what `rasa test nlu` writes."""


def load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ReportError(f"missing report {path} (did `rasa test nlu` run into this folder?)") from exc
    except (OSError, json.JSONDecodeError) as exc:
        raise ReportError(f"unreadable report {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ReportError(f"unexpected content in {path}")
    return data


def entity_report_path(results: Path, extractor: str | None) -> Path:
    if extractor:
        return results / f"{extractor}_report.json"
    candidates = sorted(p for p in results.glob("*_report.json") if p.name not in NOT_ENTITY_REPORTS)
    if not candidates:
        raise ReportError(f"no entity report (*_report.json) in {results}")
    preferred = [p for p in candidates if p.name == "DIETClassifier_report.json"]
    return (preferred or candidates)[0]


def per_label(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in report.items() if k not in SUMMARY_KEYS and isinstance(v, dict) and "f1-score" in v}


def score(report: dict[str, Any], key: str, field: str, path: Path) -> float:
    value = report.get(key)
    if isinstance(value, dict):
        value = value.get(field)
    if not isinstance(value, (int, float)):
        raise ReportError(f"{path} has no '{key}' {field}")
    return float(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="?", default="results/nlu", help="folder written by rasa test nlu --out")
    parser.add_argument("--min-intent-accuracy", type=float, default=0.80)
    parser.add_argument("--min-entity-f1", type=float, default=0.70, help="threshold on entity micro-F1")
    parser.add_argument("--extractor", default=None, help="entity extractor name (default: DIETClassifier)")
    args = parser.parse_args(argv)
    results = Path(args.results)

    try:
        intent_path = results / "intent_report.json"
        intents = load_json(intent_path)
        intent_accuracy = score(intents, "accuracy", "", intent_path)
        intent_macro_f1 = score(intents, "macro avg", "f1-score", intent_path)
        intent_weighted_f1 = score(intents, "weighted avg", "f1-score", intent_path)
        n_intent = int(score(intents, "macro avg", "support", intent_path))

        entity_path = entity_report_path(results, args.extractor)
        entities = load_json(entity_path)
        entity_micro = {f: score(entities, "micro avg", f, entity_path) for f in ("precision", "recall", "f1-score")}
        entity_macro_f1 = score(entities, "macro avg", "f1-score", entity_path)
    except ReportError as exc:
        print(f"nlu_report: {exc}", file=sys.stderr)
        return 2

    print(f"NLU results from {results}/ ({n_intent} test messages)")
    print(f"intent accuracy      {intent_accuracy:.3f}")
    print(f"intent macro-F1      {intent_macro_f1:.3f}   (weighted {intent_weighted_f1:.3f})")
    print(
        f"entity micro-F1      {entity_micro['f1-score']:.3f}   "
        f"(P {entity_micro['precision']:.3f}, R {entity_micro['recall']:.3f}; {entity_path.name})"
    )
    print(f"entity macro-F1      {entity_macro_f1:.3f}")
    print("per intent (F1, support):")
    for name, row in sorted(per_label(intents).items(), key=lambda kv: kv[1]["f1-score"]):
        print(f"  {name:<22} {row['f1-score']:.3f}  {int(row.get('support', 0))}")
    print("per entity (F1, support in tokens):")
    for name, row in sorted(per_label(entities).items(), key=lambda kv: kv[1]["f1-score"]):
        print(f"  {name:<22} {row['f1-score']:.3f}  {int(row.get('support', 0))}")

    failures = []
    if intent_accuracy < args.min_intent_accuracy:
        failures.append(f"intent accuracy {intent_accuracy:.3f} < {args.min_intent_accuracy:.2f}")
    if entity_micro["f1-score"] < args.min_entity_f1:
        failures.append(f"entity micro-F1 {entity_micro['f1-score']:.3f} < {args.min_entity_f1:.2f}")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if not failures:
        thresholds = f"intent accuracy >= {args.min_intent_accuracy:.2f}, entity F1 >= {args.min_entity_f1:.2f}"
        print(f"OK (thresholds: {thresholds})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
