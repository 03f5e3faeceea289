"""Which catalogue measure(s) a person's question is about: cue words and paraphrases from data, no model.

`match_question(text)` reads one message (already normalised by the channel, understanding.normalise) and says
what kind of question it is and which measures of the catalogue it is about:

- "measure": one or a few measures (policy_ids, most relevant first);
- "family": a group of measures asked for as a list (认定了就业困难人员能拿哪些补贴); `family` names it;
- "procedure": how / where to do something (去哪里做失业登记); `topic` keys the where-to-ask answer
  (`topic_answer`), "apply" when the answer is the measure's own office (its rule's `confirm_with`);
- "out_of_scope": near the topic but not in the opinion (居住证积分); `topic` keys the polite answer;
- "unclear": a policy question whose measure can't be told; `candidates` holds 2–4 ids to offer;
- "none": not a question about measures (a greeting, 我失业半年了, an answer to the bot's question).

`question` says whether the text asks at all (a question word or mark, a request such as 帮我列一下, a measure's
name on its own). A statement with a need or a grievance in it (我是外卖小哥，想考个证转行; 公司说我的岗位没了)
gets a measure when its cue is specific (score tier 5 or more) and `question` False: in the middle of a form,
act on a match only when `question` is True. `audience` is "employer" when the asker speaks for a company.
`score` is the best measure's tier over 7 (1.0: a measure named by its name).

Everything it knows is in data/measures.yml; this module is the reading of that file and the decision.
Tolerance for what slips through the channel: homophones of known words are repaired by pinyin (pypinyin), and a
measure's longer names still count with one character wrong, missing or extra (RapidFuzz).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pypinyin import Style, pinyin
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from rules import default_policies
from understanding.clauses import chat_breaks
from understanding.english import to_chinese

DATA_FILE = Path(__file__).resolve().parent / "data" / "measures.yml"

KINDS = ("measure", "family", "procedure", "out_of_scope", "unclear", "none")
AUDIENCES = ("person", "employer")

NAME_SCORE = 7.0
FUZZY_NAME_SCORE = 6.0
FUZZY_CUTOFF = 80.0
FUZZY_MIN_LEN = 6
MARGIN = 0.5  # every measure closer than this to the best one is part of the answer (ties, mostly)
MEASURE_MIN = 4.0  # below this the question names no measure
STATEMENT_MIN = 5.0  # a statement of a need without a question needs a specific cue
SITUATION_MIN = 6.0  # a situation told in several clauses, neither asked nor a need said, needs a combination
BARE_NAME_SHARE = 0.75  # a message that is mostly a measure's name asks about that measure
MAX_MEASURES = 4
MAX_CANDIDATES = 4
EMPLOYER_BONUS = 0.5  # an employer's question prefers employer measures, a job seeker's the others
GAP = "…"
NAME = "name:"  # the concept holding a measure's names is called name:<id>
GAP_REGEX = ".{0,6}"

# A term right after one of these does not count (不是大学生, 没失业); a question form (有没有, 是不是) does.
# 除了 is no negation: 除了失业金还有什么 asks about more than 失业金, not without it.
_NEGATION = re.compile(
    r"((不一定是|不一定|不是|并非|不算|不属于|不在|没上过|没读过|没当过|没有|没|非|未|不)"
    r"|(不|没|没有|并不|从没|还没)(打算|想|准备|考虑|计划|想过|打算过))$"
)
_QUESTION_FORM = re.compile(r"(有没有|是不是|算不算|是否|有没|想不想|要不要|打不打算|准不准备)$")
NEGATION_REACH = 4  # characters before a term searched for a negation
_ECHO = re.compile(
    r"^(?![^?？]*(?:哪|什么|啥|吗|怎么|多少|几种|几个|能不能|可不可以))[^?？]{1,12}[?？]"
    r"((?:不是|不|没有|没|还没|是的|是|对|有|嗯|已经|早就)[^?？]*)$"
)
_BESIDES = re.compile(r"除了[^,，。？?]{1,12}?(?=以外|之外|还|也|另外|[,，。？?]|$)")
_CLAUSE = re.compile(r"[^,，。;；!！、?？]+")
# a clause with its items listed by 、 (当兵、去西部、去社区) kept whole
_SENTENCE_PART = re.compile(r"[^,，。;；!！?？]+")
_COORDINATOR = re.compile(r"、|以及|和|与|及|或者")
_DENIAL = re.compile(r"[没不未无非别]")
_CLAUSE_BREAK = re.compile(r"[,，。;；!！、\s]+")
_ASK_PART = re.compile(r"[^,，。;；!！?？]+[?？]?")  # each question of a message with its mark
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_CONCEPT_NAME = re.compile(r"[a-z][a-z_]*")  # an inline word list is Chinese or has a |; a bare name must exist

MONEY_KINDS = frozenset({"benefit", "employer"})
# the kinds of help a question may refuse (不要说服务), each with the marker saying so
_EXCLUSIONS = {"benefit": "no_money", "service": "no_service", "post": "no_post"}

Readings = tuple[frozenset[str], ...]  # the pinyin readings of each character of a word


@dataclass(frozen=True)
class QuestionMatch:
    """What a message asks about. `policy_ids` is ordered most relevant first; `candidates` is for "unclear"."""

    kind: str
    policy_ids: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    audience: str = "person"
    topic: str | None = None
    score: float = 0.0
    family: str | None = None
    question: bool = False  # the text asks something (a question word or mark), not only states facts


# ---------------------------------------------------------------------------------------------- compiled data


def _split_alternatives(spec: str) -> list[str]:
    """'a|b|re:(x|y)z' → ['a', 'b', 're:(x|y)z']: splits on | outside parentheses and brackets."""
    parts: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(spec):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(spec[start:i])
            start = i + 1
    parts.append(spec[start:])
    return [p for p in parts if p]


def _term_regex(term: str) -> str:
    if term.startswith("re:"):
        return term[3:]
    term = re.sub(r"\s+", "", term.lower())  # the text is matched without spaces (normalise)
    if GAP in term:
        return GAP_REGEX.join(re.escape(part) for part in term.split(GAP))
    return re.escape(term)


@dataclass(frozen=True)
class Concept:
    name: str
    terms: tuple[str, ...]
    regexes: tuple[re.Pattern[str], ...]  # the plain terms in one, each "re:" term on its own (its groups are its own)
    first_chars: frozenset[str]  # the first characters of the plain terms: no need to search a text without any

    def _searched(self, chars: frozenset[str] | None) -> tuple[re.Pattern[str], ...]:
        if chars is None or not self.first_chars or not self.first_chars.isdisjoint(chars):
            return self.regexes
        return self.regexes[1:] if self.first_chars else self.regexes

    def spans(self, text: str, chars: frozenset[str] | None = None) -> list[tuple[int, int]]:
        """Where the concept's terms are in the text, leaving out negated ones (不是大学生)."""
        found: list[tuple[int, int]] = []
        for regex in self._searched(chars):
            for m in regex.finditer(text):
                before = text[max(0, m.start() - NEGATION_REACH) : m.start()]
                if _NEGATION.search(before) and not _QUESTION_FORM.search(before):
                    continue
                found.append(m.span())
        return found

    def found_in(self, text: str, chars: frozenset[str] | None = None) -> bool:
        for regex in self._searched(chars):
            for m in regex.finditer(text):
                before = text[max(0, m.start() - NEGATION_REACH) : m.start()]
                if _NEGATION.search(before) and not _QUESTION_FORM.search(before):
                    continue
                return True
        return False


def _make_concept(name: str, terms: Iterable[str]) -> Concept:
    ordered = sorted(dict.fromkeys(terms), key=len, reverse=True)
    if not ordered:
        raise ValueError(f"concept {name!r} has no terms")
    plain_terms = [t for t in ordered if not t.startswith("re:")]
    regexes = [re.compile("|".join(_term_regex(t) for t in plain_terms))] if plain_terms else []
    regexes.extend(re.compile(_term_regex(t)) for t in ordered if t.startswith("re:"))
    first = frozenset(re.sub(r"\s+", "", t.lower())[0] for t in plain_terms)
    return Concept(name, tuple(ordered), tuple(regexes), first)


@dataclass(frozen=True)
class Cue:
    when: tuple[str, ...]  # concept names
    unless: tuple[str, ...]
    score: float
    when_set: frozenset[str] = field(init=False, repr=False, compare=False)
    unless_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "when_set", frozenset(self.when))
        object.__setattr__(self, "unless_set", frozenset(self.unless))


@dataclass(frozen=True)
class MeasureCues:
    id: str
    kind: str
    cues: tuple[Cue, ...]
    name_concept: str | None


@dataclass(frozen=True)
class Member:
    id: str
    only_if: str | None  # a concept name
    unless: bool = False  # "id if not concept": the member holds only without the concept
    also: tuple[tuple[str, bool], ...] = ()  # "… and [not] concept": further conditions, (concept, negated) each

    def holds(self, hits: _Hits) -> bool:
        if self.only_if is not None and hits(self.only_if) == self.unless:
            return False
        return all(hits(concept) != negated for concept, negated in self.also)


@dataclass(frozen=True)
class Family:
    name: str
    triggers: tuple[str, ...]
    neutral: frozenset[str]
    members: tuple[Member, ...]
    audience: str | None


@dataclass(frozen=True)
class Topic:
    name: str
    triggers: tuple[tuple[str, ...], ...]  # any of these, each all of its concepts
    measures: tuple[str, ...]
    answer: str


@dataclass(frozen=True)
class OutOfScope:
    name: str
    cues: tuple[Cue, ...]
    answer: str


@dataclass
class Lexicon:
    concepts: dict[str, Concept]
    measures: tuple[MeasureCues, ...]
    families: tuple[Family, ...]
    neutral: frozenset[str]
    markers: dict[str, Concept]
    unclear_defaults: dict[str, tuple[str, ...]]
    procedures: tuple[Topic, ...]
    out_of_scope: tuple[OutOfScope, ...]
    fuzzy_names: tuple[str, ...] = ()
    fuzzy_owner: tuple[str, ...] = ()  # measure id of each fuzzy name
    homophones: dict[tuple[str, str], tuple[tuple[str, Readings], ...]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)  # catalogue position of each measure
    kinds: dict[str, str] = field(default_factory=dict)  # catalogue kind of each measure
    allowances: frozenset[str] = frozenset()  # measures paying the person money for their situation

    @property
    def name_concepts(self) -> tuple[str, ...]:
        return tuple(m.name_concept for m in self.measures if m.name_concept)

    def concept(self, ref: str) -> str:
        """A concept name, or an inline 'a|b|c' word list registered under its own text."""
        if ref in self.concepts:
            return ref
        if _CONCEPT_NAME.fullmatch(ref):
            raise ValueError(f"unknown concept {ref!r}")
        self.concepts[ref] = _make_concept(ref, _split_alternatives(ref))
        return ref


def _expand(name: str, raw: Mapping[str, Sequence[str]], seen: tuple[str, ...] = ()) -> list[str]:
    if name in seen:
        raise ValueError(f"concept {name!r} includes itself")
    terms: list[str] = []
    for term in raw[name]:
        term = str(term)
        if term.startswith("@"):
            terms.extend(_expand(term[1:], raw, (*seen, name)))
        else:
            terms.append(term)
    return terms


def _cue(lex: Lexicon, raw: Mapping[str, Any], where: str) -> Cue:
    when = raw.get("when") or []
    if not when or "score" not in raw:
        raise ValueError(f"{where}: a cue needs when and score")
    return Cue(
        tuple(lex.concept(str(c)) for c in when),
        tuple(lex.concept(str(c)) for c in raw.get("unless") or []),
        float(raw["score"]),
    )


@cache
def _syllables(ch: str) -> frozenset[str]:
    """Every pinyin reading of a character, without tones (a non-Chinese character reads as itself)."""
    if not _CJK.match(ch):
        return frozenset({ch})
    return frozenset(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])


def load_lexicon(path: Path = DATA_FILE) -> Lexicon:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    policies = default_policies()
    kinds = {p.id: p.kind for p in policies}
    raw_concepts = {str(k): [str(t) for t in v] for k, v in (data.get("concepts") or {}).items()}
    lex = Lexicon(
        concepts={name: _make_concept(name, _expand(name, raw_concepts)) for name in raw_concepts},
        measures=(),
        families=(),
        neutral=frozenset(str(n) for n in data.get("neutral") or []),
        markers={},
        unclear_defaults={},
        procedures=(),
        out_of_scope=(),
        order={pid: i for i, pid in enumerate(policies.ids)},
        kinds=kinds,
    )
    for name in lex.neutral:
        if name not in lex.concepts:
            raise ValueError(f"neutral: unknown concept {name!r}")
    lex.markers = {
        str(k): _make_concept(f"marker:{k}", _expand(str(k), {**raw_concepts, str(k): [str(t) for t in v]}))
        for k, v in data["markers"].items()
    }

    measures: list[MeasureCues] = []
    fuzzy_names: list[str] = []
    fuzzy_owner: list[str] = []
    for pid, raw in (data.get("measures") or {}).items():
        pid = str(pid)
        if pid not in kinds:
            raise ValueError(f"measures: {pid!r} is not a catalogue measure")
        names = [str(n) for n in raw.get("names") or []]
        cues = [_cue(lex, c, f"measures.{pid}") for c in raw.get("cues") or []]
        name_concept = None
        if names:
            name_concept = f"{NAME}{pid}"
            lex.concepts[name_concept] = _make_concept(name_concept, names)
            unless = tuple(lex.concept(str(c)) for c in raw.get("names_unless") or [])
            cues.insert(0, Cue((name_concept,), unless, NAME_SCORE))
            for n in names:
                if not n.startswith("re:") and GAP not in n and len(n) >= FUZZY_MIN_LEN:
                    fuzzy_names.append(n)
                    fuzzy_owner.append(pid)
        if not cues:
            raise ValueError(f"measures.{pid}: no names and no cues")
        measures.append(MeasureCues(pid, kinds[pid], tuple(cues), name_concept))
    missing = set(kinds) - {m.id for m in measures}
    if missing:
        raise ValueError(f"measures: no entry for {sorted(missing)}")
    lex.measures = tuple(sorted(measures, key=lambda m: lex.order[m.id]))
    lex.fuzzy_names = tuple(fuzzy_names)
    lex.fuzzy_owner = tuple(fuzzy_owner)

    families: list[Family] = []
    for name, raw in (data.get("families") or {}).items():
        members: list[Member] = []
        for entry in raw["members"]:
            pid, _, cond = str(entry).partition(" if ")
            if pid not in kinds:
                raise ValueError(f"families.{name}: {pid!r} is not a catalogue measure")
            conditions: list[tuple[str, bool]] = []
            for part in cond.split(" and ") if cond.strip() else []:
                part = part.strip()
                conditions.append((lex.concept(part.removeprefix("not ").strip()), part.startswith("not ")))
            first, negated = conditions[0] if conditions else (None, False)
            members.append(Member(pid, first, negated, tuple(conditions[1:])))
        families.append(
            Family(
                str(name),
                tuple(lex.concept(str(t)) for t in raw["triggers"]),
                frozenset(lex.concept(str(c)) for c in raw.get("neutral") or []),
                tuple(members),
                raw.get("audience"),
            )
        )
    lex.families = tuple(families)

    for audience, ids in (data.get("unclear_defaults") or {}).items():
        for pid in ids:
            if pid not in kinds:
                raise ValueError(f"unclear_defaults: {pid!r} is not a catalogue measure")
        lex.unclear_defaults[str(audience)] = tuple(str(i) for i in ids)

    topics: list[Topic] = []
    for name, raw in (data.get("procedures") or {}).items():
        for pid in raw.get("measures") or []:
            if pid not in kinds:
                raise ValueError(f"procedures.{name}: {pid!r} is not a catalogue measure")
        topics.append(
            Topic(
                str(name),
                tuple(tuple(lex.concept(str(c)) for c in alt) for alt in raw.get("triggers") or []),
                tuple(str(i) for i in raw.get("measures") or []),
                " ".join(str(raw["answer"]).split()),
            )
        )
    lex.procedures = tuple(topics)
    lex.out_of_scope = tuple(
        OutOfScope(
            str(name),
            tuple(_cue(lex, c, f"out_of_scope.{name}") for c in raw["cues"]),
            " ".join(str(raw["answer"]).split()),
        )
        for name, raw in (data.get("out_of_scope") or {}).items()
    )
    lex.allowances = frozenset(str(a) for a in data.get("allowances") or [])
    for pid in lex.allowances:
        if pid not in kinds:
            raise ValueError(f"allowances: {pid!r} is not a catalogue measure")
    lex.homophones = _homophone_index(lex)
    return lex


def _homophone_index(lex: Lexicon) -> dict[tuple[str, str], tuple[tuple[str, Readings], ...]]:
    """Words of four or more characters, and the measures' own names of three (shorter ones sound like too much),
    indexed by the readings of their first two characters."""
    index: dict[tuple[str, str], dict[str, Readings]] = {}
    for concept in lex.concepts.values():
        shortest = 3 if concept.name.startswith(NAME) else 4
        for term in concept.terms:
            if shortest <= len(term) <= 10 and _CJK.match(term):
                readings = tuple(_syllables(ch) for ch in term)
                for first in readings[0]:
                    for second in readings[1]:
                        index.setdefault((first, second), {})[term] = readings
    return {key: tuple(terms.items()) for key, terms in index.items()}


@cache
def lexicon() -> Lexicon:
    return load_lexicon()


# ---------------------------------------------------------------------------------------------- reading a text


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, no spaces: what every term is matched against."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def repair_homophones(text: str, lex: Lexicon | None = None) -> str:
    """Replace a span that sounds like a known word (失业进 → 失业金, 公益行岗位 → 公益性岗位) with one character in
    three off at most; spans already spelt right are left alone."""
    lex = lex or lexicon()
    readings = [_syllables(ch) for ch in text]
    n = len(text)
    out: list[str] = []
    i = 0
    while i < n - 1:
        exact = 0
        best: str | None = None
        for first in readings[i]:
            for second in readings[i + 1]:
                for term, sounds in lex.homophones.get((first, second), ()):
                    size = len(term)
                    if i + size > n:
                        continue
                    span = text[i : i + size]
                    if span == term:
                        exact = max(exact, size)
                        continue
                    if best is not None and size <= len(best):
                        continue
                    if sum(a != b for a, b in zip(span, term, strict=True)) > max(1, size // 3):
                        continue
                    if all(readings[i + k] & sounds[k] for k in range(2, size)):
                        best = term
        if best is not None and len(best) > exact:
            out.append(best)
            i += len(best)
        else:
            out.append(text[i])
            i += 1
    out.append(text[i:])
    return "".join(out)


class _Hits:
    """Which concepts a text contains: every concept is looked for once (a regex search each). A measure's name
    found only inside a longer name of another measure does not count (创业补贴 in 求职创业补贴)."""

    def __init__(self, lex: Lexicon, text: str) -> None:
        self.text = text
        chars = frozenset(text)
        found = {
            name
            for name, concept in lex.concepts.items()
            if not name.startswith(NAME) and concept.found_in(text, chars)
        }
        names = {name: lex.concepts[name].spans(text, chars) for name in lex.name_concepts}
        names = {name: spans for name, spans in names.items() if spans}
        self.name_spans: list[tuple[int, int]] = []
        for name, spans in names.items():
            others = [span for other, of_other in names.items() if other != name for span in of_other]
            kept = [span for span in spans if not any(_inside(span, o) for o in others)]
            if kept:
                found.add(name)
                self.name_spans.extend(kept)
        self.found = frozenset(found)
        # names said only in the negative (不属于困难行业): that measure is not wanted
        self.denied = frozenset(
            name for name in lex.name_concepts if name not in found and lex.concepts[name].regexes[0].search(text)
        )

    def name_coverage(self) -> float:
        """How much of the text (letters, not punctuation) measure names take up."""
        letters = sum(1 for ch in self.text if ch.isalnum())
        covered = {i for start, end in self.name_spans for i in range(start, end)}
        return len(covered) / letters if letters else 0.0

    def __call__(self, name: str) -> bool:
        return name in self.found

    def cue(self, cue: Cue) -> bool:
        return cue.when_set <= self.found and not (cue.unless_set & self.found)


def _inside(span: tuple[int, int], other: tuple[int, int]) -> bool:
    return other[0] <= span[0] and span[1] <= other[1] and (span[1] - span[0]) < (other[1] - other[0])


@dataclass(frozen=True)
class _Scored:
    id: str
    score: float
    cue: Cue  # the best cue
    matched: tuple[Cue, ...]  # every cue of the measure the text has


def _score_measures(lex: Lexicon, hits: _Hits, audience: str, fuzzy: set[str]) -> list[_Scored]:
    scored: list[_Scored] = []
    for m in lex.measures:
        matched = [cue for cue in m.cues if hits.cue(cue)]
        best = max(matched, key=lambda c: c.score, default=None)
        score = best.score if best else 0.0
        if m.id in fuzzy and score < FUZZY_NAME_SCORE and m.name_concept:
            best, score = Cue((m.name_concept,), (), FUZZY_NAME_SCORE), FUZZY_NAME_SCORE
            matched.append(best)
        if best is None:
            continue
        if m.kind == "employer":
            score += EMPLOYER_BONUS if audience == "employer" else -EMPLOYER_BONUS
        scored.append(_Scored(m.id, score, best, tuple(matched)))
    scored.sort(key=lambda s: (-s.score, lex.order[s.id]))
    return scored


def _fuzzy_names(lex: Lexicon, text: str) -> set[str]:
    if len(text) < FUZZY_MIN_LEN - 1 or not lex.fuzzy_names:
        return set()
    owners: set[str] = set()
    for name, _, index in process.extract(
        text, lex.fuzzy_names, scorer=fuzz.partial_ratio, score_cutoff=FUZZY_CUTOFF, limit=None
    ):
        # partial_ratio also scores a window cut short at the text's edge; only one wrong, missing or extra
        # character in a window as long as the name counts
        aligned = fuzz.partial_ratio_alignment(name, text)
        window = text[aligned.dest_start : aligned.dest_end]
        if len(window) >= len(name) - 1 and Levenshtein.distance(name, window) <= 1:
            owners.add(lex.fuzzy_owner[index])
    return owners


def _audience(lex: Lexicon, text: str) -> str:
    markers = lex.markers
    if markers["intermediary"].found_in(text) and not lex.concepts["hiring"].found_in(text):
        return "person"  # 我是社区就业服务站的 / 残联的志愿者: asking for the people they serve
    if markers["employer"].found_in(text) and not markers["person_victim"].found_in(text):
        return "employer"
    return "person"


def _select(scored: list[_Scored]) -> list[_Scored]:
    if not scored or scored[0].score < MEASURE_MIN:
        return []
    floor = scored[0].score - MARGIN
    return [s for s in scored if s.score > floor][:MAX_MEASURES]


def _topical(lex: Lexicon, scored: _Scored, family: Family) -> bool:
    """Whether a measure is a topic of its own beside the family's group (当兵, 实习, a name outside the group): its
    best cues all say more than the group. A measure the group's words alone point at as strongly is the family's own
    (大学生创业 for 创业: its name, but also 大学生 + 创业)."""
    top = max(cue.score for cue in scored.matched)

    def says_more(cue: Cue) -> bool:
        return any(c not in lex.neutral and c not in family.neutral and c not in family.triggers for c in cue.when)

    return all(says_more(cue) for cue in scored.matched if cue.score >= top)


def _family(lex: Lexicon, hits: _Hits, scored: list[_Scored], audience: str) -> tuple[Family, list[str]] | None:
    if not lex.markers["list_ask"].found_in(hits.text):
        return None
    strong = [s for s in scored if s.score >= STATEMENT_MIN]
    whole = lex.markers["whole_ask"].found_in(hits.text)
    fitting: list[tuple[int, Family, list[str]]] = []
    for family in lex.families:
        if not any(hits(t) for t in family.triggers):
            continue
        members = [m.id for m in family.members if m.holds(hits) and f"{NAME}{m.id}" not in hits.denied]
        topics = {s.id for s in _distinct(strong) if _topical(lex, s, family)}
        # a topic of its own answers the question; several of the family's own topics are an enumeration, and the
        # whole asked for of a group (毕业生从找工作到创业) is the whole family
        if topics and len(topics & _all_members(family)) < 2 and not (whole and _group_family(lex, hits, family)):
            continue
        fitting.append((sum(1 for s in strong if s.id in members), family, members))
    if not fitting:
        return None
    _, family, members = max(fitting, key=lambda f: f[0])  # the first of those covering most
    # a member named as a topic counts even where its condition is not said (灵活就业 beside 大学生创业)
    own = [s.id for s in strong if s.id in _all_members(family) and _topical(lex, s, family)]
    if len(own) >= 2 and not whole and _asked_about(lex, hits.text, own):
        members = own  # 大学生有哪些实习见习的机会: the topics named, not the whole family
    subgroup = [s.id for s in strong if s.id in members and _for_subgroup(lex, s, family)]
    if len(subgroup) >= 2 and not whole:
        members = subgroup  # 困难毕业生有哪些帮扶: what the group qualified by another group gets
    each = lex.markers["each_ask"].found_in(hits.text)
    if lex.markers["enumeration"].found_in(hits.text) and (each or _group_family(lex, hits, family)):
        # groups listed side by side (失业的、就业困难的、毕业生分别能享受哪些): each group's family
        # a group said only inside another's words (失业 in 大龄失业人员) is not listed beside it
        taken = _trigger_spans(lex, hits.text, family)
        for _, other, its_members in fitting:
            if other is family or not (each or _group_family(lex, hits, other)):
                continue
            spans = _trigger_spans(lex, hits.text, other)
            if all(any(_inside(span, t) for t in taken) for span in spans):
                continue
            members = [*members, *its_members]
            taken += spans
    group = _group_family(lex, hits, family)
    # a member the question's own words call for (考证 in 考证、技能培训有哪些补贴) is asked for whatever its kind
    pinned = {
        m.id
        for m in family.members
        if m.only_if is not None and not m.unless and m.only_if not in lex.neutral and m.holds(hits)
    }
    return family, _narrow(lex, hits.text, members, audience, family, [s.id for s in strong], group, pinned)


def _distinct(scored: list[_Scored]) -> list[_Scored]:
    """The measures told by words of their own: one whose best cue is part of another's (大学生 + 创业 beside 大学生 +
    回乡下 + 创业) is said by the same words, not a second topic."""
    return [s for s in scored if not any(o is not s and s.cue.when_set < o.cue.when_set for o in scored)]


def _trigger_spans(lex: Lexicon, text: str, family: Family) -> list[tuple[int, int]]:
    return [span for t in family.triggers for span in lex.concepts[t].spans(text)]


def _all_members(family: Family) -> set[str]:
    return {m.id for m in family.members}


def _for_subgroup(lex: Lexicon, scored: _Scored, family: Family) -> bool:
    """Whether a measure's best cue joins the family's group with another group (大学生 + 低收入家庭): the measure of
    a part of the family's group, not of all of it."""
    top = max(cue.score for cue in scored.matched)
    return any(
        cue.score >= top
        and all(c in lex.neutral for c in cue.when)
        and any(c in family.triggers for c in cue.when)
        and any(c not in family.triggers and c not in family.neutral for c in cue.when)
        for cue in scored.matched
    )


def _asked_about(lex: Lexicon, text: str, ids: list[str]) -> bool:
    """Whether the (last) clause that asks for a list, with what follows it (……有什么政策？实习、考证之类的), is itself
    about these measures (大学生有哪些实习见习的机会), not a question of its own beside them (……这些服务都是啥关系？
    没工作的人一般能享受哪些服务)."""
    spans = lex.markers["list_ask"].spans(text)
    start = next((m.start() for m in _SENTENCE_PART.finditer(text) if spans and m.start() <= spans[-1][0] < m.end()), 0)
    if start == 0:
        return True
    asked = text[start:]
    found = {s.id for s in _score_measures(lex, _Hits(lex, asked), "person", set())}
    if not found and not lex.concepts["person_group"].found_in(asked) and _COORDINATOR.search(text[:start]):
        return True  # topics listed, then a clause asking of nothing itself (当兵、当老师，有哪些政策): those topics
    return set(ids) <= found


def _group_family(lex: Lexicon, hits: _Hits, family: Family) -> bool:
    """Whether a family is there for who someone is (毕业生, 失业的), not for what they want (创业, 培训)."""
    return all(t in lex.neutral for t in family.triggers if hits(t))


def _narrow(
    lex: Lexicon,
    text: str,
    members: list[str],
    audience: str,
    family: Family,
    strong: Sequence[str],
    group: bool = True,
    pinned: frozenset[str] | set[str] = frozenset(),
) -> list[str]:
    kinds = lex.kinds
    markers = lex.markers
    asked = _BESIDES.sub("", text)  # what is asked, without what the asker knows already (除了失业金)
    known = "".join(m.group() for m in _BESIDES.finditer(text))
    # 除了失业金还能领哪些钱 asks for more money still: what it knows already does not make the question broad
    broad = markers["broad_ask"].found_in(asked) or (bool(known) and not markers["money_ask"].found_in(asked))
    cash = audience == "person" and markers["cash_ask"].found_in(asked)
    wanted: set[str] | None = None
    if markers["money_ask"].found_in(text):
        wanted = set(MONEY_KINDS)
    elif markers["service_ask"].found_in(text):
        wanted = {"service"}
    elif markers["post_ask"].found_in(text):
        wanted = {"post"}
    excluded = {kind for kind, marker in _EXCLUSIONS.items() if markers[marker].found_in(text)}
    if MONEY_KINDS & excluded:
        excluded |= MONEY_KINDS
    if excluded:
        # 不要说服务，就说钱: what is asked is what is left once the kinds refused are taken out
        wanted = (wanted if wanted is not None else set(kinds.values())) - excluded
    if wanted is not None and audience == "person" and markers["person_side"].found_in(text):
        wanted = wanted - {"employer"}  # 给个人的钱: not what the employer gets
    narrowed = members
    if cash and not broad:  # 能领到的钱: the allowances paid for one's situation
        narrowed = [m for m in narrowed if m in lex.allowances] or narrowed
    elif wanted is not None and not broad:
        narrowed = [m for m in narrowed if kinds[m] in wanted or m in pinned] or narrowed
    if known and lex.concepts["money"].found_in(known) and not cash and not markers["money_ask"].found_in(asked):
        # 除了每个月那点钱还有啥帮扶: the group's own allowance (its first) is what they know
        first = next((m for m in narrowed if m in lex.allowances), None)
        narrowed = [m for m in narrowed if m != first] or narrowed
    if family.audience != "employer" and not markers["both_sides"].found_in(text):
        if audience == "employer":
            # an employer asking about a group of people: the employer's measures, or what its words pointed at
            narrowed = (
                [m for m in narrowed if kinds[m] == "employer"] or [m for m in narrowed if m in strong] or narrowed
            )
        elif group or lex.concepts["self_words"].found_in(text) or lex.concepts["person_group"].found_in(text):
            # someone asking for themselves, or about a group of people (毕业生有哪些政策, 在职职工想提升技能): not
            # what an employer gets for them; a theme with no one in it (职业技能培训有哪些补贴) is asked as a whole
            narrowed = [m for m in narrowed if kinds[m] != "employer"] or narrowed
    return list(dict.fromkeys(narrowed))


def _procedure_topic(lex: Lexicon, hits: _Hits, selected: Sequence[str]) -> Topic | None:
    for topic in lex.procedures:
        if not topic.triggers:
            continue
        if not any(all(hits(c) for c in alt) for alt in topic.triggers):
            continue
        if selected and not set(topic.measures) & set(selected):
            continue
        return topic
    return None


def _out_of_scope(lex: Lexicon, hits: _Hits) -> tuple[OutOfScope, float] | None:
    best: tuple[OutOfScope, float] | None = None
    for topic in lex.out_of_scope:
        for cue in topic.cues:
            if hits.cue(cue) and (best is None or cue.score > best[1]):
                best = (topic, cue.score)
    return best


def _besides_removed(lex: Lexicon, text: str, scored: list[_Scored], audience: str) -> list[_Scored]:
    """The measures a text is about once what it already knows is left out (除了失业金还有什么: not a question about
    失业金 alone): for telling a family question from a question about one measure."""
    if "除了" not in text:
        return scored
    rest = _BESIDES.sub("", text)
    return _score_measures(lex, _Hits(lex, rest), audience, _fuzzy_names(lex, rest))


def _after_echo(text: str) -> str:
    """An answer that repeats the bot's question first (怀孕？没有的事, 长江渔民？不是…) asks nothing: only what
    follows the echoed question counts for telling a question from a statement."""
    m = _ECHO.match(text)
    return m.group(1) if m else text


def _situation(scored: list[_Scored], hits: _Hits) -> bool:
    """Whether the best measure is told by a situation: a combination or a plight that can only mean it, or its name
    in a clause without a negation (社区让我去干公益岗, not 没有在领失业金)."""
    if not scored or scored[0].score < SITUATION_MIN:
        return False
    if not any(c.startswith(NAME) for c in scored[0].cue.when):
        return True
    clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(hits.text)]
    return any(not _DENIAL.search(hits.text[a:b]) for start, _ in hits.name_spans for a, b in clauses if a <= start < b)


def _coordinated(lex: Lexicon, text: str, audience: str) -> list[str]:
    """The measures of each item of a coordination, read with the rest of the sentence (农民工、退捕渔民、低收入农户分别
    有什么帮扶; 招应届生和招失业人员哪个补贴多; 哪些救助和补贴): each item's own best measures. An item is read two
    ways: as the whole stretch between coordinators, and as the words of its own length just before the coordinator
    swapped for it (有哪些救助和补贴 → 有哪些补贴), as coordinated words are mostly alike. An item read alone loses what
    the sentence says of all items (企业的失业保险和工伤保险是不是少交了): the caller keeps only measures the whole text
    points at specifically too."""
    variants: list[str] = []
    for part in _SENTENCE_PART.finditer(text):
        clause = part.group()
        joins = list(_COORDINATOR.finditer(clause))
        if not joins:
            continue
        bounds = [0, *(i for m in joins for i in (m.start(), m.end())), len(clause)]
        items = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2) if bounds[i] < bounds[i + 1]]
        before, after = text[: part.start()], text[part.end() :]
        variants.extend(before + clause[a:b] + after for a, b in items)
        for join, (a, b) in zip(joins, items[1:], strict=False):
            cut = join.start() - (b - a)
            if cut >= 0:
                variants.append(before + clause[:cut] + clause[a:] + after)
    found: list[str] = []
    for variant in variants:
        scored = _score_measures(lex, _Hits(lex, variant), audience, set())
        found.extend(s.id for s in _select(scored) if s.score >= STATEMENT_MIN)
    return found


def _as_one_of_them(lex: Lexicon, hits: _Hits, audience: str, told: bool = False) -> list[str]:
    """Someone of a group of 四(三) telling of themselves (我是视障的，想自己开个按摩店) is answered as one of the
    group too: the subsidies for 就业困难人员 beside what they asked for. A plight told without a question
    (刑满释放半年了，四十多岁，到处碰壁) is someone's own even with no 我 in it."""
    if audience != "person" or not (told or hits("self_words")):
        return []
    if not hits("hardship_self") and not (hits("older_unemployed") and hits("unemployed")):
        return []
    if hits("hardship_self") and hits("job_search") and not hits("flexible_work"):
        # one of the groups, out of work and looking: 四(三)'s 托底安置 posts too (not from an age alone)
        return ["hardship_subsidies", "public_welfare_post"]
    return ["hardship_subsidies"]


_EXAMPLES = re.compile(r"(?:比如|例如|譬如|诸如|比方说|像是)(?:说)?([^。？?!！]+)")
_EXAMPLE_ITEM = re.compile(r"[^、,，;；]+")


def _examples(lex: Lexicon, text: str, audience: str) -> list[str]:
    """The measures of each example given after 比如 (权益保护……比如疫情隔离、怀孕、送外卖受伤): an example names a
    member the asker wants to hear, each read on its own."""
    found: list[str] = []
    for stretch in _EXAMPLES.finditer(text):
        for item in _EXAMPLE_ITEM.finditer(stretch.group(1)):
            scored = _score_measures(lex, _Hits(lex, item.group()), audience, set())
            found.extend(s.id for s in _select(scored))
    return found


def _without_intermediary(lex: Lexicon, text: str) -> str:
    """The text without the clause in which the asker says whom they work for (我是社区就业服务站的，…;
    我是残联的志愿者，…): that office or body is who asks, not what is asked about."""
    spans = lex.markers["intermediary"].spans(text)
    if not spans:
        return text
    rest = text
    for part in _CLAUSE.finditer(text):
        if part.start() <= spans[0][0] < part.end():
            rest = (text[: part.start()] + text[part.end() :]).lstrip(",，。;； ")
            break
    if len(rest) < 4:
        return text
    # what they want to tell the people they serve (想给来访的困难群众讲讲): the clause asking for the list, where it
    # names a group or a measure itself
    asks = lex.markers["list_ask"].spans(rest)
    if asks:
        start = next((m.start() for m in _SENTENCE_PART.finditer(rest) if m.start() <= asks[-1][0] < m.end()), 0)
        asked = rest[start:]
        groups = lex.concepts["person_group"]
        named = groups.found_in(asked) or _score_measures(lex, _Hits(lex, asked), "person", set())
        if start and named and not groups.found_in(rest[:start]):
            return asked
    return rest


def _each_question(lex: Lexicon, text: str, audience: str) -> list[str]:
    """What each question of a message asking several things points at (硕士毕业待业5个月了 想去中小学当老师 还没教资
    有戏吗 另外有求职补贴吗): every question clause read with what the message tells around it (its clauses that ask
    nothing: who asks, their situation, what they want) but without the other questions, its specific measures."""
    parts = _ASK_PART.findall(repair_homophones(normalise(chat_breaks(text)), lex))
    asking = [lex.markers["question"].found_in(p) for p in parts]
    if sum(asking) < 2:
        return []
    found: list[str] = []
    for asked in (i for i, asks in enumerate(asking) if asks):
        told = "，".join(p for j, p in enumerate(parts) if j == asked or not asking[j])
        scored = _score_measures(lex, _Hits(lex, told), audience, set())
        found.extend(s.id for s in _select(scored) if s.score >= STATEMENT_MIN)
    return found


def _clauses(text: str) -> int:
    return sum(1 for part in _CLAUSE_BREAK.split(text) if part)


def _ordered(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


def match_question(text: str) -> QuestionMatch:
    """The kind of question `text` is and the catalogue measure(s) it is about (see QuestionMatch)."""
    lex = lexicon()
    clean = normalise(to_chinese(text or ""))
    if not clean:
        return QuestionMatch("none")
    clean = repair_homophones(clean, lex)
    markers = lex.markers
    audience = _audience(lex, clean)
    clean = _without_intermediary(lex, clean)
    hits = _Hits(lex, clean)
    asked_part = _after_echo(clean)
    asks = markers["question"].found_in(asked_part)
    needs = not asks and markers["need"].found_in(asked_part)
    if not asks and not needs and hits.name_coverage() >= BARE_NAME_SHARE:
        asks = True  # a measure's name on its own (公益性岗位): what is it?

    fuzzy = _fuzzy_names(lex, clean)
    scored = _score_measures(lex, hits, audience, fuzzy)
    top = scored[0].score if scored else 0.0
    told = asked_part == clean and _clauses(text) >= 2
    one_of_them = _as_one_of_them(lex, hits, audience, told and not asks and not needs)
    if not asks and not needs and told and (_situation(scored, hits) or one_of_them):
        # 我和老公都下岗了，家里没人上班: someone telling their plight to a policy bot wants to hear; so does someone
        # telling of themselves as one of 四(三)'s groups (五十五岁，下岗好多年了，日子挺难的)
        needs = True
    oos = _out_of_scope(lex, hits)

    def result(kind: str, ids: Sequence[str] = (), **kw: Any) -> QuestionMatch:
        return QuestionMatch(
            kind,
            _ordered(ids),
            audience=audience,
            score=round(min(top, NAME_SCORE) / NAME_SCORE, 3),
            question=asks,
            **kw,
        )

    if not asks and not needs:
        return result("none")
    if oos is not None and oos[1] > top and (asks or oos[1] >= STATEMENT_MIN):
        return result("out_of_scope", topic=oos[0].name)
    if needs and top < STATEMENT_MIN and not one_of_them:
        return result("none")

    selected = [s.id for s in _select(scored)]
    if asks and markers["procedure"].found_in(clean):
        topic = _procedure_topic(lex, hits, selected)
        if topic is not None:
            return result("procedure", [*selected, *topic.measures] if selected else topic.measures, topic=topic.name)
        if selected:
            return result("procedure", selected, topic="apply")

    defines = top >= NAME_SCORE and markers["definition"].found_in(clean)
    # 零就业家庭是什么意思，有什么保障: a question about what the named thing is, not a list of its group's measures
    family = None if defines else _family(lex, hits, _besides_removed(lex, clean, scored, audience), audience)
    if family is not None:
        fam, members = family
        # named measures come first: the family's own, and those asked about by name beside it
        specific = [
            s.id for s in _select(scored) if s.score >= STATEMENT_MIN and (s.id in members or _topical(lex, s, fam))
        ]
        examples = _examples(lex, clean, audience)
        return result("family", [*specific, *members, *examples, *one_of_them], family=fam.name)
    if selected:
        if asks:
            pointed = {s.id for s in scored if s.score >= STATEMENT_MIN}
            more = (i for i in _coordinated(lex, clean, audience) if i in pointed)
            selected = list(_ordered([*selected, *more]))[:MAX_MEASURES]
            selected = list(_ordered([*selected, *_each_question(lex, text, audience)]))[:MAX_MEASURES]
        return result("measure", [*selected, *one_of_them][: MAX_MEASURES + 1])
    if one_of_them and not asks:
        return result("measure", one_of_them)  # 我是残疾人，家里也困难: what the group gets
    if asks and (markers["policy_words"].found_in(clean) or scored):
        weak = [s.id for s in scored if s.score >= 3.0][:MAX_CANDIDATES]
        if len(weak) < 2:
            defaults = lex.unclear_defaults.get(audience, ())
            weak = list(_ordered([*weak, *defaults]))[:MAX_CANDIDATES]
        return QuestionMatch("unclear", (), tuple(weak), audience, None, round(top / NAME_SCORE, 3), None, asks)
    return result("none")


# ---------------------------------------------------------------------------------------------- answers


def topic_answer(match: QuestionMatch) -> str | None:
    """The where-to-ask answer for a procedure or out-of-scope match (None for other kinds)."""
    lex = lexicon()
    if match.kind == "out_of_scope":
        return next((t.answer for t in lex.out_of_scope if t.name == match.topic), None)
    if match.kind != "procedure":
        return None
    topic = next((t for t in lex.procedures if t.name == match.topic), None)
    if topic is None:
        return None
    if "{where}" not in topic.answer:
        return topic.answer
    policy = default_policies().get(match.policy_ids[0]) if match.policy_ids else None
    where = (policy.confirm_with if policy and policy.confirm_with else None) or "街道社区就业服务站"
    title = f"{policy.title}（《意见》{policy.article}）：" if policy else ""
    return title + topic.answer.format(where=where)
