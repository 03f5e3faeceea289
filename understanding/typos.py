"""Homophone and shape typos of the project's own words, corrected against its lexicon.

People type Chinese with pinyin input methods and pick the wrong character of the right sound: 失叶 for 失业,
低包户 for 低保户, 户扣 for 户口, 外卖旗手 for 外卖骑手. A window of the text is replaced by a lexicon term when

- each character that differs reads the same in toneless pinyin (any reading of a polyphonic character
  counts) or is a known shape typo (`SHAPE_TYPOS`: characters that look alike, not alike in sound): 退扑鱼民
  is 退捕渔民 (扑 looks like 捕, 鱼 sounds like 渔);
- it differs from the term in at most half of its characters (at least one);
- it is not itself a common word (jieba's dictionary, frequency ≥ `COMMON_WORD_FREQ`): 事业单位 stays 事业,
  等级 stays 等级. A longer term wins over a shorter one at the same place (外卖旗手 → 外卖骑手 although
  旗手 alone is a word).

Two more kinds are read before that: a term finished in pinyin (戒du → 戒毒, 怀yun → 怀孕), and a
digit's homophone inside a number (四十流岁 → 四十六岁, 三是五 → 三十五, 五十穗 → 五十岁, 1年另3个月 → 1年零3个月;
and 四十有六, which is no typo but an old way of saying 四十六); and 阳 of 阳了 (因为羊了 → 因为阳了), which is no term.
A negation typed with a character of its sound (暂时布想找工作, 还每去登记) is read first of all, in its own step: the
lexicon never turns a word into a negation.

A common word is kept as typed, except a homophone of a status term where only the term fits (我实业三个月了 →
我失业三个月了; 我在事业单位上班 stays).

The lexicon is `understanding/data/lexicon.txt` (policy and situation words) plus the phrases by which the
facts are read (`understanding.lexicon.fact_phrases`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from pypinyin import Style, lazy_pinyin, pinyin

DATA = Path(__file__).resolve().parent / "data"
COMMON_WORD_FREQ = 20
EVERYDAY_CHAR_FREQ = 10000
KEPT_WORD_FREQ = 1000  # 实现, 垃圾 are kept whole; 夜半 (失夜半年) and 家电 (开了家电影园) may be cut
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
    "土": "士",
    "帅": "师",
    "扑": "捕",
    "铺": "捕",
    "亚": "业",
    "每": "海",
}
# Typos of a grammar character for a content one, common enough to correct anyway (失也 → 失业, 己经 → 已经).
GRAMMAR_TYPOS = frozenset({("也", "业"), ("己", "已")})
# Characters a correction never adds or removes: they carry the grammar (a negation, 为/未, 是, 在, question
# words, pronouns …), so 被认定为就业 must not become 被认定未就业, nor 人员怎么 become 人员证么; 招 (an employer
# hiring: 想招人) is never read as 找 (a job seeker: 想找人); nor are measure words and demonstratives (找个离家近
# is not 找隔离, 那失业金呢 not 拿失业金).
GRAMMAR = frozenset("未没不无非否别莫勿是为有在了的过着吗呢也都还就又再先和与及怎么什哪啥谁几我你他她它招个那这")
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


@cache
def _char_freq() -> dict[str, int]:
    """jieba's frequency of each single character."""
    out = {}
    with resources.files("jieba").joinpath("dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ", 2)
            if len(parts) >= 2 and len(parts[0]) == 1:
                out[parts[0]] = int(parts[1])
    return out


@cache
def _other_readings(ch: str) -> frozenset[str]:
    """A polyphonic character's other toneless readings, not merged (厦 is also xia, 识 also zhi): compared
    exactly, so that a rare reading and a merged sound together (事 zi, 职 zhi → zi) do not make a match.
    An everyday character is typed for its everyday reading: 说 is not 岳 (yue), 但 not 研 (yan)."""
    if _char_freq().get(ch, 0) >= EVERYDAY_CHAR_FREQ:
        return frozenset()
    options = pinyin(ch, style=Style.NORMAL, heteronym=True, errors=lambda s: [s])
    return frozenset(options[0][1:]) if options and options[0] else frozenset()


def lexicon_terms() -> list[str]:
    from understanding.lexicon import fact_phrases

    words = (DATA / "lexicon.txt").read_text(encoding="utf-8").split()
    return sorted({w for w in [*words, *fact_phrases()] if _HAN.match(w) and MIN_TERM <= len(w) <= MAX_TERM})


@cache
def _index() -> dict[tuple[int, str], list[tuple[str, tuple[str, ...], tuple[str, ...]]]]:
    """(length, first syllable merged) → [(term, its syllables merged, as read)]; a term's reading in context."""
    index: dict[tuple[int, str], list[tuple[str, tuple[str, ...], tuple[str, ...]]]] = {}
    for term in lexicon_terms():
        raw = tuple(lazy_pinyin(term, style=Style.NORMAL))
        syllables = tuple(_fuzzy(s) for s in raw)
        index.setdefault((len(term), syllables[0]), []).append((term, syllables, raw))
    return index


def _alike(window: str, term: str, syllables: tuple[str, ...], raw: tuple[str, ...]) -> bool:
    """Each character is the term's, sounds like it (any of its readings) or is a known shape typo of it."""
    return all(
        w == t or _reading(w) == s or r in _other_readings(w) or SHAPE_TYPOS.get(w) == t
        for w, t, s, r in zip(window, term, syllables, raw, strict=True)
    )


def _correction(window: str, candidates: Iterable[tuple[str, tuple[str, ...], tuple[str, ...]]]) -> str | None:
    for term, syllables, raw in candidates:
        if term == window:
            return None  # already right
        changes = [(a, b) for a, b in zip(window, term, strict=True) if a != b]
        grammar = [(a, b) for a, b in changes if (a in GRAMMAR or b in GRAMMAR) and (a, b) not in GRAMMAR_TYPOS]
        if len(changes) > max(1, len(term) // 2) or grammar:
            continue
        if not any(a == b and a not in GRAMMAR for a, b in zip(window, term, strict=True)):
            continue  # what stays is only grammar (难的 → 男的): too little to say the term was meant
        if _alike(window, term, syllables, raw):
            return term
    return None


@cache
def _pinyin_endings() -> dict[str, list[tuple[str, str]]]:
    """The pinyin (no spaces) of a term's last one or two syllables → [(its Han start, the term)]."""
    out: dict[str, list[tuple[str, str]]] = {}
    for term in lexicon_terms():
        syllables = lazy_pinyin(term, style=Style.NORMAL)
        for k in (1, 2):
            if len(term) > k:
                out.setdefault("".join(syllables[-k:]), []).append((term[:-k], term))
    return out


_PINYIN_TAIL = re.compile(r"(?P<han>[\u4e00-\u9fff]{1,6})(?P<latin>[a-z]{2,12})(?![A-Za-z])")


def _fix_pinyin(text: str) -> str:
    """戒du康复 → 戒毒康复: Latin letters that finish a lexicon term in pinyin (the longest Han start wins)."""
    if not re.search(r"[\u4e00-\u9fff][a-z]", text):
        return text
    endings = _pinyin_endings()

    def swap(m: re.Match[str]) -> str:
        han, latin = m.group("han"), m.group("latin")
        found = [(start, term) for start, term in endings.get(latin, ()) if han.endswith(start)]
        if not found:
            return m.group(0)
        start, term = max(found, key=lambda f: len(f[0]))
        return han + term[len(start) :]

    return _PINYIN_TAIL.sub(swap, text)


_DIGIT = "一二三四五六七八九两"
# a digit's homophone between numerals or before a unit: 四十流岁, 三是五, 五十穗
_DIGIT_SOUNDS = {"流": "六", "留": "六", "久": "九", "酒": "九", "是": "十", "时": "十", "实": "十", "石": "十",
                 "无": "五", "武": "五", "舞": "五", "伍": "五"}  # fmt: skip
_NUMERAL_TYPO = re.compile(
    rf"(?<=[{_DIGIT}十])([流留久酒无武舞伍])(?=岁|周岁|个月|年)|(?<=[{_DIGIT}])([是时实石])(?=[{_DIGIT}](?:岁|$|[，。,]))"
)
_AGE_TYPO = re.compile(rf"(?<=[0-9{_DIGIT}十])[穗碎遂](?![a-z])")
_MONTH_TYPO = re.compile(rf"(?<=[0-9{_DIGIT}十半多]个)[越约阅悦]")  # 两个越 → 两个月
_UNIT_TYPO = re.compile(rf"(?<=[0-9{_DIGIT}十半几])(?:各|隔(?=多?月))")  # 三各月 → 三个月
_ZERO_TYPO = re.compile(rf"(?<=年)另(?=[0-9{_DIGIT}十]+个?月)")


_TENS_AND = re.compile(rf"(?<=[{_DIGIT}]十)有(?=[一二三四五六七八九])")  # 四十有六: an old way of saying 四十六


# 阳了 (tested positive) is no lexicon term (了 is grammar), so its homophones are read in their own places:
# 因为羊了 / 我洋过 / 杨性 → 阳 after a subject or 因为, before 了, 过 or 性
_COVID_TYPO = re.compile(r"(?<=[为我他她都也又刚家])[羊洋杨扬](?=了|过(?!去|来|年)|性)")


# a negation typed with the wrong character of its sound (暂时布想找工作 / 还每去登记 / 现在还美工作): the lexicon
# never turns a word into a negation, so only where nothing but a negation fits, after an adverb, before a verb
_NOT_TYPO = re.compile(r"(暂时|还是|根本|现在|目前|[我也都还并就])[布步部](?=想|要|会|用|能|打算|考虑|需要|愿意)")
_NO_TYPO = re.compile(r"([还都也并我从])[每美梅煤妹](?=有|去|工作|上班|上过|找到|找着|登记|领|办|认定|结婚|读|考上)")


def _fix_negations(text: str) -> str:
    return _NO_TYPO.sub(r"\1没", _NOT_TYPO.sub(r"\1不", text))


def _fix_numerals(text: str) -> str:
    text = _COVID_TYPO.sub("阳", text)
    text = _TENS_AND.sub("", text)
    text = _NUMERAL_TYPO.sub(lambda m: _DIGIT_SOUNDS[m.group(0)], text)
    text = _AGE_TYPO.sub("岁", text)
    text = _UNIT_TYPO.sub("个", text)
    text = _MONTH_TYPO.sub("月", text)
    return _ZERO_TYPO.sub("零", text)


# A common word typed for a status term where only the term fits: 实业 (industry) is a word, but in 我实业三个月了
# (after 我, 已经, 刚 … and before 了, 过 or a number) only 失业 makes sense; 我在事业单位上班 stays.
STATUS_TERMS = frozenset({"失业", "就业", "待业", "下岗", "认定", "怀孕"})
_STATUS_BEFORE = re.compile(r"(?:我|已经|刚|才|刚刚|都|又|被|还没|没有|没|就)$")
_STATUS_AFTER = re.compile(r"(?:了|过|中|快|差不多|[0-9一二三四五六七八九十两半几]+个?多?(?:月|年|星期|礼拜|周|天))")


# likewise a business after 开/做/经营: 开名宿的 (名宿, a veteran, is a word) is 开民宿的
_BUSINESS_BEFORE = re.compile(r"(?:开|开了|开个|开家|开的|做|经营)$")


@cache
def _business_terms() -> frozenset[str]:
    from rules.facts import FACTS

    return frozenset(w for c in FACTS["employer_industry"].options for w in c.says if len(w) >= MIN_TERM)


def _only_the_term_fits(text: str, i: int, term: str | None) -> bool:
    if term is None:
        return False
    before = text[max(0, i - 2) : i]
    if term in STATUS_TERMS:
        return bool(_STATUS_BEFORE.search(before) and _STATUS_AFTER.match(text, i + len(term)))
    return term in _business_terms() and bool(_BUSINESS_BEFORE.search(before))


@cache
def _terms() -> frozenset[str]:
    return frozenset(lexicon_terms())


@cache
def _kept_words() -> frozenset[str]:
    """Lexicon terms and everyday words (jieba frequency ≥ `KEPT_WORD_FREQ`): a correction never cuts one."""
    words = set(_terms())
    with resources.files("jieba").joinpath("dict.txt").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ", 2)
            if len(parts) >= 2 and MIN_TERM <= len(parts[0]) <= MAX_TERM and int(parts[1]) >= KEPT_WORD_FREQ:
                words.add(parts[0])
    return frozenset(words)


def _crosses_a_term(text: str, i: int, term: str, lengths: list[int]) -> bool:
    """A correct term or common word crosses an edge of the window over a character the correction would change:
    it begins inside and runs past it (老公失业: 公失 is not 公司, 失业 is meant), or began before and ends inside it
    (已实现就业: 现就业 is not 想就业, 实现 is meant; 垃圾分类: 圾分 is not 积分; 理货员: 货员 is not 货运). A word
    that begins inside over unchanged characters only does not stop it (任定为: 定为 is a word, 任 → 认 outside it)."""
    terms = _kept_words()
    end = i + len(term)
    changed = [i + k for k, (a, b) in enumerate(zip(text[i:end], term, strict=True)) if a != b]

    def covers(j: int, k: int) -> bool:
        return any(j <= c < j + k for c in changed)

    for k in lengths:
        if any(j + k <= len(text) and text[j : j + k] in terms for j in range(max(0, i - k + 1), i)):
            return True  # a word that began before the window always stops it (理货员 is not 理货运)
        if any(
            j + k > end and j + k <= len(text) and text[j : j + k] in terms and covers(j, k) for j in range(i + 1, end)
        ):
            return True
    return False


@cache
def _lengths() -> tuple[int, ...]:
    return tuple(sorted({n for n, _ in _index()}, reverse=True))


@cache
def _candidates(n: int, ch: str) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """The terms of length `n` whose first syllable `ch` may stand for (by any reading, or by its shape)."""
    index = _index()
    first = {_reading(ch), *map(_fuzzy, _other_readings(ch))}
    found = [c for r in sorted(first) for c in index.get((n, r), ())]
    if ch in SHAPE_TYPOS:
        found += index.get((n, _reading(SHAPE_TYPOS[ch])), ())
    return tuple(found)


def fix_typos(text: str) -> str:
    """`text` with misspelt lexicon terms replaced by the terms."""
    text = _fix_numerals(_fix_negations(_fix_pinyin(text)))
    lengths = list(_lengths())
    terms = _terms()
    common = _common_words()
    out: list[str] = []
    i = 0
    while i < len(text):
        replaced = False
        for n in lengths:
            window = text[i : i + n]
            if len(window) < n:
                continue
            candidates = _candidates(n, window[0])
            if not candidates or not _HAN.match(window):
                continue
            if window in terms:
                out.append(window)  # a correct term: keep it whole (and do not look for a shorter one inside)
                i += n
                replaced = True
                break
            term = _correction(window, candidates)
            if window in common and not _only_the_term_fits(text, i, term):
                continue
            if term is not None and not _crosses_a_term(text, i, term, lengths):
                out.append(term)
                i += n
                replaced = True
                break
        if not replaced:
            out.append(text[i])
            i += 1
    return "".join(out)
