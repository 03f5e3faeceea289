"""One normalisation of what people type, applied once at the channel edge before NLU (and in tests).

`normalise(text)`:
1. masked personal data (any run of mask characters, with what is left of the number) becomes a
   placeholder without digits, so that no number parser reads the tail of a phone number as an age;
2. full-width letters, digits and symbols become ASCII (Chinese punctuation such as ，。？ stays: the NLU
   training data is written with it);
3. traditional characters become simplified (OpenCC `t2s`; 著 after a verb becomes the particle 着);
4. homophone and shape typos of the project's own words are corrected (`understanding.typos`).

Masking itself happens before this (caselog.privacy.mask_text), on the raw text.
"""

from __future__ import annotations

import re
from functools import cache

import opencc

from understanding.typos import fix_typos

MASKED_PLACEHOLDER = "〔已隐去〕"
# what a masking step leaves: a run of mask characters, possibly with the last digits of the number
_MASKED = re.compile(r"[*＊]{3,}[0-9Xx]{0,4}")
# full-width forms that Chinese input methods produce for letters, digits and symbols (not ，。？！：；（）)
_KEEP_FULL_WIDTH = set("，？！：；（）")
_WIDTH = str.maketrans(
    {
        **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if chr(c) not in _KEEP_FULL_WIDTH},
        "\u3000": " ",
    }
)
_SPACES = re.compile(r"[ \t]+")
# OpenCC keeps 著 (it is also simplified, 著名), but after a verb it is the aspect particle: 歇著 → 歇着, 閒著 → 闲着
_ZHE = re.compile(r"(?<=[歇闲待呆等想拿领坐站躺住干做忙看听跟带照顾养撑熬顶扛靠])著(?!名|作|称|述|录)")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def normalise(text: str) -> str:
    """The text the bot reads: placeholders for masked data, ASCII width, simplified script, typos fixed."""
    if not text:
        return text
    text = _MASKED.sub(MASKED_PLACEHOLDER, text)
    text = text.translate(_WIDTH)
    text = to_simplified(text)
    text = _ZHE.sub("着", text)
    text = fix_typos(text)
    return _SPACES.sub(" ", text).strip()
