"""English words inside Chinese sentences, read as the Chinese they stand for (`data/english.yml`).

我被laid off了，已经6 months → 我被被裁员了，已经6个月. Only the reader sees this text; what the person
wrote is what the tracker and the case log keep.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data" / "english.yml"


@cache
def _table() -> tuple[re.Pattern[str], dict[str, str]]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    table = {str(k).lower(): str(v) for k, v in raw.items()}
    words = sorted(table, key=len, reverse=True)
    # ASCII letters on neither side: Chinese characters count as \w for \b, so \b cannot be used
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])", re.IGNORECASE), table


def to_chinese(text: str) -> str:
    if not re.search(r"[A-Za-z]", text):
        return text
    pattern, table = _table()

    def swap(m: re.Match[str]) -> str:
        return table[re.sub(r"\s+", " ", m.group(0).lower())]

    text = pattern.sub(swap, text)
    # 6 个月 → 6个月: a digit and a unit with a space between (left over from "6 months")
    text = re.sub(r"(?<=[0-9])\s+(?=[个年岁周月届])", "", text)
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff0-9])|(?<=[0-9])\s+(?=[\u4e00-\u9fff])", "", text)
