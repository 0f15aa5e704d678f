"""Control characters are not text a person typed: refused by field everywhere free text enters
(the shared check_text of the move forms, the item, interview and dispatch forms)."""

import pytest

from core.ledger.item_form import check_text
from core.text_checks import has_control_characters


@pytest.mark.parametrize("text, bad", [
    ("整改完成", False), ("第一行\n第二行", False), ("a\tb\r\n", False), ("", False),
    ("\x00", True), ("编号\x00", True), ("\x1b[31m红", True), ("\x7f", True), ("\x85", True),
    ("零宽\u200b空格", False),        # a format character, not a control: kept as typed
])
def test_which_characters_are_control_characters(text, bad):
    assert has_control_characters(text) is bad


def test_check_text_names_the_field_and_returns_nothing_to_store():
    problems = []
    assert check_text(problems, "item.field.text", "已完成\x00") is None
    assert [p.column for p in problems] == ["整改进展"]
    assert problems[0].message.startswith("含有不可见的控制字符")
    problems = []
    assert check_text(problems, "item.field.text", "  已完成\n附件两份  ") == "已完成\n附件两份"
    assert problems == []
