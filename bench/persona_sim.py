"""Persona simulation (not a test): the blind personas play whole consultations; prints the figures.

    .venv/bin/python bench/persona_sim.py [--rasa-url URL] [--transcripts]

Without --rasa-url it starts the action server and the Rasa server (the trained model in models/) on free
ports. For each of the personas in tests/blind/personas.yml (written from descriptions, not from the
scenario files): questions answered, whether a result was reached, and every status of the bot's last
assessment that differs from the engine's on the persona's true facts. Targets (the conversation issue):
every persona reaches a result, mean questions ≤ 6, zero different statuses.

Then, at engine level (no conversation), the mean questions over the scenario suite's people: the
planner's first question answered from the scenario's facts until nothing is left to ask.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import datetime as dt

from bot.stack import RASA_BIN, Ports, Stack
from rules import default_policies
from rules.questions import plan_questions
from rules.scenarios import SCENARIO_DIR, collect
from tests.blind.simulate import simulate


def rest_sender(url: str):  # type: ignore[no-untyped-def]
    client = httpx.Client(trust_env=False, timeout=120)

    def send(sender: str, text: str, metadata: dict) -> list[dict]:
        resp = client.post(
            f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text, "metadata": metadata}
        )
        resp.raise_for_status()
        return list(resp.json())

    return send


def engine_questions() -> list[int]:
    """Questions the planner asks each scenario person, answering from the scenario's facts (unknown = 不知道)."""
    counts = []
    for scenario in collect([SCENARIO_DIR], default_policies(), dt.date(2022, 7, 1)):
        facts: dict = {}
        skipped: list[str] = []
        asked = 0
        while asked < 40:
            plan = plan_questions(facts, scenario.as_of, skip=skipped)
            if not plan:
                break
            asked += 1
            for name in plan[0].facts:
                if name in scenario.facts:
                    facts[name] = scenario.facts[name]
                else:
                    skipped.append(name)
        counts.append(asked)
    return counts


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--rasa-url", help="a running Rasa server (else one is started)")
    p.add_argument("--transcripts", action="store_true", help="print each conversation")
    args = p.parse_args()
    if args.rasa_url:
        summary = simulate(rest_sender(args.rasa_url), f"sim-{uuid.uuid4().hex[:6]}")
    else:
        if not RASA_BIN.exists():
            print("needs .venv-rasa (scripts/setup) and a model in models/ (scripts/rasa_checks.sh)")
            return 2
        with (
            tempfile.TemporaryDirectory() as tmp,
            Stack(ports=Ports.free(), workdir=Path(tmp) / "var", components=("actions", "rasa"), train=False) as stack,
        ):
            summary = simulate(rest_sender(stack.rasa_url), f"sim-{uuid.uuid4().hex[:6]}")
    print(summary.table())
    if args.transcripts:
        for o in summary.outcomes:
            print(f"\n--- {o.persona}")
            print("\n".join(o.transcript))
    counts = engine_questions()
    print(f"engine level, {len(counts)} scenario people: mean questions {statistics.mean(counts):.2f} "
          f"(median {statistics.median(counts)}, max {max(counts)})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
