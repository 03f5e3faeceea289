"""A consultation as the widget shows it, rebuilt from the Rasa tracker: transcript, facts, latest assessment.

The tracker (GET /conversations/{id}/tracker, after the last restart) is the conversation's only record the
web app reads back, so a page reload or a visit to 个案 and back shows the same consultation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from bot.display import Shown, display
from bot.rasa_client import BotMessage, parse_messages
from bot.web.result_view import result_view
from bot.web.wording import fact_items, fact_value, shown_text
from rules import FACTS, FactError, default_policies, validate_facts
from rules.conditions import leaves
from rules.questions import AUDIENCES, NONE_TITLE, Question, plan_questions
from rules.vocabulary import parse_iso_date, shanghai_today


def today() -> dt.date:
    return shanghai_today()


def shown_json(shown: Shown) -> dict[str, Any]:
    """One bot message for the widget (bot/display.py decided what it is): its kind, text and buttons, the
    assessment as sections, the facts it asks about, and a multi-select (`custom.select`) when it is one."""
    out: dict[str, Any] = {
        "who": "bot",
        "kind": shown.kind,
        "text": shown.text,
        "buttons": [{"title": b.title, "payload": b.payload} for b in shown.buttons],
        "asks": list(shown.asks),
        "explained": list(shown.explained),
    }
    if shown.assessment is not None:
        out["assessment"] = result_view(shown.assessment)
    select = shown.custom.get("select")
    if isinstance(select, Mapping) and isinstance(select.get("options"), list):
        out["select"] = {
            "multiple": bool(select.get("multiple")),
            "options": [
                {"title": str(o.get("title", "")), "fact": str(o.get("fact", "")), "value": o.get("value")}
                for o in select["options"]
                if isinstance(o, Mapping) and o.get("fact") in FACTS
            ],
            "none_title": str(select.get("none_title") or "都没有"),
            "done_title": str(select.get("done_title") or "完成"),
        }
    return out


def _bot_message(event: Mapping[str, Any]) -> BotMessage:
    """A tracker's bot event as the REST channel would have sent it."""
    data = event.get("data") if isinstance(event.get("data"), Mapping) else {}
    raw: dict[str, Any] = {"text": event.get("text"), "buttons": data.get("buttons"), "custom": data.get("custom")}
    parsed = parse_messages([{k: v for k, v in raw.items() if v}])
    return parsed[0] if parsed else BotMessage()


@dataclass
class Consultation:
    messages: list[dict[str, Any]] = field(default_factory=list)
    assessment: dict[str, Any] | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    as_of: dt.date = field(default_factory=today)
    audience: str = "person"  # the conversation's audience slot: an employer is asked about the company
    focus: list[str] = field(default_factory=list)  # the measures of a focused check (the focus slot)

    def plan(self) -> list[Question]:
        """The questions that still change an outcome, as the chat asks them (rules.questions.plan_questions)."""
        return plan_questions(self.facts, self.as_of, audience=self.audience, focus=self.focus, skip=self.skipped)


def _date(value: Any) -> dt.date | None:
    try:
        return parse_iso_date(str(value)[:10]) if value else None
    except ValueError:
        return None


def from_tracker(tracker: Mapping[str, Any]) -> Consultation:
    """The consultation since the last restart: messages in order, the facts the slots hold now."""
    out = Consultation()
    pending: list[BotMessage] = []  # one turn's bot events, shown the way the channel showed them

    def flush() -> None:
        for shown in display(pending):
            out.messages.append(shown_json(shown))
            if shown.assessment is not None:
                out.assessment = dict(shown.assessment)
        pending.clear()

    for event in tracker.get("events") or []:
        if not isinstance(event, Mapping):
            continue
        kind = event.get("event")
        if kind == "bot":
            pending.append(_bot_message(event))
            continue
        if kind not in ("user", "restart"):
            continue
        flush()
        if kind == "restart":
            out.messages.clear()
            out.assessment = None
        else:
            text = str(event.get("text") or "")
            if text:
                out.messages.append({"who": "user", "text": shown_text(text, event.get("metadata"))})
    flush()
    slots = tracker.get("slots") if isinstance(tracker.get("slots"), Mapping) else {}
    raw = {k: v for k, v in slots.items() if k in FACTS and v is not None}
    try:
        out.facts = validate_facts(raw)
    except FactError:  # a slot the bot holds in a shape the rules refuse: show what is valid
        out.facts = {}
        for name, value in raw.items():
            try:
                out.facts.update(validate_facts({name: value}))
            except FactError:
                continue
    skipped = slots.get("skipped_facts")
    out.skipped = [str(s) for s in skipped if s in FACTS] if isinstance(skipped, list) else []
    audience = slots.get("audience")
    out.audience = audience if audience in AUDIENCES else "person"
    focus, ids = slots.get("focus"), set(default_policies().ids)
    out.focus = [str(f) for f in focus if f in ids] if isinstance(focus, list) else []
    out.as_of = _date(slots.get("as_of")) or _date(out.assessment.get("as_of") if out.assessment else None) or today()
    return out


@cache
def _text_choices(name: str) -> tuple[str, ...]:
    """Values the rules test a free-text fact against (the industries of employer_industry)."""
    seen: list[str] = []
    for policy in default_policies():
        for cond in (policy.eligible_when, policy.confirm_when):
            for leaf in leaves(cond) if cond is not None else ():
                if leaf.fact == name:
                    for v in leaf.value if isinstance(leaf.value, tuple) else (leaf.value,):
                        if isinstance(v, str) and v not in seen:
                            seen.append(v)
    return tuple(seen)


def field_of(name: str) -> dict[str, Any]:
    """How the form asks for a fact: its type, label, question and choices in Chinese."""
    fact = FACTS[name]
    out: dict[str, Any] = {"fact": name, "type": fact.type, "label": fact.label, "question": fact.question}
    if fact.type in ("enum", "list"):
        out["choices"] = [{"value": c, "label": fact_value(name, c)} for c in fact.choices]
    elif fact.type == "str":
        out["suggestions"] = list(_text_choices(name))
    elif fact.type == "int":
        out.update(minimum=fact.minimum, maximum=fact.maximum, unit=fact.unit)
    return out


def question_of(q: Question) -> dict[str, Any]:
    """A planned question for the form: one fact's field, or a multi-select (a group of yes/no facts, or a
    list fact) whose options are checkboxes and whose answer gives every fact it asks."""
    if not q.multiple:
        return {**field_of(q.key), "key": q.key, "facts": list(q.facts), "question": q.text, "multiple": False}
    single_list = len(q.facts) == 1 and FACTS[q.facts[0]].type == "list"
    return {
        "key": q.key,
        "fact": q.key,
        "facts": list(q.facts),
        "type": "select",
        "multiple": True,
        "label": FACTS[q.key].label if single_list else q.text.split("（", 1)[0].rstrip("？?"),
        "question": q.text,
        "options": [{"title": o.title, "fact": o.fact, "value": o.value} for o in q.options],
        "none_title": "都不是" if single_list else NONE_TITLE,
    }


def form_state(c: Consultation) -> dict[str, Any]:
    """The form: the facts known (each correctable) and the questions that still change an outcome, the same
    plan as the chat's (audience, focus, multi-select groups)."""
    known = {item["fact"]: item["value"] for item in fact_items(c.facts)}
    return {
        "as_of": c.as_of.isoformat(),
        "known": [{**field_of(n), "value": c.facts[n], "shown": known[n]} for n in known],
        "questions": [question_of(q) for q in c.plan()],
        "skipped": [{"fact": n, "label": FACTS[n].label} for n in c.skipped],
    }
