"""A short reply read as the answer to the pending question: 是的 / 还没 / 都不是 / 五十出头 / 不知道."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rules.facts import FACTS
from understanding.clauses import CLAUSE_BREAK
from understanding.collector import Collector
from understanding.numbers import NUMBER, chinese_to_int, parse_duration, parse_year
from understanding.times import months_since

FILLER = re.compile(r"[，。,.!！?？~～…、\s]|吧|啊|呀|呢|哈|嘛|哦|噢|额|呃|的|了|哈哈|吗")
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
_HOW_OR_WHERE = re.compile(r"(?:该|要|应该)?(?:去哪|怎么|在哪|哪里|要带|带什么|什么|流程|手续|找谁)")


def bare_answer(text: str, asked: str, as_of: dt.date, out: Collector, unknown: list[str]) -> None:
    fact = FACTS[asked]
    core = FILLER.sub("", text)
    stripped = re.sub(r"^(?:就是|就|只是|只有|只)(?=.)", "", core)  # 就初中
    core = re.sub(r"^(?:暂时|目前|现在|眼下|先|还)(?=[不没])", "", core)  # 暂时不考虑
    core = re.sub(r"^(?:应该|好像|大概|估计|可能|貌似|我记得|印象中)(?:是)?(?=[不没还是有对])", "", core)  # 应该没有
    if not core:
        return
    dont_know = _DONT_KNOW.search(text)
    first = CLAUSE_BREAK.split(text)[0]
    if dont_know and _HOW_OR_WHERE.match(text, dont_know.end()) and not _DONT_KNOW.search(first):
        return bare_answer(first, asked, as_of, out, unknown)  # 还没呢，不知道去哪办: the answer, then a question
    if dont_know:
        unknown.append(asked)
        return
    if fact.type == "bool":
        spec = fact.read
        if any(stripped.startswith(FILLER.sub("", a)) for a in spec.answers_false):
            out.set(asked, False)
        elif any(stripped.startswith(FILLER.sub("", a)) for a in spec.answers_true):
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


def none_of_several(message: str) -> bool:
    """都没有 to a question of several options, or a bare 不是 / 没有 (以下情况有符合您的吗？—不是)."""
    core = FILLER.sub("", message)
    return bool(_NONE_OF_THEM.search(core) or _NO.fullmatch(core))
