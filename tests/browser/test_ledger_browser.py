"""The 台账 in a real browser at 1366×768: the working columns (编号 … 区县) are on screen without
scrolling sideways and a page of rows shows whole (no scroll box of its own); a coordinator
ticks three 待交办 rows and 交办s them at once. Screenshots in Chinese and English, at 1366 and
1920 px wide, go to test-artifacts/."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.access.permissions import SYSTEM
from core.domain import Status
from core.ledger import items
from db.engine import session_scope
from db.models import District, Inspection, Item, Unit
from tests.browser.conftest import own_app, sign_in, wait_for_app

TIMEOUT = 60_000
MARK = "浏览器批量交办"
WORKING = ["编号", "状态", "逾期/剩余", "进度", "最近进展", "牵头单位", "区县"]


def _seed_drafts(url: str, n: int = 3) -> list[str]:
    """`n` 待交办 items of 万州区人民政府 whose description holds MARK: their 编号."""
    with session_scope(url) as session:
        codes = []
        for i in range(n):
            item = items.create_item(session, actor=SYSTEM, values=dict(
                inspection_id=session.scalar(select(Inspection.id).order_by(Inspection.id)),
                item_type="feedback", category="water", description=f"{MARK}{i}：某排污口整治",
                district_id=session.scalar(select(District.id).where(District.adcode == "500101")),
                lead_unit_id=session.scalar(select(Unit.id).where(Unit.name == "万州区人民政府")),
                deadline=(date.today() + timedelta(days=60)).isoformat(), stage="short"))
            codes.append(item.code)
        return codes


@pytest.fixture(scope="module")
def ledger_app(chromium_path, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ledger")
    with own_app(tmp, items=300) as (url, db_url):
        yield url, _seed_drafts(db_url), db_url


@pytest.fixture(scope="module")
def live_app(ledger_app):
    """Overrides the shared app for this module, so the `watched` page watches this one."""
    return ledger_app[0]


def grid_state(page) -> dict:
    """The table's scroll box: how wide and tall its content is against what shows, where it is
    scrolled to, and the column headers the grid puts in its accessibility tree (only those in
    the visible region; the grid itself is drawn on a canvas)."""
    return page.evaluate("""() => {
      const s = document.querySelector('[data-testid="stDataFrame"] .dvn-scroller');
      const heads = [...document.querySelectorAll('[data-testid="stDataFrame"] [role="columnheader"]')]
        .map(e => e.textContent);
      return {scrollWidth: s.scrollWidth, clientWidth: s.clientWidth, scrollLeft: s.scrollLeft,
              scrollHeight: s.scrollHeight, clientHeight: s.clientHeight, heads};
    }""")


def open_ledger(watched, url: str, query: str = "") -> None:
    page = watched.page
    page.goto(f"{url}/ledger{query}", wait_until="domcontentloaded")
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=TIMEOUT)
    wait_for_app(page, timeout=TIMEOUT)


def test_the_working_columns_fit_and_a_page_shows_whole(watched, ledger_app):
    url, _, _ = ledger_app
    page = watched.page
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(watched, url, "demo_coordinator")
    page.get_by_role("heading", name="我的待办").first.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    open_ledger(watched, url)
    state = grid_state(page)
    assert state["scrollLeft"] == 0
    # every working column is in the visible region, and so is the next one (问题描述): so 区县,
    # left of it, is whole on screen
    assert state["heads"][:len(WORKING) + 1] == [*WORKING, "问题描述"]
    assert state["scrollHeight"] <= state["clientHeight"] + 1, state     # no inner scroll box
    assert page.get_by_text("第 1/").first.is_visible()
    watched.screenshot("ledger-1366-zh")
    page.get_by_role("button", name="下一页").first.click()
    wait_for_app(page)
    page.get_by_text("第 2/").first.wait_for(timeout=TIMEOUT)
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_ledger(watched, url, "?lang=en")
    page.get_by_role("heading", name="Rectification ledger").wait_for(timeout=TIMEOUT)
    state = grid_state(page)
    assert state["heads"][:8] == ["Number", "State", "Time left", "Progress", "Latest progress",
                                  "Lead unit", "District", "Description"]
    assert state["scrollWidth"] <= state["clientWidth"] + 1, state     # at 1920 everything fits
    watched.screenshot("ledger-1920-en")
    assert watched.outside == [] and watched.console_errors == []


def test_a_coordinator_ticks_three_drafts_and_assigns_them_at_once(watched, ledger_app):
    url, codes, db_url = ledger_app
    page = watched.page
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(watched, url, "demo_coordinator")
    page.get_by_role("heading", name="我的待办").first.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    open_ledger(watched, url, "?status=draft")                  # a link from another page
    assert "status=" not in page.url
    page.get_by_text("筛选（1 项）").click()
    page.get_by_label("搜索问题描述或编号").fill(MARK)
    page.get_by_label("搜索问题描述或编号").press("Enter")
    wait_for_app(page)
    table = page.locator('[data-testid="stDataFrame"]').first
    for code in codes:
        table.get_by_text(code).wait_for(state="attached", timeout=TIMEOUT)
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    for row in range(len(codes)):                     # the selection boxes, left of each row
        page.mouse.click(box["x"] + 16, box["y"] + 35 + 17 + 35 * row)
        wait_for_app(page)
    page.get_by_text(f"已选 {len(codes)} 条").wait_for(timeout=TIMEOUT)
    watched.screenshot("ledger-ticked-1366-zh")
    page.get_by_role("button", name="交办所选").click()
    wait_for_app(page)
    page.get_by_label("交办文号").fill("渝督改〔2026〕21号")
    watched.screenshot("ledger-batch-assign-1366-zh")
    page.get_by_role("button", name=f"确认交办 {len(codes)} 条").click()
    page.get_by_text(f"已交办 {len(codes)} 条任务").wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    watched.screenshot("ledger-batch-assigned-1366-zh")
    with session_scope(db_url) as session:
        rows = session.execute(select(Item.status, Item.assign_doc_no).where(Item.code.in_(codes))).all()
    assert sorted(rows) == [(Status.ASSIGNED, "渝督改〔2026〕21号")] * len(codes)
    assert watched.outside == [] and watched.console_errors == []
