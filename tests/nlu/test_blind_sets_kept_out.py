"""The blind evaluation sets (tests/blind/) are never trained on: none of their messages, nor a near copy, is in
nlu_data/.

Near copy: RapidFuzz's ratio ≥ 90 between a blind message and an intent's training example, both normalised and
with entity annotations removed. Synonyms and lookup tables are vocabulary (one term each), not messages.
Blind replies shorter than six characters (还没, 都不是, 是的) are language itself, not something a set can keep
to itself, and are not compared.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from rapidfuzz import fuzz, process

from understanding.normalise import normalise

ROOT = Path(__file__).resolve().parents[2]
BLIND = ROOT / "tests" / "blind"
ANNOTATION = re.compile(r"\[([^\]]+)\]\((?:[a-z_]+|\{[^}]*\})\)")
MIN_LENGTH = 6
NEAR = 90


def training_examples() -> list[str]:
    out = []
    for path in sorted((ROOT / "nlu_data").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            if "intent" not in item:
                continue
            for line in str(item.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    out.append(normalise(ANNOTATION.sub(r"\1", line[2:])))
    return out


def blind_messages() -> list[tuple[str, str]]:
    out = []
    for path in sorted(BLIND.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data.get("messages") or data.get("questions") or []:
            out.append((f"{path.name}:{entry['id']}", entry["text"]))
        for persona in data.get("personas") or []:
            out.append((f"{path.name}:{persona['id']}:opening", persona["opening"]))
            for fact, phrases in persona["says"].items():
                out.extend((f"{path.name}:{persona['id']}:{fact}", p) for p in phrases)
    return out


def test_the_blind_sets_are_there() -> None:
    names = {p.name for p in BLIND.glob("*.yml")}
    assert {"facts_dev.yml", "facts_test.yml", "questions_test.yml", "personas.yml"} <= names
    assert len(blind_messages()) > 1000


def test_no_blind_message_is_in_the_training_data() -> None:
    examples = training_examples()
    assert examples, "no training examples found"
    copies = []
    for where, text in blind_messages():
        text = normalise(str(text))
        if len(text) < MIN_LENGTH:
            continue
        match = process.extractOne(text, examples, scorer=fuzz.ratio, score_cutoff=NEAR)
        if match is not None:
            copies.append(f"{where}: {text!r} ≈ training example {match[0]!r} ({match[1]:.0f})")
    assert not copies, "blind messages found in nlu_data/:\n" + "\n".join(copies[:30])


@pytest.mark.parametrize("scorer_probe", ["我失业半年了，上海户口，想找工作呢"])
def test_a_near_copy_is_caught(scorer_probe: str) -> None:
    # the check can fail: a lightly edited message scores above the cut-off
    assert fuzz.ratio(normalise(scorer_probe), normalise("我失业半年了，上海户口，想找工作")) >= NEAR
