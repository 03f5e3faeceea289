"""The channel-edge normalisation: script, width, typos of the project's words, masked numbers."""

from __future__ import annotations

import pytest

from understanding.normalise import MASKED_PLACEHOLDER, normalise
from understanding.typos import fix_typos


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("我是上海戶口，今年四十五歲，失業八個月了", "我是上海户口，今年四十五岁，失业八个月了"),
        ("我失业３个月，ＨＲ说不续了", "我失业3个月，HR说不续了"),
        ("失业　半年", "失业 半年"),
        ("身份证**************1234，失业三个月", f"身份证{MASKED_PLACEHOLDER}，失业三个月"),
        ("我叫〔姓名〕", "我叫〔姓名〕"),
    ],
)
def test_normalise(typed: str, read: str) -> None:
    assert normalise(typed) == read


def test_chinese_punctuation_stays_as_the_training_data_writes_it() -> None:
    assert normalise("你好，我想问问？") == "你好，我想问问？"


@pytest.mark.parametrize(
    ("typed", "fixed"),
    [
        ("失叶半年了", "失业半年了"),
        ("家里是低包户", "家里是低保户"),
        ("没有上海户扣", "没有上海户口"),
        ("想就叶", "想就业"),
        ("我是外卖旗手", "我是外卖骑手"),
        ("有残急证", "有残疾证"),
        ("在领失业经", "在领失业金"),  # 经/金: front and back nasal merged
        ("我是从安微来的", "我是从安徽来的"),  # 微/徽 look alike
        ("我在哺孔期", "我在哺乳期"),
    ],
)
def test_homophone_and_shape_typos_of_the_lexicon_are_fixed(typed: str, fixed: str) -> None:
    assert fix_typos(typed) == fixed


@pytest.mark.parametrize(
    "text",
    [
        "我在事业单位上班",  # 事业 is a word, not 失业
        "我的等级证书",  # 等级 is a word, not 登记
        "被认定为就业困难人员",  # never 为→未: a correction does not add a negation
        "今年大专毕业",  # 年大 is not the college 宁大
        "养家糊口不容易",
    ],
)
def test_words_that_are_meant_stay(text: str) -> None:
    assert fix_typos(text) == text


def test_normalise_is_idempotent() -> None:
    once = normalise("我失叶三個月了，戶扣在老家")
    assert normalise(once) == once


@pytest.mark.parametrize(
    ("typed", "fixed"),
    [
        ("我是博土", "我是博士"),  # 土/士 look alike
        ("复担毕业的", "复旦毕业的"),  # a distinctive short college name is in the lexicon
        ("老家宁厦", "老家宁夏"),  # 厦 is also read xia
        ("以前是长江退扑鱼民", "以前是长江退捕渔民"),  # one character by shape, one by sound
        ("想找个小时工，不想自主创亚", "想找个小时工，不想自主创业"),
        ("他们公司想招人", "他们公司想招人"),  # 招 (hiring) is never turned into 找 (looking)
        ("我老公失业了", "我老公失业了"),  # 公失 is not 公司: 失业 starts inside it and is meant
        ("戒du以后", "戒毒以后"),  # a term finished in pinyin
        ("怀yun了", "怀孕了"),
        ("今年五十流岁", "今年五十六岁"),  # digit homophones inside a number
        ("我四是二", "我四十二"),
        ("六十穗了", "六十岁了"),
        ("2年另5个月", "2年零5个月"),
        ("失业三个越了", "失业三个月了"),
        ("上每户籍", "上海户籍"),  # 每 looks like 海
    ],
)
def test_more_typo_kinds(typed: str, fixed: str) -> None:
    assert fix_typos(typed) == fixed


@pytest.mark.parametrize("text", ["我在事业单位上班", "一是想找工作，二是想学技术", "我在家带了三年孩子", "age 45"])
def test_rare_readings_and_enumerations_are_left_alone(text: str) -> None:
    assert fix_typos(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "这个政策已实现就业的人能用吗",  # 实现 is an everyday word: 现就业 is not 想就业
        "垃圾分类站招人吗",  # 垃圾 is kept whole although 积分 is a term
        "他说阳过的不要",  # 说 is typed for shuo, not for its rare reading yue (岳阳)
        "想找个离家近的",  # a measure word is never part of a correction (个离 is not 隔离)
        "那失业金呢",  # nor a demonstrative (那 is not 拿)
        "家里挺困难的",  # what stays would be only 的 (难的 is not 男的)
        "可以先上岗吗",  # 先 is an adverb, not 想
        "上个月阳了",
    ],
)
def test_corrections_never_cut_everyday_words(text: str) -> None:
    assert fix_typos(text) == text


@pytest.mark.parametrize(
    ("typed", "fixed"),
    [
        ("失夜一年", "失业一年"),  # 夜一 is no word to keep
        ("开了家电影园", "开了家电影院"),  # 家电 is not frequent enough to stop the fix
    ],
)
def test_rare_words_do_not_block_a_fix(typed: str, fixed: str) -> None:
    assert fix_typos(typed) == fixed


@pytest.mark.parametrize(
    ("typed", "fixed"),
    [
        ("已经事业半年了", "已经失业半年了"),  # a common word where only the status term fits
        ("我实业了", "我失业了"),
        ("刚任定为就业困难人员", "刚认定为就业困难人员"),  # 定为 is a word, but over 定, which stays
        ("他说因为洋了不要他", "他说因为阳了不要他"),
        ("我杨过一次", "我阳过一次"),
    ],
)
def test_status_words_typed_as_other_words_are_fixed(typed: str, fixed: str) -> None:
    assert fix_typos(typed) == fixed


@pytest.mark.parametrize(
    "text", ["我的事业很顺", "我事业有成", "搞实业的老板", "我在事业单位干了三年", "放羊了", "我在超市当理货员"]
)
def test_common_words_stay_where_they_fit(text: str) -> None:
    assert fix_typos(text) == text
