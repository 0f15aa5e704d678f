"""Admin forms (AppTest) keep what was typed when core refuses it, and start empty after a
success: the new account and the password reset (用户管理), the kiosk token name (大屏令牌), a
day of the holiday table (节假日设置) and the rule settings (规则设置). Refusals name the field
wholly in the user's language."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from core.access import users
from core.domain import Role
from core.i18n import translate
from core.screen import kiosk
from db.models import KioskToken, Setting, User
from tests.factories import make_actor, make_user
from tests.pages.page_helpers import errors, open_page, press

USERS, KIOSK = "pages/users.py", "pages/kiosk_tokens.py"
HOLIDAYS, SETTINGS = "pages/holidays.py", "pages/settings.py"


@pytest.fixture
def admin(session):
    actor = make_actor(session, Role.ADMIN, display_name="管理员甲")
    session.commit()
    return actor


@pytest.fixture
def english(monkeypatch):
    """The session is in English. AppTest formats a choice with the page's format_func outside the
    page's run, where no session state says so: the language is fixed for the test instead."""
    monkeypatch.setattr("ui.common.lang", lambda: "en")


def open_in(app, actor, page: str, lang: str = "zh"):
    at = app(actor)
    if lang == "en":
        at.session_state["lang"] = "en"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def fill_new_account(at, *, username="new.user", password="short", role: Role | None = Role.LEADER):
    at.text_input(key="new_username").input(username)
    at.text_input(key="new_display_name").input("新同事")
    at.text_input(key="new_password").input(password)
    if role is not None:
        at.selectbox(key="new_role").set_value(role)
    return at


# ------------------------------------------------------------------ 用户管理: new account

def test_a_refused_account_keeps_what_was_typed_and_a_created_one_clears(app, session, admin):
    at = fill_new_account(open_page(app, admin, USERS))
    at = press(at, translate("users.submit"))
    assert "密码" in errors(at) and "至少 8 个字符" in errors(at)
    assert session.scalar(select(User.id).where(User.username == "new.user")) is None
    assert at.text_input(key="new_username").value == "new.user"
    assert at.text_input(key="new_display_name").value == "新同事"
    assert at.selectbox(key="new_role").value is Role.LEADER
    at.text_input(key="new_password").input("long-enough-1")
    at = press(at, translate("users.submit"))
    assert not errors(at)
    assert session.scalar(select(User.role).where(User.username == "new.user")) is Role.LEADER
    assert at.text_input(key="new_username_1").value == ""           # a fresh form
    assert at.text_input(key="new_password_1").value == ""
    assert at.selectbox(key="new_role_1").value is not Role.LEADER


def test_the_password_message_is_wholly_chinese(app, session, admin):
    at = press(fill_new_account(open_page(app, admin, USERS)), translate("users.submit"))
    shown = errors(at)
    assert "**密码**：至少 8 个字符" in at.error[0].value
    assert "password" not in shown.lower() and "characters" not in shown
    assert "/" not in shown


def test_the_password_message_is_wholly_english(app, session, admin, english):
    at = press(fill_new_account(open_in(app, admin, USERS, "en"), role=None), translate("users.submit", "en"))
    shown = errors(at)
    assert "**Password**: at least 8 characters" in shown
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in shown), shown


def test_every_account_field_is_named_in_english(app, session, admin, english):
    at = fill_new_account(open_in(app, admin, USERS, "en"), username="中文名", password="x" * 80, role=None)
    shown = errors(press(at, translate("users.submit", "en")))
    for words in ("**Username**", "letters, digits", "**Password**", "72 bytes"):
        assert words in shown, (words, shown)
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in shown), shown


# ------------------------------------------------------------------ 用户管理: password reset

def test_a_refused_password_reset_keeps_the_field(app, session, admin):
    target = make_user(session, username="target", role=Role.COORDINATOR)
    session.commit()
    at = open_page(app, admin, USERS)
    at.selectbox(key="manage_user").select(target.id).run()
    at.text_input(key="reset_password").input("short")
    at = press(at, translate("users.reset_submit"))
    assert "密码" in errors(at) and "至少 8 个字符" in errors(at)
    assert at.text_input(key="reset_password").value == "short"
    at.text_input(key="reset_password").input("a-long-new-password")
    at = press(at, translate("users.reset_submit"))
    session.expire_all()
    assert users.check_password("a-long-new-password", session.get(User, target.id).password_hash)
    assert at.text_input(key="reset_password_1").value == ""


# ------------------------------------------------------------------ 大屏令牌

def submit_token(at):
    next(b for b in at.button if "FormSubmitter" in str(b.id)).click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_refused_token_name_stays_and_an_issued_one_clears(app, session, admin):
    kiosk.create_token(session, actor=admin, name="大厅大屏", now=datetime.now())
    session.commit()
    at = open_page(app, admin, KIOSK)
    at.text_input(key="kiosk_name").input("大厅大屏")
    at = submit_token(at)
    assert "名称" in errors(at) and "已被使用" in errors(at)
    assert "输入有误" not in errors(at)
    assert at.text_input(key="kiosk_name").value == "大厅大屏"
    at.text_input(key="kiosk_name").input("会议室大屏")
    at = submit_token(at)
    assert not errors(at)
    assert at.success[0].value.startswith("已签发令牌“会议室大屏”") and "kiosk=" in at.code[0].value
    assert at.text_input(key="kiosk_name_1").value == ""
    assert session.scalar(select(KioskToken.id).where(KioskToken.name == "会议室大屏"))
    at.run()                                           # the token is shown once only
    assert not at.code


def test_a_refused_token_name_is_explained_in_english(app, session, admin, english):
    at = open_in(app, admin, KIOSK, "en")
    at.text_input(key="kiosk_name").input("   ")
    shown = errors(submit_token(at))
    assert translate("kiosk.field.name", "en") in shown
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in shown), shown


# ------------------------------------------------------------------ 节假日设置

def test_a_refused_holiday_keeps_the_day_kind_and_name(app, session, admin):
    at = open_page(app, admin, HOLIDAYS)
    at.selectbox(key="holiday_year").set_value(2027).run()
    at.date_input(key="hd_day_2027_0").set_value(date(2027, 3, 3))      # a Wednesday: no make-up day
    at.radio(key="hd_kind_2027_0").set_value("work")
    at.text_input(key="hd_name_2027_0").input("调休")
    at = press(at, "录入一天")
    assert errors(at)
    assert at.date_input(key="hd_day_2027_0").value == date(2027, 3, 3)
    assert at.radio(key="hd_kind_2027_0").value == "work"
    assert at.text_input(key="hd_name_2027_0").value == "调休"
    at.date_input(key="hd_day_2027_0").set_value(date(2027, 3, 6))      # a Saturday
    at = press(at, "录入一天")
    assert not errors(at)
    assert at.text_input(key="hd_name_2027_1").value == ""
    assert at.date_input(key="hd_day_2027_1").value == date(2027, 1, 1)


# ------------------------------------------------------------------ 规则设置

def test_refused_settings_keep_every_value_typed(app, session, admin):
    at = open_page(app, admin, SETTINGS)
    at.text_input(key="setting_stale_after_days_0").input("九十")
    at.text_input(key="setting_bounce_threshold_0").input("3")
    at = press(at, "保存")
    assert "须为整数" in errors(at)
    assert at.text_input(key="setting_stale_after_days_0").value == "九十"
    assert at.text_input(key="setting_bounce_threshold_0").value == "3"
    assert session.get(Setting, "bounce_threshold").value == "2"
    at.text_input(key="setting_stale_after_days_0").input("60")
    at = press(at, "保存")
    assert not errors(at)
    assert at.text_input(key="setting_stale_after_days_1").value == "60"    # the value now in force


def test_no_empty_table_before_any_token(app, session, admin):
    """An empty st.dataframe reads Streamlit's own "empty": the page says it in words instead."""
    at = open_page(app, admin, KIOSK)
    assert not at.dataframe
    assert "还没有签发过令牌" in [c.value for c in at.caption]
    assert "没有有效的令牌" not in [c.value for c in at.caption]
    kiosk.create_token(session, actor=admin, name="大厅大屏", now=datetime.now())
    session.commit()
    at.run()
    assert len(at.dataframe) == 1 and "还没有签发过令牌" not in [c.value for c in at.caption]
