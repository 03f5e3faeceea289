"""What one user message says about the facts of docs/interfaces.md section 1: raw candidates, polarity, 不知道.

Input is Rasa's parse data (`tracker.latest_message`): intent, entities (with start offsets when NLU
found them in text; without offsets when they came from a button payload or a test story) and text.
Output values are *raw*: `validation.py` turns them into the contract's types.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rules import FACTS
from rules.facts import EMPLOYMENT_STATUSES, HARDSHIP_GROUPS, VALUE_LABELS

# intents whose entities and yes/no answers fill facts
FACT_INTENTS = frozenset({"inform", "affirm", "deny", "dont_know", "check_my_eligibility"})
# intents whose bare text may still answer the pending question (typing "53" can come out as fallback)
TEXT_FALLBACK_INTENTS = frozenset({"inform", "nlu_fallback"})

NEGATIONS = ("不是", "没有", "没", "未", "非", "不", "无")
# spans that say "not Shanghai" by themselves (外地户口), for the Shanghai facts only
INHERENTLY_NEGATIVE = ("外地", "外省", "非本市", "非上海", "非沪", "不在上海")
SHANGHAI_FACTS = frozenset({"shanghai_hukou", "resident_in_shanghai", "graduated_from_shanghai_college"})
_CLAUSE_BREAK = re.compile(r"[，,。.;；！!？?、\n]|但是|但|可是|不过|而且|并且|也")
_UNEMPLOYMENT_WORDS = re.compile(r"失业|待业|没工作|没有工作|没上班|没有上班|下岗|离职|辞职|被裁|找工作|没活干|歇业")

# A short answer that echoes a verb (登记过了, 在领, 认定过了, 想的) answers only a question with that verb:
# 想 to "已经被认定为就业困难人员了吗" is not a yes.
ECHO_VERBS: tuple[tuple[str, ...], ...] = (("登记",), ("领",), ("认定",), ("想", "要", "打算", "准备"))
_WORKED_FOR = re.compile(r"工作了|干了|做了|上了|上班了|干过|做过|工龄")

BOOL_FACTS = tuple(name for name, f in FACTS.items() if f.type == "bool")
# for each echo verb group, the yes/no facts whose question has one of its verbs
_ECHO_QUESTIONS = {
    group: frozenset(n for n in BOOL_FACTS if any(v in FACTS[n].question for v in group)) for group in ECHO_VERBS
}

STATUS_WORDS: dict[str, str] = {
    **{VALUE_LABELS[v]: v for v in EMPLOYMENT_STATUSES},
    "上班": "employed",
    "在职": "employed",
    "有工作": "employed",
    "待业": "unemployed",
    "没工作": "unemployed",
    "没有工作": "unemployed",
    "下岗": "unemployed",
    "打零工": "flexible",
    "零工": "flexible",
    "学生": "student",
    "在读": "student",
    "创业": "self_employed",
    "个体": "self_employed",
}
GROUP_WORDS: dict[str, str] = {
    **{VALUE_LABELS[v]: v for v in HARDSHIP_GROUPS},
    "大龄": "older_unemployed",
    "长期失业": "long_term_unemployed_youth",
    "零就业": "zero_employment_family",
    "低收入": "low_income_family",
    "残疾": "disabled",
    "刑满释放": "released_prisoner",
    "戒毒": "drug_rehab",
}


@dataclass
class Extraction:
    """Raw fact candidates from one message; `unknown` = facts the person said 不知道 to."""

    facts: dict[str, Any] = field(default_factory=dict)
    implied: dict[str, Any] = field(default_factory=dict)  # said in passing (失业半年 → unemployed); never overwrites
    unknown: list[str] = field(default_factory=list)
    groups_denied: list[str] = field(default_factory=list)
    from_entities: bool = False

    @property
    def empty(self) -> bool:
        return not self.facts and not self.unknown and not self.groups_denied


def intent_of(message: Mapping[str, Any]) -> str | None:
    intent = message.get("intent") or {}
    name = intent.get("name") if isinstance(intent, Mapping) else None
    return name if isinstance(name, str) else None


def _clause_before(text: str, start: int, clause_start: int) -> str:
    before = text[clause_start:start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    return before[breaks[-1].end() :] if breaks else before


def is_negated(text: str, start: int | None, end: int | None, clause_start: int = 0) -> bool:
    """Whether the entity at text[start:end] is negated: 不是/没有/没/未/非/不/无 in its clause, before it."""
    if start is None or not text:
        return False
    span = text[start:end] if end is not None else ""
    if any(span.startswith(n) for n in NEGATIONS):
        return True
    return any(n in _clause_before(text, start, clause_start) for n in NEGATIONS)


def is_denied_number(text: str, start: int | None, clause_start: int = 0) -> bool:
    """A number the person takes back: 不是三个月，是半年 (没上班三个月 still counts)."""
    if start is None or not text:
        return False
    return _clause_before(text, start, clause_start).rstrip().endswith(("不是", "并非"))


def _value(entity: Mapping[str, Any]) -> str:
    value = entity.get("value")
    return str(value).strip() if value is not None else ""


def _lookup(value: str, choices: Sequence[str], words: Mapping[str, str]) -> str | None:
    if value in choices:
        return value
    if value in words:
        return words[value]
    return next((v for w, v in words.items() if w in value), None)


def extract(
    message: Mapping[str, Any], requested_slot: str | None, known: Mapping[str, Any] | None = None
) -> Extraction:
    """Read one message. Entities first (several facts at once); then yes/no/不知道 for the pending question.

    `known`: the facts already told; a bare duration (半年) from someone known to be out of work is the
    time out of work even while another question is pending.
    """
    out = Extraction()
    entities_in = message.get("entities") or []
    known = known or {}
    out_of_work = (known.get("employment_status") == "unemployed" and "unemployed_months" not in known) or any(
        # 失叶一年多了: the status entity in the same message says the duration is time out of work
        isinstance(e, Mapping) and e.get("entity") == "employment_status" and e.get("value") == "unemployed"
        for e in entities_in
    )
    intent = intent_of(message)
    if intent not in FACT_INTENTS and intent not in TEXT_FALLBACK_INTENTS:
        return out
    text = str(message.get("text") or "")
    entities = sorted(
        (e for e in entities_in if isinstance(e, Mapping)),
        key=lambda e: e.get("start") if isinstance(e.get("start"), int) else -1,
    )
    previous_end = 0
    for entity in entities:
        end = entity.get("end")
        negated = _negated(entity, text, previous_end)
        if isinstance(end, int):
            previous_end = end
        _read_entity(entity, negated, intent, text, requested_slot or "", out, out_of_work)
    if out.facts or out.unknown or out.groups_denied:
        out.from_entities = True
        return out
    if requested_slot not in FACTS:
        return out
    if intent == "dont_know":
        out.unknown.append(requested_slot)
        return out
    fact_type = FACTS[requested_slot].type
    if intent in ("affirm", "deny"):
        echoed = echoed_fact(text)
        if echoed is not None and echoed != requested_slot:
            # 没认定过 while asked something else: the verb names the one question it answers
            out.facts[echoed] = intent == "affirm"
            out.from_entities = True
            return out
        if fact_type == "bool":
            if not answers_question(text, requested_slot):
                return out
            out.facts[requested_slot] = intent == "affirm"
        elif requested_slot == "hardship_groups" and intent == "deny":
            out.facts["hardship_groups"] = []  # 都不是
        elif fact_type == "str" and intent == "deny":
            out.unknown.append(requested_slot)  # 没有 (no employer to ask about): nothing to tell, move on
        return out
    if intent in TEXT_FALLBACK_INTENTS and text:
        _read_text_for(requested_slot, text, out, intent == "inform")
    return out


def _echoed(text: str) -> list[tuple[str, ...]]:
    return [group for group in ECHO_VERBS if any(v in text for v in group)]


def answers_question(text: str, slot: str) -> bool:
    """False when a yes/no answer echoes a verb that the pending (yes/no) question does not have."""
    return all(slot in _ECHO_QUESTIONS[group] for group in _echoed(text))


def echoed_fact(text: str) -> str | None:
    """The one yes/no fact whose question has the verb this answer echoes (认定过了 → hardship_certified)."""
    echoed = _echoed(text)
    matches = _ECHO_QUESTIONS[echoed[0]] if echoed else frozenset()
    return next(iter(matches)) if len(matches) == 1 else None


def _negated(entity: Mapping[str, Any], text: str, clause_start: int) -> bool:
    kind, start, end = entity.get("entity"), entity.get("start"), entity.get("end")
    if kind == "employment_status":
        return False  # the value says it all: 没工作 → unemployed
    if kind in ("duration", "age", "year"):
        return is_denied_number(text, start, clause_start)
    if kind == "fact" and entity.get("value") in SHANGHAI_FACTS and isinstance(start, int):
        span = text[start:end] if isinstance(end, int) else ""
        if any(w in span for w in INHERENTLY_NEGATIVE):
            return True
    return is_negated(text, start, end, clause_start)


def _read_entity(
    entity: Mapping[str, Any],
    negated: bool,
    intent: str | None,
    text: str,
    requested_slot: str,
    out: Extraction,
    out_of_work: bool,
) -> None:
    kind = entity.get("entity")
    value = _value(entity)
    if not value:
        return
    if value in BOOL_FACTS:
        kind = "fact"  # the synonym names a fact: trust it over an entity type DIET got wrong (应届毕业生 as year)
    if kind == "fact":
        if value not in BOOL_FACTS:
            return
        if intent == "dont_know":
            out.unknown.append(value)
        else:
            out.facts[value] = not negated
    elif kind in ("duration", "age", "year") and negated:
        return
    elif kind == "duration":
        # a duration is the time out of work only when the message, the question or the facts say so
        # (not 干了三年 / 工作了五年 from someone out of work: that is how long they worked)
        unemployed_time = out_of_work and not _WORKED_FOR.search(text)
        if requested_slot == "unemployed_months" or unemployed_time or _UNEMPLOYMENT_WORDS.search(text):
            out.facts["unemployed_months"] = value
            if _UNEMPLOYMENT_WORDS.search(text):
                out.implied["employment_status"] = "unemployed"
    elif kind == "age":
        out.facts["age"] = value
    elif kind == "year":
        out.facts["graduation_year"] = value
    elif kind == "employment_status":
        status = _lookup(value, EMPLOYMENT_STATUSES, STATUS_WORDS)
        if status:
            out.facts["employment_status"] = status
    elif kind == "hardship_group":
        group = _lookup(value, HARDSHIP_GROUPS, GROUP_WORDS)
        if group is None:
            return
        if negated:
            out.groups_denied.append(group)
        else:
            groups = out.facts.setdefault("hardship_groups", [])
            if group not in groups:
                groups.append(group)
    elif kind == "industry":
        out.facts["employer_industry"] = value


def _read_text_for(slot: str, text: str, out: Extraction, intent_is_inform: bool) -> None:
    """No entity came out: try the pending question's own type on the bare text (`53`, `半年`, `去年`)."""
    fact = FACTS[slot]
    if slot in ("age", "unemployed_months", "graduation_year"):
        out.facts[slot] = text
    elif fact.type == "enum":
        status = _lookup(text.strip(), fact.choices, STATUS_WORDS)
        if status:
            out.facts[slot] = status
    elif fact.type == "list":
        groups = [g for w, g in GROUP_WORDS.items() if w in text]
        if groups:
            out.facts[slot] = list(dict.fromkeys(groups))
        elif re.search(r"都不是|都没有|都不|没有|不是|无", text):
            out.facts[slot] = []
    elif fact.type == "bool" and answers_question(text, slot):
        answer = text.strip()
        if answer.startswith(("不", "没", "无", "否", "未")):
            out.facts[slot] = False
        elif answer.startswith(("是", "对", "有", "嗯", "在", "已经")):
            out.facts[slot] = True
    elif fact.type == "str" and text.strip() and intent_is_inform:
        out.facts[slot] = text.strip()
