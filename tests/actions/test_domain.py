"""domain.yml keeps the contract: fact slots and entities from rules/facts.yaml, the intents, the actions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from actions.eligibility_form import ValidateEligibilityForm
from actions.explain_policy import ActionExplainPolicy
from actions.give_assessment import ActionExplainReasons, ActionGiveAssessment
from actions.procedures import ActionAnswerOutOfScope, ActionExplainProcedure
from rules import FACTS
from rules.questions import question_groups

ROOT = Path(__file__).resolve().parents[2]
INTENTS = {
    "greet", "goodbye", "thanks", "bot_challenge", "out_of_scope", "human_handoff", "check_my_eligibility",
    "inform", "affirm", "deny", "ask_policy", "dont_know", "restart", "help", "show_result", "nlu_fallback",
    "ask_procedure", "why",
}  # fmt: skip
DIET_ENTITIES = {"policy", "duration", "age", "year", "employment_status", "hardship_group", "fact", "industry"}
ROUTER_ENTITIES = {"policy_candidate", "topic", "audience"}
# buttons and the staff form give facts by name: /inform{"<fact>": value}
ENTITIES = DIET_ENTITIES | ROUTER_ENTITIES | set(FACTS) | {"as_of"}


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
    assert set(domain["forms"]["eligibility_form"]["required_slots"]) == set(FACTS) | set(question_groups())
    for helper in ("skipped_facts", "policy", "focus", "audience", "as_of", "asked", *question_groups()):
        assert slots[helper]["influence_conversation"] is False
    assert slots["check_follows"] == {
        "type": "bool",
        "influence_conversation": True,
        "mappings": [{"type": "custom"}],
    }


def test_questions_are_asked_by_the_form_not_by_responses(domain: dict[str, Any]) -> None:
    # the form's validation action asks each question with custom.asks; an utter_ask_<fact> would be asked too
    assert not [r for r in domain["responses"] if r.startswith("utter_ask_")]
    for variants in domain["responses"].values():
        for variant in variants:
            for button in variant.get("buttons", []):
                assert "{" not in button["payload"], "braces in a response trip Rasa's interpolator"


def test_actions_in_the_domain_exist() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    actions = (
        ValidateEligibilityForm(),
        ActionGiveAssessment(),
        ActionExplainPolicy(),
        ActionExplainProcedure(),
        ActionAnswerOutOfScope(),
        ActionExplainReasons(),
    )
    assert set(domain["actions"]) == {a.name() for a in actions}


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
