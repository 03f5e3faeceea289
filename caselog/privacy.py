"""Mask personal data (身份证号, mobile numbers, bank card numbers) in free text. Stdlib only.

Masking keeps the last four characters so staff can tell numbers apart ("**************123X"),
and is idempotent: masked text contains no run of digits long enough to be masked again.
Ordinary numbers (years, ages, amounts, "3个月", "〔2022〕6号", dates) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MASK_CHAR = "*"
KEEP = 4

_SEP = r"[ \-\u3000]"  # space, dash, ideographic space between digit groups

# 18-digit resident ID (last character may be X), optionally written 6-8-4.
_ID18 = re.compile(rf"(?<!\d)\d{{6}}{_SEP}?\d{{8}}{_SEP}?\d{{3}}[\dXx](?!\d)")
# Bank card: 16-19 digits, contiguous or in groups of four.
_CARD = re.compile(rf"(?<!\d)(?:\d{{16,19}}|\d{{4}}(?:{_SEP}\d{{4}}){{3}}(?:{_SEP}?\d{{1,3}})?)(?!\d)")
# Mainland mobile: 1[3-9]x xxxx xxxx, optionally +86 / 0086 / 86 prefixed, spaces or dashes between groups.
_MOBILE = re.compile(rf"(?<![\d+])(?:(?:\+|00)?86{_SEP}?)?1[3-9]\d(?:{_SEP}?\d{{4}}){{2}}(?!\d)")
# Old 15-digit resident ID.
_ID15 = re.compile(r"(?<!\d)\d{15}(?!\d)")

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("id_card", _ID18),
    ("bank_card", _CARD),
    ("mobile", _MOBILE),
    ("id_card", _ID15),
)

# Keys of Rasa event dicts that hold identifiers or names, never personal free text.
_SKIP_KEYS = frozenset({"event", "timestamp", "message_id", "name", "policy", "action_name", "input_channel"})


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit() or ch in "Xx")


def _mask_match(m: re.Match[str], *, mobile: bool = False) -> str:
    chars = _digits(m.group(0))
    if mobile and len(chars) > 11:  # drop the country code, then mask the 11 digits
        chars = chars[-11:]
    return MASK_CHAR * (len(chars) - KEEP) + chars[-KEEP:]


# Full-width digits, plus, minus and X (typed with Chinese input methods) are read as their ASCII forms.
_FULL_WIDTH = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)}, "＋": "+", "－": "-", "Ｘ": "X", "ｘ": "x"}
)


def mask_text(text: str) -> str:
    """Return `text` with every 身份证号, mobile number and bank card number masked."""
    if not text:
        return text
    text = text.translate(_FULL_WIDTH)
    for kind, pattern in PATTERNS:
        text = pattern.sub(lambda m, k=kind: _mask_match(m, mobile=k == "mobile"), text)
    return text


def find_personal_data(text: str) -> list[tuple[str, str]]:
    """(kind, matched text) for every piece of personal data in `text`, in masking order."""
    found: list[tuple[str, str]] = []
    text = text.translate(_FULL_WIDTH)
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            found.append((kind, m.group(0)))
        text = pattern.sub(lambda m: MASK_CHAR * len(m.group(0)), text)
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
