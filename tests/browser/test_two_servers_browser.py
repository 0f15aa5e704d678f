"""Two app servers over one PostgreSQL ledger (the README's deployment): a unit's report saved
through server A shows on server B's item page at its next refresh, and server B's big screen,
whose figures are cached per process, follows the database revision at its next refresh."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from core.access.permissions import SYSTEM
from core.ledger import items, lifecycle
from db import migrate
from db.engine import engine_for, session_scope
from db.models import District, Inspection, Item, Unit
from demo.data import seed_demo
from soak.load import new_database
from tests.browser.conftest import ROOT, Watched, _free_port, _wait_healthy, sign_in, wait_for_app
from tests.browser.test_progress_browser import REPORT, _seed_due_soon_item, tick_first_row
from tests.conftest import REQUIRE_PG, _pg_unavailable

TIMEOUT = 60_000
TITLE = "重庆市生态环境保护督察整改大屏"


def _server(url: str, data_dir, name: str):
    port = _free_port()
    env = {**os.environ, "LEDGER_DATABASE_URL": url, "LEDGER_DATA_DIR": str(data_dir), "LEDGER_DEMO": "1"}
    log = open(data_dir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    command = [sys.executable, "-m", "streamlit", "run", "server.py", "--server.port", str(port),
               "--server.address", "127.0.0.1"]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    address = f"http://127.0.0.1:{port}"
    _wait_healthy(address, proc)
    return address, proc


@pytest.fixture(scope="module")
def two_servers(chromium_path, tmp_path_factory):
    reason = _pg_unavailable()
    if reason:
        if REQUIRE_PG:
            pytest.fail(reason)
        pytest.skip(reason)
    url, drop = new_database()
    data_dir = tmp_path_factory.mktemp("shared-data")     # one evidence store for both servers
    migrate.upgrade(url)
    seed_demo(url, items=200, seed=5)
    code = _seed_due_soon_item(url)
    with session_scope(url) as s:
        s.execute(text("UPDATE setting SET value = '4' WHERE key = 'big_screen_refresh_seconds'"))
    made = subprocess.run([sys.executable, "manage.py", "kiosk-token", "create", "双机大屏"], cwd=ROOT,
                          env={**os.environ, "LEDGER_DATABASE_URL": url}, capture_output=True, text=True,
                          check=True)
    (a, pa), (b, pb) = _server(url, data_dir, "a"), _server(url, data_dir, "b")
    yield dict(url=url, a=a, b=b, code=code, token=made.stdout.strip())
    for proc in (pa, pb):
        proc.terminate()
        proc.wait(10)
    engine_for(url).dispose()
    drop()


def _total(page) -> int:
    card = page.locator('[data-testid="stMetric"]').filter(has_text="整改任务").first
    return int(re.sub(r"\D", "", card.locator('[data-testid="stMetricValue"]').inner_text()))


def test_an_edit_through_one_server_shows_on_the_other(browser, two_servers):
    s = two_servers
    with session_scope(s["url"]) as session:
        item_id = session.scalar(select(Item.id).where(Item.code == s["code"]))
    reader = Watched(browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page(),
                     s["b"])
    sign_in(reader, s["b"], "demo_coordinator")
    reader.page.get_by_text("数据截至").first.wait_for(timeout=TIMEOUT)
    reader.page.goto(f"{s['b']}/item?id={item_id}")
    reader.page.get_by_role("heading", name=f"整改任务 {s['code']}").wait_for(timeout=TIMEOUT)
    wait_for_app(reader.page)
    assert reader.page.get_by_text(REPORT).count() == 0

    writer = Watched(browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page(),
                     s["a"])
    sign_in(writer, s["a"], "demo_unit")
    writer.page.get_by_role("heading", name="即将到期（1）").wait_for(timeout=TIMEOUT)
    wait_for_app(writer.page)
    tick_first_row(writer.page, writer.page.locator('[data-testid="stDataFrame"]').first)
    writer.page.get_by_role("heading", name=f"整改任务 {s['code']}").wait_for(timeout=TIMEOUT)
    wait_for_app(writer.page)
    writer.page.get_by_label("整改进展").fill(REPORT)
    writer.page.get_by_role("button", name="报送整改进展").click()
    writer.page.get_by_text("已办理：报送整改进展").wait_for(timeout=TIMEOUT)

    reader.page.get_by_role("button", name="刷新").first.click()      # server B's next refresh
    reader.page.get_by_text(REPORT).first.wait_for(timeout=TIMEOUT)
    reader.screenshot("two-servers-item-on-b")
    for w in (reader, writer):
        assert w.console_errors == [] and w.failed == [] and w.outside == []


def test_the_big_screen_on_the_other_server_follows_the_revision(browser, two_servers):
    s = two_servers
    wall = Watched(browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN").new_page(),
                   s["b"])
    wall.page.goto(f"{s['b']}/big-screen?kiosk={s['token']}")
    wall.page.get_by_role("heading", name=TITLE).wait_for(timeout=TIMEOUT)
    wait_for_app(wall.page)
    before = _total(wall.page)
    with session_scope(s["url"]) as session:        # a new item, saved through the other server's core
        new = items.create_item(session, actor=SYSTEM, values=dict(
            inspection_id=session.scalar(select(Inspection.id).order_by(Inspection.id)),
            item_type="feedback", category="air", description="双机测试：新增任务",
            district_id=session.scalar(select(District.id).where(District.adcode == "500101")),
            lead_unit_id=session.scalar(select(Unit.id).where(Unit.name == "万州区人民政府")),
            deadline=(date.today() + timedelta(days=90)).isoformat(), stage="short"))
        lifecycle.assign_item(session, actor=SYSTEM, item_id=new.id, expected_version=new.version,
                              assigned_on=date.today())
    deadline = time.monotonic() + TIMEOUT / 1000
    while _total(wall.page) != before + 1 and time.monotonic() < deadline:   # refreshes every 4 s
        wall.page.wait_for_timeout(500)
    assert _total(wall.page) == before + 1
    wall.screenshot("two-servers-big-screen-on-b")
    assert wall.console_errors == [] and wall.failed == [] and wall.outside == []
