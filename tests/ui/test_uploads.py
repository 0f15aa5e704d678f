"""Streamlit's own English kept off the Chinese screens: the file uploaders' note and button
(ui/uploads.py), the placeholders of choice boxes with no value, and empty table cells
(ui/text.cell)."""

from __future__ import annotations

import ast
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from core.domain import Role
from core.i18n import translate
from tests.factories import make_actor, make_item
from tests.pages.conftest import app  # noqa: F401 - the AppTest factory, for the page walks below
from ui import uploads
from ui.text import EMPTY, cell, cells

ROOT = Path(__file__).parents[2]


# ------------------------------------------------------------------ ui/uploads.py (pure parts)

def test_css_strings_are_quoted_and_cannot_close_the_style():
    assert uploads.css_string('a"b\\c') == '"a\\"b\\\\c"'
    assert "</style>" not in uploads.css_string("</style><script>")
    assert "\n" not in uploads.css_string("two\nlines")


def test_key_class_follows_streamlits_rule():
    assert uploads.key_class("import_file_0") == "st-key-import_file_0"
    assert uploads.key_class("act 3:files") == "st-key-act-3-files"


@pytest.mark.parametrize(("given", "cap"), [(20, 20), (20.7, 20), (0.5, 1), (2, 2)])
def test_the_cap_told_to_the_browser_is_whole_mb_and_never_above_the_real_one(given, cap):
    assert uploads.cap_mb(given) == cap


def test_the_note_names_the_cap_and_types_in_each_language(monkeypatch):
    monkeypatch.setattr("ui.common.lang", lambda: "zh")
    assert uploads.note(30, ["xlsx"]) == "或拖放到此处 · 每个文件不超过 30 MB · XLSX"
    assert uploads.note(2, ["csv", ".xlsx"]) == "或拖放到此处 · 每个文件不超过 2 MB · CSV、XLSX"
    assert uploads.note(20) == "或拖放到此处 · 每个文件不超过 20 MB"
    monkeypatch.setattr("ui.common.lang", lambda: "en")
    assert uploads.note(30, ["xlsx"]) == "or drop here · up to 30 MB per file · XLSX"
    css = uploads.widget_css("import_file_0", 30, ["xlsx"])
    assert css == ('.st-key-import_file_0 {--ledger-upload-note: '
                   '"or drop here · up to 30 MB per file · XLSX";}')


def test_the_page_style_hides_only_the_dropzone_texts(monkeypatch):
    monkeypatch.setattr("ui.common.lang", lambda: "zh")
    css = uploads.style_css()
    rules = [line.split("{")[0] for line in css.splitlines()]
    assert all('[data-testid="stFileUploaderDropzone' in r for r in rules), rules
    assert "display: none" in css and '"选择文件"' in css and "var(--ledger-upload-note" in css
    assert "url(" not in css and "@import" not in css          # nothing fetched


# ------------------------------------------------------------------ every uploader goes through it

def calls(path: Path, names: set[str]):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in names:
            yield node


MINE = ["pages/import_ledger.py", "ui/holiday_views.py", "ui/referral_form.py", "ui/interview_form.py",
        "ui/interview_actions.py", "ui/supervision_notices.py"]


@pytest.mark.parametrize("name", MINE)
def test_uploaders_use_the_helper(name):
    assert not list(calls(ROOT / name, {"file_uploader"})), f"{name}: st.file_uploader without ui.uploads"
    source = (ROOT / name).read_text()
    assert "file_uploader(" in source and "max_mb=" in source


# ------------------------------------------------------------------ placeholders

OWNED = ["ui/account_admin.py", "pages/users.py", "pages/kiosk_tokens.py", "pages/holidays.py",
         "ui/holiday_views.py", "pages/settings.py", "ui/supervision_settings.py", "pages/import_ledger.py",
         "ui/item_inputs.py", "ui/interview_form.py", "ui/interview_actions.py", "ui/interview_views.py",
         "ui/referral_form.py", "ui/referral_actions.py", "ui/referral_views.py", "ui/supervision_flagged.py",
         "ui/supervision_inspections.py", "ui/supervision_notices.py", "ui/supervision_forms.py",
         *(str(p.relative_to(ROOT)) for p in sorted((ROOT / "ui").glob("dispatch*.py"))),
         "pages/long_unresolved.py", "pages/notices.py", "pages/inspections.py", "pages/dispatch.py",
         "pages/interviews.py", "pages/referrals.py"]


def _empty_choice(node: ast.Call) -> bool:
    if node.func.attr == "multiselect":
        return True
    index = next((k.value for k in node.keywords if k.arg == "index"), None)
    maybe_none = isinstance(index, ast.Call) and "_index" in ast.unparse(index.func)   # ui.referral_form
    return maybe_none or (isinstance(index, ast.Constant) and index.value is None)


@pytest.mark.parametrize("name", OWNED)
def test_every_empty_choice_box_has_a_placeholder_in_the_source(name):
    missing = [node.lineno for node in calls(ROOT / name, {"selectbox", "multiselect"})
               if _empty_choice(node) and not any(k.arg == "placeholder" for k in node.keywords)]
    assert not missing, f"{name}: lines {missing} fall back to Streamlit's 'Choose an option'"


PAGES = ["pages/users.py", "pages/kiosk_tokens.py", "pages/holidays.py", "pages/settings.py",
         "pages/import_ledger.py", "pages/long_unresolved.py", "pages/notices.py", "pages/inspections.py",
         "pages/dispatch.py", "pages/interviews.py", "pages/referrals.py"]


def choice_boxes_without_placeholder(at) -> list[str]:
    boxes = [*at.selectbox, *at.multiselect]
    # a selectbox with no value has no default (a None *option*, "（无）", is a value)
    return [f"{b.label} ({b.key})" for b in boxes
            if (b.type == "multiselect" or not b.proto.HasField("default")) and not b.proto.placeholder]


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_choose_an_option(app, session, page):  # noqa: F811 - the fixture
    admin = make_actor(session, Role.ADMIN)
    make_item(session)
    session.commit()
    at = app(admin)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert not choice_boxes_without_placeholder(at), (page, choice_boxes_without_placeholder(at))


def test_the_placeholder_walk_finds_a_missing_one():
    """The walk above can fail: a page with a bare selectbox(index=None) is reported."""
    from streamlit.testing.v1 import AppTest

    def bare():
        import streamlit as st
        st.selectbox("甲", ["a"], index=None, key="bare")
        st.selectbox("乙", ["a"], index=None, key="kept", placeholder="请选择")
    at = AppTest.from_function(bare).run()
    assert choice_boxes_without_placeholder(at) == ["甲 (bare)"]


# ------------------------------------------------------------------ empty cells

def test_empty_cells_read_as_a_dash():
    assert cells([None, float("nan"), pd.NaT, ""]) == [EMPTY] * 4
    assert cell(datetime(2026, 12, 2, 9, 5)) == "2026-12-02 09:05"
    assert cell(date(2026, 12, 2)) == "2026-12-02"
    assert cell(0) == "0" and cell("甲") == "甲"
    assert cell(None, empty="") == ""


def test_the_users_table_shows_no_none(app, session):  # noqa: F811 - the fixture
    admin = make_actor(session, Role.ADMIN)            # never signed in, never locked: empty cells
    session.commit()
    at = app(admin)
    at.run()
    at.switch_page("pages/users.py").run()
    frame = next(d.value for d in at.dataframe if translate("users.username") in d.value.columns)
    text = frame.astype(str).to_numpy().ravel().tolist()
    assert "None" not in text and "NaT" not in text and "nan" not in text
    assert frame[translate("users.col.last_login")].tolist()[0] == EMPTY
