"""Dialect, slang and written Cantonese read as Mandarin before a message is read (木有 is 没有; 阿拉 is 我)."""

from __future__ import annotations

import re

# dialect and slang, word for word
_DIALECT = (("木有", "没有"), ("莫得", "没有"), ("冇", "没有"), ("没得", "没有"), ("阿拉", "我"), ("侬", "你"),
            ("啥子", "什么"), ("寻着", "找着"), ("寻工作", "找工作"), ("俺", "我"), ("米有", "没有"),
            ("上海宁", "上海人"))  # fmt: skip
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


def to_mandarin(message: str) -> str:
    """The message with Cantonese (when it has Cantonese particles), then dialect and slang, as Mandarin."""
    message = _from_cantonese(message)
    for word, standard in _DIALECT:
        message = message.replace(word, standard)
    return message
