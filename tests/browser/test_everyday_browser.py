"""In a real browser: a demo role is one click away; the sidebar groups pages by capability; the
English switch is kept in the address, so a reload (with the sign-in cookie) stays in English."""

from __future__ import annotations

import re

from tests.browser.conftest import wait_for_app

TIMEOUT = 60_000
GROUPS = {"zh": ("台账", "督办督察", "移送约谈", "大屏地图", "管理"),
          "en": ("Ledger", "Supervision", "Referrals & interviews", "Screen & map", "Administration")}


def one_click(watched, live_app, button: str, shot: str | None = None) -> None:
    page = watched.page
    page.goto(live_app, wait_until="domcontentloaded")
    page.get_by_role("button", name=re.compile(button)).first.wait_for(timeout=TIMEOUT)
    wait_for_app(page, timeout=TIMEOUT)
    if shot:
        watched.screenshot(shot)
    page.get_by_role("button", name=re.compile(button)).first.click()


def sidebar_groups(page) -> list[str]:
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.wait_for(timeout=TIMEOUT)
    return [h.inner_text().strip() for h in nav.locator('[data-testid="stNavSectionHeader"]').all()]


def test_an_admin_is_one_click_away_and_sees_the_pages_by_capability(watched, live_app):
    watched.page.set_viewport_size({"width": 1366, "height": 768})
    one_click(watched, live_app, "管理员", shot="everyday-sign-in-demo-1366-zh")
    page = watched.page
    page.get_by_role("heading", name="整改总览").first.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    assert sidebar_groups(page) == list(GROUPS["zh"])
    watched.screenshot("everyday-admin-one-click-1366-zh")
    assert watched.outside == [] and watched.console_errors == []


def test_english_survives_a_reload_and_a_page_switch(watched, live_app):
    page = watched.page
    one_click(watched, live_app, "督察办")
    page.get_by_role("heading", name="我的待办").first.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="My to-do").first.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    page.wait_for_url(re.compile(r"[?&]lang=en"), timeout=TIMEOUT)
    page.get_by_role("link", name="Ledger").first.click()          # in-app: the query is re-added
    page.get_by_role("heading", name="Ledger").first.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    page.wait_for_url(re.compile(r"/ledger\?(.*&)?lang=en"), timeout=TIMEOUT)
    page.reload(wait_until="domcontentloaded")                      # a new session, same address
    page.get_by_role("heading", name="Ledger").first.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    assert sidebar_groups(page) == list(GROUPS["en"][:4])         # a coordinator has no admin pages
    watched.screenshot("everyday-english-after-reload-1440-en")
    page.get_by_text("中文", exact=True).click()
    page.get_by_role("heading", name="台账").first.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    assert "lang=" not in page.url
    assert watched.outside == [] and watched.console_errors == []
