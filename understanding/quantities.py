"""The numbers a message states of the writer: age, graduation year and months out of work."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from understanding.clauses import PAST
from understanding.collector import Collector
from understanding.numbers import NUMBER, chinese_to_int, parse_duration, parse_year
from understanding.times import AGO, POINT, RECENT, months_since, months_since_point

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
# 还没满十八 / 不到三十 / 快六十了: near an age, not the age (left out, as the blind sets' conventions say)
_ABOUT_AN_AGE = re.compile(r"(?:没满|不满|未满|不到|没到|快|将近|接近|奔)$")


def read_age(text: str, out: Collector) -> None:
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


_YEAR_FORMS = (
    re.compile(r"(?P<y>(?:19|20)?[0-9]{2})\s*(?:届|界)"),
    re.compile(r"(?P<y>(?:19|20)[0-9]{2}|[0-9]{2}|[一二〇零三四五六七八九]{2,4})年[^，。]{0,12}毕业(?!班)"),
    re.compile(r"毕业于(?P<y>(?:19|20)[0-9]{2})"),
    # graduated from 复旦 last year: English order, the year after the college
    re.compile(r"毕业于[^，。]{1,12}?(?P<y>今年|去年|前年|(?:19|20)[0-9]{2}年?)"),
    re.compile(r"(?P<y>(?:19|20)[0-9]{2})\s*(?:毕业生|毕业)"),
    re.compile(r"(?P<y>今年|去年|前年|明年|后年)(?:[^，。]{0,12})毕业(?!班)"),
)
_JUST_GRADUATED = re.compile(r"刚毕业|刚刚毕业|才毕业|毕业不久|刚从[^，。]{1,10}毕业|应届毕业")


def read_year(text: str, as_of: dt.date, out: Collector) -> None:
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


def read_bare_year(text: str, message: str, as_of: dt.date, out: Collector) -> None:
    """研究生毕业，2021年: a clause that is only a year, in a message about graduating."""
    m = re.fullmatch(r"(?:是|在)?(?P<y>(?:19|20)[0-9]{2}年?|[0-9]{2}年)(?:的)?", text)
    if not m and _YEAR_DENIED.search(message):  # 不是今年毕业的，是去年: the year said instead
        m = re.fullmatch(r"(?:而|其实)?是(?P<y>今年|去年|前年|明年)(?:毕业)?(?:的)?", text)
    if m and "毕业" in message and "graduation_year" not in out.facts:
        year = parse_year(m.group("y"), as_of)
        if year is not None and 1940 <= year <= as_of.year + 6:
            out.set("graduation_year", year)


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
_LATER = re.compile(
    r"以后|之后|后来|过了|接着|后"
)  # 四月进了方舱，出来以后…: the dismissal came later, when is not said


def read_months(parts: Sequence[str], message: str, asked: Sequence[str], known: Mapping[str, Any], as_of: dt.date,
                out: Collector) -> None:  # fmt: skip
    """Time out of work, from the writer's own clauses (`parts`; "" for a clause that is not): each clause alone,
    then a time in one clause with the end of the job in the next."""
    for part in parts:
        if part:
            _read_months_in(part, message, asked, known, as_of, out)
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
            _read_months_in(part + following, message, asked, known, as_of, out)


def _read_months_in(text: str, message: str, asked: Sequence[str], known: Mapping[str, Any], as_of: dt.date,
                 out: Collector) -> None:  # fmt: skip
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
        if PAST.search(before) and not _UNEMPLOYMENT_WORDS.search(before):
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


def read_months_point(text: str, as_of: dt.date) -> int | None:
    """Months since a point in time alone (for callers that only have that): 去年底 → 9 on 2022-09-01."""
    m = POINT.search(text)
    return months_since_point(m, as_of) if m else None
