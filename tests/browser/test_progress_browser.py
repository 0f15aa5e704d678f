"""In a real browser: a unit user (demo_unit, bound to 万州区人民政府) opens an item from 我的待办,
reports progress with a photo, and sees the report and the file on the item's timeline; the file
downloads back intact. No console errors, nothing fetched from outside the app."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.access.permissions import SYSTEM
from core.ledger import items, lifecycle
from db.engine import session_scope
from db.models import Attachment, District, Inspection, Item, ProgressReport, Unit
from tests.browser.conftest import own_app, sign_in, wait_for_app
from tests.pages.page_helpers import PNG

TIMEOUT = 60_000
DESCRIPTION = "浏览器测试：万州区某污水处理厂出水氨氮超标"
REPORT = "已完成提标改造主体工程，出水在线监测连续七天达标"


def _seed_due_soon_item(url: str) -> str:
    """An item of 万州区人民政府, assigned and due in three days: first in the unit's 即将到期."""
    with session_scope(url) as session:
        item = items.create_item(session, actor=SYSTEM, values=dict(
            inspection_id=session.scalar(select(Inspection.id).order_by(Inspection.id)),
            item_type="feedback", category="water", description=DESCRIPTION,
            district_id=session.scalar(select(District.id).where(District.adcode == "500101")),
            lead_unit_id=session.scalar(select(Unit.id).where(Unit.name == "万州区人民政府")),
            deadline=(date.today() + timedelta(days=3)).isoformat(), stage="short"))
        lifecycle.assign_item(session, actor=SYSTEM, item_id=item.id, expected_version=item.version,
                              assigned_on=date.today() - timedelta(days=30))
        return item.code


@pytest.fixture(scope="module")
def progress_app(chromium_path, tmp_path_factory):
    """This module's own demo app, with one item due soon for 万州: (url, its code, database)."""
    tmp = tmp_path_factory.mktemp("progress")
    with own_app(tmp, items=80) as (url, db_url):
        yield url, _seed_due_soon_item(db_url), db_url


@pytest.fixture(scope="module")
def live_app(progress_app):
    """Overrides the shared app for this module, so the `watched` page watches this one."""
    return progress_app[0]


def tick_first_row(page, table) -> None:
    """Tick the selection box of a table's first row (the grid is drawn on a canvas)."""
    box = table.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)


def test_unit_reports_progress_with_a_photo_and_sees_it_on_the_timeline(watched, progress_app, tmp_path):
    url, code, db_url = progress_app
    page = watched.page
    sign_in(watched, url, "demo_unit")
    page.get_by_role("heading", name="我的待办").first.wait_for(timeout=TIMEOUT)
    page.get_by_role("heading", name="即将到期（1）").wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    due_soon = page.locator('[data-testid="stDataFrame"]').first
    due_soon.get_by_text(code).wait_for(state="attached", timeout=TIMEOUT)   # drawn on a canvas
    tick_first_row(page, due_soon)

    page.get_by_role("heading", name=f"整改任务 {code}").wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    assert page.get_by_text(DESCRIPTION).first.is_visible()
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG)
    page.get_by_label("整改进展").fill(REPORT)
    page.get_by_role("slider").first.focus()
    for _ in range(40):
        page.keyboard.press("ArrowRight")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(photo))
    page.get_by_text("现场照片.png").first.wait_for(timeout=TIMEOUT)   # staged in the uploader
    page.get_by_role("button", name="报送整改进展").click()

    page.get_by_text("已办理：报送整改进展").wait_for(timeout=TIMEOUT)
    wait_for_app(page)
    timeline = page.get_by_role("tabpanel", name=re.compile("办理记录"))
    timeline.get_by_text(REPORT).wait_for(timeout=TIMEOUT)
    assert timeline.get_by_text("报送整改进展（40%）").is_visible()
    assert timeline.get_by_text("已交办 → 整改中").is_visible()     # the first report started the work
    file_button = timeline.get_by_role("button", name="现场照片.png（1 KB）")
    assert file_button.is_visible()
    shot = watched.screenshot("progress-timeline")
    assert shot.exists()

    with page.expect_download(timeout=TIMEOUT) as download:
        file_button.click()
    assert download.value.suggested_filename == "现场照片.png"
    assert open(download.value.path(), "rb").read() == PNG

    with session_scope(db_url) as session:
        report = session.scalars(select(ProgressReport).where(ProgressReport.text == REPORT)).one()
        files = session.scalars(select(Attachment).where(Attachment.progress_report_id == report.id))
        assert [f.filename for f in files] == ["现场照片.png"]
        assert session.scalar(select(Item.status).where(Item.code == code)) == "in_progress"
    assert watched.outside == []
    assert watched.console_errors == []
