"""In a real browser: a coordinator records an interview held today whose plan period (25 working
days, as the notice may set) runs into 2027 — a year chinese-calendar does not know — and sees
its plan due date, marked provisional and explained; an admin imports the 2027 holidays on the
holidays page; the coordinator's page then shows the recomputed date, no longer provisional.
Screenshots of both pages at 1366 and 1920 px, in Chinese and in English, go to test-artifacts/.
No console errors, nothing fetched from outside the app."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from core.calendar.holiday_file import read_holiday_file
from core.calendar.workdays import add_workdays
from db.engine import session_scope
from db.models import Interview
from tests.browser.conftest import Watched, own_app, sign_in, wait_for_app

TIMEOUT = 60_000
WORKDAYS = 25
PLACE = "浏览器测试：市生态环境局第一会议室"
HOLIDAYS_2027 = ("日期,类型,名称\n2027年1月1日,休,元旦\n2027/1/4,休,元旦\n2027/1/9,班,元旦调休\n"
                 "2027年2月6日至12日,休,春节\n2027/2/13,班,春节调休\n").encode("utf-8-sig")


@pytest.fixture(scope="module")
def interviews_app(chromium_path, browser, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("interviews")
    with own_app(tmp, items=300) as (url, db_url):
        warm_up(browser, url)
        yield url, db_url, tmp


@pytest.fixture(scope="module")
def live_app(interviews_app):
    """Overrides the shared app for this module, so the `watched` page watches this one."""
    return interviews_app[0]


def warm_up(browser, url: str) -> None:
    """One session through the root URL first: a fresh server's first run resolves the URL
    against the pages/ files and reruns once app.py's navigation has run, which can empty the
    sign-in form under the typing (slow under load)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_label("用户名").wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    context.close()


def signed_in(watched: Watched, url: str, username: str, heading: str) -> None:
    """Sign in and wait for the landing page's heading; again if a rerun swallowed the form."""
    for _ in range(3):
        sign_in(watched, url, username)
        try:
            watched.page.get_by_role("heading", name=heading).first.wait_for(timeout=TIMEOUT / 2)
            return
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: the form came back empty
            continue
    watched.page.get_by_role("heading", name=heading).first.wait_for(timeout=TIMEOUT)


def pick(page, label: str, option: str) -> None:
    """Choose `option` in the selectbox labelled `label` (typing filters the list)."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).first
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).first.click()


TO_TOP = "document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })"


def shots(watched: Watched, name: str) -> None:
    """The page at 1366 and 1920 px, in Chinese and in English; back to Chinese at 1440 px."""
    page = watched.page
    for lang in ("zh", "en"):
        if lang == "en":
            page.get_by_text("English", exact=True).first.click()
            wait_for_app(page)
        for width in (1366, 1920):
            page.set_viewport_size({"width": width, "height": 1100})
            page.wait_for_timeout(600)
            # Streamlit scrolls its own main block (not the window): back to the top of it
            page.evaluate(TO_TOP)
            page.wait_for_timeout(300)
            watched.screenshot(f"interviews-{name}-{width}-{lang}")
    page.get_by_text("中文", exact=True).first.click()
    wait_for_app(page)
    page.set_viewport_size({"width": 1440, "height": 900})


def test_record_an_interview_then_enter_2027_and_its_date_is_final(watched, browser, interviews_app,
                                                                   request):
    url, db_url, tmp = interviews_app
    page = watched.page
    held = date.today()
    provisional = add_workdays(held, WORKDAYS)
    assert provisional.uncovered_years == (2027,), "this test needs today's count to reach 2027"

    signed_in(watched, url, "demo_coordinator", "我的待办")
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="约谈").click()
    page.get_by_role("heading", name="约谈", exact=True).wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    page.get_by_role("button", name="登记约谈").click()
    page.get_by_role("heading", name="登记约谈").wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    pick(page, "约谈情形", "整改不力")
    pick(page, "被约谈单位", "万州区政府")
    page.get_by_role("textbox", name="约谈地点").fill(PLACE)
    page.get_by_role("textbox", name="被约谈人员").fill("张某某，副区长\n李某某，区生态环境局局长")
    page.get_by_role("spinbutton", name="方案报送期限（工作日）").fill(str(WORKDAYS))
    page.get_by_role("button", name="登记", exact=True).click()

    heading = page.get_by_role("heading", name=re.compile(r"约谈 YT-\d{4}-\d+ · 万州区政府"))
    heading.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    due = provisional.due_on.isoformat()
    page.get_by_text(f"整改方案报送期限暂定为 {due}（2027 年节假日尚未录入）").wait_for(timeout=TIMEOUT)
    page.get_by_text(f"整改方案报送期限 {due} 为暂定").wait_for(timeout=TIMEOUT)
    assert page.get_by_test_id("stMetricValue").filter(has_text=due).count() == 1
    interview_url = page.url
    shots(watched, "provisional")

    admin = Watched(browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
                    .new_page(), url)
    request.addfinalizer(lambda: admin.screenshot("last-interviews-admin"))   # for a failure
    signed_in(admin, url, "demo_admin", "整改总览")
    wait_for_app(admin.page)
    admin.page.get_by_test_id("stSidebarNav").get_by_role("link", name="节假日设置").click()
    admin.page.get_by_role("heading", name="节假日设置").wait_for(timeout=TIMEOUT)
    wait_for_app(admin.page)
    admin.page.get_by_text("2027 年尚无节假日安排").wait_for(timeout=TIMEOUT)
    shots(admin, "holidays-before")
    holiday_file = tmp / "2027年节假日.csv"
    holiday_file.write_bytes(HOLIDAYS_2027)
    admin.page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        str(holiday_file))
    admin.page.get_by_role("button", name="导入并替换 2027 年的录入").click()
    admin.page.get_by_text(re.compile("已导入 2027年节假日.csv：2027 年新增 11 天")).wait_for(timeout=TIMEOUT)
    wait_for_app(admin.page)
    assert admin.page.get_by_text("已不再暂定").count() >= 1
    assert admin.page.get_by_text("2027 年尚无节假日安排").count() == 0
    shots(admin, "holidays-after")

    entered = {e.day: e.is_workday for e in read_holiday_file(HOLIDAYS_2027, "x.csv")}
    final = add_workdays(held, WORKDAYS, overrides=entered)
    assert final.uncovered_years == ()
    page.goto(interview_url, wait_until="domcontentloaded")
    heading.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    page.get_by_test_id("stMetricValue").filter(has_text=final.due_on.isoformat()).wait_for(timeout=TIMEOUT)
    assert page.get_by_text("为暂定").count() == 0
    page.get_by_role("tab", name=re.compile("办理记录")).click()
    page.get_by_text(f"节假日录入后重新计算方案期限：{due} → {final.due_on.isoformat()}").wait_for(
        timeout=TIMEOUT)
    shots(watched, "final")

    with session_scope(db_url) as session:
        row = session.scalars(select(Interview).where(Interview.place == PLACE)).one()
        assert (row.plan_due_on, row.plan_due_uncovered, row.plan_workdays) == (final.due_on, None, WORKDAYS)
    for w in (watched, admin):
        assert w.outside == []
        assert w.console_errors == []
