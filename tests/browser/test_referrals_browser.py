"""In a real browser: a coordinator refers two items to 万州区公安局 (starting from one item's page);
the police user (demo_police) finds it in 我的待办, confirms receipt, accepts and files it; the
coordinator sees the feedback on the item's page, and the flow chart moves (its figures and its
picture). Screenshots at 1366 and 1920 px, Chinese and English; nothing fetched from outside."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.models import Referral
from tests.browser.conftest import ARTIFACTS, Watched, own_app, seed_wanzhou_items, sign_in, wait_for_app

TIMEOUT = 60_000
DESCRIPTIONS = ("浏览器测试：某化工企业暗管排放含重金属废水", "浏览器测试：某砂石厂非法倾倒危险废物")
CAUSE = "涉嫌污染环境罪（浏览器测试）"


@pytest.fixture(scope="module")
def referral_app(chromium_path, tmp_path_factory):
    """This module's own demo app with two fresh 万州区 items: (url, items, database)."""
    tmp = tmp_path_factory.mktemp("referrals")
    with own_app(tmp, items=120) as (url, db_url):
        yield url, seed_wanzhou_items(db_url, DESCRIPTIONS), db_url


@pytest.fixture(scope="module")
def live_app(referral_app):
    return referral_app[0]


def person(browser, url: str, username: str, width: int = 1366) -> Watched:
    context = browser.new_context(viewport={"width": width, "height": 1000}, locale="zh-CN")
    w = Watched(context.new_page(), url)
    sign_in(w, url, username)
    w.page.get_by_text("数据截至").first.wait_for(timeout=TIMEOUT)
    wait_for_app(w.page)
    return w


def goto(w: Watched, url: str, heading) -> None:
    w.page.goto(url, wait_until="domcontentloaded")
    w.page.get_by_role("heading", name=heading).first.wait_for(timeout=TIMEOUT)
    wait_for_app(w.page)


def submit(w: Watched, label: str, then: str) -> None:
    """Press a form's submit button and wait for the saved message."""
    w.page.locator('[data-testid="stFormSubmitButton"] button', has_text=label).first.click()
    w.page.get_by_text(then).first.wait_for(timeout=TIMEOUT)
    wait_for_app(w.page)


def metric(w: Watched, name: str) -> int:
    box = w.page.locator('[data-testid="stMetric"]', has_text=name).first
    return int(box.locator('[data-testid="stMetricValue"]').inner_text().replace(",", ""))


def chart_shot(w: Watched, name: str) -> bytes:
    chart = w.page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    w.page.wait_for_timeout(800)            # the bars animate in
    ARTIFACTS.mkdir(exist_ok=True)
    return chart.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def pick(w: Watched, label: str, typed: str, option) -> None:
    """Choose in a selectbox or multiselect by typing (long option lists are virtualised): the
    one option left is taken with Enter."""
    box = w.page.get_by_role("combobox", name=re.compile(re.escape(label))).first
    box.click()
    box.press_sequentially(typed)
    w.page.get_by_role("option", name=option).first.wait_for(timeout=TIMEOUT)
    box.press("Enter")
    w.page.mouse.click(5, 5)               # close a multiselect's list
    wait_for_app(w.page)


def record_referral(w: Watched, url: str, made) -> str:
    (first_id, _), (_, second_code) = made
    goto(w, f"{url}/item?id={first_id}", re.compile("整改任务"))
    w.page.get_by_role("button", name="移送", exact=True).click()
    w.page.get_by_role("heading", name="新建移送").wait_for(timeout=TIMEOUT)
    wait_for_app(w.page)
    w.page.get_by_label("查找整改任务").fill(second_code)
    w.page.get_by_label("查找整改任务").press("Enter")
    wait_for_app(w.page)
    pick(w, "关联整改任务", second_code, re.compile(re.escape(second_code)))
    pick(w, "接收机关（部门）", "万州区公安局", "万州区公安局")
    w.page.get_by_label("当事人").fill("重庆某化工有限公司")
    w.page.get_by_label("案由（涉嫌罪名/违法行为）").fill(CAUSE)
    w.page.get_by_label("移送依据").fill("《行政执法机关移送涉嫌犯罪案件的规定》第三条")
    w.page.get_by_role("textbox", name="移送材料清单").fill("案件调查报告\n现场检查笔录\n监测报告")
    w.page.get_by_role("button", name="登记移送").click()
    heading = w.page.get_by_role("heading", name=re.compile(r"移送案件 YS-\d{4}-\d{6}"))
    heading.wait_for(timeout=TIMEOUT)
    wait_for_app(w.page)
    return heading.inner_text().split()[-1]


@pytest.fixture
def people(request):
    """The people of a test: each one's last screen is saved under test-artifacts/ at the end."""
    opened: list[Watched] = []
    yield opened
    for n, w in enumerate(opened):
        w.screenshot(f"last-{request.node.name}-{n}")
        w.page.context.close()


def test_a_police_referral_from_record_to_filing(browser, referral_app, people):
    url, made, db_url = referral_app
    office = person(browser, url, "demo_coordinator")
    people.append(office)
    goto(office, f"{url}/referrals", "移送移交")
    filed_before = metric(office, "已立案")
    before = chart_shot(office, "referrals-flow-before")

    code = record_referral(office, url, made)
    office.screenshot("referrals-recorded-1366-zh")
    with session_scope(db_url) as session:
        referral = session.scalars(select(Referral).where(Referral.code == code)).one()
        assert (referral.status, referral.cause) == ("sent", CAUSE)
        assert referral.feedback_due_on > date.today()
        referral_id = referral.id

    police = person(browser, url, "demo_police")
    people.append(police)
    police.page.get_by_role("heading", name=re.compile("待反馈的移送案件")).wait_for(timeout=TIMEOUT)
    police.page.locator('[data-testid="stDataFrame"]').get_by_text(code).first.wait_for(
        state="attached", timeout=TIMEOUT)                      # in 我的待办 (drawn on a canvas)
    goto(police, f"{url}/referrals?id={referral_id}", f"移送案件 {code}")
    submit(police, "签收（回证）", "已保存：签收（回证）")
    submit(police, "受理", "已保存：受理")
    submit(police, "立案", "已保存：立案")
    police.page.locator('[data-testid="stMetric"]', has_text="状态").get_by_text("已立案").wait_for(
        timeout=TIMEOUT)
    police.screenshot("referrals-police-filed-1366-zh")
    with police.page.expect_download(timeout=TIMEOUT) as download:
        police.page.get_by_role("button", name="下载回执（Word）").click()
    assert download.value.suggested_filename == f"回执_{code}.docx"

    goto(office, f"{url}/item?id={made[0][0]}", re.compile("整改任务"))
    office.page.get_by_role("tab", name=re.compile("约谈与移送")).click()
    links = office.page.get_by_role("tabpanel", name=re.compile("约谈与移送"))
    links.locator('[data-testid="stDataFrame"]').get_by_text("已立案").first.wait_for(
        state="attached", timeout=TIMEOUT)
    office.page.get_by_role("tab", name=re.compile("办理记录")).click()
    office.page.get_by_text(f"移送 {code}：立案").first.wait_for(timeout=TIMEOUT)
    office.screenshot("referrals-item-feedback-1366-zh")

    goto(office, f"{url}/referrals", "移送移交")
    assert metric(office, "已立案") == filed_before + 1
    after = chart_shot(office, "referrals-flow-after")
    assert after != before                                      # the picture moved too
    for w in (office, police):
        assert w.outside == [] and w.console_errors == []


@pytest.mark.parametrize("width, lang", [(1920, "en"), (1366, "en"), (1920, "zh")])
def test_the_referrals_page_at_each_size_and_language(browser, referral_app, people, width, lang):
    url, _, _ = referral_app
    w = person(browser, url, "demo_leader", width=width)
    people.append(w)
    goto(w, f"{url}/referrals", "移送移交")
    if lang == "en":      # the language lives in the session: switch after the page has loaded
        w.page.get_by_text("English").first.click()
        w.page.get_by_role("heading", name="Referrals").first.wait_for(timeout=TIMEOUT)
        wait_for_app(w.page)
    w.page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=TIMEOUT)
    w.page.wait_for_timeout(800)
    w.screenshot(f"referrals-list-{width}-{lang}")
    assert w.outside == [] and w.console_errors == []
