"""In a real browser: the coordinator (demo_coordinator) presses 万州区人民政府 about an item (催办)
from its page; the unit (demo_unit) signs in, finds it at the top of 我的待办 with who asked and the
note, the menu says how many things wait, and 办理 opens the item, whose timeline shows the 催办.
Screenshots at 1366 (zh) and 1920 (en)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import own_app, seed_wanzhou_items, sign_in, wait_for_app

TIMEOUT = 60_000
DESCRIPTION = "浏览器测试：万州区某砂石码头扬尘污染未整治到位"
NOTE = "请于三日内报送扬尘整治进展"


@pytest.fixture(scope="module")
def reminder_app(chromium_path, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reminders")
    with own_app(tmp, items=80) as (url, db_url):
        [(item_id, code)] = seed_wanzhou_items(db_url, [DESCRIPTION])
        yield url, item_id, code


@pytest.fixture(scope="module")
def live_app(reminder_app):
    return reminder_app[0]


def test_a_reminder_reaches_the_unit_first(watched, browser, reminder_app):
    url, item_id, code = reminder_app
    page = watched.page
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(watched, url, "demo_coordinator")
    page.get_by_role("heading", name="我的待办").first.wait_for(timeout=TIMEOUT)
    page.goto(f"{url}/item?id={item_id}")
    page.get_by_role("heading", name=f"整改任务 {code}").wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    note = page.get_by_label(re.compile("给 万州区政府 的催办说明"))
    try:
        note.wait_for(state="visible", timeout=10_000)   # the first action's expander opens by itself
    except PlaywrightTimeout:
        page.get_by_text("催办", exact=True).first.click()
    note.fill(NOTE)
    page.get_by_role("button", name="确认催办").click()
    page.get_by_text("催办 万州区政府（第 1 次）").first.wait_for(timeout=TIMEOUT)   # on the timeline
    watched.screenshot("reminder-item-page-1366-zh")

    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US")
    try:
        unit = type(watched)(context.new_page(), url)
        sign_in(unit, url, "demo_unit")
        unit.page.get_by_role("heading", name="办公室催办（1）").wait_for(timeout=TIMEOUT)
        wait_for_app(unit.page)
        assert unit.page.get_by_text(NOTE).first.is_visible()
        assert unit.page.get_by_text(code).first.is_visible()
        nav = unit.page.locator('[data-testid="stSidebarNav"]')
        assert nav.get_by_text(re.compile(r"我的待办（\d+）")).count() == 1
        unit.page.goto(f"{url}/?lang=en")   # the landing page is the root
        unit.page.get_by_role("heading", name="The office asks you to act (1)").wait_for(timeout=TIMEOUT)
        wait_for_app(unit.page)
        assert nav.get_by_text(re.compile(r"My to-do \(\d+\)")).count() == 1
        unit.screenshot("reminder-my-actions-1920-en")
        unit.page.get_by_role("button", name="Open").first.click()
        unit.page.get_by_role("heading", name=re.compile(code)).wait_for(timeout=TIMEOUT)
        assert unit.outside == [] and unit.console_errors == []
    finally:
        context.close()
    assert watched.outside == [] and watched.console_errors == []
