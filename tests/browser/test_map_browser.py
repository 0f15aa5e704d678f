"""区县地图 in a real browser: a click on a district lists its items, a ticked row opens the item,
the link to the 台账 carries the district, and the names on the map are drawn without a request to
another host. The big screen, opened by a signed-in coordinator at 1440×900, fits without a page
scrollbar and shows a readable way back. Screenshots (1366×768 and 1920×1080, zh and en) go to
test-artifacts/."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import func, select

from core.domain import Status
from core.screen import geo
from db.engine import session_scope
from db.models import District, Item
from tests.browser.conftest import Watched, own_app, sign_in, wait_for_app

TIMEOUT = 60_000
MAP_SIZE = (1100, 560)   # pages/district_map.py: the deck's zoom fits this size


@pytest.fixture(scope="module")
def map_app(chromium_path, tmp_path_factory):
    with own_app(tmp_path_factory.mktemp("district-map"), items=400) as (url, db_url):
        with session_scope(db_url) as session:
            wansheng = session.scalar(select(District.id).where(District.code == "FA03"))
            assert session.scalar(select(func.count(Item.id)).where(
                Item.district_id == wansheng, Item.status != Status.CLOSED)), "no open item in 万盛"
        yield url, wansheng


def open_as_coordinator(browser, url: str, size: tuple[int, int], path: str) -> Watched:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
    w = Watched(context.new_page(), url)
    sign_in(w, url, "demo_coordinator")
    w.page.get_by_role("heading", name="我的待办").first.wait_for(timeout=TIMEOUT)
    wait_for_app(w.page)
    w.page.goto(f"{url}{path}", wait_until="domcontentloaded")
    return w


def wait_for_map(page) -> None:
    page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    page.wait_for_timeout(1500)   # deck.gl draws on the next animation frames


def click_at(page, lon: float, lat: float) -> None:
    """Click the map at a lon/lat: its pixel is its offset from the view's centre (web mercator at
    the deck's zoom), the deck's centre being the chart's."""
    view = geo.fit_view(width_px=MAP_SIZE[0], height_px=MAP_SIZE[1])
    scale = 512 * 2**view.zoom
    (x, y), (cx, cy) = geo.web_mercator(lon, lat), geo.web_mercator(view.longitude, view.latitude)
    box = page.locator('[data-testid="stDeckGlJsonChart"]').first.bounding_box()
    at = (box["x"] + box["width"] / 2 + (x - cx) * scale, box["y"] + box["height"] / 2 + (y - cy) * scale)
    page.mouse.move(*at, steps=5)   # deck.gl picks on hover first, then takes the click
    page.wait_for_timeout(300)
    page.mouse.click(*at)
    wait_for_app(page)


def tick_first_row(page, table) -> None:
    """The grid is drawn on a canvas: header 35 px, rows 35 px, the tick column first."""
    table.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = table.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)


def test_a_click_on_the_map_lists_the_district_and_a_row_opens_its_item(browser, map_app):
    """A click on the 万盛经开区 dot. (A click on a district's polygon reaches the page the same
    way — tests/pages/test_district_map_page.py sends it — but headless Chromium's software
    WebGL returns no object for a click on the GeoJSON layer, while hover and the dots work.)"""
    url, wansheng = map_app
    w = open_as_coordinator(browser, url, (1366, 768), "/district_map")
    page = w.page
    wait_for_map(page)
    assert not page.locator('[data-testid="stDataFrame"]').count()   # nothing picked yet
    marker = next(m for m in geo.functional_area_markers() if m["code"] == "FA03")
    heading = page.get_by_role("heading", name="万盛经开区")
    for _ in range(3):   # a click while deck.gl is still settling may be taken for a pan
        click_at(page, marker["lon"], marker["lat"])
        try:
            heading.wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            continue
    heading.wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    link = page.get_by_role("link", name="在台账中查看")
    href = urlparse(link.get_attribute("href"))
    assert href.path.split("/")[-1] == "ledger" and parse_qs(href.query) == {"district": [str(wansheng)]}
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for(timeout=TIMEOUT)
    page.get_by_text("勾选一行即可打开该任务").wait_for(timeout=TIMEOUT)
    page.get_by_role("heading", name="万盛经开区").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    w.screenshot("map-page-picked-1366x768-zh")
    code = table.locator('[role="row"]').nth(1).locator('[role="gridcell"]').first.text_content().strip()
    assert code, "no 编号 in the first row"
    tick_first_row(page, table)
    page.get_by_role("heading", name=re.compile(f"整改任务 {re.escape(code)}")).wait_for(timeout=TIMEOUT)
    assert parse_qs(urlparse(page.url).query)["id"][0].isdigit()
    assert w.outside == [] and w.console_errors == []
    page.context.close()


@pytest.mark.parametrize("size, lang", [((1366, 768), "zh"), ((1366, 768), "en"),
                                        ((1920, 1080), "zh"), ((1920, 1080), "en")])
def test_the_map_page_draws_offline_in_both_languages(browser, map_app, size, lang):
    url, _wansheng = map_app
    w = open_as_coordinator(browser, url, size, "/district_map" + ("?lang=en" if lang == "en" else ""))
    page = w.page
    wait_for_map(page)
    unnamed = page.locator(".map-unlabeled")
    assert unnamed.is_visible()
    assert ("渝中" in unnamed.text_content()) and (
        unnamed.text_content().startswith("Not named" if lang == "en" else "图上未标注"))
    w.screenshot(f"map-page-{size[0]}x{size[1]}-{lang}")
    assert w.outside == [] and w.console_errors == []
    page.context.close()


def test_the_big_screen_fits_1440x900_with_a_readable_way_back(browser, map_app):
    url, _wansheng = map_app
    w = open_as_coordinator(browser, url, (1440, 900), "/big-screen")
    page = w.page
    page.get_by_role("heading", name="重庆市生态环境保护督察整改大屏").wait_for(timeout=TIMEOUT)
    wait_for_map(page)
    w.screenshot("big-screen-signed-in-1440x900-zh")
    sizes = page.evaluate("""() => ({
        doc: document.scrollingElement.scrollHeight, inner: innerHeight,
        main: document.querySelector('[data-testid="stMain"]').scrollHeight})""")
    assert sizes["doc"] <= sizes["inner"] and sizes["main"] <= sizes["inner"], sizes
    back = page.get_by_role("link", name="返回总览")
    box = back.bounding_box()
    assert box["y"] < 80 and box["x"] + box["width"] <= 1440   # in the header row, on screen
    colours = back.evaluate("""e => [getComputedStyle(e.querySelector('p') || e).color,
                                     getComputedStyle(e).backgroundColor]""")
    assert colours[0] == "rgb(230, 237, 243)", colours   # the screen's ink, not Streamlit's grey
    back.click()
    page.get_by_role("heading", name="总览").first.wait_for(timeout=TIMEOUT)
    page.context.close()
