"""A message cut into clauses, and what each clause is: a question or not, about the writer or someone else.

Also what a clause states in a question (the words before the question words), whether a negation turns a
phrase round within its clause (before it: 还没认定; right after it: 失业登记还没做), and words of before (以前).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

# typed as in a chat: a space or an emoji between Chinese words ends a clause as a comma would
# (我43 离职半年多了 失业登记办了 失业金没领到); spaces inside English or between numbers stay
_CHAT_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]+")


def chat_breaks(message: str) -> str:
    message = _EMOJI.sub("，", message)
    message = _CHAT_SPACE.sub("，", message)
    return re.sub(r"，*([，。！？；])[，]*", r"\1", message).strip("，")


CLAUSE_BREAK = re.compile(r"[，,。;；！!？?\n、:：—~～]+|但是|但(?![凡愿])|可是|不过|而且|并且|然后|所以|只是|另外")


# a clause whose subject is someone else: 我老公失业了, 老公是农民工, 我妈让我来问问
OTHER_PERSON = re.compile(
    r"^(?:是|就是|而是|只是)?(?:我的?|俺的?|我们家|我家|她的?|他的?)?(?:[两三四]个|俩|大|小)?(?:老公|先生|太太|老伴|老婆|丈夫|妻子|爱人|媳妇|孩子|儿子|女儿|闺女|爸爸|妈妈|父亲|母亲|爸|妈|父母|"
    r"家人|朋友|同事|室友|男朋友|女朋友|对象|哥哥|姐姐|弟弟|妹妹|亲戚|邻居|公公|婆婆|老板|领导|上司|老乡|房东|"
    r"表哥|表姐|表弟|表妹|堂哥|堂姐|舅舅|叔叔|姑姑|嫂子|爷爷|奶奶|外公|外婆|闺蜜|发小|哥们|同学|侄子|侄女|外甥|孙子|孙女|姐|哥|弟|妹)"
)
# 老婆和我都下岗了 / 我老公跟我都没工作: the writer is one of those the clause speaks of
_WITH_ME = re.compile(r"(?:和|跟|与|同|还有)我(?:都|也|俩|两个|一起)|我们?(?:俩|两个)(?:都|也)")
_RELATIVE = (
    r"(?:老公|老婆|丈夫|妻子|爱人|媳妇|孩子|儿子|女儿|闺女|爸爸|妈妈|父亲|母亲|爸|妈|弟弟|妹妹|哥哥|姐姐|"
    r"侄子|侄女|外甥|外甥女|亲戚|朋友)"
)
_SELF_MARK = re.compile(r"我|本人|自己|俺|咱")
_SOMEONE_NAMED = re.compile(OTHER_PERSON.pattern.removeprefix("^"))  # a relative or friend named anywhere
_RHETORICAL = re.compile(r"(?:哪有|哪来|哪里有|哪儿有)(?:的)?(?:什么|啥)")
_ASKED_FOR_THEM = re.compile(
    rf"^(?:那|那么|请问)?(?:他|她|{_RELATIVE})(?:能|可以|可不可以|能不能|有没有|符合|算|该|要|去|有什么|有哪些|怎么)"
)
# 不是我怀孕，是我老婆怀孕了: what follows 不是我 is told of the one named next
# (我不是上海户口，是我爱人是: the writer's own denial); 残疾的不是我，是我儿子
_NOT_ME = re.compile(r"^(?:并|也|倒)?不是我|的(?:并|也|倒)?不是我$")
_BUT_THEM = re.compile(rf"^(?:而|其实|那)?是(?:我的?|俺的?)?(?:{_RELATIVE}|他|她|我们家)")
_VISITOR = re.compile(r"来访|这位|该人|一位|代问|帮问|代.{0,3}咨询|替.{0,6}(?:咨询|问)")
_FOR_THEM = re.compile(r"帮(?:她|他)问")  # the visitor, unless a relative of the writer was named (是我弟弟，…帮他问问)
_MY_RELATIVE = re.compile(rf"我的?{_RELATIVE}")
_YOUNG_CHILD = re.compile(r"^(?:我的?|俺的?)?(?:[两三]个|俩)?(?:孩子|宝宝|娃|小孩|二胎|老大|老二)")
_OWN_AGAIN = re.compile(r"现在|目前|^(?:户口|户籍|本市|上海户|外地户|学历|文化|家里|我家|家庭|全家)")
_QUESTION_WORDS = re.compile(
    r"能不能|可不可以|可以吗|能否|是否|会不会|要不要|有没有|有什么|有啥|有哪些|怎么|怎样|如何|哪里|哪儿|去哪|在哪|哪些|"
    r"什么|多少|(?<![了过好这那十])几个|能领|能申请|可以申请|能享受|可以享受|能拿|可以拿|该怎么|吗|\?|？"
)


@dataclass(frozen=True)
class Clause:
    text: str
    question: bool
    other_person: bool
    carries: bool = False  # the next clause without a subject is about the same other person


def clauses(text: str) -> list[Clause]:
    out: list[Clause] = []
    visitor = bool(_VISITOR.search(text)) or bool(_FOR_THEM.search(text) and not _MY_RELATIVE.search(text))
    named_someone = False
    pieces = CLAUSE_BREAK.split(text)
    breaks = CLAUSE_BREAK.findall(text)
    for i, piece in enumerate(pieces):
        ending = breaks[i] if i < len(breaks) else ""
        if not piece.strip():
            continue
        question = bool(_QUESTION_WORDS.search(piece)) or ending in ("?", "？")
        if question and _RHETORICAL.match(piece.strip()) and ending not in ("?", "？"):
            question = False  # 哪有什么失业金: a no, not a question
        someone = OTHER_PERSON.search(piece)
        # 老婆和我都下岗了 / 老板把我辞了: the writer is in the clause too
        other = bool(someone) and not _WITH_ME.search(piece) and "我" not in piece[someone.end() :]
        if not someone and out and out[-1].other_person and out[-1].carries and not _SELF_MARK.search(piece):
            other = True  # 我女儿今年毕业，还没找到工作: a clause without a subject goes on about the same person
        # a child's clause does not carry on (孩子两岁了，现在也没怀孕: the mother), nor past a clause of now
        # or of the writer's own papers (…，现在没工作 / …，本市户籍)
        carries = other and not _YOUNG_CHILD.match(piece.strip()) and not _OWN_AGAIN.search(piece)
        if (
            not visitor
            and not someone
            and named_someone
            and re.match(r"(?:她|他)(?!们)", piece.strip())
            and not _SELF_MARK.search(piece)
        ):
            other, carries = True, True  # 我和我哥都是农民工，他在跑外卖: 他 is the one named before
        if visitor and re.match(rf"(?:她|他)(?!的?(?:{_RELATIVE}|丈夫|母亲|父亲))", piece.strip()):
            other, carries = False, False  # 这位阿姨…，丈夫去世了，她一直在家没工作: 她 is the visitor
        if other and out and out[-1].other_person and not someone and not carries:
            other = False
        named_someone = named_someone or bool(_SOMEONE_NAMED.search(piece))
        out.append(Clause(piece.strip(), question, other, carries))
    asked_for = next((i for i, c in enumerate(out) if c.question and _ASKED_FOR_THEM.match(c.text)), None)
    first_other = next((i for i, c in enumerate(out) if c.other_person and c.carries), None)
    if asked_for is not None and first_other is not None and first_other < asked_for:
        # 我儿子今年毕业，上海户口，还没找到工作，他能享受什么: all of it is his
        for i in range(first_other + 1, asked_for):
            if not out[i].other_person and not _SELF_MARK.search(out[i].text):
                out[i] = Clause(out[i].text, out[i].question, True, True)
    for i, (clause, following) in enumerate(itertools.pairwise(list(out))):
        if _NOT_ME.search(clause.text) and _BUT_THEM.match(following.text):
            out[i] = Clause(clause.text, clause.question, True)  # 不是我怀孕，是我老婆: said of the other person
    return out


# someone asks for a relative: 帮我女儿问一下 / 替我妈问 / 想问问他能不能参加培训
_PROXY = re.compile(
    rf"(?:帮|替|给)(?:我的?)?{_RELATIVE}(?:问|咨询|打听)|(?:问问|问一下|问下|咨询一下)(?:他|她)|"
    r"(?:他|她)(?:能不能|可不可以|能否|符不符合|有没有资格)"
)
_SELF_TOO = re.compile(r"我自己|我本人|我也")


def speaks_for_another(message: str) -> bool:
    """帮我女儿问一下，她…: the message asks for someone else, and says nothing of the writer (我也…)."""
    return bool(_PROXY.search(message)) and not _SELF_TOO.search(message)


_FIRST_PERSON = re.compile(r"我|本人|俺|咱|自己|来访者|这位|这个阿姨|这个大姐|这个大叔|该人|他|她")
SUPPOSE = re.compile(r"如果|假如|假设|万一|倘若|若是|(?<![主只就还])要是(?!的)|一旦|打个比方")
_SELF_STATE = re.compile(r"[了过着]|[0-9一二三四五六七八九十两半]")
# 听说大学生入伍有补贴: what the writer heard, not what they say of themselves
_HEARSAY = re.compile(r"^(?:我)?(?:听说|据说|听人说|听别人说|听朋友说|网上说|看新闻说|看到新闻)")
_ASKING_FOR = re.compile(r"(?:帮|替|给)(?:我的?)?[^，。我]{1,4}?(?:问|咨询|打听)")


def statement_part(clause: Clause) -> str:
    """The words of a question clause that state something about oneself (before its question words); nothing of
    a supposition (如果我被辞退了 / 万一怀孕了) or of hearsay (听说…)."""
    if SUPPOSE.search(clause.text) or _HEARSAY.search(clause.text):
        return ""
    text = clause.text
    asking_for = _ASKING_FOR.search(text)
    if asking_for:
        text = text[: asking_for.start()]  # 就是想帮我嫂子问问孕妇能领什么: the rest is the other's question
    if not clause.question:
        return text
    match = _QUESTION_WORDS.search(text)
    head = text[: match.start()] if match else text
    if _FIRST_PERSON.search(head) or _SELF_STATE.search(head):
        return head
    return ""


NEGATORS = (
    "并没有",
    "懒得",
    "还没有",
    "从来没",
    "从没",
    "从未",
    "尚未",
    "还未",
    "还没",
    "没有",
    "不是",
    "并非",
    "没",
    "未",
    "不",
    "非",
    "无",
)
# after a phrase: 失业登记还没做 / 失业金没领 / 低保没有
_POST_NEGATION = re.compile(
    r"^(?:的事情?|这事|那事|这个|那个|这块)?(?:我们家|我家|咱家|家里|我们)?[我也还都却]{0,2}(?:一直|至今|始终|迟迟|暂时|目前|到现在|先|暂)?"
    r"(?:(?:还没有|还没|没有|没|未|不)(?:来得及|顾上|时间|空|敢去|敢|去)?(?:[做办弄去领登记认定申请有过批干跑开送当接]|通过|下来|评上|拿到|(?:考虑|打算|想|要|会|需要|用)?(?:了|的|啊|呢)?[，。,!！]?$)"
    r"|(?:不是|并不是)(?:的|啊|呀)?$)"
)
_WHEN = re.compile(r"今年|去年|前年|明年|上个?月|这个?月|年初|年底|(?:19|20)?[0-9]{2}年|[一二三四五六七八九十]+月")


def negated_before(text: str, start: int) -> bool:
    window = text[max(0, start - 10) : start]
    window = re.sub(r"没办法|没法子|没辙|没想到|没准", "", window)  # 没办法只能去找工作: no negation of what follows
    window = re.sub(r"双非|非(?:985|211|重点|名校|全日制)", "", window)  # 双非本科: a kind of college, still a degree
    if re.search(r"(?:不是|并非)(?:我|说)?(?:不|没有?)$", window):
        return False  # 不是不想干活: two negations are a yes
    for neg in NEGATORS:
        pos = window.rfind(neg)
        if pos < 0:
            continue
        between = window[pos + len(neg) :]
        if neg == "不" and re.match(r"下去|行|好|错|少|多|久|到|住|了|够|停|断|善|景气|佳|济|理想|稳", between):
            continue  # 经营不下去 / 生意不行 / 经营不善: not a negation of what follows
        # 不是…是 / 但 between cancels; a few characters of other words may stand between (没被认定 / 不在上海住)
        if ("是" in between and neg != "不是") or "但" in between:
            continue
        if re.search(r"就|于是|所以|才|后来", between):
            return False  # 不想干了就辞职了: the negation ends where the next thing that happened begins
        if neg == "不是" and (_WHEN.search(between) or re.match(r"因为|由于", between)):
            return False  # 不是今年毕业的 / 不是因为疫情被裁的: the time or reason is denied
        return len(between) <= 6
    return False


def negated_after(text: str, end: int) -> bool:
    return bool(_POST_NEGATION.match(text[end : end + 8]))


# said of before, not of now: 以前是低保户 / 之前在饭店做
PAST = re.compile(r"以前|之前|原来|曾经|过去|早年|之前在")
