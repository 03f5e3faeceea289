"""Where the writer's hukou is from and where they went to college, from the places and colleges that
`data/places.yml` lists."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from understanding.clauses import PAST, negated_before
from understanding.collector import Collector
from understanding.lexicon import places


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


_COLLEGE_FACTS = frozenset({"graduated_from_shanghai_college", "is_college_graduate", "graduation_year"})
_COLLEGE_CONTEXT = re.compile(r"大学|本科|大专|研究生|毕业|高校|学院|大[一二三四]|研[一二三]")


def read_places(text: str, message: str, out: Collector, asked: Sequence[str] = ()) -> None:
    patterns = _place_patterns()
    for m in patterns["shanghai_college"].finditer(text):
        name = m.group(0)
        if len(name) == 2 and text[m.end() : m.end() + 1] == "学":  # 上大学 is not 上大
            continue
        out.set("graduated_from_shanghai_college", not negated_before(text, m.start()))
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
    if PAST.search(text) and re.search(r"户口|户籍|是", text):
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
