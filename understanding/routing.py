"""Which intent a message carries, decided over DIET's guess by what the readers find in it.

DIET classifies intents from examples and, like any classifier, misses paraphrases it has not seen: half of
the policy questions written by strangers did not reach `ask_policy`. The measure matcher and the fact
reader are rules over the project's own lexicon, so where they are sure they decide:

- a question about one or more measures → `ask_policy` with one `policy` entity per measure (a family
  question lists its members); a question whose measure cannot be told → `ask_policy` with
  `policy_candidate` entities to offer as buttons; a need stated without a question (想考个证转行做电工) →
  `inform` with the `policy` entities, which the form explains when it starts;
- how/where to do something tied to a measure → `ask_procedure` (never sets a fact);
- a question near the opinion but outside it → `out_of_scope` with the `topic` to answer from;
- a statement of facts that DIET took for something else (a greeting with facts, an English sentence, a
  fallback) → `inform`.
An `audience` entity says the writer speaks for an employer. What DIET decides with confidence among the
conversation-control intents (restart, 先看结果, 转人工, goodbye …) stays, unless a measure is named.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from rules.facts import FACTS
from rules.policy import default_policies
from understanding.facts import read
from understanding.measures import match_question

# what DIET decides with confidence among these stays (帮我看看能申请什么 is the full check, not a measure)
CONTROL_INTENTS = frozenset(
    {
        "restart",
        "show_result",
        "human_handoff",
        "goodbye",
        "thanks",
        "bot_challenge",
        "help",
        "dont_know",
        "why",
    }
)
# intents a statement of facts may be mistaken for
FACT_LIKE = frozenset({"nlu_fallback", "out_of_scope", "greet", "affirm", "deny", "ask_policy", "thanks", "goodbye"})
SURE = 0.6
# a measure named, or a specific combination (who + what: 阳过 + 不招): a question about it even where DIET is sure of a
# control intent (公司能不能规定不招阳过的人 is no 为什么, 员工阳了…能不能解除合同 no 转人工)
SPECIFIC = 6 / 7 - 0.001
# the entity kinds the router decides where it sets the intent
ROUTED_ENTITIES = ("policy", "policy_candidate", "topic", "audience")
# the date facts are read against does not matter here: only whether the message states any
_ANY_DAY = dt.date(2022, 7, 1)


# 那我能领吗 / 我可以申请吗 / 我符合条件吗: a yes/no question about "it", the measure just talked about (not
# 我能申请什么, which asks for the full check)
_ABOUT_IT = re.compile(
    r"(能|可以|能不能|可不可以|有没有资格|有资格)(领|申请|拿|享受|办|参加|报名|用)(到|上)?(吗|么|嘛|不)?[吧呀啊呢]?[?？]?$"
    r"|符合(条件|要求)?(吗|么|不)[?？]?$|有我的份(吗|么)?[?？]?$|我(能|可以)(吗|么)[?？]?$"
)
_ASKS_WHICH = re.compile(r"什么|哪些|哪个|啥|哪几")
# a need is stated with a word of wanting (刚出狱，想找份工作); 刚出狱，本地户口 only tells who the writer is
_WANTS = re.compile(r"想|要|需要|希望|打算|准备|盼|求|愁")
# words of doing something with an office (办这个是去居委还是去街道: a procedure about what was just discussed)
_DOING = re.compile(r"办|申请|登记|认定|领|报名|手续|材料|证明|窗口|居委|街道|服务站")


def asks_about_the_last_measure(text: str) -> bool:
    """A short yes/no question about the measure just talked about (那我能领吗), not a request for the full check."""
    text = (text or "").strip()
    return len(text) <= 14 and not _ASKS_WHICH.search(text) and bool(_ABOUT_IT.search(text))


@dataclass(frozen=True)
class Route:
    intent: str | None  # None: keep DIET's intent
    entities: list[dict[str, Any]] = field(default_factory=list)
    reason: str = ""


def _entities(name: str, values: tuple[str, ...] | list[str]) -> list[dict[str, Any]]:
    return [{"entity": name, "value": v, "extractor": "QuestionRouter"} for v in values]


def route(text: str, intent: str | None, confidence: float) -> Route:
    """The intent and entities for a normalised message, given DIET's intent and confidence.

    The entities span the whole message (`start` 0, `end` its length): they are read from the message as a
    whole, and Rasa's evaluation (`rasa test nlu`) needs every entity to have a span.
    """
    decided = _route(text, intent, confidence)
    whole = {"start": 0, "end": len(text or "")}
    return replace(decided, entities=[{**e, **whole} for e in decided.entities])


def _route(text: str, intent: str | None, confidence: float) -> Route:
    if not text or text.startswith("/"):
        return Route(None, reason="payload")
    match = match_question(text)
    audience = _entities("audience", ["employer"]) if match.audience == "employer" else []

    @cache
    def states_facts() -> bool:  # read only where a branch needs it
        return bool(read(text, as_of=_ANY_DAY).facts)

    # DIET learnt its control intents from Chinese: "unemployed for 6 months, not registered yet" came out goodbye
    control = intent in CONTROL_INTENTS and confidence >= SURE and not (intent in FACT_LIKE and states_facts())
    asked = match.question or intent == "ask_policy"  # a statement of a need (还没找到工作) is not a question
    # an employer's unclear question (我们超市招人有补贴吗) is offered its candidates: the full check is a job seeker's
    full_check = match.kind == "none" or (match.kind == "unclear" and match.audience != "employer")
    if intent == "check_my_eligibility" and confidence >= SURE and full_check:
        return Route(None, audience, "DIET: the full check (帮我看看能申请什么)")
    if match.kind in ("measure", "family") and asked and (not control or match.score >= SPECIFIC):
        return Route("ask_policy", _entities("policy", match.policy_ids) + audience, f"matcher: {match.kind}")
    if match.kind in ("measure", "family") and not control and (_WANTS.search(text) or match.score >= SPECIFIC):
        # a need stated, not asked (我是外卖小哥，想考个证): facts to record, and the measures it points to,
        # which the form explains first when it starts (inside a form it is an answer like any other)
        return Route("inform", _entities("policy", match.policy_ids) + audience, "matcher: a need stated")
    if control:
        return Route(None, audience, "DIET: a conversation-control intent")
    if match.kind in ("procedure", "out_of_scope") and not (match.question or intent == match.kind):
        match = replace(match, kind="none")  # 想干到退休 answering a question is not a question about pensions
    if match.kind == "procedure":
        topic = _entities("topic", [match.topic]) if match.topic else []
        return Route("ask_procedure", _entities("policy", match.policy_ids) + topic + audience, "matcher: procedure")
    if match.kind == "out_of_scope":
        return Route("out_of_scope", _entities("topic", [match.topic] if match.topic else []), "matcher: out of scope")
    if match.kind == "unclear" and (not states_facts() or match.audience == "employer"):
        return Route("ask_policy", _entities("policy_candidate", match.candidates) + audience, "matcher: unclear")
    if states_facts() and (intent in FACT_LIKE or intent is None):
        return Route("inform", audience, "reader: the message states facts")
    if intent == "ask_procedure" and match.kind == "none" and not states_facts() and not _DOING.search(text):
        # 周末去哪里玩好: "where" with no measure, no topic and no policy word is not about the opinion
        return Route("out_of_scope", [], "DIET's procedure without anything of the opinion")
    return Route(None, audience, "DIET")


def merged_entities(found: list[dict[str, Any]], decided: Route) -> list[dict[str, Any]]:
    """DIET's entities with the router's: where the router sets the intent, its entities of the routed kinds
    replace DIET's, except that a DIET entity the router names too stays (it keeps its span in the text, which
    `rasa test nlu` evaluates) and the router's copy is dropped."""
    if decided.intent is None:
        keep = list(found)
    else:
        named = {(e["entity"], e["value"]) for e in decided.entities}
        keep = [
            e for e in found if e.get("entity") not in ROUTED_ENTITIES or (e.get("entity"), e.get("value")) in named
        ]
    kept = {(e.get("entity"), e.get("value")) for e in keep}
    return keep + [e for e in decided.entities if (e["entity"], e["value"]) not in kept]


# DIET tags single tokens now and then (找, 事, 多 in 别问那么多了): a span that names nothing the bot knows is noise
_NUMERIC_ENTITIES = frozenset({"age", "duration", "year"})
_NUMERAL = re.compile(r"[0-9零〇一二两三四五六七八九十百半几]")


@cache
def _known_values() -> frozenset[str]:
    """What a categorical entity may resolve to (through nlu_data's synonyms): a fact, a fact's choice, a measure."""
    values = set(FACTS) | {str(o.value) for f in FACTS.values() for o in f.options} | {p.id for p in default_policies()}
    return frozenset(values)


def names_something(entity: dict[str, Any]) -> bool:
    """Whether a DIET entity can be used: a number where a number is meant, else a value the bot knows."""
    value = str(entity.get("value") or "")
    if entity.get("entity") in _NUMERIC_ENTITIES:
        return bool(_NUMERAL.search(value))
    return value in _known_values()
