from __future__ import annotations

import re
import unicodedata

import pytest

from caselog.privacy import PLACEHOLDERS, contains_personal_data, find_personal_data, mask_text, mask_value

ID, CARD, MOBILE, PHONE = "〔身份证号〕", "〔银行卡号〕", "〔手机号〕", "〔电话〕"
NAME, ADDRESS, EMAIL, ACCOUNT = "〔姓名〕", "〔住址〕", "〔邮箱〕", "〔账号〕"

MASKED = [
    # 18-digit ids: contiguous, grouped 6-8-4 or 6-4-4-4 by spaces, dashes or dots, X last, full width
    ("身份证号310101199001011234", f"身份证号{ID}"),
    ("我的身份证是31010119900101123X。", f"我的身份证是{ID}。"),
    ("身份证 31010119900101123x", f"身份证 {ID}"),
    ("身份证 310101 19900101 3456 谢谢", f"身份证 {ID} 谢谢"),
    ("310101-1990-0101-2345", ID),
    ("310101.19900101.4567", ID),
    ("310101 - 1990 - 0101 - 2345", ID),
    ("身份证３１０１０１１９９００１０１１２３Ｘ", f"身份证{ID}"),
    ("３１０１０１－１９９００１０１－１２３４", ID),
    # 15-digit ids
    ("老身份证号310101900101123", f"老身份证号{ID}"),
    ("310101 900101 123", ID),
    # mobiles: groups of 3-4-4, dots, dashes, +86 / 0086 / (+86), full width
    ("手机13812345678", f"手机{MOBILE}"),
    ("139 1234 5670", MOBILE),
    ("139.1234.5672", MOBILE),
    ("电话 138-1234-5678。", f"电话 {MOBILE}。"),
    ("139 - 1234 - 5670", MOBILE),
    ("call +86 138 1234 5678 now", f"call {MOBILE} now"),
    ("+8613912345678", MOBILE),
    ("008613912345678", MOBILE),
    ("(+86)139-1234-5678", MOBILE),
    ("＋８６　１３９　１２３４　５６７８", MOBILE),
    ("手机１３８１２３４５６７８", f"手机{MOBILE}"),
    ("139 12345670", MOBILE),
    # landlines with an area code
    ("电话021-12345678", f"电话{PHONE}"),
    ("(021) 6123 4567", PHONE),
    ("0571-88888888", PHONE),
    # bank cards
    ("卡号6222021234567890", f"卡号{CARD}"),
    ("卡号 6222 0212 3456 7890 123", f"卡号 {CARD}"),
    ("卡号6222-0212-3456-7890", f"卡号{CARD}"),
    ("银行卡6222021234567890123号", f"银行卡{CARD}号"),
    ("622202 1234567890123", CARD),
    # e-mail, QQ and WeChat ids
    ("邮箱zhangsan1990@qq.com", f"邮箱{EMAIL}"),
    ("13912345678@163.com", EMAIL),
    ("QQ号123456789", f"QQ号{ACCOUNT}"),
    ("微信号：wxid_abc123", f"微信号：{ACCOUNT}"),
    # names after 我叫 / 我的名字是 / 姓名
    ("我叫王小明，今年35岁", f"我叫{NAME}，今年35岁"),
    ("我叫张三失业半年了", f"我叫{NAME}失业半年了"),
    ("我叫王小明今年毕业", f"我叫{NAME}今年毕业"),
    ("我的名字是欧阳娜娜", f"我的名字是{NAME}"),
    ("姓名：李四", f"姓名：{NAME}"),
    # street addresses after 住在 / 家住 / 地址: city and district stay, the street goes
    ("我住在浦东新区张杨路100号，失业三个月", f"我住在浦东新区{ADDRESS}，失业三个月"),
    ("家住上海市闵行区莘庄镇莘朱路88弄5号601室", f"家住上海市闵行区莘庄镇{ADDRESS}"),
    ("住在幸福小区5栋601室失业了", f"住在{ADDRESS}失业了"),
    ("地址：徐汇区漕溪北路1200号", f"地址：徐汇区{ADDRESS}"),
    ("我住在上海浦东张杨路", f"我住在上海{ADDRESS}"),
]


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_masks_personal_data_however_it_is_typed(text: str, expected: str) -> None:
    assert mask_text(text) == expected
    assert contains_personal_data(text)
    assert mask_text(expected) == expected  # idempotent


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_masked_spans_are_never_read_as_numbers(text: str, expected: str) -> None:
    """Number parsing sees the masked text exactly as if the personal data had not been typed at all."""
    from understanding.numbers import first_int, parse_age, parse_months

    without = text
    for _, span in find_personal_data(text):
        without = without.replace(span, "")
    masked = mask_text(text)
    for parse in (first_int, parse_age, parse_months):
        assert parse(masked) == parse(without), parse.__name__
    for _, span in find_personal_data(text):
        for run in re.findall(r"\d{3,}", unicodedata.normalize("NFKC", span)):
            assert run not in unicodedata.normalize("NFKC", masked)


def test_placeholders_hold_no_digit_and_no_chinese_numeral() -> None:
    from understanding.numbers import DIGITS, UNITS

    numerals = set(DIGITS) | set(UNITS)
    for placeholder in PLACEHOLDERS.values():
        assert not any(ch.isdigit() or ch in numerals for ch in placeholder), placeholder


@pytest.mark.parametrize(
    "text",
    [
        "我2022年毕业，今年53岁，失业3个月了",
        "沪府规〔2022〕6号第四条",
        "补贴5000元，每月2590元",
        "2022-07-01开始",
        "2022.07.01-2022.12.31",
        "20220701",
        "工号12345678",
        "邮编200001",
        "1234567890",
        "12812345678",  # 12x is not a mobile prefix
        "我家有3口人，2个孩子",
        "我住在上海，户口在外地",
        "我住在浦东",
        "我家在农村，是农民工",
        "三室一厅，地铁3号线",
        "我是农民工，也在跑外卖",
    ],
)
def test_leaves_ordinary_text_alone(text: str) -> None:
    assert mask_text(text) == text
    assert not contains_personal_data(text)


def test_several_items_in_one_message_are_all_masked() -> None:
    text = "我叫小王，身份证310101199001011234，手机13912345678，卡号6222021234567890，失业6个月"
    masked = mask_text(text)
    assert masked == f"我叫{NAME}，身份证{ID}，手机{MOBILE}，卡号{CARD}，失业6个月"
    assert [k for k, _ in find_personal_data(text)] == ["id_card", "bank_card", "mobile", "name"]
    assert not contains_personal_data(masked)


def test_mask_value_walks_nested_values_but_keeps_identifiers() -> None:
    event = {
        "event": "user",
        "message_id": "12345678901234567890",
        "text": "手机13812345678",
        "parse_data": {"text": "手机13812345678", "entities": [{"value": "13812345678"}]},
        "metadata": {"channel": "telegram", "phone": "13812345678"},
        "timestamp": 1656633600.5,
    }
    masked = mask_value(event)
    assert masked["message_id"] == event["message_id"]
    assert masked["timestamp"] == event["timestamp"]
    assert masked["text"] == f"手机{MOBILE}"
    assert masked["parse_data"]["entities"][0]["value"] == MOBILE
    assert masked["metadata"] == {"channel": "telegram", "phone": MOBILE}
    assert "13812345678" not in repr(masked)


def test_privacy_module_is_stdlib_only() -> None:
    import ast
    import sys
    from pathlib import Path

    import caselog.errors
    import caselog.privacy
    import caselog.salt
    import caselog.spool

    own = ("caselog.privacy", "caselog.salt", "caselog.errors", "__future__")  # stdlib-only themselves
    for module in (caselog.privacy, caselog.spool, caselog.salt, caselog.errors):
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or name in own, name
