import ast
from pathlib import Path

import pytest

from core import i18n

ROOT = Path(__file__).parents[2]


def test_every_key_has_both_languages():
    for key, (zh, en) in i18n.CATALOGUE.items():
        assert zh.strip() and en.strip(), key


@pytest.mark.parametrize("enum", list(i18n.ENUM_LABELS))
def test_every_enum_member_has_a_label(enum):
    assert set(i18n.ENUM_LABELS[enum]) == {m.value for m in enum}


def test_translate_formats_and_switches_language():
    assert i18n.translate("app.data_as_of", "zh", when="X") == "数据截至 X"
    assert i18n.translate("app.data_as_of", "en", when="X") == "Data as of X"


def _t_keys(path: Path) -> set[str]:
    keys = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args
                and isinstance(node.args[0], ast.Constant)):
            keys.add(node.args[0].value)
    return keys


def test_every_key_used_by_pages_and_ui_exists():
    used = set().union(*(_t_keys(p) for d in ("pages", "ui") for p in (ROOT / d).glob("*.py")),
                       _t_keys(ROOT / "app.py"))
    assert used - set(i18n.CATALOGUE) == set()


def test_a_key_defined_in_two_catalogue_files_is_refused():
    with pytest.raises(ValueError, match="'app.title' is defined twice"):
        i18n.merged({"common": {"app.title": ("甲", "A")}, "ledger": {"app.title": ("乙", "B")}})


def test_every_catalogue_file_is_merged():
    files = {p.stem for p in (ROOT / "core" / "i18n").glob("*.py")} - {"__init__", "enums"}
    assert files == set(i18n.PARTS)
    assert len(i18n.CATALOGUE) == sum(len(texts) for texts in i18n.PARTS.values())
