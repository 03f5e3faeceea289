"""A planned question (rules.questions.Question) as the message the bot sends.

Every question carries `custom.asks` (the facts it settles); a multi-select carries `custom.select` for the
channels that draw toggles (Telegram, the web widget), and plain buttons for the others. Button payloads name
facts directly (`/inform{"shanghai_hukou": true}`), so a tap never depends on NLU; an empty list (都不是 to the
group question) is written "none" because Rasa drops an entity whose value is an empty list.
"""

from __future__ import annotations

import json
from typing import Any

from rules import FACTS
from rules.questions import NONE_TITLE, Question

DONT_KNOW = {"title": "不知道", "payload": "/dont_know"}
DONE_TITLE = "完成"
EMPTY_LIST = "none"


def fact_payload(values: dict[str, Any]) -> str:
    return "/inform" + json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def _none_of(question: Question) -> dict[str, Any]:
    return {name: EMPTY_LIST if FACTS[name].type == "list" else False for name in question.facts}


def question_message(question: Question) -> dict[str, Any]:
    """`dispatcher.utter_message` arguments for the question: text, buttons, json_message."""
    custom: dict[str, Any] = {"asks": list(question.facts)}
    buttons: list[dict[str, str]] = []
    if question.multiple:
        none_title = "都不是" if FACTS[question.facts[0]].type == "list" else NONE_TITLE
        custom["select"] = {
            "multiple": True,
            "options": [{"title": o.title, "fact": o.fact, "value": o.value} for o in question.options],
            "none_title": none_title,
            "done_title": DONE_TITLE,
        }
        none = _none_of(question)
        for option in question.options:
            if FACTS[option.fact].type == "list":
                chosen: dict[str, Any] = {option.fact: [option.value]}
            else:
                chosen = {**none, option.fact: True}
            buttons.append({"title": option.title, "payload": fact_payload(chosen)})
        buttons.append({"title": none_title, "payload": fact_payload(none)})
    else:
        fact = FACTS[question.key]
        if fact.type == "bool":
            buttons = [
                {"title": "是", "payload": fact_payload({fact.name: True})},
                {"title": "不是", "payload": fact_payload({fact.name: False})},
            ]
        elif fact.type == "enum":
            buttons = [{"title": c.label, "payload": fact_payload({fact.name: c.value})} for c in fact.options]
    if buttons:
        buttons.append(DONT_KNOW)
    return {"text": question.text, "buttons": buttons, "json_message": custom}


def which_one_message(name: str, values: tuple[Any, ...]) -> dict[str, Any]:
    """A message asks which of two readings of what the person said is meant (刚毕业 in spring: which year?)."""
    fact = FACTS[name]
    shown = [fact.describe_value(v) for v in values]
    text = f"您说的{fact.label}是{'还是'.join(shown)}？"
    buttons = [{"title": s, "payload": fact_payload({name: v})} for s, v in zip(shown, values, strict=True)]
    return {"text": text, "buttons": [*buttons, DONT_KNOW], "json_message": {"asks": [name]}}
