"""Browser harness: the real app on a free port against a throwaway demo ledger, driven by
Playwright through Debian's Chromium. Skipped without /usr/bin/chromium, unless
LEDGER_TEST_REQUIRE_BROWSER=1 (CI), which turns the skip into a failure."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from core.access.permissions import SYSTEM
from core.ledger import items, lifecycle
from db.engine import engine_for, session_scope
from db.models import District, Inspection, Unit
from tests.conftest import BROWSER_ARGS as ARGS  # noqa: F401 - soak/faults.py reads it here

ROOT = Path(__file__).parents[2]
ARTIFACTS = ROOT / "test-artifacts"
# `chromium_path` and `browser` are fixtures of tests/conftest.py (one Playwright per process)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"app did not answer on {url} within {timeout}s")


def start_app(tmp: Path, *, items: int = 400, extra_env: dict | None = None):
    """Migrate and seed a throwaway SQLite ledger, start the app on it; returns (url, process)."""
    env = {**os.environ, "LEDGER_DATABASE_URL": f"sqlite:///{tmp / 'ledger.db'}",
           "LEDGER_DATA_DIR": str(tmp), "LEDGER_DEMO": "1", **(extra_env or {})}
    for args in (["migrate"], ["seed-demo", "--items", str(items), "--seed", "7"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    port = _free_port()
    log = open(tmp / "app.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "server.py",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.headless", "true"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
    except RuntimeError:
        proc.kill()
        raise RuntimeError((tmp / "app.log").read_text()) from None
    return url, proc


def seed_wanzhou_items(url: str, descriptions) -> list[tuple[int, str]]:
    """One assigned item per description, led by 万州区人民政府 and due in 90 days: (id, 编号) each."""
    made = []
    with session_scope(url) as session:
        for description in descriptions:
            item = items.create_item(session, actor=SYSTEM, values=dict(
                inspection_id=session.scalar(select(Inspection.id).order_by(Inspection.id)),
                item_type="feedback", category="water", description=description,
                district_id=session.scalar(select(District.id).where(District.adcode == "500101")),
                lead_unit_id=session.scalar(select(Unit.id).where(Unit.name == "万州区人民政府")),
                deadline=(date.today() + timedelta(days=90)).isoformat(), stage="short"))
            lifecycle.assign_item(session, actor=SYSTEM, item_id=item.id,
                                  expected_version=item.version,
                                  assigned_on=date.today() - timedelta(days=30))
            made.append((item.id, item.code))
    return made


@contextmanager
def own_app(tmp: Path, *, items: int):
    """A module's own app (start_app): yields (url, database URL); stops the server and releases
    the database afterwards."""
    url, proc = start_app(tmp, items=items)
    db_url = f"sqlite:///{tmp / 'ledger.db'}"
    try:
        yield url, db_url
    finally:
        proc.terminate()
        proc.wait(10)
        engine_for(db_url).dispose()


@pytest.fixture(scope="session")
def live_app(chromium_path, tmp_path_factory):
    url, proc = start_app(tmp_path_factory.mktemp("live"))
    yield url
    proc.terminate()
    proc.wait(10)


class Watched:
    """A page plus what it asked of other hosts, which responses failed, and what it logged as
    errors. Served by server.py, a page's first load makes no failing request at all (no
    /<page>/_stcore/health probe, see ui/web.py), so every console error counts."""

    def __init__(self, page, app_url: str):
        self.page = page
        self.own_host = urlparse(app_url).hostname
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", self._on_request)
        page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def _on_request(self, request) -> None:
        host = urlparse(request.url).hostname
        if request.url.startswith(("http://", "https://", "ws://", "wss://")) and host not in (
                self.own_host, "localhost", "127.0.0.1"):
            self.outside.append(request.url)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def watched(browser, live_app, request):
    """A fresh browser context (no cookies) at 1440×900, watched for outside requests.
    The last screen of every test is saved under test-artifacts/ for a look after a failure."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    w = Watched(context.new_page(), live_app)
    yield w
    w.screenshot(f"last-{request.node.name}".replace("/", "_"))
    context.close()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until the script run is over (Streamlit marks the app element), so a click is not
    swallowed by a rerun still in flight (e.g. the one the cookie component triggers)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=timeout)


REFUSALS = ("用户名或密码错误", "登录已暂停", "请输入用户名和密码")


def _value(field) -> str | None:
    """The field's text, or None if it went away meanwhile (the sign-in went through): without a
    short timeout input_value would wait 30 s for a field that is not coming back."""
    try:
        return field.input_value(timeout=1000)
    except PlaywrightTimeout:
        return None


def _submitted(page, timeout_s: float = 30) -> bool:
    """After a click on 登录: True once the form is gone or a refusal shows; False if the form
    came back empty (a rerun cleared it before the submit)."""
    field = page.get_by_label("用户名")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if field.count() == 0 or any(page.get_by_text(r).count() for r in REFUSALS):
            return True
        if field.count() == 1 and _value(field) == "":
            return False
        page.wait_for_timeout(250)
    return True  # let the test's own wait report what it sees


def sign_in(w: Watched, url: str, username: str, password: str = "demo1234") -> None:
    """Open the app, wait until its first run is over (a cold process may take long on a busy
    machine), fill and submit the sign-in form. Served by server.py, the form is rendered once
    and stays: no second run clears it (the old cookie component's mount rerun and Streamlit's
    pages/ discovery on a fresh server are gone); the retry is only a safety net."""
    w.page.goto(url, wait_until="domcontentloaded")
    for _ in range(3):
        w.page.get_by_label("用户名").wait_for(timeout=60_000)
        wait_for_app(w.page, timeout=60_000)
        w.page.get_by_label("用户名").fill(username)
        w.page.get_by_label("密码").fill(password)
        w.page.get_by_role("button", name="登录").click()
        if _submitted(w.page):
            return
