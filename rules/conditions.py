"""Conditions over facts with three-valued logic: True, False, or None (a fact it needs is absent).

A condition in a policy file is one of
  {all: [cond, ...]}   {any: [cond, ...]}   {not: cond}
  {fact: NAME, OP: VALUE, label: "optional plain-Chinese wording"}
with OP one of is, in, gte, gt, lte, lt, includes_any, nonempty. VALUE may be {param: NAME},
a dated parameter of the same policy file, or (int facts only) {as_of_year: OFFSET}, the evaluation
date's year plus OFFSET (so "graduated this year" needs no clock). An absent fact never takes a default:
the leaf is None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rules.facts import FACTS, VALUE_LABELS

Tri = bool | None
ParamLookup = Callable[[str], Any]
# the name a ParamLookup answers with the evaluation date's year (not a valid parameter name in YAML)
AS_OF_YEAR = "@as_of_year"

OPS: dict[str, str] = {
    "is": "为",
    "in": "属于",
    "gte": "≥",
    "gt": ">",
    "lte": "≤",
    "lt": "<",
    "includes_any": "包括",
    "nonempty": "",
}
_OPS_FOR_TYPE: dict[str, set[str]] = {
    "bool": {"is"},
    "int": {"is", "gte", "gt", "lte", "lt", "in"},
    "enum": {"is", "in"},
    "str": {"is", "in"},
    "list": {"includes_any", "nonempty"},
}


@dataclass(frozen=True)
class Leaf:
    fact: str
    op: str
    value: Any
    label: str | None = None

    def resolve(self, params: ParamLookup) -> Any:
        if isinstance(self.value, Mapping):
            if "param" in self.value:
                return params(self.value["param"])
            return params(AS_OF_YEAR) + self.value["as_of_year"]
        return self.value

    def test(self, facts: Mapping[str, Any], params: ParamLookup) -> Tri:
        if self.fact not in facts:
            return None
        actual = facts[self.fact]
        expected = self.resolve(params)
        match self.op:
            case "is":
                return actual == expected
            case "in":
                return actual in expected
            case "gte":
                return actual >= expected
            case "gt":
                return actual > expected
            case "lte":
                return actual <= expected
            case "lt":
                return actual < expected
            case "includes_any":
                return bool(set(actual) & set(expected))
            case "nonempty":
                return bool(actual) == bool(expected)
        raise AssertionError(self.op)

    def describe(self, params: ParamLookup) -> str:
        if self.label:
            return self.label
        fact = FACTS[self.fact]
        value = self.resolve(params)
        if self.op == "is" and fact.type == "bool":
            text = f"{fact.label}" if value else f"不是{fact.label}"
        elif self.op == "nonempty":
            text = f"属于{fact.label}中的至少一类" if value else f"不属于任何{fact.label}"
        elif self.op in ("in", "includes_any"):
            words = "、".join(VALUE_LABELS.get(v, str(v)) for v in value)
            text = f"{fact.label}{OPS[self.op]}：{words}"
        elif fact.type == "enum":
            text = f"{fact.label}为{VALUE_LABELS.get(value, value)}"
        else:
            text = f"{fact.label} {OPS[self.op]} {fact.describe_value(value)}"
        return text

    def reason(self, facts: Mapping[str, Any], params: ParamLookup, met: bool) -> str:
        told = FACTS[self.fact].describe_value(facts[self.fact])
        text = self.describe(params)
        return f"符合：{text}（您的情况：{told}）" if met else f"不符合：{text}（您的情况：{told}）"


@dataclass(frozen=True)
class Node:
    kind: str  # "all" | "any" | "not"
    children: tuple[Condition, ...]


Condition = Leaf | Node


@dataclass
class Evaluation:
    value: Tri
    missing: list[str]
    met: list[str]
    unmet: list[str]


def parse(raw: Any, where: str, param_names: set[str]) -> Condition:
    """Build a condition tree from YAML data; raise ValueError naming the problem."""
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: a condition must be a mapping, got {raw!r}")
    for kind in ("all", "any"):
        if kind in raw:
            items = raw[kind]
            if set(raw) != {kind} or not isinstance(items, list) or not items:
                raise ValueError(f"{where}: '{kind}' needs a non-empty list and nothing beside it")
            return Node(kind, tuple(parse(c, f"{where}.{kind}[{i}]", param_names) for i, c in enumerate(items)))
    if "not" in raw:
        if set(raw) != {"not"}:
            raise ValueError(f"{where}: 'not' takes one condition and nothing beside it")
        return Node("not", (parse(raw["not"], f"{where}.not", param_names),))
    name = raw.get("fact")
    if name not in FACTS:
        raise ValueError(f"{where}: unknown fact {name!r}")
    ops = [k for k in raw if k in OPS]
    extra = set(raw) - {"fact", "label", *OPS}
    if len(ops) != 1 or extra:
        raise ValueError(f"{where}: a fact condition needs exactly one of {', '.join(OPS)}; got {sorted(raw)}")
    op = ops[0]
    fact = FACTS[name]
    if op not in _OPS_FOR_TYPE[fact.type]:
        raise ValueError(f"{where}: operator '{op}' does not apply to {fact.type} fact '{name}'")
    value = raw[op]
    if isinstance(value, Mapping) and set(value) == {"as_of_year"}:
        offset = value["as_of_year"]
        if fact.type != "int" or op not in ("is", "gte", "gt", "lte", "lt"):
            raise ValueError(f"{where}: {{as_of_year: N}} compares an int fact with is/gte/gt/lte/lt only")
        if not isinstance(offset, int) or isinstance(offset, bool):
            raise ValueError(f"{where}: as_of_year takes a whole number of years (0 = the evaluation year)")
    elif isinstance(value, Mapping):
        if set(value) != {"param"} or value["param"] not in param_names:
            raise ValueError(f"{where}: unknown parameter reference {value!r}")
    else:
        _check_literal(fact.name, op, value, where)
    label = raw.get("label")
    if label is not None and not isinstance(label, str):
        raise ValueError(f"{where}: label must be a string")
    return Leaf(name, op, tuple(value) if isinstance(value, list) else value, label)


def _check_literal(name: str, op: str, value: Any, where: str) -> None:
    fact = FACTS[name]
    values = value if op in ("in", "includes_any") else [value]
    if op in ("in", "includes_any") and not isinstance(value, list):
        raise ValueError(f"{where}: '{op}' needs a list of values")
    for v in values:
        if op == "nonempty" or fact.type == "bool":
            ok = isinstance(v, bool)
        elif fact.type == "int":
            ok = isinstance(v, int) and not isinstance(v, bool)
        elif fact.type in ("enum", "list"):
            ok = v in fact.choices
        else:
            ok = isinstance(v, str)
        if not ok:
            raise ValueError(f"{where}: value {v!r} does not fit fact '{name}' ({fact.type})")


def evaluate(cond: Condition, facts: Mapping[str, Any], params: ParamLookup) -> Evaluation:
    if isinstance(cond, Leaf):
        value = cond.test(facts, params)
        if value is None:
            return Evaluation(None, [cond.fact], [], [])
        reason = cond.reason(facts, params, value)
        return Evaluation(value, [], [reason] if value else [], [] if value else [reason])
    if cond.kind == "not":
        inner = evaluate(cond.children[0], facts, params)
        value = None if inner.value is None else not inner.value
        return Evaluation(value, inner.missing, inner.unmet, inner.met)
    parts = [evaluate(c, facts, params) for c in cond.children]
    decisive = cond.kind != "all"
    hits = [p for p in parts if p.value is decisive]
    if hits:
        # The result is settled by the decisive children; the rest do not matter.
        return Evaluation(
            decisive,
            [],
            [r for p in hits for r in p.met],
            [r for p in hits for r in p.unmet],
        )
    unknown = [p for p in parts if p.value is None]
    if unknown:
        missing: list[str] = []
        for p in unknown:
            missing.extend(m for m in p.missing if m not in missing)
        return Evaluation(None, missing, [r for p in parts for r in p.met], [])
    return Evaluation(
        not decisive,
        [],
        [r for p in parts for r in p.met],
        [r for p in parts for r in p.unmet],
    )


def leaves(cond: Condition) -> list[Leaf]:
    if isinstance(cond, Leaf):
        return [cond]
    return [leaf for c in cond.children for leaf in leaves(c)]


def describe_inline(cond: Condition, params: ParamLookup, nested: bool = False) -> str:
    """One line for a narrow screen: 高校毕业生（大专及以上），且今年毕业或（明年毕业且现为毕业学年在校生）."""
    if isinstance(cond, Leaf):
        return cond.describe(params)
    parts = [describe_inline(child, params, nested=True) for child in cond.children]
    if cond.kind == "not":
        return "不满足：" + "；".join(parts)
    text = ("且" if cond.kind == "all" else "或").join(parts)
    return f"（{text}）" if nested and len(parts) > 1 else text


def describe(cond: Condition, params: ParamLookup, indent: int = 0) -> list[str]:
    """Plain-Chinese lines for `rules show`."""
    pad = "  " * indent
    if isinstance(cond, Leaf):
        return [f"{pad}- {cond.describe(params)}"]
    head = {"all": "同时满足以下全部条件：", "any": "满足以下任一条件：", "not": "不满足以下条件："}[cond.kind]
    lines = [f"{pad}- {head}"]
    for child in cond.children:
        lines.extend(describe(child, params, indent + 1))
    return lines
