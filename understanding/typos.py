"""Homophone and shape typos of the project's own words, corrected against its lexicon.

People type Chinese with pinyin input methods and pick the wrong character of the right sound: 失叶 for 失业,
低包户 for 低保户, 户扣 for 户口, 外卖旗手 for 外卖骑手. A window of the text is replaced by a lexicon term when

- it reads the same in toneless pinyin (any reading of a polyphonic character counts), or it is a known
  shape typo of the term (`SHAPE_TYPOS`: characters that look alike, not alike in sound);
- it differs from the term in at most half of its characters (at least one);
- it is not itself a common word (jieba's dictionary, frequency ≥ `COMMON_WORD_FREQ`): 事业单位 stays 事业,
  等级 stays 等级. A longer term wins over a shorter one at the same place (外卖旗手 → 外卖骑手 although
  旗手 alone is a word).

The lexicon is `understanding/data/lexicon.txt` (policy and situation words) plus the phrases by which the
facts are read (`understanding.lexicon.fact_phrases`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from pypinyin import Style, lazy_pinyin

DATA = Path(__file__).resolve().parent / "data"
COMMON_WORD_FREQ = 20
MIN_TERM = 2
MAX_TERM = 8
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")

# Characters that look like the right one (not the same sound): wrong → right, only inside lexicon terms.
SHAPE_TYPOS: dict[str, str] = {
    "微": "徽",
    "人": "入",
    "孔": "乳",
    "夫": "失",
    "藉": "籍",
    "栽": "裁",
    "载": "裁",
    "囗": "口",
}
# Typos of a grammar character for a content one, common enough to correct anyway (失也 → 失业, 己经 → 已经).
GRAMMAR_TYPOS = frozenset({("也", "业"), ("己", "已")})
# Characters a correction never adds or removes: they carry the grammar (a negation, 为/未, 是, 在, question
# words, pronouns …), so 被认定为就业 must not become 被认定未就业, nor 人员怎么 become 人员证么.
GRAMMAR = frozenset("未没不无非否别莫勿是为有在了的过着吗呢也都还就又再和与及怎么什哪啥谁几我你他她它")
# Front/back nasals and retroflex initials that southern speakers merge when typing pinyin (经/金, 名/民).
_FUZZY = ((r"ing$", "in"), (r"eng$", "en"), (r"ang$", "an"), (r"^zh", "z"), (r"^ch", "c"), (r"^sh", "s"))


@cache
def _common_words() -> frozenset[str]:
    """jieba's dictionary words that are common enough to be meant as typed."""
    words = set()
    dictionary = resources.files("jieba").joinpath("dict.txt")
    with dictionary.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ", 2)
            if len(parts) >= 2 and MIN_TERM <= len(parts[0]) <= MAX_TERM and int(parts[1]) >= COMMON_WORD_FREQ:
                words.add(parts[0])
    return frozenset(words)


def _fuzzy(syllable: str) -> str:
    for pattern, repl in _FUZZY:
        syllable = re.sub(pattern, repl, syllable)
    return syllable


@cache
def _reading(ch: str) -> str:
    """A character's usual toneless reading, with the merged sounds merged (itself when it has none)."""
    options = lazy_pinyin(ch, style=Style.NORMAL, errors=lambda s: [s])
    return _fuzzy(options[0]) if options else ch


def lexicon_terms() -> list[str]:
    from understanding.lexicon import fact_phrases

    words = (DATA / "lexicon.txt").read_text(encoding="utf-8").split()
    return sorted({w for w in [*words, *fact_phrases()] if _HAN.match(w) and MIN_TERM <= len(w) <= MAX_TERM})


@cache
def _index() -> dict[tuple[int, str], list[tuple[str, tuple[str, ...]]]]:
    """(length, first syllable) → [(term, its syllables)]; a term's own reading in context."""
    index: dict[tuple[int, str], list[tuple[str, tuple[str, ...]]]] = {}
    for term in lexicon_terms():
        syllables = tuple(_fuzzy(s) for s in lazy_pinyin(term, style=Style.NORMAL))
        index.setdefault((len(term), syllables[0]), []).append((term, syllables))
    return index


def _sounds_like(window: str, syllables: tuple[str, ...]) -> bool:
    return all(_reading(ch) == s for ch, s in zip(window, syllables, strict=True))


def _looks_like(window: str, term: str) -> bool:
    return all(w == t or SHAPE_TYPOS.get(w) == t for w, t in zip(window, term, strict=True))


def _correction(window: str, candidates: Iterable[tuple[str, tuple[str, ...]]]) -> str | None:
    for term, syllables in candidates:
        if term == window:
            return None  # already right
        changes = [(a, b) for a, b in zip(window, term, strict=True) if a != b]
        grammar = [(a, b) for a, b in changes if (a in GRAMMAR or b in GRAMMAR) and (a, b) not in GRAMMAR_TYPOS]
        if len(changes) > max(1, len(term) // 2) or grammar:
            continue
        if _sounds_like(window, syllables) or _looks_like(window, term):
            return term
    return None


def fix_typos(text: str) -> str:
    """`text` with misspelt lexicon terms replaced by the terms."""
    index = _index()
    lengths = sorted({n for n, _ in index}, reverse=True)
    common = _common_words()
    out: list[str] = []
    i = 0
    while i < len(text):
        replaced = False
        for n in lengths:
            window = text[i : i + n]
            if len(window) < n or not _HAN.match(window):
                continue
            candidates = [*index.get((n, _reading(window[0])), ())]
            if window[0] in SHAPE_TYPOS:
                candidates += index.get((n, _reading(SHAPE_TYPOS[window[0]])), ())
            if not candidates:
                continue
            if any(term == window for term, _ in candidates):
                out.append(window)  # a correct term: keep it whole (and do not look for a shorter one inside)
                i += n
                replaced = True
                break
            if window in common:
                continue
            term = _correction(window, candidates)
            if term is not None:
                out.append(term)
                i += n
                replaced = True
                break
        if not replaced:
            out.append(text[i])
            i += 1
    return "".join(out)
