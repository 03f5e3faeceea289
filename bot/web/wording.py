"""Words a station worker reads: facts with Chinese labels and values, and button payloads as what was tapped."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rules import FACTS

INTENT_WORDS = {
    "affirm": "是",
    "deny": "不是",
    "dont_know": "不知道",
    "greet": "你好",
    "goodbye": "再见",
    "thanks": "谢谢",
    "restart": "重新开始",
    "help": "帮助",
    "human_handoff": "转人工",
    "check_my_eligibility": "看看我能申请什么",
    "show_result": "先看结果",
}


def fact_value(name: str, value: Any) -> str:
    """A fact's value in Chinese (是/否, 失业, 残疾人、低保…, 6个月); unknown facts as given."""
    fact = FACTS.get(name)
    if fact is None:
        return str(value)
    if fact.type == "list" and not isinstance(value, list):
        value = [value]
    try:
        return fact.describe_value(value)
    except (TypeError, ValueError):
        return str(value)


def fact_label(name: str) -> str:
    fact = FACTS.get(name)
    return fact.label if fact else name


def fact_items(facts: Mapping[str, Any]) -> list[dict[str, str]]:
    """[{fact, label, value}] in the contract's order, absent (None) facts left out."""
    order = {name: i for i, name in enumerate(FACTS)}
    names = sorted((n for n, v in facts.items() if v is not None), key=lambda n: order.get(n, len(order)))
    return [{"fact": n, "label": fact_label(n), "value": fact_value(n, facts[n])} for n in names]


def describe_payload(text: str) -> str:
    """`/inform{"employment_status": "unemployed"}` → 就业状态：失业; `/deny` → 不是. Other text unchanged."""
    if not text.startswith("/") or len(text) < 2:
        return text
    intent, _, raw = text[1:].partition("{")
    words = INTENT_WORDS.get(intent, "")
    if raw:
        try:
            given = json.loads("{" + raw)
        except ValueError:
            given = None
        if isinstance(given, dict):
            if given.get("dont_know") is True:
                return "不知道"
            parts = []
            for name, value in given.items():
                if name == "as_of":
                    parts.append(f"评估日期：{value}")
                elif value is None:
                    parts.append(f"{fact_label(name)}：（清除）")
                else:
                    parts.append(f"{fact_label(name)}：{fact_value(name, value)}")
            if parts:
                return "；".join(parts)
    return words or text


def shown_text(text: str, metadata: Mapping[str, Any] | None) -> str:
    """What the person saw themselves say: the title of the button they tapped, or their words."""
    if isinstance(metadata, Mapping):
        tapped = metadata.get("tapped")
        if isinstance(tapped, str) and tapped.strip():
            return tapped.strip()
    return describe_payload(text)
