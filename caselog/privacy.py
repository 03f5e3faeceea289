"""Mask personal data in free text before anything stores, logs or parses it. Stdlib only.

Numbers (身份证号 18 and 15 digits, mobile numbers with or without +86/0086, landlines with an area code,
bank cards) are found however they are typed: contiguous, or grouped with spaces, dashes or dots,
full-width digits included. E-mail addresses and QQ / WeChat ids too; and a name after 我叫 / 我的名字是 /
姓名, a street address after 住在 / 家住 / 地址 (the city and district before the street are kept: they
are not personal and the bot may need 上海).

Each is replaced by a placeholder that contains no digit and no Chinese numeral (〔身份证号〕, 〔手机号〕…),
so nothing downstream can read a masked span as an age, a year or a duration. Masking is idempotent.
Ordinary numbers (years, ages, amounts, "3个月", "〔2022〕6号", dates, postcodes) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

PLACEHOLDERS: dict[str, str] = {
    "email": "〔邮箱〕",
    "id_card": "〔身份证号〕",
    "bank_card": "〔银行卡号〕",
    "mobile": "〔手机号〕",
    "landline": "〔电话〕",
    "account": "〔账号〕",
    "name": "〔姓名〕",
    "address": "〔住址〕",
}

# `\d` matches full-width digits too; the separators, X, + and brackets have full-width forms of their own.
_SEP = r"(?:[ \u3000]*[-.－—–‐．][ \u3000]*|[ \u3000]+)"  # between digit groups: spaces, a dash or a dot
_S = rf"{_SEP}?"
_HAN = r"\u4e00-\u9fff"

_EMAIL = r"[A-Za-z0-9._%+-]+[@＠][A-Za-z0-9-]+(?:[.．][A-Za-z0-9-]+)+"
# 18 digits (last may be X): contiguous, 6-8-4 or 6-4-4-4.
_ID18 = rf"(?<!\d)\d{{6}}{_S}(?:\d{{8}}|\d{{4}}{_S}\d{{4}}){_S}\d{{3}}[\dXxＸｘ](?![\dXxＸｘ])"
# 16-19 digits contiguous, in groups of four, or 6 + the rest.
_CARD = rf"(?<!\d)(?:\d{{16,19}}|\d{{4}}(?:{_SEP}\d{{4}}){{3}}(?:{_S}\d{{1,3}})?|\d{{6}}{_SEP}\d{{10,13}})(?!\d)"
# The old 15-digit id: contiguous or 6-6-3.
_ID15 = rf"(?<!\d)\d{{6}}{_S}\d{{6}}{_S}\d{{3}}(?!\d)"
# Mainland mobile 1[3-9]x xxxx xxxx, optionally (+86) / +86 / 0086 / 86 first.
_COUNTRY = rf"[(（]?(?:[+＋]|[0０]{{2}})?[8８][6６][)）]?{_S}"
_MOBILE = rf"(?<![\d+＋])(?:{_COUNTRY})?[1１][3-9３-９]\d{_S}\d{{4}}{_S}\d{{4}}(?!\d)"
# Landline with its area code: 021-12345678, (021) 1234 5678, 0571 8888888.
_LANDLINE = rf"(?<!\d)(?:[(（][0０]\d{{2,3}}[)）]|[0０]\d{{2,3}}){_S}\d{{3,4}}{_S}\d{{4}}(?!\d)"
_ACCOUNT = r"(?i)(?P<lead>(?:qq|微信|wechat|vx)号?(?:码)?\s*(?:是|为|[:：])?\s*)(?P<span>[A-Za-z0-9_-]{5,20})"

# What may follow a name: a non-Chinese character, or a word that starts the next part of the sentence.
_AFTER_NAME = (
    rf"(?=$|[^{_HAN}·]|今年|去年|明年|现在|目前|已经|失业|毕业|户口|户籍|来自|身份证|电话|手机|请问|"
    r"是|在|住|的|从|刚|还|也|和|想|要|有|没|我|问|男|女|岁)"
)
_NAME = (
    r"(?P<lead>(?:我叫|我的名字(?:是|叫)|名字(?:是|叫)|本人姓名|姓名)(?:是|叫|为|[:：])?[ \u3000]*)"
    rf"(?P<span>[{_HAN}·]{{2,4}}?{_AFTER_NAME}|[{_HAN}]{{2}})"
)
# An address: keep 上海/本市 and the district or town, mask the street with its numbers.
_STREET_MARK = r"(?:路|街|大道|公路|巷|弄|村|小区|花园|公寓|新村|苑|大厦)"
_NUMBER_UNIT = r"(?:号楼|号|弄|栋|幢|楼|单元|室|层|座)"
_ADDRESS = (
    r"(?P<lead>(?:住在|家住在?|住址|家庭住址|地址|我家在)(?:是|在|为|[:：])?[ \u3000]*"
    rf"(?:上海市?|本市)?(?:[{_HAN}]{{1,4}}?(?:新区|(?<!小)区|县))?(?:[{_HAN}]{{1,4}}?(?:镇|街道|乡))?)"
    r"(?P<span>(?!农村|乡下|老家|外地|本地|郊区|市区)"
    rf"[{_HAN}A-Za-z]{{0,12}}?{_STREET_MARK}(?:[\dA-Za-z]+(?:[-#][\dA-Za-z]+)?{_NUMBER_UNIT}?)*"
    rf"|[{_HAN}]{{0,12}}?\d+(?:[-#]\d+)?{_NUMBER_UNIT}(?:\d+{_NUMBER_UNIT})*)"
)

# Order matters: e-mail first (QQ mail holds a number), then longer numbers; a mobile with 0086 before 15-digit ids.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(_EMAIL)),
    ("id_card", re.compile(_ID18)),
    ("bank_card", re.compile(_CARD)),
    ("mobile", re.compile(_MOBILE)),
    ("id_card", re.compile(_ID15)),
    ("landline", re.compile(_LANDLINE)),
    ("account", re.compile(_ACCOUNT)),
    ("name", re.compile(_NAME)),
    ("address", re.compile(_ADDRESS)),
)

# Keys of Rasa event dicts that hold identifiers or names, never personal free text.
_SKIP_KEYS = frozenset({"event", "timestamp", "message_id", "name", "policy", "action_name", "input_channel"})


def _replacer(kind: str, found: list[tuple[str, str]] | None = None) -> Callable[[re.Match[str]], str]:
    placeholder = PLACEHOLDERS[kind]

    def replace(m: re.Match[str]) -> str:
        groups = m.groupdict()
        span = groups.get("span")
        if span is None:
            if found is not None:
                found.append((kind, m.group(0)))
            return placeholder
        if found is not None:
            found.append((kind, span))
        return (groups.get("lead") or "") + placeholder

    return replace


def _mask(text: str, found: list[tuple[str, str]] | None = None) -> str:
    for kind, pattern in PATTERNS:
        text = pattern.sub(_replacer(kind, found), text)
    return text


def mask_text(text: str) -> str:
    """Return `text` with every piece of personal data replaced by its placeholder."""
    if not text:
        return text
    return _mask(text)


def find_personal_data(text: str) -> list[tuple[str, str]]:
    """(kind, matched text) for every piece of personal data in `text`, in masking order."""
    found: list[tuple[str, str]] = []
    if text:
        _mask(text, found)
    return found


def contains_personal_data(text: str) -> bool:
    return bool(find_personal_data(text))


def mask_value(value: Any, *, key: str | None = None) -> Any:
    """Mask every string inside a JSON-like value (dicts, lists), except identifier keys."""
    if isinstance(value, str):
        return value if key in _SKIP_KEYS else mask_text(value)
    if isinstance(value, Mapping):
        return {k: mask_value(v, key=k if isinstance(k, str) else None) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(v, key=key) for v in value]
    return value
