"""Read the contract facts a person states in one message (normalised text), clause by clause.

`read(text, asked=..., known=..., as_of=...)` → `Reading`:
- dialect and Cantonese are read as Mandarin first (dialect.py);
- the message is cut into clauses (clauses.py: ，。；！？ and 但是/不过/而且/也 …); a negation decides the value
  of the fact in its own clause only, before the phrase (还没认定) or right after it (失业登记还没做);
- phrases come from rules.FACTS (`read:` of each fact; longest phrase first) and are read here; numbers and times
  (age, time out of work, graduation year, points in time against `as_of`) in quantities.py; places and colleges
  from `data/places.yml` in places.py; whether the writer speaks for an employer in employer.py;
- in a question (吗、怎么、去哪里、能不能 …) only what comes before the question words and is said of oneself
  counts (我失业了能领失业金吗 states 失业; 那我去哪里做失业登记 states nothing);
- a clause about someone else (我老公失业了) states nothing about the writer;
- a short reply to the pending question (`asked`) is read as its answer (answers.py): 是的 / 还没 / 都不是 /
  五十出头 / 不知道.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rules.facts import FACTS
from understanding.answers import FILLER, bare_answer, none_of_several
from understanding.clauses import (
    CLAUSE_BREAK,
    NEGATORS,
    OTHER_PERSON,
    PAST,
    SUPPOSE,
    Clause,
    chat_breaks,
    clauses,
    negated_after,
    negated_before,
    speaks_for_another,
    statement_part,
)
from understanding.collector import Collector
from understanding.dialect import to_mandarin
from understanding.employer import read_industry, speaks_for_employer
from understanding.english import to_chinese
from understanding.lexicon import Assignment, patterns, phrase_table
from understanding.places import read_places
from understanding.quantities import read_age, read_bare_year, read_months, read_year


@dataclass
class Reading:
    """What one message states. `facts` hold contract-typed values; `denied_groups` are 我不是残疾人."""

    facts: dict[str, Any] = field(default_factory=dict)
    denied_groups: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    ambiguous: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    audience: str | None = None
    is_question: bool = False

    @property
    def empty(self) -> bool:
        return not (self.facts or self.denied_groups or self.unknown or self.ambiguous)


_FUTURE = re.compile(
    r"(?:快要|将要|就要|即将|马上|下个?月|下周|下礼拜|明年|(?<![0-9一二三四五六七八九十上])月底)[^，。]{0,3}$|(?<![不只])要被?$"
)
# feared or pressed for, not (yet) so: 担心被辞退 / 怕被裁 / HR在逼我主动离职 (逼我离职了 is so)
_FEARED = re.compile(r"(?:担心|害怕|怕|生怕|担忧|恐怕|可能|会不会|到时候?)[^，。]{0,3}$")
_PRESSED = re.compile(r"(?:逼|劝|催|让|叫|要求|暗示)着?我[^，。]{0,3}$")
# an intention is not a status: 想自己创业 / 毕业后想留在上海工作 / 打算开店
_INTENT = re.compile(r"(?:想|打算|准备|计划|希望|想要|考虑|盼着)[^，。]{0,4}$")
# 供孩子读书 / 小孩还在读小学: a child's schooling, not the writer's
_SOMEONE_STUDIES = re.compile(r"(?:孩子|儿子|女儿|闺女|小孩|娃|宝宝|孙子|孙女|弟弟|妹妹|供)[^，。]{0,6}$")
# the employment status said of now wins over one said of before (以前在饭店…倒闭了，我现在在送外卖)
_NOW = re.compile(r"现在|目前|如今|眼下|当前")
# 孩子刚满月还在哺乳期: a baby's age or feeding tells the mother's situation
_CHILD = re.compile(r"^(?:我的?|俺的?)?(?:孩子|宝宝|娃|小孩|儿子|女儿|闺女)")
_DROPPED_OUT = re.compile(r"退学|辍学|肄业|没读完|没念完|不读了|不念了")
_HIRING = re.compile(r"录用|录取|offer|入职通知|聘用|面试")
# a bare degree word (大专) is weaker than a statement about oneself: 人家招人都要大专 does not undo 初中文化
_BARE_WORDS = frozenset({"本科", "大专", "硕士", "博士", "研究生", "毕业生"})
_CURRENT_ONLY = frozenset({"employment_status", "platform_worker", "hired_as_teacher"})
# a state that is now or not at all: 低保之前吃过 / 想领失业金 / 想要个孩子 do not say it is so now
_DONE_ONLY = frozenset({"registered_unemployed", "hardship_certified", "receiving_unemployment_insurance"})
_NOW_ONLY = frozenset({"minimum_living_allowance", "receiving_unemployment_insurance", "pregnant_or_nursing"})
_DOUBLE_NEGATION = re.compile(r"(?:不是|并不是|也不是|倒不是|并非)(?:我|说|因为我?)?$")  # 不是我不想工作: wants to
_TRAINEE = re.compile(r"实习|见习")
# 低保还在申请没批下来 / 认定还在审: applied for, not (yet) so
_PENDING = re.compile(
    r"^[^，。]{0,3}(?:还在申请|正在申请|在申请|申请中|还在审|正在审|在审|审核中|审批中|还没批|没批|还没下来|没下来|还没办下来|"
    r"还没落下来|没落下来|还没落|还没迁|没迁过来|还在办)"
)
_PENDING_FACTS = _NOW_ONLY | _DONE_ONLY | {"shanghai_hukou"}
# 去年申请过低保，没批下来 / 失业金我申请了，到现在还没批: applied for; refused or not granted where the message says so
_APPLIED_BEFORE = re.compile(r"申请(?:过|了)?$")
_APPLIED_AFTER = re.compile(r"^[^，。]{0,2}申请(?:过|了)")
_NOT_GRANTED = re.compile(r"没批|没通过|没下来|被拒|没拿到|没领到|没给批|不给批|驳回")
# 差点被公司辞退 / 差点就去送外卖了: it did not happen
_ALMOST = re.compile(r"(?:差点|差一点|险些)(?:儿)?(?:就|被|要)?[^，。]{0,2}$")
# 失业登记这个事情吧… / 当兵的话: the thing as a topic of what follows, nothing said of it yet
_AS_TOPIC = re.compile(r"^(?:这个事情?|这件事|这事儿?|的事情?|这一?块|这方面|的话|的?(?:材料|手续|申请|流程|条件))")
# 本来想去当兵的，后来…现在不考虑了: an intention of before, given up or not said to hold now
_FORMERLY_MEANT = re.compile(
    r"(?:本来|原来|原本|当初|之前|以前)(?:是)?[^，。]{0,2}(?:想|打算|准备|计划|要)[^，。]{0,4}$"
)
_GAVE_UP = re.compile(r"不考虑了|不想了|不打算了|放弃了|算了|不去了|没去成|不干了|不弄了|没戏了")
_INTENTIONS = frozenset({"enlisting", "starting_business", "wants_job"})
_VOCATIONAL = re.compile(r"职校|技校|中职|高职|职高|中专|职业学校|职业技术学校")
_OTHER_CERTIFICATE = re.compile(r"(?:为|了|过)?[^，。]{0,2}(?:低收入|低保|残疾|困难家庭|贫困)")
_TOPIC_ONLY = re.compile(r"的?(?:风险|成本|门槛|太难|很难|难不难|不容易|不好做)")
_NOT_A_JOB = re.compile(r"[^，。]{0,5}(?:实习|房子|房|对象|学校|培训|补习|中介|律师|人问|人咨询)")


def _is_student_fact(a: Assignment) -> bool:
    return a.fact in ("vocational_school_student", "in_graduating_year") or (
        a.fact == "employment_status" and a.value == "student"
    )


@dataclass
class _Match:
    start: int
    end: int
    assignments: tuple[Assignment, ...]


def _phrase_matches(text: str) -> list[_Match]:
    """Phrases in `text`, longest first and never overlapping (在职校读书 is 职校, not 在职), then patterns."""
    table = phrase_table()
    longest = max(map(len, table)) if table else 0
    found = [
        (n, i) for i in range(len(text)) for n in range(min(longest, len(text) - i), 0, -1) if text[i : i + n] in table
    ]
    taken = [False] * len(text)
    out: list[_Match] = []
    for n, i in sorted(found, key=lambda f: (-f[0], f[1])):
        if any(taken[i : i + n]):
            continue
        taken[i : i + n] = [True] * n
        out.append(_Match(i, i + n, table[text[i : i + n]].assignments))
    for pattern in patterns():
        if pattern.scope != "clause":
            continue
        for m in pattern.regex.finditer(text):
            out.append(_Match(m.start(), m.end(), pattern.assignments))
    return sorted(out, key=lambda m: m.start)


def _negation(text: str, m: _Match) -> bool:
    """Whether a negation turns the phrase round; a phrase that is itself negative (没在喂奶) is turned only by
    a 不是 right before it (不是不想上班: wants to)."""
    if text[m.start : m.end].startswith(NEGATORS):
        return bool(_DOUBLE_NEGATION.search(text[: m.start]))
    return negated_before(text, m.start) or negated_after(text, m.end)


def _read_phrases(clause_text: str, clause: Clause, out: Collector) -> list[_Match]:
    matches = _phrase_matches(clause_text)
    past = bool(PAST.search(clause_text))
    negations = [_negation(clause_text, m) for m in matches]
    for i, m in enumerate(matches):
        facts_here = {a.fact for a in m.assignments if a.primary}
        if any(  # a pattern inside a longer phrase of the same fact: the phrase decides (不是不想上班)
            j != i
            and o.start <= m.start
            and m.end <= o.end
            and (o.end - o.start) > (m.end - m.start)
            and facts_here & {a.fact for a in o.assignments if a.primary}
            for j, o in enumerate(matches)
        ):
            continue
        # a pattern overlapping a negated phrase of the same fact is negated with it (还没被学校录用当老师)
        positive = any(a.primary and a.value is not False for a in m.assignments)
        negated = negations[i] or (
            positive
            and any(  # a negative reading (登记也没办) is not turned round again
                negations[j]
                and j != i
                and o.start < m.end
                and m.start < o.end
                and facts_here & {a.fact for a in o.assignments}
                and any(a.primary and a.value is not False for a in o.assignments)  # 不是不想上班: not turned
                for j, o in enumerate(matches)
            )
        )
        intended = bool(_INTENT.search(clause_text[: m.start]))
        for a in m.assignments:
            mother = a.fact == "pregnant_or_nursing" and _CHILD.match(clause.text)
            if clause.other_person and not mother:
                continue  # 我老公是残疾人 / 我妈是低保户: theirs; the writer's household is asked, not guessed
            if a.fact in _DONE_ONLY and a.value is True and intended and not negated:
                continue  # 想办失业登记: not done yet, and not said to be undone either
            if a.fact in _CURRENT_ONLY and (intended or (past and a.value != "unemployed")):
                continue
            over = bool(re.match(r"(?:已经|都)?(?:结束|休完|过了|完了|满了)", clause_text[m.end :]))  # 产假结束后
            if a.fact in _NOW_ONLY and a.value is True and not negated and (intended or past or over):
                continue
            if a.fact == "employment_status" and _FUTURE.search(clause_text[: m.start]):
                continue  # 下个月要被裁了: not yet
            if a.value == "unemployed" and (
                _FEARED.search(clause_text[: m.start])
                or (_PRESSED.search(clause_text[: m.start]) and not clause_text[m.start : m.end + 1].endswith("了"))
            ):
                continue  # 担心被辞退 / 公司逼我辞职: not (yet) out of work
            if (
                a.value == "unemployed"
                and _CLOSING.search(clause_text[m.start : m.end])
                and re.search(_SHOPS, clause_text[: m.start])
                and not _WORKED_THERE.search(out.message)
            ):
                continue  # 小区门口的超市倒闭了: a shop the writer did not say they worked in
            if a.value == "employed" and _TRAINEE.search(clause_text):
                continue  # 在一家公司做实习: an intern or trainee is not employed (a student, mostly)
            if (
                a.fact == "wants_job"
                and clause_text[m.start : m.end].endswith("找")
                and _NOT_A_JOB.match(clause_text[m.end :])
            ):
                continue  # 想找个暑期实习 / 想找房子: looking for something other than a job
            if _is_student_fact(a) and _DROPPED_OUT.search(clause_text):
                continue  # 职校读了一年就退学了: no longer a student
            if _is_student_fact(a) and _SOMEONE_STUDIES.search(clause_text[: m.start]):
                continue  # 还要供孩子读书: someone else's schooling
            if (
                a.fact == "is_college_graduate"
                and a.value is False
                and re.fullmatch(r"退学|辍学|肄业", clause_text[m.start : m.end])
                and (_VOCATIONAL.search(clause_text) or _VOCATIONAL.search(out.message))
            ):
                continue  # 职校读了一年就退学了 / 不在职校读了，退学了: not at college at all, nothing said of a degree
            if a.fact == "hardship_certified" and _OTHER_CERTIFICATE.match(clause_text[m.end :]):
                continue  # 认定过低收入: certified as something else
            if a.fact in ("starting_business", "employment_status") and _TOPIC_ONLY.match(clause_text[m.end :]):
                continue  # 开店风险太大了: the business as a topic, not the writer's
            if a.fact == "registered_unemployed" and not out.about_joblessness:
                continue  # 登记过的低收入农户: some other register
            if (
                a.fact == "employment_status"
                and a.value == "unemployed"
                and _HIRING.search(out.message)
                and re.search(r"不要我|不用我|取消|撤", clause_text)
            ):
                continue  # 说好要录用我的公司不要我了: a job offer withdrawn, not a dismissal
            before, after = clause_text[: m.start], clause_text[m.end :]
            if a.value is True and not negated:
                if _AS_TOPIC.match(after):
                    continue  # 失业登记这个事情吧: a topic
                if a.fact in _PENDING_FACTS and _PENDING.match(after):
                    out.set(a.fact, False)  # 低保还在申请 / 上海户口还没落下来: not (yet)
                    continue
                if a.fact in _PENDING_FACTS and (_APPLIED_BEFORE.search(before) or _APPLIED_AFTER.match(after)):
                    if _NOT_GRANTED.search(out.message):
                        out.set(a.fact, False)  # 申请过低保，没批下来
                    continue  # 申请了失业金: applied for, not said to be granted
            if a.value is not False and not negated and _ALMOST.search(before):
                continue  # 差点被公司辞退: it did not happen
            if a.value is True and not negated and a.fact in _INTENTIONS and _FORMERLY_MEANT.search(before):
                if _GAVE_UP.search(out.message):
                    out.set(a.fact, False)  # 本来想去当兵，后来不考虑了
                continue
            fact = FACTS[a.fact]
            if not negated:
                weak = not a.primary or clause_text[m.start : m.end] in _BARE_WORDS
                if a.fact == "is_college_graduate" and a.fact not in out.facts:
                    out.bare_degree = weak
                elif a.fact == "is_college_graduate" and not weak:
                    out.bare_degree = False
                now = a.fact == "employment_status" and bool(_NOW.search(clause_text[: m.start]))
                out.set(a.fact, a.value, weak=weak, now=now)
            elif not a.primary:
                continue
            elif (
                a.fact == "starting_business"
                and not intended
                and not re.search(r"创业|自己干|自己做", clause_text[m.start : m.end])
            ):
                continue  # 没开店 / 不是个体户: no business now, nothing said of starting one (不想创业 is)
            elif a.fact == "is_college_graduate" and a.value is True and clause_text[m.start : m.end] in _BARE_WORDS:
                continue  # 不是本科，是大专: a degree denied is not every degree denied
            elif fact.type == "bool":
                out.set(a.fact, not a.value)
            elif fact.type == "list":
                out.deny(a.fact, a.value)
    return matches


def _read_message_patterns(message: str, all_clauses: list[Clause], out: Collector) -> None:
    others = {c.text for c in all_clauses if c.other_person}
    for pattern in patterns():
        m = pattern.regex.search(message) if pattern.scope == "message" else None
        if not m:
            continue
        clause_start = max((b.end() for b in CLAUSE_BREAK.finditer(message, 0, m.start())), default=0)
        following = CLAUSE_BREAK.search(message, m.start())
        if message[clause_start : following.start() if following else len(message)].strip() in others:
            continue  # 同事阳了被公司辞了: told of someone else
        negated = negated_before(message[clause_start:], m.start() - clause_start)
        for a in pattern.assignments:
            if not negated:
                out.set(a.fact, a.value, weak=True)
            elif a.primary and FACTS[a.fact].type == "bool":
                out.set(a.fact, not a.value, weak=True)


_EMPLOYERS = r"厂子|工厂|厂|公司|单位"
_SHOPS = r"超市|饭店|餐厅|饭馆|餐馆|酒店|宾馆|门店|商场|店"
_CLOSED = re.compile(
    rf"(?P<place>{_EMPLOYERS}|{_SHOPS})(?P<gap>[^。；;！!？?]{{0,20}}?)"
    r"(?P<verb>关门|关的门|关了门|倒闭|倒了|黄了|关了|停业|歇业|不开了|解散)"
)
_CLOSING = re.compile(r"倒闭|关门|关了|歇业|黄了|停业")
_NOT_CLOSED_YET = re.compile(r"[不没未]|要|会|快|将|准备|打算|可能|担心|怕|下个?月|明年|以后|之后")
_WORKED_THERE = re.compile(
    rf"(?:在|给)[^，。]{{0,8}}(?:{_SHOPS})[^，。]{{0,6}}(?:上班|工作|打工|干|做|当)|(?:上班|工作|打工|干活)的(?:{_SHOPS})"
    rf"|我(?:们|的|那|这|们的)(?:家|个)?(?:{_SHOPS})"
)


def _read_workplace_closed(message: str, out: Collector) -> None:
    """公司倒闭了 / 之前在超市做收银，去年底超市关门了 / 公司经营不下去了，五月份关的门: the writer's workplace closed,
    so the writer is out of work (not when it is about to close, someone else's, or supposed). A shop counts only
    where the message says the writer worked there (我家楼下的超市关门了 says nothing about the writer)."""
    if "employment_status" in out.facts:
        return
    for m in _CLOSED.finditer(message):
        if _NOT_CLOSED_YET.search(m.group("gap").replace("不下去", "")):
            continue
        clause_start = max((b.end() for b in CLAUSE_BREAK.finditer(message, 0, m.start())), default=0)
        head = message[clause_start : m.start()]
        if OTHER_PERSON.match(message[clause_start:]) or SUPPOSE.search(head + m.group("gap")):
            continue
        if re.fullmatch(_SHOPS, m.group("place")) and not _WORKED_THERE.search(message):
            continue
        out.set("employment_status", "unemployed", weak=True)
        return


_ECHO_NO = re.compile(r"(?:不是|没有|没|不|还没|还没有|未|并没有)(?:的事|事|过|呢|弄|办|做|打算|考虑|想|有|去)*")
# key words that echo a question although they state nothing alone: 登记？还没 / 工作？木有
_ECHO_WORDS: dict[str, tuple[str, Any, Any]] = {
    "登记": ("registered_unemployed", True, False),
    "工作": ("employment_status", "employed", "unemployed"),
    "上班": ("employment_status", "employed", "unemployed"),
}
_TOPIC_END = re.compile(r"(?:的话|呢|吗|嘛)$")
_ECHO_YES = re.compile(r"(?:是|对|有|嗯|当然|肯定是)(?:的|啊|呀)?")


def _read_echoed_questions(all_clauses: list[Clause], out: Collector) -> None:
    """怀孕？没有的事 / 本市户籍？我不是 / 低保——不是: a yes/no fact echoed, then a bare answer to it.

    The echo is a question (它？) or the key word alone; the answer is nothing but yes or no.
    """
    for clause, reply in itertools.pairwise(all_clauses):
        topic = _TOPIC_END.sub("", clause.text)  # 失业登记的话，还没有: a topic, then its answer
        core = FILLER.sub("", re.sub(r"^(?:我|俺)", "", reply.text))
        if FILLER.sub("", topic) in _ECHO_WORDS:
            if clause.question or topic != clause.text:
                fact, yes, no = _ECHO_WORDS[FILLER.sub("", topic)]
                if _ECHO_NO.fullmatch(core):
                    out.set(fact, no)
                elif _ECHO_YES.fullmatch(core):
                    out.set(fact, yes)
            continue
        matches = _phrase_matches(topic)
        bools = {a.fact for m in matches for a in m.assignments if a.primary and FACTS[a.fact].type == "bool"}
        if len(bools) != 1:
            continue
        fact = next(iter(bools))
        word_alone = len(matches) == 1 and FILLER.sub("", topic) == topic[matches[0].start : matches[0].end]
        if not (clause.question or word_alone):
            continue
        if _ECHO_NO.fullmatch(core):
            out.set(fact, False)
        elif _ECHO_YES.fullmatch(core):
            out.set(fact, True)


_ME_TOO = {"我是": True, "我有": True, "我不是": False, "我没有": False, "我没": False,
           "我也是": None, "我也有": None, "我也不是": False, "我也没有": False, "我也没": False}  # fmt: skip


def _read_me_too(all_clauses: list[Clause], out: Collector) -> None:
    """我老公不是上海户口，我是 / 她是残疾人，我也是: a yes/no fact said of someone else, then of the writer in two
    words (也: the same value)."""
    for clause, reply in itertools.pairwise(all_clauses):
        answer = _ME_TOO.get(FILLER.sub("", reply.text), "")
        if answer == "" or not clause.other_person:
            continue
        theirs = Collector()
        theirs.message = clause.text
        _read_phrases(clause.text, Clause(clause.text, clause.question, False), theirs)
        bools = {k: v for k, v in theirs.facts.items() if FACTS[k].type == "bool"}
        if len(bools) != 1:
            continue
        fact, value = next(iter(bools.items()))
        out.set(fact, value if answer is None else answer)


_NO_LONGER = re.compile(
    r"(?:但是?|可是?|不过)?(?:我)?(?:现在|目前|如今|后来|已经|早就|早|也)*(?:不|没|没有)(?:再)?(?:是|算|[\u4e00-\u9fff]{1,2})?(?:了|啦)"
)


def _read_no_longer(all_clauses: list[Clause], out: Collector) -> None:
    """以前是低保户，现在不是了 / 以前在美团跑外卖，现在不跑了: what was so before (yes/no facts) is not so now."""
    for clause, following in itertools.pairwise(all_clauses):
        if clause.other_person or not PAST.search(clause.text) or not _NO_LONGER.fullmatch(following.text):
            continue
        before = Collector()
        before.message = out.message
        then = PAST.sub("", clause.text)
        _read_phrases(then, Clause(then, False, False), before)
        for fact, value in before.facts.items():
            if FACTS[fact].type == "bool" and value is True:
                out.set(fact, False, now=True)


_ABOUT_JOBLESSNESS = re.compile(r"失业|没工作|没有工作|待业|下岗|辞|裁|离职|没上班|就业|找工作|工作")
_OTHER_REGISTER = re.compile(
    r"低收入|农户|低保|残疾|居住证|户口|户籍|结婚|婚姻|房|车|营业执照|个体|工商|社区|志愿|献血|出生|学籍|考试|报名|公司|企业|店"
)
_ABOUT_REGISTERING = frozenset({"registered_unemployed", "employment_status", "unemployed_months"})
# a graduation that has happened (not 明年毕业, 快毕业, 还没毕业, 毕业后想…)
_GRADUATED = re.compile(r"(?<!明年)(?<!后年)(?<![快要没将])毕业(?![后以之班季生])")
_STUDYING = re.compile(r"在读|读[研大博]|[大研][一二三四]|还没毕业|上学|在校|读书|念书|毕业班|明年|快毕业|要毕业")
_GRADUATE_WORD = re.compile(r"(?:算|是)[^，。]{0,2}大学生")
_TO_GRADUATE = re.compile(r"(?:明年|后年|快|要|将|即将|马上)毕业")
# 学历就是中专 / 中专毕业: the schooling the writer had, not a vocational school they were at
_SCHOOLING_TOLD = re.compile(
    r"(?:学历|文化)[^，。]{0,4}(?:中专|技校|职高|中技)|(?:中专|技校|职高|中技)(?:学历|文化|毕业)"
)
# 现在不读了 / 早就不上学了 (of a vocational school): no longer its student
_STOPPED_SCHOOL = re.compile(r"(?:现在|已经|早就|早)(?:不|没|没有)(?:读|上学|念|在读|上)(?:了|书)?")


# the thing named before, then 到现在也没办 / 还没批下来 / 一分钱也没拿到: not done (yet)
_NOT_DONE_KEYS = {
    "registered_unemployed": re.compile(r"失业登记|登记失业|办登记|去登记"),
    "hardship_certified": re.compile(r"认定"),
    "receiving_unemployment_insurance": re.compile(r"失业金|失业保险金|失业保险待遇"),
}
_NOT_DONE = re.compile(
    r"(?:到现在|至今|现在|目前|一直|迟迟|还|也|都)[^，。？?]{0,4}(?:没|没有|未)(?:去|能)?"
    r"(?:办|弄|做|登记|认定|批|下来|拿到|领到|申请|落实)"
)


def _read_not_done(message: str, all_clauses: list[Clause], out: Collector) -> None:
    """失业登记这个事情吧我一直拖着…到现在也还没有去办 / 就业困难人员的认定还没办下来 / 想申请失业金但还没申请: a
    step named, then said in the writer's own clause not to be done, is not done."""
    for fact, key in _NOT_DONE_KEYS.items():
        if fact in out.facts:
            continue
        named = key.search(message)
        if not named:
            continue
        for clause in all_clauses:
            if clause.other_person or clause.question:
                continue
            at = message.find(clause.text)
            undone = _NOT_DONE.search(clause.text)
            if undone and at >= 0 and at + undone.start() >= named.start():
                out.set(fact, False)
                break


def read(
    text: str,
    *,
    asked: Iterable[str] = (),
    known: Mapping[str, Any] | None = None,
    as_of: dt.date,
    audience: str | None = None,
) -> Reading:
    """The facts `text` states (see the module docstring). `text` is already normalised.

    `audience="employer"` when the conversation already knows the writer speaks for a company.
    """
    asked = [a for a in asked if a in FACTS]
    known = known or {}
    message = to_chinese(text)
    message = to_mandarin(message)
    message = re.sub(r"(?<=[不没])再(?=上海|本市|外地|老家)", "在", message)  # 户口不再上海: 在 typed as 再
    message = chat_breaks(message)
    out = Collector()
    out.message = message
    out.about_joblessness = (
        bool(_ABOUT_JOBLESSNESS.search(message))
        or bool(set(asked) & _ABOUT_REGISTERING)
        or not _OTHER_REGISTER.search(message)  # 上个月就登记了: to this bot, the register of the jobless
    )
    reading = Reading()
    all_clauses = clauses(message)
    if speaks_for_another(message):
        # 帮我女儿问一下，她…: the message speaks for that person, so what it says of them is what it states
        all_clauses = [Clause(c.text, c.question, False) for c in all_clauses]
    reading.is_question = any(c.question for c in all_clauses)
    if audience == "employer" or speaks_for_employer(message) or "employer_industry" in asked:
        reading.audience = "employer"
    for clause in all_clauses:
        part = statement_part(clause)
        if not part:
            continue
        _read_phrases(part, clause, out)
        if clause.other_person:
            continue
        read_places(part, message, out, asked)
        read_age(part, out)
        read_year(part, as_of, out)
        read_bare_year(part, message, as_of, out)
    _read_workplace_closed(message, out)
    parts = [statement_part(c) if not c.other_person else "" for c in all_clauses]
    read_months(parts, message, asked, known, as_of, out)
    _read_message_patterns(message, all_clauses, out)
    _read_echoed_questions(all_clauses, out)
    if (
        out.bare_degree
        and (out.facts.get("employment_status") == "student" or _TO_GRADUATE.search(message))
        and not _GRADUATED.search(message)
    ):
        out.facts.pop("is_college_graduate", None)  # 硕士在读 / master student, 研三: not yet a graduate
    if (
        out.facts.get("employment_status") == "student"
        and out.facts.get("is_college_graduate") is False
        and re.search(r"不是[^，。]{0,3}毕业生", message)
    ):
        out.facts.pop("is_college_graduate")  # 还在读书，不是毕业生: not graduating yet, nothing said of a degree
    own = "，".join(p for p in parts if p)  # what the writer says of themselves (我女儿今年大学毕业 is not)
    if (
        out.facts.get("employment_status") == "student"
        and _GRADUATED.search(own)
        and not _STUDYING.search(own)
        and _GRADUATE_WORD.search(own)
    ):
        out.facts.pop("employment_status")  # 我是大专毕业的，也算大学生吧: a graduate, not a student
    if (
        "is_college_graduate" not in out.facts
        and re.search(r"(?:刚|已经|今年|去年|前年|[0-9]{2}年)[^，。]{0,3}毕业", own)
        and re.search(r"大学|本科|大专|研究生|硕士|博士|高校", own)
        and out.facts.get("employment_status") != "student"
    ):
        out.set("is_college_graduate", True)  # 今年刚毕业，大学是在老家读的: the degree told in another clause
    _read_me_too(all_clauses, out)
    _read_no_longer(all_clauses, out)
    _read_not_done(message, all_clauses, out)
    if (
        _VOCATIONAL.search(own)
        and _STOPPED_SCHOOL.search(own)
        and "vocational_school_student" not in out.facts
        and not _SCHOOLING_TOLD.search(own)
    ):
        out.set("vocational_school_student", False)  # 在技校学了一年，现在不读了
    if out.facts.get("employment_status") not in (None, "unemployed"):
        out.facts.pop("unemployed_months", None)  # 去年离职后自己开了个工作室: no longer out of work
    if reading.audience == "employer":
        # an employer speaks for the company: what it says of people is about staff or hires, not the writer
        read_industry(message, out)
        out.facts = {k: v for k, v in out.facts.items() if k == "employer_industry"}
        out.denied.clear()
    else:
        out.facts.pop("employer_industry", None)
    if len(asked) == 1 and asked[0] not in out.facts:
        bare_answer(message, asked[0], as_of, out, reading.unknown)
    elif len(asked) > 1 and not out.facts and none_of_several(message):
        for name in asked:
            fact = FACTS[name]
            out.facts[name] = [] if fact.type == "list" else False
    reading.facts = {k: v for k, v in out.facts.items()}
    reading.denied_groups = out.denied
    reading.notes = out.notes
    reading.ambiguous = {k: vs for k, vs in out.ambiguous.items() if k not in out.facts and k not in known}
    return reading
