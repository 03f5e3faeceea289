"""domain.yml keeps docs/interfaces.md: fact slots, intents, entities, one utter_ask per fact from rules.FACTS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from actions.eligibility_form import ValidateEligibilityForm
from actions.explain_policy import ActionExplainPolicy
from actions.give_assessment import ActionGiveAssessment
from rules import FACTS

ROOT = Path(__file__).resolve().parents[2]
INTENTS = {
    "greet", "goodbye", "thanks", "bot_challenge", "out_of_scope", "human_handoff", "check_my_eligibility",
    "inform", "affirm", "deny", "ask_policy", "dont_know", "restart", "help", "show_result", "nlu_fallback",
}  # fmt: skip
ENTITIES = {"policy", "duration", "age", "year", "employment_status", "hardship_group", "fact", "industry"}


def test_intents_and_entities_are_the_fixed_schema(domain: dict[str, Any]) -> None:
    assert set(domain["intents"]) == INTENTS
    assert set(domain["entities"]) == ENTITIES


def test_every_fact_is_a_slot_filled_by_the_form(domain: dict[str, Any]) -> None:
    slots = domain["slots"]
    for name in FACTS:
        slot = slots[name]
        assert slot["type"] == "any"
        assert slot["influence_conversation"] is False
        assert slot["mappings"] == [{"type": "custom"}]
    assert set(domain["forms"]["eligibility_form"]["required_slots"]) == set(FACTS)
    assert "skipped_facts" in slots and "policy" in slots


def test_every_fact_has_its_question(domain: dict[str, Any]) -> None:
    responses = domain["responses"]
    for name, fact in FACTS.items():
        (variant,) = responses[f"utter_ask_{name}"]
        assert variant["text"] == fact.question
        payloads = [b["payload"] for b in variant.get("buttons", [])]
        if fact.type == "bool":
            assert payloads == ["/affirm", "/deny", "/dont_know"]
            assert [b["title"] for b in variant["buttons"]] == ["是", "不是", "不知道"]
        if fact.type == "enum":
            for choice in fact.choices:
                assert f'/inform{{"{name}": "{choice}"}}' in payloads


def test_actions_in_the_domain_exist() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    names = {ValidateEligibilityForm().name(), ActionGiveAssessment().name(), ActionExplainPolicy().name()}
    assert set(domain["actions"]) == names


def test_rules_use_only_known_responses_and_actions(domain: dict[str, Any]) -> None:
    known = set(domain["responses"]) | set(domain["actions"]) | set(domain["forms"])
    known |= {"action_restart", "action_deactivate_loop", "action_listen"}
    for path in [
        ROOT / "dialogue" / "rules.yml",
        ROOT / "dialogue" / "stories.yml",
        *sorted((ROOT / "tests" / "stories").glob("*.yml")),
    ]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for block in data.get("rules", []) + data.get("stories", []):
            for step in block["steps"]:
                if "action" in step:
                    assert step["action"] in known, (path.name, block.get("rule") or block.get("story"), step)
                if "intent" in step:
                    assert step["intent"] in INTENTS
                for ent in step.get("entities", []):
                    assert set(ent) <= ENTITIES


def test_enough_test_stories() -> None:
    count = 0
    for path in (ROOT / "tests" / "stories").glob("*.yml"):
        count += len(yaml.safe_load(path.read_text(encoding="utf-8"))["stories"])
    assert count >= 30
