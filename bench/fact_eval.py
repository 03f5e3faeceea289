"""How the bot reads the facts in a blind set: normalise (the channel edge) then understanding.facts.read.

Usage: .venv/bin/python bench/fact_eval.py [tests/blind/facts_dev.yml] [--misses]
Prints, per category, the share of messages with every fact right, per-fact recall and wrong values.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.blind.scoring import load, score, table
from understanding.facts import read
from understanding.normalise import normalise


def reader(text: str, asked: list[str], as_of: dt.date) -> dict:
    return read(normalise(text), asked=asked, as_of=as_of).facts


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("file", nargs="?", default="facts_dev.yml", help="a file in tests/blind/")
    p.add_argument("--misses", action="store_true", help="print every message not fully right")
    args = p.parse_args()
    as_of, messages = load(Path(args.file).name)
    report = score(messages, as_of, reader)
    print(f"{args.file}: {len(messages)} messages, as_of {as_of}")
    print(table(report))
    print("facts most often wrong or not stated:", dict(report.wrong_facts.most_common(8)))
    if args.misses:
        for message, got in report.misses:
            asked = f" [asked {message['asked']}]" if message.get("asked") else ""
            print(f"- {message['id']} {message['category']}{asked}: {message['text']}")
            print(f"    expected {message.get('facts')}")
            print(f"    read     {got}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
