"""Chinese numerals, durations and years as people type them, turned into plain ints.

Pure functions: nothing here reads the clock. Relative years (今年, 去年, 明年) need the caller's
reference date.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import cn2an

DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "俩": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
    "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
UNITS = "十拾百佰千仟万廿"

_CN_CHARS = "".join(DIGITS) + UNITS
NUMBER = rf"(?:[0-9]+|[{_CN_CHARS}]+)"
_NUMBER_RE = re.compile(NUMBER)


def normalise(text: str) -> str:
    """Full-width digits and letters to ASCII (NFKC); strip surrounding blanks."""
    return unicodedata.normalize("NFKC", text).strip()


def is_range(token: str) -> bool:
    """Two neighbouring digits said together: 八九 (eight or nine), 三四 (three or four)."""
    return len(token) == 2 and all(ch in DIGITS for ch in token) and DIGITS[token[1]] == DIGITS[token[0]] + 1


def chinese_to_int(token: str) -> int | None:
    """One numeral token (`53`, `五十三`, `伍十`, `两百五`, `二〇二二`, `三千五`) → int, or None if it is not one.

    cn2an reads Chinese and financial numerals; what it reads differently from people is handled first: two
    neighbouring digits are a range (八九 = eight or nine: the lower bound), 俩 is two.
    """
    token = normalise(token).replace("俩", "两")
    if not token:
        return None
    if token.isdigit():
        return int(token)
    if any(ch not in _CN_CHARS for ch in token):
        return None
    if is_range(token):
        return DIGITS[token[0]]
    if all(ch in DIGITS for ch in token):
        # digit by digit: 二〇二二 → 2022; a single digit is just itself
        return int("".join(str(DIGITS[ch]) for ch in token))
    try:
        value = cn2an.cn2an(token, "normal")
    except (ValueError, KeyError, IndexError):
        return None
    return int(value) if float(value).is_integer() else None


def first_int(text: str) -> int | None:
    """The first number written in `text` (`我今年五十三岁` → 53)."""
    for match in _NUMBER_RE.finditer(normalise(text)):
        value = chinese_to_int(match.group())
        if value is not None:
            return value
    return None


@dataclass(frozen=True)
class Duration:
    """A span of time in whole months; `at_least` when the person said 多/几 (一年多 = at least 12)."""

    months: int
    at_least: bool = False

    def describe(self) -> str:
        return f"{'至少' if self.at_least else ''}{self.months}个月"


_YEARS_RE = re.compile(rf"(?P<n>{NUMBER})(?P<more>多|几)?个?(?P<half>半)?年(?P<after>半|多)?")
_HALF_YEAR_RE = re.compile(r"半年")
_MONTHS_RE = re.compile(rf"(?P<n>{NUMBER})?(?P<more>多|几)?个?(?P<half>半|多)?个?月")
_SHORT_RE = re.compile(rf"(?:{NUMBER}|几|半)(?:个)?(?:多)?(?:星期|礼拜|周|天|日)")


def parse_duration(text: str) -> Duration | None:
    """`三个月`→3, `半年`→6, `一年多`→12 (at least), `一年半`→18, `两年`→24, `一个多月`→1 (at least), `3个月`→3."""
    s = normalise(text).replace(" ", "")
    s = s.replace("零", "") if re.search(r"年零", s) else s
    months = 0
    at_least = False
    found = False
    rest = s
    years = _YEARS_RE.search(s)
    if years:
        n = chinese_to_int(years.group("n"))
        if n is not None:
            found = True
            months += n * 12
            if years.group("half") or years.group("after") == "半":
                months += 6
            if years.group("more") or years.group("after") == "多":
                at_least = True
            rest = s[years.end() :]
    elif half := _HALF_YEAR_RE.search(s):
        found = True
        months += 6
        rest = s[half.end() :]
    month_match = _MONTHS_RE.search(rest)
    if month_match and (month_match.group("n") is not None or month_match.group("half") == "半"):
        raw_n = month_match.group("n")
        n = 0 if raw_n is None else chinese_to_int(raw_n)  # 半个月 = 0 whole months
        if n is None:
            return None
        found = True
        months += n
        if month_match.group("more") or month_match.group("half") == "多" or is_range(raw_n or ""):
            at_least = True
    if not found:
        # 两周, 十天: less than a month; 几个月 alone says no number at all
        return Duration(0) if _SHORT_RE.search(s) else None
    return Duration(months, at_least)


def parse_months(text: str) -> int | None:
    """parse_duration's whole months, or None."""
    d = parse_duration(text)
    return None if d is None else d.months


def parse_age(text: str) -> int | None:
    """`五十三` / `53岁` / `五十多岁` → 53 / 53 / 50."""
    return first_int(text)


_RELATIVE_YEARS = {"前年": -2, "去年": -1, "今年": 0, "本年": 0, "明年": 1, "后年": 2}


def parse_year(text: str, today: dt.date) -> int | None:
    """`2022年`→2022, `22届`→2022, `二〇二二年`→2022, `今年`/`去年`/`明年` relative to `today`."""
    s = normalise(text)
    for word, delta in _RELATIVE_YEARS.items():
        if word in s:
            return today.year + delta
    match = _NUMBER_RE.search(s)
    if match is None:
        return None
    token = match.group()
    # years are read digit by digit: 二三年 = (20)23, 二〇二二 = 2022
    n = int("".join(str(DIGITS[c]) for c in token)) if all(c in DIGITS for c in token) else chinese_to_int(token)
    if n is None:
        return None
    if n < 100:
        # two-digit years: 22届 → 2022, 98届 → 1998 (up to ten years ahead counts as this century)
        century_cut = today.year % 100 + 10
        return 2000 + n if n <= century_cut else 1900 + n
    return n
