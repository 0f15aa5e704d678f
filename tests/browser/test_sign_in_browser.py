"""In a real browser: every demo role signs in and sees its first page; the cookie survives a
reload; sign-out revokes it; nothing is fetched from outside the app."""

import re

import pytest

from core.access.users import DEMO_ACCOUNTS
from core.domain import Role
from tests.browser.conftest import sign_in, wait_for_app

TIMEOUT = 60_000


# Coordinators and units land on 我的待办 (ui.nav.PAGES); the others on the overview.
LANDING = {Role.COORDINATOR: ("我的待办", "即将到期|待验收"), Role.UNIT: ("我的待办", "即将到期")}


@pytest.mark.parametrize("username, role", [(u, r) for u, _, r in DEMO_ACCOUNTS])
def test_each_demo_role_signs_in_to_its_first_page(watched, live_app, username, role):
    sign_in(watched, live_app, username)
    page = watched.page
    heading, section = LANDING.get(role, ("整改总览", "每月新增与销号"))
    page.get_by_role("heading", name=heading).first.wait_for(timeout=TIMEOUT)
    page.get_by_text("数据截至").first.wait_for(timeout=TIMEOUT)
    page.get_by_text(re.compile(section)).first.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    nav = page.locator('[data-testid="stSidebarNav"]')
    assert ("用户管理" in nav.inner_text()) == (role is Role.ADMIN)
    watched.screenshot(f"sign-in-{username}")
    assert watched.outside == []
    assert watched.console_errors == []


def test_wrong_password_is_refused_in_the_browser(watched, live_app):
    sign_in(watched, live_app, "demo_admin", "wrong-password")
    watched.page.get_by_text("用户名或密码错误").wait_for(timeout=TIMEOUT)


def test_cookie_keeps_the_user_signed_in_until_sign_out(watched, live_app):
    page = watched.page
    sign_in(watched, live_app, "demo_coordinator")
    page.get_by_role("heading", name="我的待办").first.wait_for(timeout=TIMEOUT)
    wait_for_app(page)  # and let the cookie component write the cookie
    page.reload(wait_until="domcontentloaded")
    page.get_by_role("heading", name="我的待办").first.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("button", name="登录").wait_for(timeout=TIMEOUT)
    page.reload(wait_until="domcontentloaded")
    page.get_by_role("button", name="登录").wait_for(timeout=TIMEOUT)
    assert page.get_by_role("heading", name="我的待办").count() == 0
