"""Play the blind personas (tests/blind/personas.yml) against a running bot over REST, as people would.

Each persona sends its opening message, then answers whatever the bot asks — the question's `custom.asks`
— from its true facts, in its own words (`says`), or sometimes with the buttons: a plain question's button
whose payload gives the true value, a multi-select's toggles (the options that are true) or 都没有. After a
focused result it asks for the full check. The bot's last assessment is then compared with the engine's
on the persona's true facts: every status must be the same.

Used by bench/persona_sim.py (prints the figures) and tests/e2e/test_personas.py (the thresholds).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from rules import FACTS, assess
from tests.blind.scoring import BLIND

Send = Callable[[str, str, Mapping[str, Any]], list[dict[str, Any]]]
MAX_TURNS = 30
FULL_CHECK = "/check_my_eligibility"


@dataclass
class Outcome:
    persona: str
    questions: int = 0
    turns: int = 0
    reached_result: bool = False
    differences: dict[str, tuple[str, str]] = field(default_factory=dict)  # policy → (bot, engine)
    transcript: list[str] = field(default_factory=list)


def load_personas() -> tuple[dt.date, list[dict[str, Any]]]:
    data = yaml.safe_load((BLIND / "personas.yml").read_text(encoding="utf-8"))
    as_of = data["as_of"] if isinstance(data["as_of"], dt.date) else dt.date.fromisoformat(str(data["as_of"]))
    return as_of, data["personas"]


def _truth(persona: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in persona["truth"].items() if k in FACTS}


def _payload(values: Mapping[str, Any]) -> str:
    return "/inform" + json.dumps(dict(values), ensure_ascii=False, separators=(",", ":"))


def _says(persona: Mapping[str, Any], fact: str, turn: int) -> str | None:
    phrases = persona.get("says", {}).get(fact) or []
    return str(phrases[turn % len(phrases)]) if phrases else None


def answer(persona: Mapping[str, Any], message: Mapping[str, Any], turn: int) -> str:
    """What this persona replies to the question in `message`."""
    custom = message.get("custom") or {}
    asks = [a for a in custom.get("asks") or [] if a in FACTS]
    truth = _truth(persona)
    by_button = turn % 3 == 2  # one reply in three is a tap
    select = custom.get("select")
    if select and len(asks) > 1:
        if by_button:
            values: dict[str, Any] = {}
            for name in asks:
                if FACTS[name].type == "list":
                    values[name] = list(truth.get(name) or []) or "none"
                else:
                    values[name] = bool(truth.get(name))
            return _payload(values)
        true_ones = [n for n in asks if truth.get(n) is True]
        if not true_ones:
            return ["都没有", "没有，都不是", "这些都没有"][turn % 3]
        return "，".join(_says(persona, n, turn) or FACTS[n].label for n in true_ones)
    fact = asks[0] if asks else None
    if fact is None:
        return "帮我看看能申请什么"
    if fact not in truth:
        return "不知道"
    value = truth[fact]
    if by_button and FACTS[fact].type in ("bool", "enum"):
        return _payload({fact: value})
    if FACTS[fact].type == "list" and by_button:
        return _payload({fact: list(value) or "none"})
    return _says(persona, fact, turn) or "不知道"


def _last_with(messages: Sequence[Mapping[str, Any]], key: str) -> Mapping[str, Any] | None:
    for message in reversed(messages):
        if isinstance(message.get("custom"), dict) and key in message["custom"]:
            return message
    return None


def play(persona: Mapping[str, Any], send: Send, as_of: dt.date, sender: str) -> Outcome:
    outcome = Outcome(persona["id"])
    metadata = {"as_of": as_of.isoformat(), "channel": "simulation"}
    text = str(persona["opening"])
    assessment: Mapping[str, Any] | None = None
    full_checked = False
    for turn in range(MAX_TURNS):
        replies = send(sender, text, metadata)
        outcome.turns += 1
        outcome.transcript.append(f"> {text}")
        outcome.transcript.extend(f"< {m.get('text') or ''}"[:160] for m in replies)
        question = _last_with(replies, "asks")
        result = _last_with(replies, "assessment")
        if result is not None and question is None:
            assessment = result["custom"]["assessment"]
            buttons = [b.get("payload") for b in result.get("buttons") or []]
            if FULL_CHECK in buttons and not full_checked:
                full_checked = True  # a focused result: now the full check
                text = FULL_CHECK
                continue
            break
        if question is not None:
            outcome.questions += 1
            text = answer(persona, question, turn)
        else:
            text = "帮我看看能申请什么"
    if assessment is not None:
        outcome.reached_result = True
        engine = {r.policy_id: r.status for r in assess(_truth(persona), as_of).results}
        for r in assessment["results"]:
            if engine.get(r["policy_id"]) != r["status"]:
                outcome.differences[r["policy_id"]] = (r["status"], engine.get(r["policy_id"], "?"))
    return outcome


@dataclass
class Summary:
    outcomes: list[Outcome]

    @property
    def reached(self) -> int:
        return sum(o.reached_result for o in self.outcomes)

    @property
    def mean_questions(self) -> float:
        return sum(o.questions for o in self.outcomes) / len(self.outcomes)

    @property
    def different_statuses(self) -> int:
        return sum(len(o.differences) for o in self.outcomes)

    def table(self) -> str:
        lines = [f"{'persona':<8}{'questions':>10}{'turns':>7}  result  differences"]
        for o in self.outcomes:
            diff = ", ".join(f"{k}: bot {b} / engine {e}" for k, (b, e) in o.differences.items())
            lines.append(
                f"{o.persona:<8}{o.questions:>10}{o.turns:>7}  {'yes' if o.reached_result else 'NO ':<6}  {diff}"
            )
        lines.append(
            f"{len(self.outcomes)} personas: {self.reached} reached a result; mean questions "
            f"{self.mean_questions:.2f}; statuses different from the engine's: {self.different_statuses}"
        )
        return "\n".join(lines)


def simulate(send: Send, prefix: str) -> Summary:
    as_of, personas = load_personas()
    return Summary([play(p, send, as_of, f"{prefix}-{p['id']}") for p in personas])
