"""The big screen in a real browser, opened by a wall screen's kiosk URL on a demo ledger: the map
canvas and the charts draw, nothing is fetched from another host, the console stays clean, the
1920×1080 design fits 1920×1080, 3840×2160 and 1366×768 without scrolling, and a refresh turns
the rolling list without reloading the page or dimming it."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from urllib.parse import urlparse

import pytest

from core.screen import geo
from tests.browser.conftest import ROOT, Watched, start_app

TIMEOUT = 60_000
REFRESH_SECONDS = 4
TITLE = "重庆市生态环境保护督察整改大屏"


def kiosk_server(tmp, items: int):
    """The app on a demo ledger, a kiosk token for it, a short refresh interval: (url, proc, token)."""
    url, proc = start_app(tmp, items=items)
    env = {**os.environ, "LEDGER_DATABASE_URL": f"sqlite:///{tmp / 'ledger.db'}"}
    made = subprocess.run([sys.executable, "manage.py", "kiosk-token", "create", "浏览器测试大屏"],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    with sqlite3.connect(tmp / "ledger.db") as conn:  # the admin setting, as the settings page would
        conn.execute("UPDATE setting SET value = ? WHERE key = 'big_screen_refresh_seconds'",
                     (str(REFRESH_SECONDS),))
    return url, proc, made.stdout.strip()


def warm_up(browser, url: str, token: str) -> None:
    """One session through the root URL. A server's first script run resolves the URL against the
    pages/ file names (Streamlit's MPA v1 fallback, before app.py ever called st.navigation);
    every later run uses app.py's navigation. Waiting for the big screen's title means app.py's
    st.navigation has run. The cold case has its own test below."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{url}/?kiosk={token}", wait_until="domcontentloaded")
    page.get_by_role("heading", name=TITLE).wait_for(timeout=TIMEOUT)
    context.close()


@pytest.fixture(scope="module")
def kiosk_app(browser, tmp_path_factory):
    url, proc, token = kiosk_server(tmp_path_factory.mktemp("big-screen"), 3000)
    warm_up(browser, url, token)
    yield url, token
    proc.terminate()
    proc.wait(10)


def open_screen(browser, app_url: str, path: str, size: tuple[int, int]) -> Watched:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
    watched = Watched(context.new_page(), app_url)
    watched.page.goto(f"{app_url}{path}", wait_until="domcontentloaded")
    return watched


def wait_until_drawn(page) -> None:
    page.get_by_role("heading", name=TITLE).wait_for(timeout=TIMEOUT)
    page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for(timeout=TIMEOUT)
    for n in range(3):  # trend, categories, source levels
        page.locator('[data-testid="stVegaLiteChart"] svg').nth(n).wait_for(timeout=TIMEOUT)
    page.get_by_text("久拖不决重点问题").wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(1500)  # deck.gl draws on the next animation frames


def map_colour_share(page) -> float:
    """Share of the map's pixels painted in the choropleth's palette (0 if WebGL drew nothing)."""
    from PIL import Image
    shot = page.locator('[data-testid="stDeckGlJsonChart"]').first.screenshot()
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    image = image.resize((image.width // 4, image.height // 4), Image.Resampling.NEAREST)
    palette = [tuple(geo.hex_to_rgb(c)) for c in geo.SEQUENTIAL]
    pixels = list(image.get_flattened_data())
    near = sum(1 for p in pixels if any(sum(abs(a - b) for a, b in zip(p, c, strict=True)) < 30
                                        for c in palette))
    return near / len(pixels)


def fits(page, height: int) -> bool:
    """No vertical page scroll: neither the document nor Streamlit's main scroll box is taller
    than the window."""
    sizes = page.evaluate("""() => ({doc: document.scrollingElement.scrollHeight, inner: innerHeight,
        main: document.querySelector('[data-testid="stMain"]').scrollHeight})""")
    return sizes["inner"] == height and sizes["doc"] <= height and sizes["main"] <= height


def clipped_figures(page) -> list[str]:
    """Headline figures that do not fit their card (cut off, or shown with an ellipsis)."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
        .filter(v => [v, ...v.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1)
                     || v.getBoundingClientRect().right > v.closest('[data-testid="stMetric"]')
                        .getBoundingClientRect().right)
        .map(v => v.textContent)""")


def test_wall_screen_url_shows_the_big_screen_offline_at_1920(browser, kiosk_app):
    app_url, token = kiosk_app
    watched = open_screen(browser, app_url, f"/big-screen?kiosk={token}", (1920, 1080))
    page = watched.page
    wait_until_drawn(page)
    shot = watched.screenshot("big-screen-1920x1080")
    assert shot.exists()
    assert urlparse(page.url).path == "/big-screen" and "kiosk=" in page.url
    assert page.locator('[data-testid="stMetric"]').count() == 8
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator('header[data-testid="stHeader"]').is_visible()
    assert page.get_by_text("数据截至").first.is_visible()
    assert map_colour_share(page) > 0.10
    assert fits(page, 1080)
    assert watched.outside == []
    assert watched.console_errors == []  # the harness leaves out only Streamlit's sub-path probes
    page.context.close()


def test_root_kiosk_url_forwards_to_the_big_screen_with_a_clean_console(browser, kiosk_app):
    app_url, token = kiosk_app
    watched = open_screen(browser, app_url, f"/?kiosk={token}", (1920, 1080))
    wait_until_drawn(watched.page)
    assert urlparse(watched.page.url).path == "/big-screen"
    assert watched.console_errors == [] and watched.outside == []
    watched.page.context.close()


@pytest.mark.parametrize("size", [(3840, 2160), (1366, 768), (1440, 900), (1440, 789)],
                         ids=["4k", "laptop", "1440x900", "1440-in-a-browser-window"])
def test_other_screens_show_the_same_layout_without_scrolling(browser, kiosk_app, size):
    app_url, token = kiosk_app
    watched = open_screen(browser, app_url, f"/?kiosk={token}", size)
    wait_until_drawn(watched.page)
    watched.screenshot(f"big-screen-{size[0]}x{size[1]}")
    assert fits(watched.page, size[1])
    assert clipped_figures(watched.page) == []
    assert map_colour_share(watched.page) > 0.10
    assert watched.console_errors == [] and watched.outside == []
    watched.page.context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [(1920, 1080), (1440, 900), (1366, 768)], ids=["1920", "1440", "1366"])
def test_every_figure_fits_its_card_and_no_toolbar_shows_in_either_language(browser, kiosk_app, size, lang):
    app_url, token = kiosk_app
    query = "&lang=en" if lang == "en" else ""
    watched = open_screen(browser, app_url, f"/big-screen?kiosk={token}{query}", size)
    page = watched.page
    title = TITLE if lang == "zh" else "Chongqing inspection rectification"
    page.get_by_role("heading", name=title).wait_for(timeout=TIMEOUT)
    page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.wait_for(timeout=TIMEOUT)
    page.locator('[data-testid="stVegaLiteChart"] svg').nth(2).wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(1500)
    page.locator('[data-testid="stDeckGlJsonChart"]').first.hover()   # the toolbar shows on hover
    page.wait_for_timeout(300)
    if size == (1920, 1080):
        watched.screenshot(f"big-screen-1920x1080-{lang}")
    assert clipped_figures(page) == []
    assert fits(page, size[1])
    assert not page.locator('[data-testid="stElementToolbar"]').first.is_visible()
    title, first_card = (page.locator(sel).first.bounding_box() for sel in (
        "h1", '[data-testid="stMetric"]'))
    assert title["y"] + title["height"] <= first_card["y"]   # the title no longer sits on the cards
    assert page.get_by_text("本月至今" if lang == "zh" else "month to date").count() >= 1
    assert watched.console_errors == [] and watched.outside == []
    page.context.close()


def test_refresh_turns_the_list_without_reloading_or_dimming(browser, kiosk_app):
    app_url, token = kiosk_app
    watched = open_screen(browser, app_url, f"/?kiosk={token}", (1920, 1080))
    page = watched.page
    wait_until_drawn(page)
    page.evaluate("window.__sameDocument = true")
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first.element_handle()
    seen = page.evaluate("""async (ms) => {
        const dimmed = new Set(), pages = []; const end = Date.now() + ms;
        while (Date.now() < end) {
            for (const e of document.querySelectorAll('[data-testid="stElementContainer"]')) {
                const o = parseFloat(getComputedStyle(e).opacity);
                if (o < 0.99) dimmed.add(o);
            }
            const shown = document.querySelector('.bs-page')?.textContent;
            if (shown && pages[pages.length - 1] !== shown) pages.push(shown);
            await new Promise(r => setTimeout(r, 50));
        }
        return {dimmed: [...dimmed], pages};
    }""", (REFRESH_SECONDS * 2 + 2) * 1000)
    assert seen["dimmed"] == []  # a refresh never greys the screen out
    turns = [int(p.split("/")[0].removeprefix("第 ")) for p in seen["pages"]]  # "第 3/8 页" → 3
    assert len(turns) >= 3 and turns == list(range(turns[0], turns[0] + len(turns))), seen["pages"]
    assert page.evaluate("window.__sameDocument") is True  # refreshed in place, not reloaded
    assert canvas.evaluate("e => e.isConnected")  # the map was kept, not rebuilt: no flicker
    assert watched.console_errors == [] and watched.outside == []
    page.context.close()


def test_after_a_server_restart_the_wall_screen_still_shows_the_big_screen(browser, tmp_path):
    """The first session of a fresh server process, straight onto the wall screen's deep link:
    served by server.py, the first run already knows /big-screen (no "Page not found", which
    nobody could dismiss on a wall) and no request fails (tests/browser/test_security_browser.py
    restarts a server to check the same)."""
    url, proc, token = kiosk_server(tmp_path, 300)
    try:
        watched = open_screen(browser, url, f"/big-screen?kiosk={token}", (1920, 1080))
        wait_until_drawn(watched.page)
        assert watched.page.locator('[data-testid="stMetric"]').count() == 8
        assert not watched.page.get_by_text("Page not found").is_visible()
        assert watched.console_errors == [] and watched.failed == [] and watched.outside == []
        watched.page.context.close()
    finally:
        proc.terminate()
        proc.wait(10)
