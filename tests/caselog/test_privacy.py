from __future__ import annotations

import pytest

from caselog.privacy import contains_personal_data, find_personal_data, mask_text, mask_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证号310101199001011234", "身份证号**************1234"),
        ("我的身份证是31010119900101123X。", "我的身份证是**************123X。"),
        ("身份证 31010119900101123x", "身份证 **************123x"),
        ("身份证 310101 19900101 1234 谢谢", "身份证 **************1234 谢谢"),
        ("老身份证号310101900101123", "老身份证号***********0123".replace("0123", "1123")),
        ("手机13812345678", "手机*******5678"),
        ("电话：138 1234 5678", "电话：*******5678"),
        ("电话 138-1234-5678。", "电话 *******5678。"),
        ("call +86 138 1234 5678 now", "call *******5678 now"),
        ("+8613912345678", "*******5678"),
        ("008613912345678", "*******5678"),
        ("卡号6222021234567890", "卡号************7890"),
        ("卡号 6222 0212 3456 7890 123", "卡号 ***************0123"),
        ("卡号6222-0212-3456-7890", "卡号************7890"),
        ("银行卡6222021234567890123号", "银行卡***************0123号"),
    ],
)
def test_masks_personal_numbers_keeping_last_four(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "我2022年毕业，今年53岁，失业3个月了",
        "沪府规〔2022〕6号第四条",
        "补贴5000元，每月2590元",
        "2022-07-01开始",
        "20220701",
        "工号12345678",
        "邮编200001，电话021-12345678",  # a landline is not in scope
        "1234567890",
        "12812345678",  # 12x is not a mobile prefix
        "我家有3口人，2个孩子",
    ],
)
def test_leaves_ordinary_numbers_alone(text: str) -> None:
    assert mask_text(text) == text
    assert not contains_personal_data(text)


def test_several_items_in_one_message_are_all_masked() -> None:
    text = "我叫小王，身份证310101199001011234，手机13912345678，卡号6222021234567890，失业6个月"
    masked = mask_text(text)
    assert "310101199001011234" not in masked
    assert "13912345678" not in masked
    assert "6222021234567890" not in masked
    assert masked.endswith("失业6个月")
    assert [k for k, _ in find_personal_data(text)] == ["id_card", "bank_card", "mobile"]
    assert not contains_personal_data(masked)


def test_masking_is_idempotent() -> None:
    text = "身份证310101199001011234 手机+86 139-1234-5678 卡6222021234567890123"
    once = mask_text(text)
    assert mask_text(once) == once


def test_full_width_digits_are_masked_too() -> None:
    assert "１３８１２３４５６７８" not in mask_text("手机１３８１２３４５６７８")


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
    assert masked["text"] == "手机*******5678"
    assert masked["parse_data"]["entities"][0]["value"] == "*******5678"
    assert masked["metadata"] == {"channel": "telegram", "phone": "*******5678"}
    assert "13812345678" not in repr(masked)


def test_privacy_module_is_stdlib_only() -> None:
    import ast
    import sys
    from pathlib import Path

    import caselog.privacy
    import caselog.spool

    for module in (caselog.privacy, caselog.spool):
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or name in ("caselog.privacy", "__future__"), name
