"""In a real browser: a coordinator opens 久拖不决, ticks three items and issues a 挂牌督办 notice;
the unit user (demo_unit, 万州区人民政府) finds it in 我的待办 and answers with a file; the
coordinator then opens a stationed inspection on two of the items and sees them marked
"驻点督察中" (on the item's page; the tables are drawn on a canvas, so the screenshots show the
table's mark). Then every supervision page at 1366 and 1920 px, in Chinese and in English.
No console errors, nothing fetched from outside the app."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.access.permissions import SYSTEM
from core.domain import InspectionKind, SourceLevel
from core.ledger import items, lifecycle
from db.engine import session_scope
from db.models import (
    District,
    Inspection,
    Item,
    NoticeResponse,
    StationedFollowUp,
    SupervisionNotice,
    Unit,
)
from tests.browser.conftest import ARTIFACTS, Watched, own_app, sign_in, wait_for_app
from tests.pages.page_helpers import PDF
from ui import web

TIMEOUT = 90_000
SOURCE = "浏览器测试：2024年例行督察"
DESCRIPTIONS = ("浏览器测试：万州区某河段污水直排", "浏览器测试：万州区某园区废气超标",
                "浏览器测试：万州区某填埋场渗滤液外溢")
DOC = "渝督办〔2026〕88号"
TEAM, PLACE, NAME = "第二督察组", "万州区", "浏览器测试驻点督察组"


def _seed(url: str) -> list[int]:
    """Three items of 万州区人民政府 under their own source, assigned 800 days ago, overdue and
    never reported: the three most severe items of that source."""
    with session_scope(url) as session:
        source = Inspection(name=SOURCE, kind=InspectionKind.ROUTINE, level=SourceLevel.CITY,
                            started_on=date(2024, 3, 1))
        session.add(source)
        session.flush()
        ids = []
        for text in DESCRIPTIONS:
            item = items.create_item(session, actor=SYSTEM, values=dict(
                inspection_id=source.id, item_type="feedback", category="water", description=text,
                district_id=session.scalar(select(District.id).where(District.adcode == "500101")),
                lead_unit_id=session.scalar(select(Unit.id).where(Unit.name == "万州区人民政府")),
                deadline="2024年6月底前", stage="short"))
            lifecycle.assign_item(session, actor=SYSTEM, item_id=item.id, expected_version=item.version,
                                  assigned_on=date.today() - timedelta(days=800))
            ids.append(item.id)
        return ids


@pytest.fixture(scope="module")
def supervision_app(chromium_path, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("supervision")
    with own_app(tmp, items=300) as (url, db_url):
        yield url, _seed(db_url), db_url


@pytest.fixture(scope="module")
def live_app(supervision_app):
    """Overrides the shared app for this module, so the `watched` page watches this one."""
    return supervision_app[0]


def tick_rows(page, table, rows) -> None:
    """Tick rows' selection boxes (the grid is drawn on a canvas: header 35 px, rows 35 px); the
    table is scrolled into view first (a mouse click lands in the viewport only)."""
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    for row in rows:
        page.mouse.click(box["x"] + 16, box["y"] + 35 + 17 + 35 * row)
        wait_for_app(page)


def choose(page, label: str, option: str) -> None:
    """Pick an option of a selectbox (a combobox) by typing it: long lists are virtualised."""
    combo = page.get_by_role("combobox", name=label).first
    combo.click()
    combo.fill(option)
    page.get_by_role("option", name=option).first.click()
    wait_for_app(page)


def signed_in_cookie(page) -> None:
    """Wait until the sign-in cookie is set (the page fetches ui/web.py's claim route after
    sign-in): a full page load before that would find no session and show the sign-in page."""
    for _ in range(120):
        if any(c["name"] == web.COOKIE_NAME for c in page.context.cookies()):
            return
        page.wait_for_timeout(250)
    raise AssertionError("no sign-in cookie")


def open_flagged_of_the_source(page, url: str) -> None:
    page.get_by_role("link", name="久拖不决").first.click()        # in-app: the session stays
    page.get_by_role("heading", name="久拖不决").first.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    choose(page, "问题来源", SOURCE)
    page.get_by_text("共 3 条，第 1/1 页").wait_for(timeout=TIMEOUT)
    wait_for_app(page)


def submit(page, label: str) -> None:
    page.locator('[data-testid="stForm"]').get_by_role("button", name=label).click()


@pytest.fixture
def two(browser, supervision_app, request):
    """The coordinator's and the unit user's browsers (own contexts, own cookies); their last
    screens are saved under test-artifacts/ whatever happens."""
    url = supervision_app[0]
    pages = [Watched(browser.new_context(viewport={"width": 1366, "height": 1500}, locale="zh-CN")
                     .new_page(), url) for _ in range(2)]
    yield pages
    for who, w in zip(("office", "unit"), pages, strict=True):
        w.screenshot(f"last-{request.node.name}-{who}")
        w.page.context.close()


def test_notice_answer_and_stationed_inspection(two, supervision_app, tmp_path):
    url, ids, db_url = supervision_app
    office, unit = two
    # ---- the coordinator issues a 挂牌督办 notice on three ticked items
    sign_in(office, url, "demo_coordinator")
    office.page.get_by_role("heading", name="我的待办").first.wait_for(timeout=TIMEOUT)
    open_flagged_of_the_source(office.page, url)
    table = office.page.locator('[data-testid="stDataFrame"]').first
    tick_rows(office.page, table, (0, 1, 2))
    office.page.get_by_text(re.compile(r"已选 3 项")).wait_for(timeout=TIMEOUT)
    office.page.get_by_label("督办文号").fill(DOC)
    office.page.get_by_label("督办内容").fill("限期一个月整改到位，逐项报送整改情况")
    office.screenshot("supervision-notice-form-1366-zh")
    submit(office.page, "下发督办通知")
    office.page.get_by_text(f"已下发督办通知 {DOC}（挂牌督办），共 3 项").wait_for(timeout=TIMEOUT)
    wait_for_app(office.page)
    office.screenshot("supervision-notice-issued-1366-zh")
    with session_scope(db_url) as session:
        notice = session.scalar(select(SupervisionNotice).where(SupervisionNotice.doc_no == DOC))
        assert notice.level == "listed"
        levels = session.scalars(select(Item.supervision_level).where(Item.id.in_(ids))).all()
        assert levels == ["listed"] * 3

    # ---- the unit finds it in 我的待办 and answers with a file
    sign_in(unit, url, "demo_unit")
    unit.page.get_by_role("heading", name="待回复的督办通知（1）").wait_for(timeout=TIMEOUT)
    wait_for_app(unit.page)
    tick_rows(unit.page, unit.page.locator('[data-testid="stDataFrame"]').last, (0,))
    unit.page.get_by_role("heading", name=f"督办通知 {DOC}").wait_for(timeout=TIMEOUT)
    wait_for_app(unit.page)
    unit.page.get_by_label("回复内容").fill("已制定整改方案，截污工程本月开工")
    report = tmp_path / "整改情况报告.pdf"
    report.write_bytes(PDF)
    unit.page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(report))
    unit.page.get_by_text("整改情况报告.pdf").first.wait_for(timeout=TIMEOUT)
    submit(unit.page, "回复督办通知")
    unit.page.get_by_text("已回复督办通知").first.wait_for(timeout=TIMEOUT)
    unit.page.get_by_text("按期回复").first.wait_for(timeout=TIMEOUT)
    wait_for_app(unit.page)
    unit.screenshot("supervision-unit-answered-1366-zh")
    with session_scope(db_url) as session:
        answer = session.scalar(select(NoticeResponse).where(NoticeResponse.notice_id == notice.id))
        assert answer.text == "已制定整改方案，截污工程本月开工" and answer.responded_on == date.today()

    # ---- the coordinator opens a stationed inspection on two of them and sees them marked
    open_flagged_of_the_source(office.page, url)
    tick_rows(office.page, office.page.locator('[data-testid="stDataFrame"]').first, (0, 1))
    office.page.get_by_text(re.compile(r"已选 2 项")).wait_for(timeout=TIMEOUT)
    office.page.get_by_role("radio", name="开展驻点督察").or_(
        office.page.get_by_role("button", name="开展驻点督察")).first.click()
    wait_for_app(office.page)
    office.page.get_by_label("督察组").fill(TEAM)
    office.page.get_by_label("地点").fill(PLACE)
    office.page.get_by_label("督察名称").fill(NAME)
    submit(office.page, "开展驻点督察")
    office.page.get_by_text(f"已开展督察：{NAME}（跟进 2 项）").wait_for(timeout=TIMEOUT)
    wait_for_app(office.page)
    office.screenshot("supervision-stationed-marked-1366-zh")   # the 督察 column reads 驻点督察中
    with session_scope(db_url) as session:
        inspection = session.scalar(select(Inspection).where(Inspection.name == NAME))
        followed = set(session.scalars(select(StationedFollowUp.item_id)
                                       .where(StationedFollowUp.inspection_id == inspection.id)))
        assert len(followed) == 2 and followed <= set(ids)
    marked = sorted(followed)[0]
    signed_in_cookie(office.page)
    office.page.goto(f"{url}/item?id={marked}", wait_until="domcontentloaded")
    office.page.get_by_text(f"驻点督察中：{NAME}").wait_for(timeout=TIMEOUT)
    office.page.get_by_text(f"督办通知 {DOC}（挂牌督办）").first.wait_for(timeout=TIMEOUT)
    wait_for_app(office.page)
    office.screenshot("supervision-item-marked-1366-zh")
    office.page.get_by_role("link", name="查看督察").click()
    office.page.get_by_role("heading", name=NAME).wait_for(timeout=TIMEOUT)
    wait_for_app(office.page)
    for w in (office, unit):
        assert w.outside == [] and w.console_errors == []


# (sidebar link, page heading, the list's table key for opening the first row), zh and en
PAGES = {"zh": (("久拖不决", "久拖不决", None), ("督办通知", "督办通知", "notice_list"),
                ("驻点与专项督察", "驻点与专项督察", "insp_list")),
         "en": (("Long-unresolved", "Long-unresolved items", None),
                ("Supervision notices", "Supervision notices", "notice_list"),
                ("Stationed & special inspections", "Stationed and special inspections", "insp_list"))}


def _shoot(w: Watched, name: str) -> None:
    """Screenshot once the script has run and nothing is drawn as a placeholder any more."""
    wait_for_app(w.page)
    w.page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=TIMEOUT)
    w.page.wait_for_timeout(500)
    assert w.screenshot(name).exists()


@pytest.mark.parametrize("width", [1366, 1920])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_supervision_pages_at_both_widths_in_both_languages(browser, supervision_app, width, lang):
    """Each page, and a notice and an inspection opened from their lists, through the sidebar
    (a full page load would start a new session in Chinese)."""
    url = supervision_app[0]
    w = Watched(browser.new_context(viewport={"width": width, "height": 1400}, locale="zh-CN").new_page(),
                url)
    sign_in(w, url, "demo_coordinator")
    w.page.get_by_role("heading", name="我的待办").first.wait_for(timeout=TIMEOUT)
    wait_for_app(w.page)
    if lang == "en":
        w.page.get_by_text("English", exact=True).click()
        w.page.get_by_role("heading", name="My to-do").first.wait_for(timeout=TIMEOUT)
    for link, heading, list_key in PAGES[lang]:
        w.page.get_by_role("link", name=link).first.click()
        w.page.get_by_role("heading", name=heading).first.wait_for(timeout=TIMEOUT)
        slug = {"notice_list": "notices", "insp_list": "inspections"}.get(list_key, "long-unresolved")
        _shoot(w, f"supervision-{slug}-{width}-{lang}")
        if list_key:
            tick_rows(w.page, w.page.locator('[data-testid="stDataFrame"]').first, (0,))
            w.page.locator('[data-testid="stMetric"]').first.wait_for(timeout=TIMEOUT)
            _shoot(w, f"supervision-{slug}-detail-{width}-{lang}")
    assert (ARTIFACTS / f"supervision-long-unresolved-{width}-{lang}.png").exists()
    assert w.outside == [] and w.console_errors == []
    w.page.context.close()
