"""Read the contract facts a person states in one message (normalised text), clause by clause.

`read(text, asked=..., known=..., as_of=...)` → `Reading`:
- the message is cut into clauses (，。；！？ and 但是/不过/而且/也 …); a negation decides the value of the fact in
  its own clause only, before the phrase (还没认定) or right after it (失业登记还没做);
- phrases come from rules.FACTS (`read:` of each fact; longest phrase first), numbers and times from the
  parsers (age, time out of work, graduation year, points in time against `as_of`), places and colleges from
  `data/places.yml`;
- in a question (吗、怎么、去哪里、能不能 …) only what comes before the question words and is said of oneself
  counts (我失业了能领失业金吗 states 失业; 那我去哪里做失业登记 states nothing);
- a clause about someone else (我老公失业了) states nothing about the writer;
- a short reply to the pending question (`asked`) is read as its answer: 是的 / 还没 / 都不是 / 五十出头 / 不知道.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rules.facts import FACTS
from understanding.english import to_chinese
from understanding.lexicon import Assignment, patterns, phrase_table, places
from understanding.numbers import NUMBER, chinese_to_int, parse_duration, parse_year
from understanding.times import AGO, POINT, RECENT, months_since, months_since_point

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
_CLAUSE_BREAK = re.compile(r"[，,。;；！!？?\n、:：—~～]+|但是|但(?![凡愿])|可是|不过|而且|并且|然后|所以|只是|另外")
_QUESTION_WORDS = re.compile(
    r"能不能|可不可以|可以吗|能否|是否|会不会|要不要|有没有|有什么|有啥|有哪些|怎么|怎样|如何|哪里|哪儿|去哪|在哪|哪些|"
    r"什么|多少|(?<![了过好这那十])几个|能领|能申请|可以申请|能享受|可以享受|能拿|可以拿|该怎么|吗|\?|？"
)
_FIRST_PERSON = re.compile(r"我|本人|俺|咱|自己|来访者|这位|这个阿姨|这个大姐|这个大叔|该人|他|她")
_FUTURE = re.compile(
    r"(?:快要|将要|就要|即将|马上|下个?月|下周|下礼拜|明年|(?<![0-9一二三四五六七八九十上])月底)[^，。]{0,3}$|(?<![不只])要被?$"
)
# feared or pressed for, not (yet) so: 担心被辞退 / 怕被裁 / HR在逼我主动离职 (逼我离职了 is so)
_FEARED = re.compile(r"(?:担心|害怕|怕|生怕|担忧|恐怕|可能|会不会|到时候?)[^，。]{0,3}$")
_PRESSED = re.compile(r"(?:逼|劝|催|让|叫|要求|暗示)着?我[^，。]{0,3}$")
_SUPPOSE = re.compile(r"如果|假如|假设|万一|倘若|若是|(?<![主只就还])要是(?!的)|一旦|打个比方")
_SELF_STATE = re.compile(r"[了过着]|[0-9一二三四五六七八九十两半]")
# a clause whose subject is someone else: 我老公失业了, 老公是农民工, 我妈让我来问问
_OTHER_PERSON = re.compile(
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
# someone asks for a relative: 帮我女儿问一下 / 替我妈问 / 想问问他能不能参加培训
_PROXY = re.compile(
    rf"(?:帮|替|给)(?:我的?)?{_RELATIVE}(?:问|咨询|打听)|(?:问问|问一下|问下|咨询一下)(?:他|她)|"
    r"(?:他|她)(?:能不能|可不可以|能否|符不符合|有没有资格)"
)
_SELF_TOO = re.compile(r"我自己|我本人|我也")
# an intention is not a status: 想自己创业 / 毕业后想留在上海工作 / 打算开店
_INTENT = re.compile(r"(?:想|打算|准备|计划|希望|想要|考虑|盼着)[^，。]{0,4}$")
_FAMILY_LEVEL = frozenset({"minimum_living_allowance", "low_income_rural_household", "hardship_groups"})
_PERSONAL_GROUPS = frozenset(
    {"disabled", "released_prisoner", "drug_rehab", "older_unemployed", "long_term_unemployed_youth"}
)
# 孩子刚满月还在哺乳期: a baby's age or feeding tells the mother's situation
# 供孩子读书 / 小孩还在读小学: a child's schooling, not the writer's
_SOMEONE_STUDIES = re.compile(r"(?:孩子|儿子|女儿|闺女|小孩|娃|宝宝|孙子|孙女|弟弟|妹妹|供)[^，。]{0,6}$")
# the employment status said of now wins over one said of before (以前在饭店…倒闭了，我现在在送外卖)
_NOW = re.compile(r"现在|目前|如今|眼下|当前")
# 听说大学生入伍有补贴: what the writer heard, not what they say of themselves
_HEARSAY = re.compile(r"^(?:我)?(?:听说|据说|听人说|听别人说|听朋友说|网上说|看新闻说|看到新闻)")
_CHILD = re.compile(r"^(?:我的?|俺的?)?(?:孩子|宝宝|娃|小孩|儿子|女儿|闺女)")
_PAST = re.compile(r"以前|之前|原来|曾经|过去|早年|之前在")

_UNEMPLOYMENT_WORDS = re.compile(
    r"失业|没工作|没有工作|没上班|没有上班|没在上班|待业|下岗|被辞|辞退|被裁|裁员|裁了|辞了|离职|辞职|倒闭|解除|没续|不续|到期|没活|"
    r"歇着|待着|呆着|闲着|没找到|尚未就业|未就业|没就业|无业|丢了工作|被开|开除|炒了|蹲|不干了|停工|歇业|赋闲|在家|关门|关的门"
)
# a duration that is how long someone did something else: 干了二十年, 怀孕五个月, 住了八年, 戒了两年
_OTHER_DURATION = re.compile(
    r"(?:干了|工作了|做了|上了|上班|干过|做过|工龄|怀孕|怀了|孕|住了|住|待了|呆了|生活了|戒了|服刑|判了|读了|学了|开了|跑|"
    r"送|领了|交了|缴了|打工|来上海|在上海|毕业|隔离|关了|坐了|找工作|找活|找了|生完|生了|生下|出生|宝宝|孩子|娃|活干|差|还有|还要)[^，。]{0,3}$"
)
# a span of time; months need 个 (三个月), since 三月 is March
_DURATION = re.compile(
    rf"(?:{NUMBER}|几)(?:个)?(?:多|来)?(?:个)?(?:半)?年(?:半|多)?(?:零(?:{NUMBER})个月)?|(?:{NUMBER}|几|半)(?:个)(?:多|半)?月|"
    rf"半年多?|大半年|(?:{NUMBER}|几)(?:个)?(?:多)?(?:星期|礼拜|周|天)"
)
_NEUTRAL_WORDS = re.compile(r"失业登记|登记失业|失业保险金|失业保险|失业金|失业证")
_JUST_LOST = re.compile(
    r"(?:刚|才|刚刚)[^，。不没要想找]{0,10}(?:失业|被辞|辞退|被裁|裁员|离职|辞职|下岗|没了工作|丢了工作|开除|解除|到期|炒|辞|裁)"
)
_RELEASED = re.compile(r"监狱|出狱|刑满|释放|服刑|坐牢|看守所|戒毒所|强制隔离戒毒|判了")
_SINCE_POINT = re.compile(
    r"劝退|解约|资遣|让我走|被辞|辞退|被裁|裁员|裁了|辞了|炒|离职|辞职|裸辞|优化|撤|关了|下岗|失业|没上班|没工作|倒闭|解除|到期|不续|没续|开除|不干|停工|没了|丢了|歇|出来|完工|"
    r"关门|关的门|才走|刚走|走的|走了|离开|精简|遣散|砍|辞的|裁的|把我|到现在|至今|以来|开始|就"
)
_AGE = (
    re.compile(rf"(?P<n>{NUMBER})(?:多|来)?(?:岁|周岁)"),
    re.compile(rf"(?:今年|年龄|年纪|岁数)(?:是|有|已经|刚好|刚满|刚|满|正好|才|都)?(?P<n>{NUMBER})(?!年|个|月|届)"),
    # 现在三十九 / 目前52了: a number said of now, with nothing after it
    re.compile(
        r"(?:现在|目前|如今)(?:已经|都)?(?P<n>[二三四五六七八九]十[一二三四五六七八九]?|[1-9][0-9])(?=岁|了|$|[，,。 ])"
    ),
    re.compile(
        r"(?:我|本人|俺|来访者|男|女|[男女]性|大叔|阿姨|大姐|大爷|大妈|大哥|老伯|伯伯|小伙子?|姑娘|老人家?|男士|女士)"
        r"[，,、 ]?(?:已经|都|快|才|今年)?"
        r"(?P<n>[0-9]{2}|[一二三四五六七八九十]{2,3})(?:了|岁|[，,、 ]|$)"
    ),
    re.compile(r"(?:^|[，,、 ])(?:男|女)[，,、 ](?P<n>[0-9]{2})(?![0-9年个月届])"),
    re.compile(
        r"(?:刚满|已满|满)(?P<n>[二三四五六七八九]十[一二三四五六七八九]?|十[六七八九]|[1-9][0-9])(?:岁|周岁)?(?:了|啦|$)"
    ),
    re.compile(r"(?P<n>[一二三四五六七八九]十)(?:出头|多|好几)(?!年|个|天|月|万|块|元|斤|公里|小时|次|岁的)"),
    re.compile(r"(?P<n>[一二三四五六七八九]十[一二三四五六七八九][一二三四五六七八九])(?!个|年|月)"),
    re.compile(r"(?:才|都|已经|快)(?P<n>[二三四五六七八九]十[一二三四五六七八九]?)(?:岁|了)?$"),
    re.compile(
        r"^(?P<n>[二三四五六七八九]十[一二三四五六七八九]?|[1-9][0-9])岁?$"
    ),  # 二十三，…: a first clause that is a number
    # 二十八了 / 她五十七了 / 52了: a number of years said alone is an age
    re.compile(
        r"(?:^|[，,、 我她他俺])(?:今年|已经|都|快)?"
        r"(?P<n>[二三四五六七八九]十[一二三四五六七八九]?|[1-9][0-9])(?:了|啦)(?:$|[，,。！!吧]|还|也|都|就|却)"
    ),
)
_AGE_THEN = re.compile(r"的时候|那年|那会|时候?|就|起|开始")
_AGE_OTHER = re.compile(r"岁的(?:孩子|儿子|女儿|宝宝|小孩|娃)|岁以上|岁以下|岁以内|周岁以")
_YEAR_FORMS = (
    re.compile(r"(?P<y>(?:19|20)?[0-9]{2})\s*(?:届|界)"),
    re.compile(r"(?P<y>(?:19|20)[0-9]{2}|[0-9]{2}|[一二〇零三四五六七八九]{2,4})年[^，。]{0,12}毕业(?!班)"),
    re.compile(r"毕业于(?P<y>(?:19|20)[0-9]{2})"),
    re.compile(r"(?P<y>(?:19|20)[0-9]{2})\s*(?:毕业生|毕业)"),
    re.compile(r"(?P<y>今年|去年|前年|明年|后年)(?:[^，。]{0,12})毕业(?!班)"),
)
_JUST_GRADUATED = re.compile(r"刚毕业|刚刚毕业|才毕业|毕业不久|刚从[^，。]{1,10}毕业|应届毕业")
# the writer speaks for an employer (not: 公司的HR说合同不续了)
_EMPLOYER = re.compile(
    r"我是[^，。]{0,12}(?:HR|人事|老板|负责人|经理|招聘)|在[^，。]{0,10}(?:做|负责|管|当)[^，。]{0,2}(?:HR|人事|招聘)|作为(?:HR|人事|企业|单位|老板)|(?:HR|人事)(?:想|问|咨询|请问)|"
    r"我们是一家|我们(?:是)?(?:做(?!家长|父母|爸妈|子女|儿女|孩子|老人)|开|[^，。家]{0,6}(?:公司|企业|店|厂|酒店|饭店|餐厅|旅行社|单位|机构|馆|民宿|宾馆|院|房))|"
    r"我们[^，。]{0,5}(?:想|要|打算|准备)招|我们是(?:一家|家|个)?[^，。]{1,8}(?:公司|企业|厂|机构|单位)|"
    r"本公司|我司|企业主|用人单位|想招[^，。]{0,4}(?:人|员|工|个|名)|(?:想|要|准备|打算)招(?!生|考|聘会)|"
    r"(?:公司|单位|店里|我们|厂里)(?:想|要|打算|准备)?招|想招(?:人|几个|一批|些)|招几个|招一批|招用"
)
# 我们厂八月初关门了 / 我们公司把我裁了: a worker of the place, not its employer (unless hiring is said)
_OUR_WORKPLACE_LOST = re.compile(
    r"^(?!.*(?:招|人事|HR|老板|负责人|经理|我司|本公司|用人单位|吸纳|稳岗|员工|职工))"
    r".*我们(?:的|那个|这个|那家|这家)?(?:厂|厂子|公司|单位|店)[^，。]{0,8}(?:关门|倒闭|关了|黄了|把我|裁了我|辞了我|不要我)"
)
# a reply of one word to the status question that the phrases read only with more words
_BARE_CHOICE: dict[Any, tuple[str, ...]] = {
    "employed": ("上班", "工作", "有工作", "上着班", "在上班", "上班族", "打工"),
    "unemployed": ("没", "没有", "无", "待业", "在家", "没事做"),
    "student": ("读书", "上学", "在读"),
}
_DONT_KNOW = re.compile(r"不知道|不清楚|不确定|不太清楚|说不好|说不准|忘了|不记得|记不清|不晓得|不懂|没概念|搞不清")
_YES = re.compile(
    r"^(?:嗯+|恩|是+|是的|是啊|是呀|对+|对的|对啊|对呀|没错|有|有的|有啊|对头|当然|肯定|确实|算是|算|在|在的|已经|办了|领了|"
    r"办过|办好|做过|做了|弄过|弄好|登记了|登记过|认定了|认定过|"
    r"要|想|会|打算|有这个打算|有这个想法|有打算|有想法|可以|好的|yes|yeah|yep)"
)
_NO = re.compile(
    r"^(?:哪有|哪里有|哪儿有|不是|不|没有|没|无|否|还没|还没有|未|都不是|都没有|都没|一个都没有|啥都没|没呢|no|nope|nah)"
)
_NONE_OF_THEM = re.compile(
    r"都不是|都没有|都没|都不|一个都不|哪个都不|没有这些|没这些|以上都不|全都不|都不符合|都不属于|啥都不是|无"
)
# dialect and slang read as standard words before anything else (木有 is 没有; 阿拉 is 我)
_DIALECT = (("木有", "没有"), ("莫得", "没有"), ("冇", "没有"), ("没得", "没有"), ("阿拉", "我"), ("侬", "你"),
            ("啥子", "什么"), ("寻着", "找着"), ("寻工作", "找工作"), ("俺", "我"), ("米有", "没有"),
            ("上海宁", "上海人"))  # fmt: skip
_FILLER = re.compile(r"[，。,.!！?？~～…、\s]|吧|啊|呀|呢|哈|嘛|哦|噢|额|呃|的|了|哈哈|吗")
# Cantonese written as it is spoken (我哋係…、冇工開、俾公司炒咗), read as Mandarin when the message has its own
# particles: 系 is 是 only then (关系、中文系 elsewhere), and only where it is no part of a word
_CANTONESE = re.compile(r"咗|嘅|哋|唔|喺|嚟|揾|啲|咩|佢|而家|屋企|冇")
_CANTONESE_WORDS = (("我哋", "我们"), ("佢哋", "他们"), ("你哋", "你们"), ("哋", "们"), ("唔系", "不是"), ("唔", "不"),
                    ("冇工开", "没有工作"), ("冇嘢做", "没事做"), ("有冇", "有没有"), ("冇", "没有"), ("喺", "在"),
                    ("咗", "了"), ("嘅", "的"), ("嚟", "来"), ("揾工", "找工作"), ("揾嘢做", "找事做"), ("揾", "找"),
                    ("啲", "些"), ("咩", "什么"), ("佢", "他"), ("而家", "现在"), ("屋企", "家里"), ("旧年", "去年"),
                    ("年尾", "年底"), ("俾", "被"), ("畀", "被"), ("返工", "上班"), ("做嘢", "工作"),
                    ("休息下", "休息一下"), ("请人", "招人"), ("请些", "招些"), ("点样", "怎样"), ("点解", "为什么"),
                    ("边度", "哪里"), ("几多", "多少"))  # fmt: skip
_CANTONESE_IS = re.compile(r"(?<![关联体派院中文山世直谱星])系(?![统列数])")


def _from_cantonese(message: str) -> str:
    if not _CANTONESE.search(message):
        return message
    for word, standard in _CANTONESE_WORDS:
        message = message.replace(word, standard)
    return _CANTONESE_IS.sub("是", message)


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


@dataclass(frozen=True)
class Clause:
    text: str
    question: bool
    other_person: bool
    carries: bool = False  # the next clause without a subject is about the same other person


@cache
def _employer_by_industry() -> re.Pattern[str]:
    """我们景区… / 我们是一家健身房: we + a business of one of the listed industries speaks for an employer."""
    words = sorted((w for c in FACTS["employer_industry"].options for w in c.says), key=len, reverse=True)
    alternatives = "|".join(map(re.escape, words))
    # 我们是崇明的一家民宿: where it is may stand between
    return re.compile(rf"我们(?:是|这|这个|这家)?(?:[^，。的]{{1,6}}的)?(?:一家|一个|家)?(?:小)?(?:{alternatives})")


def clauses(text: str) -> list[Clause]:
    out: list[Clause] = []
    visitor = bool(_VISITOR.search(text)) or bool(_FOR_THEM.search(text) and not _MY_RELATIVE.search(text))
    named_someone = False
    pieces = _CLAUSE_BREAK.split(text)
    breaks = _CLAUSE_BREAK.findall(text)
    for i, piece in enumerate(pieces):
        ending = breaks[i] if i < len(breaks) else ""
        if not piece.strip():
            continue
        question = bool(_QUESTION_WORDS.search(piece)) or ending in ("?", "？")
        if question and _RHETORICAL.match(piece.strip()) and ending not in ("?", "？"):
            question = False  # 哪有什么失业金: a no, not a question
        someone = _OTHER_PERSON.search(piece)
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


_SELF_MARK = re.compile(r"我|本人|自己|俺|咱")
_SOMEONE_NAMED = re.compile(_OTHER_PERSON.pattern.removeprefix("^"))  # a relative or friend named anywhere
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


_ASKING_FOR = re.compile(r"(?:帮|替|给)(?:我的?)?[^，。我]{1,4}?(?:问|咨询|打听)")
# a neighbour's or a friend's household is not the writer's (我邻居家是低保户)
_NOT_KIN = re.compile(
    r"^(?:是|就是)?(?:我的?|我们|俺的?)?(?:朋友|同事|室友|邻居|老板|领导|上司|老乡|房东|男朋友|女朋友|对象|同学)"
)


def _statement_part(clause: Clause) -> str:
    """The words of a question clause that state something about oneself (before its question words); nothing of
    a supposition (如果我被辞退了 / 万一怀孕了) or of hearsay (听说…)."""
    if _SUPPOSE.search(clause.text) or _HEARSAY.search(clause.text):
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


def _negated_before(text: str, start: int) -> bool:
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
        if neg == "不是" and _WHEN.search(between):
            return False  # 不是今年毕业的（是去年）: the time is denied, not what happened
        return len(between) <= 6
    return False


_WHEN = re.compile(r"今年|去年|前年|明年|上个?月|这个?月|年初|年底|(?:19|20)?[0-9]{2}年|[一二三四五六七八九十]+月")


def _negated_after(text: str, end: int) -> bool:
    return bool(_POST_NEGATION.match(text[end : end + 8]))


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


class _Collector:
    def __init__(self) -> None:
        self.facts: dict[str, Any] = {}
        self.denied: list[str] = []
        self.notes: dict[str, str] = {}
        self.ambiguous: dict[str, tuple[Any, ...]] = {}
        self.bare_degree = False
        self.about_joblessness = True
        self.message = ""  # is_college_graduate came from a bare degree word only (硕士, 本科)
        self.now: set[str] = set()  # facts said of now (现在在送外卖): nothing said of another time overrides them

    def set(self, fact: str, value: Any, *, weak: bool = False, now: bool = False) -> None:
        if fact in self.now and not now:
            return
        if now:
            self.now.add(fact)
        elif weak and fact in self.facts:
            return
        if FACTS[fact].type == "list":
            items = self.facts.setdefault(fact, [])
            if value not in items:
                items.append(value)
            if value in self.denied:
                self.denied.remove(value)
        else:
            self.facts[fact] = value

    def deny(self, fact: str, value: Any) -> None:
        if FACTS[fact].type == "list":
            if value not in self.denied:
                self.denied.append(value)
            items = self.facts.get(fact)
            if items and value in items:
                items.remove(value)


# a bare degree word (大专) is weaker than a statement about oneself: 人家招人都要大专 does not undo 初中文化
_ABOUT_JOBLESSNESS = re.compile(r"失业|没工作|没有工作|待业|下岗|辞|裁|离职|没上班|就业|找工作|工作")
_OTHER_REGISTER = re.compile(
    r"低收入|农户|低保|残疾|居住证|户口|户籍|结婚|婚姻|房|车|营业执照|个体|工商|社区|志愿|献血|出生|学籍|考试|报名|公司|企业|店"
)
_ABOUT_REGISTERING = frozenset({"registered_unemployed", "employment_status", "unemployed_months"})
_DROPPED_OUT = re.compile(r"退学|辍学|肄业|没读完|没念完|不读了|不念了")


def _is_student_fact(a: Assignment) -> bool:
    return a.fact in ("vocational_school_student", "in_graduating_year") or (
        a.fact == "employment_status" and a.value == "student"
    )


_HIRING = re.compile(r"录用|录取|offer|入职通知|聘用|面试")
_BARE_WORDS = frozenset({"本科", "大专", "硕士", "博士", "研究生", "毕业生"})
_CURRENT_ONLY = frozenset({"employment_status", "platform_worker", "hired_as_teacher"})
# a state that is now or not at all: 低保之前吃过 / 想领失业金 / 想要个孩子 do not say it is so now
_DONE_ONLY = frozenset({"registered_unemployed", "hardship_certified", "receiving_unemployment_insurance"})
_NOW_ONLY = frozenset({"minimum_living_allowance", "receiving_unemployment_insurance", "pregnant_or_nursing"})


_DOUBLE_NEGATION = re.compile(r"(?:不是|并不是|也不是|倒不是|并非)(?:我|说|因为我?)?$")  # 不是我不想工作: wants to
_TRAINEE = re.compile(r"实习|见习")
_VOCATIONAL = re.compile(r"职校|技校|中职|高职|职高|中专|职业学校|职业技术学校")
_OTHER_CERTIFICATE = re.compile(r"(?:为|了|过)?[^，。]{0,2}(?:低收入|低保|残疾|困难家庭|贫困)")
_TOPIC_ONLY = re.compile(r"的?(?:风险|成本|门槛|太难|很难|难不难|不容易|不好做)")
# 现在不读了 / 早就不上学了 (of a vocational school): no longer its student
# 学历就是中专 / 中专毕业: the schooling the writer had, not a vocational school they were at
_SCHOOLING_TOLD = re.compile(
    r"(?:学历|文化)[^，。]{0,4}(?:中专|技校|职高|中技)|(?:中专|技校|职高|中技)(?:学历|文化|毕业)"
)
_STOPPED_SCHOOL = re.compile(r"(?:现在|已经|早就|早)(?:不|没|没有)(?:读|上学|念|在读|上)(?:了|书)?")
_NOT_A_JOB = re.compile(r"[^，。]{0,5}(?:实习|房子|房|对象|学校|培训|补习|中介|律师|人问|人咨询)")


def _negation(text: str, m: _Match) -> bool:
    """Whether a negation turns the phrase round; a phrase that is itself negative (没在喂奶) is turned only by
    a 不是 right before it (不是不想上班: wants to)."""
    if text[m.start : m.end].startswith(NEGATORS):
        return bool(_DOUBLE_NEGATION.search(text[: m.start]))
    return _negated_before(text, m.start) or _negated_after(text, m.end)


def _read_phrases(clause_text: str, clause: Clause, out: _Collector) -> list[_Match]:
    matches = _phrase_matches(clause_text)
    past = bool(_PAST.search(clause_text))
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
            elif fact.type == "bool":
                out.set(a.fact, not a.value)
            elif fact.type == "list":
                out.deny(a.fact, a.value)
    return matches


def _read_message_patterns(message: str, out: _Collector) -> None:
    for pattern in patterns():
        m = pattern.regex.search(message) if pattern.scope == "message" else None
        if not m:
            continue
        clause_start = max((b.end() for b in _CLAUSE_BREAK.finditer(message, 0, m.start())), default=0)
        negated = _negated_before(message[clause_start:], m.start() - clause_start)
        for a in pattern.assignments:
            if not negated:
                out.set(a.fact, a.value, weak=True)
            elif a.primary and FACTS[a.fact].type == "bool":
                out.set(a.fact, not a.value, weak=True)


@cache
def _place_patterns() -> dict[str, re.Pattern[str]]:
    """The place and college readings, each one alternation compiled once (200 places × a regex each would not)."""
    lists = places()
    provinces = "|".join(map(re.escape, lists["provinces_and_cities"]))
    return {
        "shanghai_college": re.compile("|".join(map(re.escape, lists["shanghai_colleges"]))),
        "other_college": re.compile("|".join(re.escape(n) for n in lists["other_colleges"] if len(n) > 2)),
        "other_college_short": re.compile("|".join(re.escape(n) for n in lists["other_colleges"] if len(n) == 2)),
        # 本科在UK读的, 在国外读的大学
        # 本科在UK读的, 在国外读的大学, 英国硕士毕业, 澳洲留学回来
        "abroad": re.compile(
            rf"(?:在)?(?:{'|'.join(map(re.escape, lists['abroad']))})"
            r"(?:读|上|念|留学|的?(?:大学|学校)(?:读|上|念)|的?(?:大学|硕士|本科|博士|研究生)[^，。]{0,2}毕业)"
        ),
        # 武汉读的 (in a message about college)
        "read_in": re.compile(rf"(?:{provinces})(?:的[^，。的]{{1,8}})?(?:读|上|念)的"),
        # 南京大学, 武汉理工: a place and a kind of college
        "college_elsewhere": re.compile(
            rf"(?:{provinces})(?:的)?[^，。的]{{0,6}}(?:大学|学院|师范|理工|财经|工业|农业|医科)"
        ),
        # 大学在武汉读的, 学校在河南
        "studied_elsewhere": re.compile(rf"(?:大学|本科|大专|研究生|书|学校)(?:是)?在(?:{provinces})(?:读|上|念)?"),
        # 在杭州读的 (in a message about college)
        "studied_in": re.compile(rf"在(?:{provinces})(?:读|上|念)(?:的|书)"),
        "place": re.compile(provinces),
    }


# a graduation that has happened (not 明年毕业, 快毕业, 还没毕业, 毕业后想…)
_GRADUATED = re.compile(r"(?<!明年)(?<!后年)(?<![快要没将])毕业(?![后以之班季生])")
_TO_GRADUATE = re.compile(r"(?:明年|后年|快|要|将|即将|马上)毕业")
_LATER = re.compile(
    r"以后|之后|后来|过了|接着|后"
)  # 四月进了方舱，出来以后…: the dismissal came later, when is not said
_COLLEGE_FACTS = frozenset({"graduated_from_shanghai_college", "is_college_graduate", "graduation_year"})
_COLLEGE_CONTEXT = re.compile(r"大学|本科|大专|研究生|毕业|高校|学院|大[一二三四]|研[一二三]")


def _read_places(text: str, message: str, out: _Collector, asked: Sequence[str] = ()) -> None:
    patterns = _place_patterns()
    for m in patterns["shanghai_college"].finditer(text):
        name = m.group(0)
        if len(name) == 2 and text[m.end() : m.end() + 1] == "学":  # 上大学 is not 上大
            continue
        out.set("graduated_from_shanghai_college", not _negated_before(text, m.start()))
        if (
            re.search(r"毕业", text[m.end() : m.end() + 8])
            or "毕业于" in text[max(0, m.start() - 6) : m.start()]
            or re.search(r"毕业于|毕业生", message)
        ):
            if "is_college_graduate" not in out.facts:
                out.bare_degree = True  # 在交大读，明年毕业生: undone below if the writer is still studying
            out.set("is_college_graduate", True, weak=True)
        return
    about_college = bool(_COLLEGE_CONTEXT.search(message)) or bool(set(asked) & _COLLEGE_FACTS)
    elsewhere = bool(
        patterns["other_college"].search(text)
        or patterns["college_elsewhere"].search(text)
        or patterns["studied_elsewhere"].search(text)
        or patterns["abroad"].search(text)
        or (about_college and patterns["studied_in"].search(text))
        or (about_college and patterns["read_in"].search(text))
        or (about_college and patterns["other_college_short"].search(text))
    )
    if elsewhere:
        out.set("graduated_from_shanghai_college", False)
        if "毕业" in message and not re.search(r"大[一二三四]|研[一二三]|在读|读书", message):
            out.set("is_college_graduate", True, weak=True)
    if _PAST.search(text) and re.search(r"户口|户籍|是", text):
        return  # 户口刚迁到上海，之前是江苏的: where the person was from, not where the hukou is
    for m in patterns["place"].finditer(text):
        before, after = text[max(0, m.start() - 4) : m.start()], text[m.end() : m.end() + 4]
        college_place = re.match(r"^(?:的大学|大学|师范|理工|财经|读|上的|念|工业|农业|医科|学院|科技)", after)
        if college_place and not before.endswith("老家"):
            continue  # 武汉读的大学 is where the college was (but 在老家江西读的: also where the writer is from)
        if (
            re.search(r"在$|去$|到$", before)
            and not re.search(r"(?:户口|户籍)[^，。]{0,4}在$|老家在$|家在$", text[max(0, m.start() - 8) : m.start()])
            and not after.startswith("老家")
        ):
            continue
        out.set("shanghai_hukou", False)
        if re.search(r"农村|乡下|村里", text[m.start() : m.end() + 4]):
            out.set("migrant_worker", True, weak=True)


# 还没满十八 / 不到三十 / 快六十了: near an age, not the age (left out, as the blind sets' conventions say)
_ABOUT_AN_AGE = re.compile(r"(?:没满|不满|未满|不到|没到|快|将近|接近|奔)$")


def _read_age(text: str, out: _Collector) -> None:
    if _AGE_OTHER.search(text):
        return
    for pattern in _AGE:
        m = pattern.search(text)
        if m and _AGE_THEN.match(text, m.end()):
            continue  # 十七岁就出来了: an age at some time before, not now
        if m:
            n = chinese_to_int(m.group("n"))
            if n is None and len(m.group("n")) == 4:  # 三十五六: the lower of two ages
                n = chinese_to_int(m.group("n")[:3])
            if n is not None and 10 <= n <= 120 and not _ABOUT_AN_AGE.search(text[: m.start("n")]):
                out.set("age", n)
                return


def _read_year(text: str, as_of: dt.date, out: _Collector) -> None:
    for pattern in _YEAR_FORMS:
        m = pattern.search(text)
        if not m or re.search(r"不是[^，。]{0,3}$", text[: m.start()]):
            continue  # 不是前年毕业的: a year denied
        year = parse_year(m.group("y"), as_of)  # 毕业两年了 is left out: the blind sets never read a year from it
        if year is not None and 1940 <= year <= as_of.year + 6:
            out.set("graduation_year", year)
            return
    if _JUST_GRADUATED.search(text) and "应届" not in text and "graduation_year" not in out.facts:
        if as_of.month >= 6:
            out.set("graduation_year", as_of.year, weak=True)
        else:  # 刚毕业 in spring: last summer's graduate, or one graduating this year? asked, not guessed
            out.ambiguous["graduation_year"] = (as_of.year - 1, as_of.year)


_YEAR_DENIED = re.compile(r"不是[^，。]{0,3}(?:今年|去年|前年|明年|[0-9]{2,4}年)[^，。]{0,6}毕业")


def _read_bare_year(text: str, message: str, as_of: dt.date, out: _Collector) -> None:
    """研究生毕业，2021年: a clause that is only a year, in a message about graduating."""
    m = re.fullmatch(r"(?:是|在)?(?P<y>(?:19|20)[0-9]{2}年?|[0-9]{2}年)(?:的)?", text)
    if not m and _YEAR_DENIED.search(message):  # 不是今年毕业的，是去年: the year said instead
        m = re.fullmatch(r"(?:而|其实)?是(?P<y>今年|去年|前年|明年)(?:毕业)?(?:的)?", text)
    if m and "毕业" in message and "graduation_year" not in out.facts:
        year = parse_year(m.group("y"), as_of)
        if year is not None and 1940 <= year <= as_of.year + 6:
            out.set("graduation_year", year)


def _read_months(text: str, message: str, asked: Sequence[str], known: Mapping[str, Any], as_of: dt.date,
                 out: _Collector) -> None:  # fmt: skip
    """Time out of work: a duration, a point in time or 刚失业, when it is about being out of work."""
    text = _NEUTRAL_WORDS.sub("", text)  # 失业登记上个礼拜办的: the registration's time, not the job's
    if _RELEASED.search(message) and re.search(r"出来|出狱|释放|放出来", text):
        return  # 从监狱出来三个月了 / 刑满释放，上个月刚出来: the time since release, not since a job ended
    about_work = bool(_UNEMPLOYMENT_WORDS.search(text))
    told_unemployed = (
        out.facts.get("employment_status") == "unemployed"
        or known.get("employment_status") == "unemployed"
        or "unemployed_months" in asked
    )
    just = _JUST_LOST.search(text)
    if (
        just
        and not (RECENT.search(text) or AGO.search(text) or POINT.search(text))
        and not _DURATION.match(text, just.end())  # 我才失业两个月: 才 says it is not long, the span says how long
    ):
        out.set("unemployed_months", 0)  # 刚被辞 (but 上个月刚被辞: the month says when)
        return
    for m in _DURATION.finditer(text):
        span = m.group(0)
        if re.match(r"[0-9]{4}", span) or re.match(r"[^，。]{0,3}(?:毕业|届)|代", text[m.end() :]):
            continue  # 2020年 is a year; 12年毕业 a graduation; 九十年代 a decade
        before = text[: m.start()]
        if re.search(r"(?:不是|并非)$", before):
            continue
        if AGO.match(text[m.start() :]):
            break  # 半年前被辞: a point in time, read below
        jobless_before = re.search(rf"(?:{_UNEMPLOYMENT_WORDS.pattern})[^，。]{{0,3}}$", before)
        if _PAST.search(before) and not _UNEMPLOYMENT_WORDS.search(before):
            continue  # 以前在江上打了二十多年鱼: how long the earlier work lasted
        if (
            _OTHER_DURATION.search(before)
            and not jobless_before
            and not (told_unemployed and re.search(r"(?:到现在|至今|到今天|一直)[^，。]{0,3}$", before))
        ):
            continue
        if re.match(r"[^，。]{0,2}(?:前|以前|之前|后|以后|之后)", text[m.end() :]):
            continue
        if re.match(r"(?:的)?(?:工资|薪水|薪资|房租|社保|公积金|补贴|的假|假)", text[m.end() :]):
            continue  # 三个月工资没拿到: money owed, not time out of work
        if not (about_work or told_unemployed):
            continue
        duration = parse_duration(span)
        if duration is None:
            continue
        out.set("unemployed_months", duration.months)
        if duration.at_least:
            out.notes["unemployed_months"] = f"按{duration.describe()}记"
        return
    point_text = text
    if RECENT.search(point_text) or AGO.search(point_text) or POINT.search(point_text):
        since_verb = bool(_SINCE_POINT.search(point_text))
        # 上个月的事 / 去年底吧: a clause that only names the time of an event told in another clause
        only_time = not re.sub(
            rf"{RECENT.pattern}|{AGO.pattern}|{POINT.pattern}|的事|的时候|那会儿?|左右|大概|差不多|就是|是|在|吧|了|呢|啊|开始|的",
            "",
            point_text,
        )
        if only_time and out.facts.get("employment_status") == "unemployed":
            since_verb, about_work = True, True
        if since_verb and (about_work or told_unemployed):
            point = POINT.search(point_text)
            if point and re.search(r"毕业", point_text[point.end() : point.end() + 6]):
                return  # 去年夏天毕业: a graduation year, not time out of work
            months = months_since(point_text, as_of)
            if months is not None:
                out.set("unemployed_months", months)


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


def _read_workplace_closed(message: str, out: _Collector) -> None:
    """公司倒闭了 / 之前在超市做收银，去年底超市关门了 / 公司经营不下去了，五月份关的门: the writer's workplace closed,
    so the writer is out of work (not when it is about to close, someone else's, or supposed). A shop counts only
    where the message says the writer worked there (我家楼下的超市关门了 says nothing about the writer)."""
    if "employment_status" in out.facts:
        return
    for m in _CLOSED.finditer(message):
        if _NOT_CLOSED_YET.search(m.group("gap").replace("不下去", "")):
            continue
        clause_start = max((b.end() for b in _CLAUSE_BREAK.finditer(message, 0, m.start())), default=0)
        head = message[clause_start : m.start()]
        if _OTHER_PERSON.match(message[clause_start:]) or _SUPPOSE.search(head + m.group("gap")):
            continue
        if re.fullmatch(_SHOPS, m.group("place")) and not _WORKED_THERE.search(message):
            continue
        out.set("employment_status", "unemployed", weak=True)
        return


_BUSINESS = re.compile(
    r"(?:做|开)(?P<a>[^，。的]{1,6})的|(?P<b>[\u4e00-\u9fffA-Za-z]{1,6}?)(?:公司|企业|工厂|厂|机构|工作室)"
)
_NOT_A_BUSINESS = re.compile(r"^(?:一家|一个|这家|那家|我们|我们的|本|贵|咱们|的|家|个|小|大|某|人|啥|什么)+$")


_ECHO_NO = re.compile(r"(?:不是|没有|没|不|还没|还没有|未|并没有)(?:的事|事|过|呢|弄|办|做|打算|考虑|想|有|去)*")
# key words that echo a question although they state nothing alone: 登记？还没 / 工作？木有
_ECHO_WORDS: dict[str, tuple[str, Any, Any]] = {
    "登记": ("registered_unemployed", True, False),
    "工作": ("employment_status", "employed", "unemployed"),
    "上班": ("employment_status", "employed", "unemployed"),
}
_TOPIC_END = re.compile(r"(?:的话|呢|吗|嘛)$")
_ECHO_YES = re.compile(r"(?:是|对|有|嗯|当然|肯定是)(?:的|啊|呀)?")


def _read_echoed_questions(all_clauses: list[Clause], out: _Collector) -> None:
    """怀孕？没有的事 / 本市户籍？我不是 / 低保——不是: a yes/no fact echoed, then a bare answer to it.

    The echo is a question (它？) or the key word alone; the answer is nothing but yes or no.
    """
    for clause, reply in itertools.pairwise(all_clauses):
        topic = _TOPIC_END.sub("", clause.text)  # 失业登记的话，还没有: a topic, then its answer
        core = _FILLER.sub("", re.sub(r"^(?:我|俺)", "", reply.text))
        if _FILLER.sub("", topic) in _ECHO_WORDS:
            if clause.question or topic != clause.text:
                fact, yes, no = _ECHO_WORDS[_FILLER.sub("", topic)]
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
        word_alone = len(matches) == 1 and _FILLER.sub("", topic) == topic[matches[0].start : matches[0].end]
        if not (clause.question or word_alone):
            continue
        if _ECHO_NO.fullmatch(core):
            out.set(fact, False)
        elif _ECHO_YES.fullmatch(core):
            out.set(fact, True)


_ME_TOO = {"我是": True, "我有": True, "我不是": False, "我没有": False, "我没": False,
           "我也是": None, "我也有": None, "我也不是": False, "我也没有": False, "我也没": False}  # fmt: skip


def _read_me_too(all_clauses: list[Clause], out: _Collector) -> None:
    """我老公不是上海户口，我是 / 她是残疾人，我也是: a yes/no fact said of someone else, then of the writer in two
    words (也: the same value)."""
    for clause, reply in itertools.pairwise(all_clauses):
        answer = _ME_TOO.get(_FILLER.sub("", reply.text), "")
        if answer == "" or not clause.other_person:
            continue
        theirs = _Collector()
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


def _read_no_longer(all_clauses: list[Clause], out: _Collector) -> None:
    """以前是低保户，现在不是了 / 以前在美团跑外卖，现在不跑了: what was so before (yes/no facts) is not so now."""
    for clause, following in itertools.pairwise(all_clauses):
        if clause.other_person or not _PAST.search(clause.text) or not _NO_LONGER.fullmatch(following.text):
            continue
        before = _Collector()
        before.message = out.message
        then = _PAST.sub("", clause.text)
        _read_phrases(then, Clause(then, False, False), before)
        for fact, value in before.facts.items():
            if FACTS[fact].type == "bool" and value is True:
                out.set(fact, False, now=True)


def _read_industry(text: str, out: _Collector) -> None:
    # an employer message that names its business but none of the listed industries: any other business
    if "employer_industry" in out.facts:
        return
    for choice in FACTS["employer_industry"].options:
        if any(word in text for word in choice.says):
            out.set("employer_industry", choice.value)
            return
    if re.search(r"我们是一家[^，。]{2,}|我们是(?:一个|个)[^，。]{2,}", text):
        out.set("employer_industry", "其他")  # 我们是一家幼儿园: a business, none of the listed industries
        return
    for m in _BUSINESS.finditer(text):
        business = m.group("a") or m.group("b") or ""
        business = re.sub(r"^(?:是|我是|我们是)?(?:一家|一个|这家)?", "", business)
        if business and not _NOT_A_BUSINESS.match(business) and not business.endswith("的"):
            # (招用高校毕业生的企业: which companies, not the writer's)
            out.set("employer_industry", "其他")
            return


def _none_of_several(core: str) -> bool:
    """都没有 to a question of several options, or a bare 不是 / 没有 (以下情况有符合您的吗？—不是)."""
    return bool(_NONE_OF_THEM.search(core) or _NO.fullmatch(core))


_HOW_OR_WHERE = re.compile(r"(?:该|要|应该)?(?:去哪|怎么|在哪|哪里|要带|带什么|什么|流程|手续|找谁)")


def _bare_answer(text: str, asked: str, as_of: dt.date, out: _Collector, unknown: list[str]) -> None:
    fact = FACTS[asked]
    core = _FILLER.sub("", text)
    stripped = re.sub(r"^(?:就是|就|只是|只有|只)(?=.)", "", core)  # 就初中
    core = re.sub(r"^(?:暂时|目前|现在|眼下|先|还)(?=[不没])", "", core)  # 暂时不考虑
    core = re.sub(r"^(?:应该|好像|大概|估计|可能|貌似|我记得|印象中)(?:是)?(?=[不没还是有对])", "", core)  # 应该没有
    if not core:
        return
    dont_know = _DONT_KNOW.search(text)
    first = _CLAUSE_BREAK.split(text)[0]
    if dont_know and _HOW_OR_WHERE.match(text, dont_know.end()) and not _DONT_KNOW.search(first):
        return _bare_answer(first, asked, as_of, out, unknown)  # 还没呢，不知道去哪办: the answer, then a question
    if dont_know:
        unknown.append(asked)
        return
    if fact.type == "bool":
        spec = fact.read
        if any(stripped.startswith(_FILLER.sub("", a)) for a in spec.answers_false):
            out.set(asked, False)
        elif any(stripped.startswith(_FILLER.sub("", a)) for a in spec.answers_true):
            out.set(asked, True)
        elif _NO.match(core):
            out.set(asked, False)
        elif _YES.match(core) or _YES.match(text.strip()):  # 办了办了 (了 is filler to `core`)
            out.set(asked, True)
    elif fact.type == "list":
        if _NONE_OF_THEM.search(core) or _NO.match(core):
            out.facts.setdefault(asked, [])
    elif fact.type == "int":
        if asked == "age":
            fixed = re.search(rf"是(?P<n>{NUMBER})岁?不是|不是{NUMBER}岁?是(?P<m>{NUMBER})", core)
            if fixed:  # 刚才打错了，是38不是36: the number said instead
                core = fixed.group("n") or fixed.group("m")
            n = chinese_to_int(re.sub(r"[岁了吧啊周]", "", core))
            if n is not None:  # out of range (5, 150) is refused by the form, with a message
                out.set("age", n)
        elif asked == "unemployed_months":
            point = months_since(core, as_of)
            d = None if point is not None else parse_duration(core)
            months = point if point is not None else (d.months if d else None)
            if months is not None:
                out.set("unemployed_months", months)
                if d and d.at_least:
                    out.notes["unemployed_months"] = f"按{d.describe()}记"
        elif asked == "graduation_year":
            year = parse_year(core, as_of)
            if year is not None:
                out.set("graduation_year", year)
    elif fact.type == "enum":
        # the choice's own label (the button: 自主创业, 在职) or a bare word for it (上班)
        for choice in fact.options:
            if stripped in (choice.label, *_BARE_CHOICE.get(choice.value, ())):
                out.set(asked, choice.value)
                return
    elif fact.type == "str" and asked == "employer_industry":
        if _NO.match(core):
            unknown.append(asked)
        else:
            out.set(asked, "其他")


# typed as in a chat: a space or an emoji between Chinese words ends a clause as a comma would
# (我43 离职半年多了 失业登记办了 失业金没领到); spaces inside English or between numbers stay
_CHAT_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]+")


def _chat_breaks(message: str) -> str:
    message = _EMOJI.sub("，", message)
    message = _CHAT_SPACE.sub("，", message)
    return re.sub(r"，*([，。！？；])[，]*", r"\1", message).strip("，")


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
    message = _from_cantonese(message)
    message = re.sub(r"(?<=[不没])再(?=上海|本市|外地|老家)", "在", message)  # 户口不再上海: 在 typed as 再
    for word, standard in _DIALECT:
        message = message.replace(word, standard)
    message = _chat_breaks(message)
    out = _Collector()
    out.message = message
    out.about_joblessness = (
        bool(_ABOUT_JOBLESSNESS.search(message))
        or bool(set(asked) & _ABOUT_REGISTERING)
        or not _OTHER_REGISTER.search(message)  # 上个月就登记了: to this bot, the register of the jobless
    )
    reading = Reading()
    all_clauses = clauses(message)
    if _PROXY.search(message) and not _SELF_TOO.search(message):
        # 帮我女儿问一下，她…: the message speaks for that person, so what it says of them is what it states
        all_clauses = [Clause(c.text, c.question, False) for c in all_clauses]
    reading.is_question = any(c.question for c in all_clauses)
    if (
        audience == "employer"
        or (_EMPLOYER.search(message) and not _OUR_WORKPLACE_LOST.search(message))
        or _employer_by_industry().search(message)
        or "employer_industry" in asked
    ):
        reading.audience = "employer"
    for clause in all_clauses:
        part = _statement_part(clause)
        if not part:
            continue
        _read_phrases(part, clause, out)
        if clause.other_person:
            continue
        _read_places(part, message, out, asked)
        _read_age(part, out)
        _read_year(part, as_of, out)
        _read_bare_year(part, message, as_of, out)
    _read_workplace_closed(message, out)
    parts = [_statement_part(c) if not c.other_person else "" for c in all_clauses]
    for part in parts:
        if part:
            _read_months(part, message, asked, known, as_of, out)
    for part, following in itertools.pairwise(parts):
        # 四月份因为被隔离了半个月，医院就跟我解除了合同: the time in one clause, the dismissal in the next
        if "unemployed_months" in out.facts:
            break
        if (
            part
            and following
            and not _LATER.search(following)
            and (POINT.search(part) or AGO.search(part) or RECENT.search(part))
            and not _SINCE_POINT.search(part)
            and _SINCE_POINT.search(following)
        ):
            _read_months(part + following, message, asked, known, as_of, out)
    _read_message_patterns(message, out)
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
        "is_college_graduate" not in out.facts
        and re.search(r"(?:刚|已经|今年|去年|前年|[0-9]{2}年)[^，。]{0,3}毕业", own)
        and re.search(r"大学|本科|大专|研究生|硕士|博士|高校", own)
        and out.facts.get("employment_status") != "student"
    ):
        out.set("is_college_graduate", True)  # 今年刚毕业，大学是在老家读的: the degree told in another clause
    _read_me_too(all_clauses, out)
    _read_no_longer(all_clauses, out)
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
        _read_industry(message, out)
        out.facts = {k: v for k, v in out.facts.items() if k == "employer_industry"}
        out.denied.clear()
    else:
        out.facts.pop("employer_industry", None)
    if len(asked) == 1 and asked[0] not in out.facts:
        _bare_answer(message, asked[0], as_of, out, reading.unknown)
    elif len(asked) > 1 and not out.facts and _none_of_several(_FILLER.sub("", message)):
        for name in asked:
            fact = FACTS[name]
            out.facts[name] = [] if fact.type == "list" else False
    reading.facts = {k: v for k, v in out.facts.items()}
    reading.denied_groups = out.denied
    reading.notes = out.notes
    reading.ambiguous = {k: vs for k, vs in out.ambiguous.items() if k not in out.facts and k not in known}
    return reading


def read_months_point(text: str, as_of: dt.date) -> int | None:
    """Months since a point in time alone (for callers that only have that): 去年底 → 9 on 2022-09-01."""
    m = POINT.search(text)
    return months_since_point(m, as_of) if m else None
