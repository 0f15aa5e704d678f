"""总览 in a real browser, signed in as the demo leader on a demo ledger: at 1366×768 and 1920×1080,
in Chinese and English, the six headline figures show whole (none cut off), the four charts draw,
the page makes no outside request and logs no error; a click on a district bar, and on the 逾期
card's link, land on the 台账 filtered accordingly. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import func, select

from db.engine import session_scope
from db.models import District, Item
from tests.browser.conftest import ARTIFACTS, Watched, own_app, sign_in, wait_for_app

TIMEOUT = 60_000
SIZES = [(1366, 768), (1920, 1080)]
TITLES = {"zh": "整改总览", "en": "Rectification overview"}
LEDGER_TITLES = {"zh": "整改台账", "en": "Rectification ledger"}


@pytest.fixture(scope="module")
def app(browser, tmp_path_factory):
    with own_app(tmp_path_factory.mktemp("overview"), items=1500) as (url, db_url):
        yield url, db_url


def open_overview(browser, url: str, size: tuple[int, int], lang: str) -> Watched:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
    watched = Watched(context.new_page(), url)
    watched.urls = []
    watched.page.on("framenavigated", lambda frame: watched.urls.append(frame.url))
    sign_in(watched, url, "demo_leader")
    watched.page.get_by_role("heading", name=TITLES["zh"]).wait_for(timeout=TIMEOUT)
    if lang == "en":   # a new session from the address, signed in by its cookie
        watched.page.goto(f"{url}/?lang=en", wait_until="domcontentloaded")
        watched.page.get_by_role("heading", name=TITLES["en"]).wait_for(timeout=TIMEOUT)
    wait_until_drawn(watched.page)
    return watched


def wait_until_drawn(page) -> None:
    wait_for_app(page, timeout=TIMEOUT)
    for n in range(4):   # trend, districts, levels, categories
        page.locator('[data-testid="stVegaLiteChart"] svg').nth(n).wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(800)


def cut_off(page) -> list[str]:
    """Metric labels, values and deltas whose text does not fit its box (shown with an ellipsis)."""
    return page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stMetric"] [data-testid="stMarkdownContainer"]')]
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")


def tall_screenshot(watched: Watched, name: str, size: tuple[int, int]) -> None:
    """The viewport as a leader sees it first, then the whole page (Streamlit scrolls inside
    its own container, so the window is made tall enough to hold it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    watched.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    watched.page.set_viewport_size({"width": size[0], "height": 2300})
    watched.page.wait_for_timeout(1200)
    watched.page.screenshot(path=str(ARTIFACTS / f"{name}-full.png"))
    watched.page.set_viewport_size({"width": size[0], "height": size[1]})


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_overview_shows_whole_figures_and_draws_its_charts(browser, app, size, lang):
    url, _ = app
    watched = open_overview(browser, url, size, lang)
    page = watched.page
    try:
        assert page.locator('[data-testid="stMetric"]').count() == 6
        assert cut_off(page) == []
        values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        assert all(re.fullmatch(r"[\d,.]+(万|%)?", v.strip()) for v in values), values
        # six cards in one row on a wide screen; at 1366 px two rows of three
        tops = {round(box["y"]) for box in (c.bounding_box() for c in page.locator(
            '[data-testid="stMetric"]').all())}
        assert len(tops) == (1 if size[0] >= 1920 else 2)
        # every district's bar is drawn in full: no scroll box around the chart
        bars = page.locator('.st-key-overview_districts path[role="graphics-symbol"]')
        assert bars.count() >= 42
        box = page.locator(".st-key-overview_districts").bounding_box()
        assert box["height"] >= 42 * 20
        assert watched.outside == [] and watched.console_errors == [], (watched.outside,
                                                                        watched.console_errors)
        tall_screenshot(watched, f"overview-leader-{lang}-{size[0]}", size)
    finally:
        page.context.close()


def ledger_count(page) -> int:
    """The 台账's item count ("… 共 N 条" / "… N items")."""
    pattern = re.compile(r"共 ([\d,]+) 条|([\d,]+) items")
    caption = page.get_by_text(pattern).first
    caption.wait_for(timeout=TIMEOUT)
    found = pattern.search(caption.inner_text())
    return int((found.group(1) or found.group(2)).replace(",", ""))


def filter_holds(page, text: str) -> bool:
    """True once one of the 台账's filter widgets holds `text` (attached is enough: the filter
    panel may be folded)."""
    chosen = page.locator('[data-testid="stMultiSelect"]', has_text=text).first
    try:
        chosen.wait_for(state="attached", timeout=TIMEOUT)
    except PlaywrightTimeout:
        return False
    return True


@pytest.mark.parametrize(("size", "lang"), [((1366, 768), "zh"), ((1920, 1080), "en")],
                         ids=["1366-zh", "1920-en"])
def test_a_click_on_a_district_bar_opens_its_ledger(browser, app, size, lang):
    url, db_url = app
    with session_scope(db_url) as session:
        wanzhou = session.scalar(select(District.id).where(District.name == "万州区"))
        items = session.scalar(select(func.count()).select_from(Item).where(Item.district_id == wanzhou))
    watched = open_overview(browser, url, size, lang)
    page = watched.page
    try:
        bar = page.locator('.st-key-overview_districts path[role="graphics-symbol"]'
                           '[aria-label*="name: 万州区;"]').first
        bar.scroll_into_view_if_needed()
        bar.click()
        page.get_by_role("heading", name=LEDGER_TITLES[lang]).wait_for(timeout=TIMEOUT)
        wait_for_app(page, timeout=TIMEOUT)
        # the link carried the district (the 台账 then takes it into its filter and drops it)
        assert any(f"district={wanzhou}" in u and "closed=1" in u for u in watched.urls), watched.urls
        assert filter_holds(page, "万州区")
        assert ledger_count(page) == items        # 销号率 bar: every item of the district
        assert (lang == "en") == ("lang=en" in page.url)   # the language survives the switch
        watched.screenshot(f"overview-click-{lang}-{size[0]}")
        assert watched.console_errors == [], watched.console_errors
    finally:
        page.context.close()


def test_the_overdue_card_opens_the_overdue_items(browser, app):
    url, db_url = app
    watched = open_overview(browser, url, (1366, 768), "zh")
    page = watched.page
    try:
        overdue = page.locator('[data-testid="stMetric"]', has_text="逾期未完成")
        shown = overdue.locator('[data-testid="stMetricValue"]').inner_text().strip()
        card = page.locator('[data-testid="stVerticalBlock"]', has=overdue).last
        link = card.get_by_role("link", name="查看台账")
        assert link.get_attribute("href").endswith("ledger?overdue=1")
        link.click()
        page.get_by_role("heading", name=LEDGER_TITLES["zh"]).wait_for(timeout=TIMEOUT)
        wait_for_app(page, timeout=TIMEOUT)
        # a page link's parameters reach the 台账 with its run (which takes them into the filter
        # and drops them), so the address never shows them: the filter and the count do
        overdue_only = page.locator('[data-testid="stCheckbox"]', has_text="仅逾期").locator("input")
        overdue_only.wait_for(state="attached", timeout=TIMEOUT)
        assert overdue_only.evaluate("e => e.checked")
        assert f"{ledger_count(page):,}" == shown
    finally:
        page.context.close()
