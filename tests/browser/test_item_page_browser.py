"""In a real browser (server.py, its CSP): an item with a photo and a PDF shows their thumbnails
(small images made on the server) and enlarges one on request; the print view (一案一档) prints
without the sidebar or buttons, over several pages; the item's figures fit their boxes at 1366 px
in English and Chinese. Screenshots under test-artifacts/."""

from __future__ import annotations

import io
from datetime import date

import pypdfium2 as pdfium
import pytest
from sqlalchemy import select

from core.access.permissions import SYSTEM
from core.domain import Status
from core.ledger import lifecycle
from core.ledger.evidence import EvidenceStore, check_files, save_attachments
from db.engine import session_scope
from db.models import Item
from tests.browser.conftest import own_app, seed_wanzhou_items, sign_in, wait_for_app
from tests.ui.test_evidence_preview import photo, real_pdf

TIMEOUT = 60_000
DESCRIPTION = "浏览器测试：万州区某河段整改后现场照片"


def _seed(db_url: str, tmp) -> dict[str, int]:
    """An item of 万州 with a 4000×3000 photo and a one-page PDF, submitted for verification
    (the longest English state), and the demo ledger's most overdue item in progress."""
    (item_id, _code), = seed_wanzhou_items(db_url, [DESCRIPTION])
    store = EvidenceStore(tmp / "evidence")
    with session_scope(db_url) as session:
        files = check_files([("现场照片.jpg", photo()), ("验收报告.pdf", real_pdf())], store=store)
        save_attachments(session, actor=SYSTEM, files=files, store=store, item_id=item_id)
        item = session.get(Item, item_id)
        lifecycle.start_item(session, actor=SYSTEM, item_id=item_id, expected_version=item.version)
        lifecycle.request_closure(session, actor=SYSTEM, item_id=item_id, expected_version=item.version)
        overdue = session.scalar(select(Item.id).where(Item.status == Status.IN_PROGRESS,
                                                       Item.is_ongoing.is_(False), Item.due_on < date.today())
                                 .order_by(Item.due_on))
    return {"photo": item_id, "overdue": overdue}


@pytest.fixture(scope="module")
def item_app(chromium_path, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("item_page")
    with own_app(tmp, items=120) as (url, db_url):
        yield url, _seed(db_url, tmp)


@pytest.fixture(scope="module")
def live_app(item_app):
    return item_app[0]


def open_item(watched, url: str, path: str, lang: str = "zh") -> None:
    page = watched.page
    page.goto(f"{url}/{path}" + ("&lang=en" if lang == "en" else ""), wait_until="domcontentloaded")
    wait_for_app(page, timeout=TIMEOUT)


def image_widths(locator) -> list[int]:
    return locator.evaluate_all("els => els.map(e => e.naturalWidth)")


def test_a_photo_and_a_pdf_show_as_thumbnails_and_enlarge(watched, item_app):
    url, ids = item_app
    page = watched.page
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(watched, url, "demo_coordinator")
    page.get_by_role("heading", name="我的待办").first.wait_for(timeout=TIMEOUT)
    open_item(watched, url, f"item?id={ids['photo']}")
    page.get_by_text(DESCRIPTION).first.wait_for(timeout=TIMEOUT)
    timeline = page.get_by_role("tabpanel", name="办理记录")
    thumbs = timeline.locator('[data-testid="stImage"] img')
    thumbs.first.wait_for(timeout=TIMEOUT)
    assert thumbs.count() == 2
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=stImage] img')]"
                           ".every(i => i.complete && i.naturalWidth > 0)", timeout=TIMEOUT)
    assert all(0 < w <= 240 for w in image_widths(thumbs))     # never the 4000 px photo itself
    assert thumbs.first.is_visible()
    page.get_by_role("tab", name="佐证材料（2）").click()
    evidence = page.get_by_role("tabpanel", name="佐证材料")
    evidence.locator('[data-testid="stImage"] img').first.wait_for(timeout=TIMEOUT)
    assert evidence.get_by_role("button", name="现场照片.jpg（").is_visible()
    watched.screenshot("item-page-evidence-thumbnails")

    evidence.get_by_role("button", name="查看大图").last.click()         # the photo (oldest last)
    dialog = page.get_by_role("dialog")
    dialog.locator('[data-testid="stImage"] img').wait_for(timeout=TIMEOUT)
    page.wait_for_function("() => { const i = document.querySelector("
                           "'[role=dialog] [data-testid=stImage] img');"
                           " return i && i.complete && i.naturalWidth > 0; }", timeout=TIMEOUT)
    assert image_widths(dialog.locator('[data-testid="stImage"] img')) == [1400]
    assert dialog.get_by_text("预览：现场照片.jpg").is_visible()
    watched.screenshot("item-page-enlarged-photo")
    assert watched.outside == [] and watched.console_errors == []


def test_the_print_view_prints_without_the_app_around_it(watched, item_app, tmp_path):
    url, ids = item_app
    page = watched.page
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(watched, url, "demo_coordinator")
    page.get_by_role("heading", name="我的待办").first.wait_for(timeout=TIMEOUT)
    open_item(watched, url, f"item?id={ids['photo']}")
    page.get_by_role("link", name="打印 / 一案一档").click()
    page.get_by_role("heading", name="整改任务档案（一案一档）").wait_for(timeout=TIMEOUT)
    wait_for_app(page, timeout=TIMEOUT)
    button = page.frame_locator("iframe[title*='print_button']").get_by_role("button", name="打印")
    button.wait_for(timeout=TIMEOUT)                      # the component ran: the CSP allowed it
    assert page.locator(".dossier img.thumb").count() == 2
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    watched.screenshot("item-print-screen-1366")

    page.emulate_media(media="print")
    page.wait_for_timeout(300)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator('[data-testid="stHeader"]').is_visible()
    assert not page.locator("iframe[title*='print_button']").is_visible()
    assert not page.get_by_role("link", name="返回任务详情").is_visible()
    assert page.get_by_role("heading", name="办理记录").is_visible()
    colours = page.locator(".dossier td").first.evaluate(
        "e => [getComputedStyle(e).color, getComputedStyle(document.body).backgroundColor]")
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    watched.screenshot("item-print-media-print")
    pdf = pdfium.PdfDocument(io.BytesIO(page.pdf(format="A4")))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "整改任务档案" in text and "佐证材料" in text and "关联约谈与移送" in text  # nothing cut off
    assert "返回任务详情" not in text and "我的待办" not in text                    # no app chrome
    assert watched.console_errors == []


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("which", ["photo", "overdue"])
def test_the_figures_fit_their_boxes_at_1366(watched, item_app, lang, which):
    url, ids = item_app
    page = watched.page
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(watched, url, "demo_coordinator")
    page.get_by_role("heading", name="我的待办").first.wait_for(timeout=TIMEOUT)
    open_item(watched, url, f"item?id={ids[which]}", lang)
    figures = page.locator(".st-key-item_figures [data-testid='stMetric']")
    figures.first.wait_for(timeout=TIMEOUT)
    assert figures.count() == 5
    cut = page.evaluate("""() => {
        const box = document.querySelector('.st-key-item_figures');
        const parts = box.querySelectorAll('[data-testid=stMetricValue], [data-testid=stMetricLabel]');
        return [...parts].flatMap(p => [p, ...p.querySelectorAll('*')])
            .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent); }""")
    assert cut == []
    values = figures.locator("[data-testid='stMetricValue']").all_inner_texts()
    if which == "photo":
        assert values[0] == ("Awaiting verification" if lang == "en" else "待验收")
    else:
        assert values[2].endswith("d late" if lang == "en" else "天")
    tops = figures.evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    assert len(set(tops)) == 1, f"the figures wrapped onto {len(set(tops))} rows at 1366 px"
    watched.screenshot(f"item-figures-1366-{lang}-{which}")
