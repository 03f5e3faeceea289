"""Consistency of the NLU training data (nlu_data/) and the held-out split (tests/nlu/test_nlu.yml).

Checks what Rasa itself does not: synonym texts resolve to one value only (Rasa's EntitySynonymMapper maps a
span by its text whatever its entity type), values are catalogue ids / fact names / enum values,
every measure can be asked about, `fact` spans leave the negation outside, the test split is disjoint from the
training data, and (with the Rasa venv) every entity span starts and ends on a Jieba token boundary.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from rules.facts import EMPLOYMENT_STATUSES, FACTS, HARDSHIP_GROUPS

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "nlu_data"
TEST_FILE = ROOT / "tests" / "nlu" / "test_nlu.yml"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

INTENTS = {
    "greet",
    "goodbye",
    "thanks",
    "bot_challenge",
    "out_of_scope",
    "human_handoff",
    "check_my_eligibility",
    "inform",
    "affirm",
    "deny",
    "ask_policy",
    "dont_know",
    "restart",
    "help",
    "show_result",
    "ask_procedure",
    "why",
}
ENTITIES = {"policy", "duration", "age", "year", "employment_status", "hardship_group", "fact", "industry"}
POLICY_IDS = [line.strip() for line in (ROOT / "rules" / "policies" / "ORDER").read_text().splitlines() if line.strip()]
BOOL_FACTS = {name for name, fact in FACTS.items() if fact.type == "bool"}
INDUSTRIES = {"餐饮", "零售", "旅游", "交通运输", "文体娱乐", "住宿", "会展"}
VALUES_BY_ENTITY = {
    "policy": set(POLICY_IDS),
    "fact": BOOL_FACTS,
    "employment_status": set(EMPLOYMENT_STATUSES),
    "hardship_group": set(HARDSHIP_GROUPS),
}
NEGATIONS = ("不", "没", "未", "非")
ANNOTATION = re.compile(r"\[([^\]]+)\]\(([a-z_]+)\)")


def _items(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data.get("nlu") or []


def _lines(block: str) -> list[str]:
    return [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]


def _examples(paths: list[Path]) -> list[tuple[str, str, str, list[tuple[str, str, int, int]]]]:
    """(file, intent, plain text, [(entity, span, start, end)]) for every annotated example."""
    out = []
    for path in paths:
        for item in _items(path):
            if "intent" not in item:
                continue
            for raw in _lines(item["examples"]):
                assert "{" not in raw, f"{path.name}: use [span](entity) and synonyms.yml, not JSON annotations: {raw}"
                entities, plain, pos = [], "", 0
                for m in ANNOTATION.finditer(raw):
                    plain += raw[pos : m.start()]
                    start = len(plain)
                    plain += m.group(1)
                    entities.append((m.group(2), m.group(1), start, len(plain)))
                    pos = m.end()
                plain += raw[pos:]
                out.append((path.name, item["intent"], plain, entities))
    return out


TRAIN_FILES = sorted(NLU_DIR.rglob("*.yml"))
TRAIN = _examples(TRAIN_FILES)
TEST = _examples([TEST_FILE])


def _synonym_entries() -> list[tuple[str, str]]:
    return [
        (text, item["synonym"])
        for path in TRAIN_FILES
        for item in _items(path)
        if "synonym" in item
        for text in _lines(item["examples"])
    ]


SYNONYMS = dict(_synonym_entries())


def test_intents_are_the_schema_and_each_has_enough_examples() -> None:
    train_counts = Counter(intent for _, intent, _, _ in TRAIN)
    test_counts = Counter(intent for _, intent, _, _ in TEST)
    assert set(train_counts) == INTENTS
    assert set(test_counts) == INTENTS
    assert min(train_counts.values()) >= 15, train_counts
    for intent in ("inform", "check_my_eligibility"):
        assert train_counts[intent] >= 40, intent
    assert train_counts["ask_policy"] >= 120
    for intent, n in test_counts.items():
        assert n >= 3, f"test split has only {n} examples of {intent}"


def test_only_schema_entities_are_annotated() -> None:
    used = {entity for _, _, _, ents in TRAIN + TEST for entity, *_ in ents}
    assert used <= ENTITIES, used - ENTITIES


def test_every_synonym_text_has_one_value() -> None:
    values = defaultdict(set)
    for text, value in _synonym_entries():
        values[text.lower()].add(value)
    clashes = {text: sorted(v) for text, v in values.items() if len(v) > 1}
    assert not clashes


def test_synonym_values_are_contract_values() -> None:
    allowed = set().union(*VALUES_BY_ENTITY.values()) | INDUSTRIES
    assert set(SYNONYMS.values()) <= allowed, set(SYNONYMS.values()) - allowed


@pytest.mark.parametrize("examples", [TRAIN, TEST], ids=["train", "test"])
def test_annotated_spans_resolve_to_a_value_of_their_entity(examples) -> None:
    bad = []
    for name, _, text, entities in examples:
        for entity, span, _, _ in entities:
            if entity in VALUES_BY_ENTITY and SYNONYMS.get(span.lower(), span) not in VALUES_BY_ENTITY[entity]:
                bad.append(f"{name}: {entity} '{span}' in {text}")
    assert not bad, "\n".join(bad)


def test_every_measure_has_synonyms_and_questions() -> None:
    by_id = Counter(SYNONYMS.get(span, span) for _, intent, _, ents in TRAIN for e, span, *_ in ents if e == "policy")
    asked = Counter(
        SYNONYMS.get(span, span)
        for _, intent, _, ents in TRAIN
        if intent == "ask_policy"
        for e, span, *_ in ents
        if e == "policy"
    )
    with_synonyms = Counter(v for v in SYNONYMS.values() if v in POLICY_IDS)
    for policy_id in POLICY_IDS:
        assert with_synonyms[policy_id] >= 3, f"{policy_id}: fewer than 3 names in synonyms.yml"
        assert asked[policy_id] >= 2, f"{policy_id}: fewer than 2 ask_policy examples"
    assert set(by_id) <= set(POLICY_IDS)


def test_fact_spans_leave_the_negation_outside_and_numbers_stay_raw() -> None:
    bad = []
    for name, _, text, entities in TRAIN + TEST:
        for entity, span, _, _ in entities:
            if entity in ("fact", "hardship_group") and span.startswith(NEGATIONS):
                bad.append(f"{name}: negation inside {entity} span '{span}': {text}")
            if entity in ("duration", "age", "year"):
                if span.lower() in SYNONYMS:
                    bad.append(f"{name}: {entity} span '{span}' is a synonym text")
                if span.startswith(("快", "将近", "差不多", *NEGATIONS)) or span.endswith("了"):
                    bad.append(f"{name}: {entity} span '{span}' should be the bare number and unit: {text}")
    assert not bad, "\n".join(bad)


def test_negative_statements_are_represented() -> None:
    negative = [
        text
        for _, _, text, ents in TRAIN
        for e, _, start, _ in ents
        if e == "fact" and any(n in text[max(0, start - 3) : start] for n in NEGATIONS)
    ]
    assert len(negative) >= 20, negative


def test_test_split_is_disjoint_from_training_data() -> None:
    train_texts = {text for _, _, text, _ in TRAIN}
    overlap = sorted(text for _, _, text, _ in TEST if text in train_texts)
    assert not overlap
    assert not list(NLU_DIR.rglob("test_nlu*")), "the held-out split must not be under nlu_data/"


def test_jieba_dictionary_is_where_the_pipeline_looks() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    tokenizer = next(c for c in config["pipeline"] if c["name"] == "JiebaTokenizer")
    folder = ROOT / tokenizer["dictionary_path"]
    files = [p for p in folder.iterdir() if p.is_file()]
    assert files, f"no jieba user dictionary in {folder}"
    for path in files:
        assert path.suffix not in (".yml", ".yaml", ".json"), "Rasa would read it as training data"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            parts = line.split()
            assert 1 <= len(parts) <= 3 and (len(parts) < 2 or parts[1].isdigit()), f"{path.name}:{number}: {line!r}"
    words = {line.split()[0] for path in files for line in path.read_text(encoding="utf-8").splitlines()}
    for term in (
        "失业登记",
        "失业保险金",
        "公益性岗位",
        "就业困难人员",
        "零就业家庭",
        "高校毕业生",
        "一网通办",
        "退捕渔民",
    ):
        assert term in words


ALIGNMENT_SCRIPT = r"""
import json, logging, re, sys, glob, jieba
jieba.setLogLevel(logging.WARNING)
cfg = json.loads(sys.argv[1])
for f in sorted(glob.glob(cfg["dictionary_path"] + "/*")):
    jieba.load_userdict(f)
pattern = re.compile(cfg["token_pattern"]) if cfg.get("token_pattern") else None
bad = []
for name, text, entities in json.loads(sys.stdin.read()):
    bounds_start, bounds_end = set(), set()
    for word, start, end in jieba.tokenize(text):
        pieces = [p for p in pattern.findall(word) if p] if pattern else []
        if not pieces:
            bounds_start.add(start); bounds_end.add(end); continue
        offset = 0
        for piece in pieces:
            i = word.index(piece, offset); offset = i + len(piece)
            bounds_start.add(start + i); bounds_end.add(start + i + len(piece))
    for entity, span, s, e in entities:
        if s not in bounds_start or e not in bounds_end:
            tokens = "/".join(w for w, _, _ in jieba.tokenize(text))
            bad.append(f"{name}: {entity} '{span}' not on token boundaries ({tokens})")
print(json.dumps(bad, ensure_ascii=False))
"""


@pytest.mark.rasa
@pytest.mark.skipif(not RASA_PYTHON.exists(), reason="jieba lives in the Rasa venv (.venv-rasa), not installed")
def test_entity_spans_fall_on_jieba_token_boundaries() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    tokenizer = next(c for c in config["pipeline"] if c["name"] == "JiebaTokenizer")
    payload = [(name, text, ents) for name, _, text, ents in TRAIN + TEST if ents]
    result = subprocess.run(
        [str(RASA_PYTHON), "-c", ALIGNMENT_SCRIPT, json.dumps(tokenizer)],
        input=json.dumps(payload, ensure_ascii=False),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    bad = json.loads(result.stdout)
    assert not bad, "\n".join(bad)
