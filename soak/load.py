#!/usr/bin/env python3
"""Many editors at once against PostgreSQL, for a bounded time, then proof that nothing was lost.

N worker processes act as coordinators (editing an item's 整改措施) and unit users (reporting
progress) on a small set of "hot" items, so that they collide often; each write passes the
version its user read, as the pages do. Readers page through the 台账 and open items. Optionally
a few real browser sessions sign in and load pages against a server.py on the same database.

Printed: throughput (operations and accepted writes per second), p50/p95/p99 latency per kind,
stale edits refused. Asserted (exit 1 otherwise): no unhandled error; every accepted write is in
the audit log (and every report in progress_report); per item, the accepted writes have versions
initial+1 … final with no gap and no duplicate (no lost update), and the final 整改措施 is the one
the last accepted edit wrote: the final state equals the replay of the accepted writes.

    .venv/bin/python soak/load.py --seconds 60 --workers 8 [--browsers 2] [--database-url URL]

Without --database-url a database is created on LEDGER_TEST_POSTGRES_URL's server and dropped.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
import types
import uuid
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOT_ITEMS = 24
COORDINATORS, UNITS = 4, 4


@dataclass
class Outcome:
    kind: str              # edit | report | list | detail
    ms: float
    result: str            # ok | stale | refused | error
    item_id: int | None = None
    token: str | None = None
    version: int | None = None
    detail: str = ""


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    elapsed: float = 0.0
    workers: int = 0
    browser_loads: list[float] = field(default_factory=list)
    browser_errors: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- setup

def new_database() -> tuple[str, callable]:
    """A fresh database on the test server (LEDGER_TEST_POSTGRES_URL); returns (url, drop)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    base = os.environ.get("LEDGER_TEST_POSTGRES_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    name = f"ledger_soak_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        from db.engine import engine_for
        engine_for(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return url, drop


def prepare(url: str, background_items: int) -> dict:
    """Migrate, seed a demo ledger, add the accounts and the hot items; returns what workers need."""
    from sqlalchemy import select

    from core.access import users
    from core.access.permissions import SYSTEM
    from core.domain import Category, InspectionKind, Role, SourceLevel, Stage, Status, UnitRole
    from db import migrate
    from db.engine import session_scope
    from db.models import District, Inspection, Item, ItemUnit, Unit
    from demo.data import seed_demo
    migrate.upgrade(url)
    seed_demo(url, items=background_items, seed=11)
    with session_scope(url) as s:
        gov = s.scalar(select(Unit.id).where(Unit.name == "万州区人民政府"))
        wanzhou = s.scalar(select(District.id).where(District.adcode == "500101"))
        insp = Inspection(name="并发测试督察", kind=InspectionKind.ROUTINE, level=SourceLevel.CITY)
        s.add(insp)
        s.flush()
        accounts = {}
        for n in range(COORDINATORS):
            accounts[f"load_coord{n}"] = users.create_user(
                s, actor=SYSTEM, username=f"load_coord{n}", display_name=f"协调员{n}",
                password="load-password-1", role=Role.COORDINATOR).id
        for n in range(UNITS):
            accounts[f"load_unit{n}"] = users.create_user(
                s, actor=SYSTEM, username=f"load_unit{n}", display_name=f"填报员{n}",
                password="load-password-1", role=Role.UNIT, unit_id=gov).id
        hot = []
        for n in range(HOT_ITEMS):
            item = Item(code=f"LOAD-{n:03d}", seq=n + 1, inspection_id=insp.id, inspection_kind=insp.kind,
                        source_level=insp.level, item_type="feedback", assigned_on=date(2025, 1, 10),
                        district_id=wanzhou, category=Category.WATER, description=f"并发测试任务{n}",
                        lead_unit_id=gov, holder_unit_id=gov, deadline_text="2027年底前",
                        due_on=date(2027, 12, 31), original_due_on=date(2027, 12, 31), stage=Stage.LONG,
                        status=Status.ASSIGNED)
            s.add(item)
            s.flush()
            s.add(ItemUnit(item_id=item.id, unit_id=gov, role=UnitRole.LEAD))
            hot.append(item.id)
    return {"accounts": accounts, "hot": hot}


# ---------------------------------------------------------------- workers

def _actor(url: str, username: str):
    from sqlalchemy import select

    from core.access.users import actor_for
    from db.engine import session_scope
    from db.models import User
    with session_scope(url) as s:
        return actor_for(s.scalar(select(User).where(User.username == username)))


def _write(url: str, actor, item_id: int, token: str, unit: bool) -> tuple[str, int | None]:
    from sqlalchemy.orm import Session

    from core.errors import StaleEdit
    from core.ledger import items
    from db.engine import engine_for
    from db.models import Item
    with Session(engine_for(url), expire_on_commit=False) as s:
        seen = s.get(Item, item_id).version                    # the version the user's page shows
        time.sleep(random.random() * 0.01)                      # a user types: others may save meanwhile
        try:
            if unit:
                items.report_progress(s, actor=actor, item_id=item_id, expected_version=seen,
                                      reported_on=date.today(), percent=random.randint(0, 100), text=token)
            else:
                items.update_item(s, actor=actor, item_id=item_id, expected_version=seen,
                                  changes={"measures": token})
            s.commit()
        except StaleEdit:
            s.rollback()
            return "stale", None
        return "ok", seen + 1


def _read(url: str, actor, item_id: int, detail: bool) -> None:
    from core.ledger.query import LedgerFilter, list_items
    from core.ledger.timeline import item_detail
    from db.engine import session_scope
    with session_scope(url) as s:
        if detail:
            item_detail(s, actor=actor, item_id=item_id)
        else:
            list_items(s, actor=actor, flt=LedgerFilter(), today=date.today(), page=random.randint(1, 5))


def worker(url: str, username: str, hot: list[int], seconds: float, queue) -> None:
    """One user, acting until the time is up; every outcome goes to `queue` (even if it fails)."""
    try:
        _work(url, username, hot, seconds, queue)
    except BaseException as exc:  # noqa: BLE001 - report, never leave the parent waiting
        queue.put([Outcome("worker", 0.0, "error", detail=f"{username}: {type(exc).__name__}: {exc}"[:300])])


def _work(url: str, username: str, hot: list[int], seconds: float, queue) -> None:
    from core.errors import LedgerError
    random.seed(hash(username) ^ os.getpid())
    actor = _actor(url, username)
    unit = username.startswith("load_unit")
    end, n, out = time.monotonic() + seconds, 0, []
    while time.monotonic() < end:
        item_id, n = random.choice(hot), n + 1
        kind = random.choices(["write", "list", "detail"], weights=[6, 2, 2])[0]
        started = time.perf_counter()
        try:
            if kind == "write":
                token = f"{username}#{os.getpid()}#{n}"   # two workers may act as one user
                result, version = _write(url, actor, item_id, token, unit)
                out.append(Outcome("report" if unit else "edit", (time.perf_counter() - started) * 1000,
                                   result, item_id, token, version))
            else:
                _read(url, actor, item_id, kind == "detail")
                out.append(Outcome(kind, (time.perf_counter() - started) * 1000, "ok", item_id))
        except LedgerError as exc:
            out.append(Outcome(kind, (time.perf_counter() - started) * 1000, "refused", item_id,
                               detail=str(exc)[:200]))
        except Exception as exc:  # noqa: BLE001 - an unhandled error is what this run looks for
            out.append(Outcome(kind, (time.perf_counter() - started) * 1000, "error", item_id,
                               detail=f"{type(exc).__name__}: {exc}"[:300]))
    queue.put(out)


def browsers(url: str, sessions: int, seconds: float, queue) -> None:
    """A few real browser sessions against server.py on the same database: sign in, load pages."""
    import socket
    import subprocess

    from playwright.sync_api import sync_playwright
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "LEDGER_DATABASE_URL": url, "LEDGER_DEMO": "1"}
    command = [sys.executable, "-m", "streamlit", "run", "server.py", "--server.port", str(port),
               "--server.address", "127.0.0.1"]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    loads, errors = [], []
    try:
        from tests.browser.conftest import ARGS, _wait_healthy, wait_for_app
        app = f"http://127.0.0.1:{port}"
        _wait_healthy(app, proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            pages = []
            for n in range(sessions):
                page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.goto(app)
                page.get_by_label("用户名").fill(f"load_coord{n % COORDINATORS}")
                page.get_by_label("密码").fill("load-password-1")
                page.get_by_role("button", name="登录").click()
                page.get_by_text("数据截至").first.wait_for(timeout=60_000)
                pages.append(page)
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                for page in pages:
                    started = time.perf_counter()
                    # "": a coordinator's 我的待办 (the default page has no path of its own)
                    page.goto(f"{app}/{random.choice(['ledger', 'overview', ''])}")
                    page.get_by_text("数据截至").first.wait_for(timeout=60_000)
                    wait_for_app(page)
                    loads.append((time.perf_counter() - started) * 1000)
            browser.close()
    except Exception as exc:  # noqa: BLE001
        errors.append(f"{type(exc).__name__}: {exc}"[:300])
    finally:
        proc.terminate()
        proc.wait(10)
    queue.put(("browsers", loads, errors))


# ---------------------------------------------------------------- running and checking

def run(*, url: str, seconds: float, workers: int, browser_sessions: int = 0) -> Report:
    ctx = mp.get_context("spawn")
    setup = prepare(url, background_items=1000)
    names = [f"load_coord{n % COORDINATORS}" if n % 2 == 0 else f"load_unit{n % UNITS}"
             for n in range(workers)]
    queue = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(url, name, setup["hot"], seconds, queue)) for name in names]
    if browser_sessions:
        procs.append(ctx.Process(target=browsers, args=(url, browser_sessions, seconds, queue)))
    started = time.monotonic()
    with _plain_main():
        for proc in procs:
            proc.start()
    report = Report(workers=workers)
    _collect(queue, procs, report, deadline=time.monotonic() + seconds + 600)
    for proc in procs:
        proc.join(30)
    report.seconds = seconds            # rates over the bounded run, not the set-up around it
    report.elapsed = time.monotonic() - started
    return report


@contextmanager
def _plain_main():
    """A spawned process re-runs the parent's `__main__` file. Streamlit's script runner (an
    AppTest earlier in the same test process) leaves a page script there, which the children would
    run and die on; they get an empty `__main__` instead (unless this file is `__main__`, as under
    `python soak/load.py` from `make soak`: then the children need it to find `worker`)."""
    if worker.__module__ == "__main__":
        yield
        return
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = saved


def _collect(queue, procs, report: Report, *, deadline: float) -> None:
    """Every process's outcomes; a process that died without reporting, or the deadline, is an
    unhandled error (never a wait without end)."""
    import queue as queues
    pending = len(procs)
    while pending and time.monotonic() < deadline:
        try:
            got = queue.get(timeout=5)
        except queues.Empty:
            dead = [p for p in procs if p.exitcode not in (None, 0)]
            if dead and len(dead) >= pending:
                break
            continue
        pending -= 1
        if isinstance(got, tuple):
            report.browser_loads, report.browser_errors = got[1], got[2]
        else:
            report.outcomes += got
    if pending:
        codes = [p.exitcode for p in procs]
        report.outcomes.append(Outcome("run", 0.0, "error", detail=f"{pending} processes never reported "
                                                                   f"(exit codes {codes})"))


def check(url: str, report: Report) -> list[str]:
    """What went wrong (empty: nothing): unhandled errors, writes missing from the audit log or
    progress reports, versions that collide (a lost update), a final state that is not the replay."""
    from sqlalchemy import select

    from db.engine import session_scope
    from db.models import AuditEntry, Item, ProgressReport
    problems = [f"unhandled: {o.kind} item {o.item_id}: {o.detail}" for o in report.outcomes
                if o.result == "error"]
    problems += [f"browser: {e}" for e in report.browser_errors]
    accepted = [o for o in report.outcomes if o.result == "ok" and o.token]
    with session_scope(url) as s:
        audited = {(a.after or {}).get("measures") for a in s.scalars(select(AuditEntry).where(
            AuditEntry.action == "item.edit"))}
        reported = set(s.scalars(select(ProgressReport.text)))
        by_item = defaultdict(list)
        for o in accepted:
            by_item[o.item_id].append(o)
        for item_id, writes in by_item.items():
            item = s.get(Item, item_id)
            versions = sorted(o.version for o in writes)     # hot items start at version 1
            if versions != list(range(2, 2 + len(versions))) or item.version != versions[-1]:
                dupes = sorted({v for v in versions if versions.count(v) > 1})
                gaps = sorted(set(range(2, item.version + 1)) - set(versions))
                problems.append(f"item {item_id}: {len(versions)} accepted writes, final version "
                                f"{item.version}, versions written twice {dupes[:5]}, versions no "
                                f"accepted write made {gaps[:5]}")
                logged = [e.after.get("version") for e in s.scalars(select(AuditEntry).where(
                    AuditEntry.entity == "item", AuditEntry.entity_id == str(item_id),
                    AuditEntry.outcome == "ok"))]
                problems.append(f"item {item_id}: audit log versions twice "
                                f"{sorted({v for v in logged if logged.count(v) > 1})}, "
                                f"{len(logged)} audited writes")
            edits = [o for o in writes if o.kind == "edit"]
            if edits and item.measures != max(edits, key=lambda o: o.version).token:
                problems.append(f"item {item_id}: final 整改措施 {item.measures!r} is not the last "
                                "accepted edit")
    for o in accepted:
        if (o.kind == "edit" and o.token not in audited) or (o.kind == "report" and o.token not in reported):
            problems.append(f"accepted {o.kind} {o.token} is missing from the ledger")
    return problems


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) >= 2 else (values or [0.0])[0]


def summary(report: Report) -> list[str]:
    lines = []
    writes = [o for o in report.outcomes if o.kind in ("edit", "report")]
    ok = [o for o in writes if o.result == "ok"]
    stale = sum(o.result == "stale" for o in writes)
    errors = sum(o.result == "error" for o in report.outcomes)
    lines.append(f"{report.workers} concurrent editors for {report.seconds:.0f} s: "
                 f"{len(report.outcomes)} operations ({len(report.outcomes) / report.seconds:.1f}/s), "
                 f"{len(ok)} writes accepted ({len(ok) / report.seconds:.1f}/s), "
                 f"{stale} stale edits refused, {errors} unhandled errors")
    for kind in ("edit", "report", "list", "detail"):
        ms = [o.ms for o in report.outcomes if o.kind == kind and o.result != "error"]
        if ms:
            lines.append(f"  {kind:7s} n={len(ms):5d}  p50 {_pct(ms, 50):7.1f} ms  "
                         f"p95 {_pct(ms, 95):7.1f} ms  p99 {_pct(ms, 99):7.1f} ms")
    if report.browser_loads:
        b = report.browser_loads
        lines.append(f"  browser page loads n={len(b)}  p50 {_pct(b, 50):.0f} ms  p95 {_pct(b, 95):.0f} ms")
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--workers", type=int, default=8)
    p.add_argument("--browsers", type=int, default=0)
    p.add_argument("--database-url")
    args = p.parse_args(argv)
    url, drop = (args.database_url, lambda: None) if args.database_url else new_database()
    try:
        report = run(url=url, seconds=args.seconds, workers=args.workers, browser_sessions=args.browsers)
        print("\n".join(summary(report)))
        problems = check(url, report)
    finally:
        drop()
    for problem in problems[:20]:
        print("PROBLEM", problem)
    print("load: nothing lost" if not problems else f"load: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
