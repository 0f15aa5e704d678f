#!/usr/bin/env python3
"""Faults, each bounded and on a PRIVATE PostgreSQL (initdb + pg_ctl in a temp folder, its own
port), never the shared server other tests use:

1. The database stops under an open page and comes back: the browser shows the Chinese message
   (no traceback, no console error), and the same page works again after the restart.
2. The database stops in the middle of an import: the import fails, and after the restart the
   ledger holds none of its rows (every row or none).
3. A process dies (os._exit, as on a power cut) in the middle of an import's writes and in the
   middle of a lifecycle move, between the item's UPDATE and its audit row: nothing of either is
   in the ledger afterwards (run on any engine by `crash_mid_write`).

    .venv/bin/python soak/faults.py [--rounds 3]      # prints each fault and what it left

Needs /usr/lib/postgresql/*/bin and the `postgres` system user (initdb refuses to run as root).
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"{name} not found under /usr/lib/postgresql/*/bin")
    return found[-1]


def _as_postgres(*args: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivatePostgres:
    """A throwaway PostgreSQL cluster: start, stop (fast: open connections are cut) and start again."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="ledger-pg-"))
        self.port = _free_port()
        self.data = self.dir / "data"
        shutil.chown(self.dir, "postgres") if os.geteuid() == 0 else None
        subprocess.run(_as_postgres(_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                                    "--no-sync"), check=True, capture_output=True)
        self.start()
        subprocess.run(_as_postgres(_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                                    "postgres", "ledger"), check=True, capture_output=True)
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/ledger"

    def _ctl(self, *args: str) -> None:
        subprocess.run(_as_postgres(_bin("pg_ctl"), "-D", str(self.data), "-w", "-t", "60", *args),
                       check=True, capture_output=True)

    def start(self) -> None:
        self._ctl("-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                  "-l", str(self.dir / "pg.log"), "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def private_postgres():
    pg = PrivatePostgres()
    try:
        yield pg
    finally:
        from db.engine import engine_for
        engine_for(pg.url).dispose()
        pg.remove()


# ---------------------------------------------------------------- 1. under an open page

def database_restart_under_a_page(pg: PrivatePostgres, data_dir: Path, browser=None) -> dict:
    """Sign in, stop the database, act on the page, start it, act again; returns what was seen.
    `browser`: a Playwright browser to use (pytest's own; one sync Playwright per process)."""
    from contextlib import nullcontext

    from playwright.sync_api import sync_playwright

    from db import migrate
    from demo.data import seed_demo
    from tests.browser.conftest import ARGS, _wait_healthy, wait_for_app
    migrate.upgrade(pg.url)
    seed_demo(pg.url, items=200, seed=3)
    port = _free_port()
    env = {**os.environ, "LEDGER_DATABASE_URL": pg.url, "LEDGER_DEMO": "1", "LEDGER_DATA_DIR": str(data_dir)}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "server.py", "--server.port",
                               str(port), "--server.address", "127.0.0.1"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: dict = {"console_errors": []}
    try:
        app = f"http://127.0.0.1:{port}"
        _wait_healthy(app, server)
        with (nullcontext(None) if browser else sync_playwright()) as p:
            own = browser is None
            browser = browser or p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            page = context.new_page()
            page.on("console", lambda m: seen["console_errors"].append(m.text) if m.type == "error" else None)
            page.goto(app)
            page.get_by_label("用户名").wait_for(timeout=60_000)
            wait_for_app(page, timeout=60_000)
            page.get_by_label("用户名").fill("demo_coordinator")
            page.get_by_label("密码").fill("demo1234")
            page.get_by_role("button", name="登录").click()
            try:
                page.get_by_text("数据截至").first.wait_for(timeout=60_000)
            except Exception:
                page.screenshot(path=str(ROOT / "test-artifacts" / "fault-sign-in.png"), full_page=True)
                raise
            wait_for_app(page)
            pg.stop()
            page.get_by_role("link", name="台账", exact=True).first.click()   # the user goes on working
            page.get_by_text("数据库暂时无法连接").first.wait_for(timeout=60_000)
            wait_for_app(page)
            seen["message"] = True
            seen["traceback"] = page.get_by_text("Traceback").count() > 0
            page.screenshot(path=str(ROOT / "test-artifacts" / "fault-database-down.png"), full_page=True)
            pg.start()
            page.get_by_role("button", name="重试").first.click()
            page.get_by_text("数据截至").first.wait_for(timeout=60_000)
            wait_for_app(page)
            seen["recovered"] = page.get_by_text("数据库暂时无法连接").count() == 0
            seen["still_signed_in"] = page.get_by_role("button", name="退出登录").count() == 1
            page.screenshot(path=str(ROOT / "test-artifacts" / "fault-database-back.png"), full_page=True)
            context.close()
            if own:
                browser.close()
    finally:
        server.terminate()
        server.wait(10)
    return seen


# ---------------------------------------------------------------- 2. stopped mid-import

def database_stop_mid_import(pg: PrivatePostgres, rows: int = 8000) -> dict:
    """Start an import, stop the database while it writes, start it again: none of it is there."""
    sys.path.insert(0, str(ROOT / "bench"))
    from import_bench import build  # noqa: PLC0415 - the benchmark's realistic ledger builder
    from sqlalchemy import func, select

    from core.access.permissions import SYSTEM
    from core.excel.imports import import_ledger
    from db import migrate
    from db.engine import engine_for, session_scope
    from db.models import Item
    migrate.upgrade(pg.url)
    data = build(rows)
    with session_scope(pg.url) as s:
        before = s.scalar(select(func.count()).select_from(Item))
    outcome: dict = {}

    def run_import() -> None:
        try:
            with session_scope(pg.url) as s:
                import_ledger(s, actor=SYSTEM, data=data, inspection="第二轮中央生态环境保护督察",
                              create_inspections=True)
            outcome["result"] = "finished before the stop"
        except Exception as exc:  # noqa: BLE001 - the fault is the point
            outcome["result"] = type(exc).__name__
    thread = threading.Thread(target=run_import)
    thread.start()
    _wait_for_writes(pg)
    pg.stop()
    thread.join(120)
    pg.start()
    engine_for(pg.url).dispose()
    with session_scope(pg.url) as s:
        after = s.scalar(select(func.count()).select_from(Item))
    outcome.update(before=before, after=after)
    return outcome


def _wait_for_writes(pg: PrivatePostgres, timeout: float = 120) -> None:
    """Until the import's transaction has written something (COPY or INSERT into item)."""
    import psycopg
    end = time.monotonic() + timeout
    with psycopg.connect(f"host=127.0.0.1 port={pg.port} user=postgres dbname=ledger",
                         autocommit=True) as conn:
        while time.monotonic() < end:
            rows = conn.execute("SELECT query FROM pg_stat_activity WHERE datname = 'ledger' AND "
                                "(query ILIKE 'COPY item%%' OR query ILIKE 'INSERT INTO item_unit%%' "
                                "OR query ILIKE 'COPY audit_entry%%')").fetchall()
            if rows:
                return
            time.sleep(0.05)


# ---------------------------------------------------------------- 3. a process dies mid-write

CRASH = r'''
import os, sys
sys.path.insert(0, {root!r})
from datetime import datetime
from core.access import audit
from core.access.permissions import SYSTEM
from db.engine import session_scope
what, url = {what!r}, {url!r}
def die(*args, **kwargs):          # after the rows were written, before the audit / summary row
    os._exit(3)
if what == "move":
    audit.record = die
else:
    import core.excel.imports as imports
    imports.record_summary = die
with session_scope(url) as s:
    if what == "move":
        from core.ledger import lifecycle
        from db.models import Item
        item = s.query(Item).filter_by(code="CRASH-1").one()
        lifecycle.hand_over_item(s, actor=SYSTEM, item_id=item.id, expected_version=item.version,
                                 to_unit_id=item.lead_unit_id + 1, reason="crash test")
    else:
        from core.excel.imports import import_ledger
        from tests.published_samples import published_list
        import_ledger(s, actor=SYSTEM, data=published_list(), create_inspections=True)
'''


def crash_mid_write(url: str, what: str) -> dict:
    """Kill a process between a write and its audit row (`what`: "move" or "import"); returns the
    exit code and whether anything of the write is in the ledger."""
    from sqlalchemy import func, select

    from db.engine import session_scope
    from db.models import AuditEntry, Inspection, Item, Transition
    with session_scope(url) as s:
        counts = [s.scalar(select(func.count()).select_from(m)) for m in (Item, Inspection, AuditEntry,
                                                                          Transition)]
        version = s.scalar(select(Item.version).where(Item.code == "CRASH-1"))
    proc = subprocess.run([sys.executable, "-c", CRASH.format(root=str(ROOT), what=what, url=url)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    with session_scope(url) as s:
        after = [s.scalar(select(func.count()).select_from(m)) for m in (Item, Inspection, AuditEntry,
                                                                         Transition)]
        version_after = s.scalar(select(Item.version).where(Item.code == "CRASH-1"))
    return {"exit": proc.returncode, "unchanged": counts == after and version == version_after,
            "stderr": proc.stderr[-500:]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=1, help="repeat each fault this many times")
    args = p.parse_args(argv)
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    survived, failed = 0, []
    for n in range(args.rounds):
        with private_postgres() as pg:
            page = database_restart_under_a_page(pg, Path(tempfile.mkdtemp()))
            ok = page.get("message") and page.get("recovered") and not page.get("traceback") \
                and not page["console_errors"]
            print(f"round {n + 1}: database restart under an open page: {page}")
            (survived := survived + 1) if ok else failed.append(f"restart under a page: {page}")
        with private_postgres() as pg:
            mid = database_stop_mid_import(pg)
            print(f"round {n + 1}: database stopped mid-import: {mid}")
            ok = mid["after"] == mid["before"] or mid.get("result") == "finished before the stop"
            (survived := survived + 1) if ok else failed.append(f"stop mid-import: {mid}")
    print(f"faults: {survived} survived, {len(failed)} failed")
    for f in failed:
        print("FAILED", f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
