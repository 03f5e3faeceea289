"""QuestionRouter: an NLU pipeline component after DIET and the FallbackClassifier (config.yml).

It applies understanding.routing.route to every message: where the measure matcher or the fact reader is
sure, they set the intent (ask_policy, ask_procedure, out_of_scope, inform) and add their entities (policy,
policy_candidate, topic, audience), so that `/model/parse` shows what the bot understood and the dialogue
rules see it. It learns nothing: its knowledge is the lexicon in understanding/data and rules/facts.yaml.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

from understanding.routing import merged_entities, names_something, route


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionRouter(GraphComponent):
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> QuestionRouter:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get("text")
            if not isinstance(text, str):
                continue
            intent = message.get("intent") or {}
            decided = route(text, intent.get("name"), float(intent.get("confidence") or 0.0))
            if decided.intent is not None:
                message.set("intent", {"name": decided.intent, "confidence": 1.0}, add_to_output=True)
                ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != decided.intent]
                message.set("intent_ranking", [{"name": decided.intent, "confidence": 1.0}, *ranking])
            found = message.get("entities") or []
            usable = [e for e in found if e.get("extractor") != "DIETClassifier" or names_something(e)]
            if decided.entities or len(usable) < len(found):
                message.set("entities", merged_entities(usable, decided), add_to_output=True)
        return messages
