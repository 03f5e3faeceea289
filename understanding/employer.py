"""Whether the writer speaks for an employer, and the employer's industry."""

from __future__ import annotations

import re
from functools import cache

from rules.facts import FACTS
from understanding.collector import Collector

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


@cache
def _employer_by_industry() -> re.Pattern[str]:
    """我们景区… / 我们是一家健身房: we + a business of one of the listed industries speaks for an employer."""
    words = sorted((w for c in FACTS["employer_industry"].options for w in c.says), key=len, reverse=True)
    alternatives = "|".join(map(re.escape, words))
    # 我们是崇明的一家民宿: where it is may stand between
    return re.compile(rf"我们(?:是|这|这个|这家)?(?:[^，。的]{{1,6}}的)?(?:一家|一个|家)?(?:小)?(?:{alternatives})")


def speaks_for_employer(message: str) -> bool:
    """我们是一家餐厅 / 我是公司的HR / 想招几个人 (not: 我们厂关门了, a worker of the place)."""
    if _EMPLOYER.search(message) and not _OUR_WORKPLACE_LOST.search(message):
        return True
    return bool(_employer_by_industry().search(message))


_BUSINESS = re.compile(
    r"(?:做|开)(?P<a>[^，。的]{1,6})的|(?P<b>[\u4e00-\u9fffA-Za-z]{1,6}?)(?:公司|企业|工厂|厂|机构|工作室)"
)
_NOT_A_BUSINESS = re.compile(r"^(?:一家|一个|这家|那家|我们|我们的|本|贵|咱们|的|家|个|小|大|某|人|啥|什么)+$")


def read_industry(text: str, out: Collector) -> None:
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
