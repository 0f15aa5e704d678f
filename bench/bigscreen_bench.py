#!/usr/bin/env python3
"""Big-screen benchmark at 1,000,000 items, on SQLite and PostgreSQL, ratios measured in one run.

Targets (issue 4), each against a floor measured in the same run:
  assembly  core.screen.bigscreen.big_screen, all the big screen's figures  ≤ 1.5 × the bare SQL it runs
            (the same statements, captured from the run, executed on a raw DBAPI cursor)
  pandas    the common pattern — the whole item table read into pandas and grouped there, for
            the "now" figures only (no week-ago history: the baseline is flattered, not us)
            ≥ 10 × slower than the assembly
  memory    peak RSS of a process that imports the app and assembles the page (figures, the
            map deck, the charts) < 500 MB; the pandas baseline's peak is printed beside it
  refresh   the big-screen page re-rendered with a warm cache (AppTest, a second run of the
            same page at the same ledger revision) < 0.1 × the same page with a cold cache
Ledgers are seeded once with seed-demo (seed 7) and kept: bench/.cache/ledger-<items>.db and the
PostgreSQL database ledger_bench_<items> (shared with bench/ledger_bench.py).

Usage: .venv/bin/python bench/bigscreen_bench.py [--items N] [--engines sqlite,postgresql]
                                                   [--url URL] [--runs N]
Exit status 1 if a target is missed. Heavy: run it once, not in a loop (the machine is shared).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {"assembly": 1.5, "pandas": 10.0, "memory_mb": 500.0, "refresh": 0.1}


from _ledger import PG_SERVER, alternating, ensure_ledger, median_time, pg_reachable  # noqa: E402


def assemble(url: str, today: date):
    from sqlalchemy.orm import Session

    from core.access.permissions import SYSTEM
    from core.ledger.rules import load_rule_settings
    from core.screen.bigscreen import big_screen
    from db.engine import engine_for
    with Session(engine_for(url)) as session:
        return big_screen(session, actor=SYSTEM, today=today, rules=load_rule_settings(session))


def captured_statements(url: str, today: date) -> list[tuple[str, object]]:
    """The SQL text and parameters of every statement one assembly sends (warms the caches too)."""
    from sqlalchemy import event

    from db.engine import engine_for
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(engine_for(url), "before_cursor_execute", capture)
    try:
        assemble(url, today)
    finally:
        event.remove(engine_for(url), "before_cursor_execute", capture)
    return seen


def bare_sql(url: str, statements) -> None:
    """The captured statements on a raw DBAPI cursor, every row fetched."""
    from db.engine import engine_for
    raw = engine_for(url).raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            if cursor.description is not None:  # not for PostgreSQL's SET LOCAL jit = off
                cursor.fetchall()
        raw.rollback()
    finally:
        raw.close()


def child(kind: str, url: str) -> dict:
    """Run one measurement in a fresh process (its own peak RSS); returns its JSON line."""
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--url", url], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def peak_mb() -> float:
    """This process's peak RSS in MB: VmHWM, which (unlike ru_maxrss) starts afresh at exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: KiB, inherited


def run_child(kind: str, url: str) -> None:
    started = time.perf_counter()
    figures = _pandas_baseline(url) if kind == "pandas" else _page_payload(url)
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": peak_mb(),
                      "figures": figures}))


def _page_payload(url: str) -> dict:
    """What the big-screen page computes, as the app process would: figures, map deck, charts."""
    import streamlit  # noqa: F401 - the app process has it loaded

    from core.domain import Category, SourceLevel
    from core.i18n import label
    from core.screen import geo
    from ui import charts, district_map
    from ui.cache import figures_by_code
    data = assemble(url, date.today())
    deck = district_map.district_deck(figures_by_code(data), measure="overdue", measure_label="逾期",
                                      functional_markers=geo.functional_area_markers(),
                                      view=geo.fit_view(width_px=690, height_px=660))
    deck.to_json()
    charts.trend_chart(data.trend).to_dict()
    charts.tally_chart(data.categories, lambda k: label(k, Category), title_key="chart.category").to_dict()
    charts.tally_chart(data.levels, lambda k: label(k, SourceLevel), title_key="chart.level").to_dict()
    return {}


def _pandas_baseline(url: str) -> dict:
    """The common pattern: the whole ledger (items and the history the figures need) read into
    pandas, every figure grouped there. Returns the headline, to check it against ours."""
    import pandas as pd
    from sqlalchemy.orm import Session

    from core.ledger.rules import load_rule_settings
    from db.engine import engine_for
    with Session(engine_for(url)) as session:
        rules = load_rule_settings(session)
    with engine_for(url).connect() as conn:
        read = {name: pd.read_sql_query(sql, conn) for name, sql in PANDAS_READS.items()}
    items = read["item"]
    for col in ("due_on", "assigned_on", "closed_on", "latest_progress_on", "created_at", "updated_at"):
        items[col] = pd.to_datetime(items[col])
    today = pd.Timestamp(date.today())
    week_ago = today - pd.Timedelta(days=7)
    cutoff = week_ago + pd.Timedelta(days=1)
    late = read["plans"].assign(plan_due_on=pd.to_datetime(read["plans"]["plan_due_on"]))
    now = _pandas_flags(items, items["status"], items["latest_progress_on"], items["bounce_count"],
                        today, rules, late)
    status_then, last_then, bounces_then = _pandas_then(items, read, week_ago, cutoff)
    then = _pandas_flags(items, status_then, last_then, bounces_then, week_ago, rules, late)
    existed = items["created_at"] < cutoff
    closed = items["status"] == "closed"
    frame = items.assign(closed=closed, overdue=now["overdue"], long=now["long"])
    frame.groupby("district_id", dropna=False)[["closed", "overdue", "long"]].agg(["sum", "count"])
    frame.groupby("category")["closed"].agg(["sum", "count"])
    frame.groupby("source_level")["closed"].agg(["sum", "count"])
    frame[closed].groupby(frame["closed_on"].dt.to_period("M")).size()
    frame.groupby(frame["created_at"].dt.to_period("M")).size()
    days = (items["closed_on"] - items["assigned_on"]).dt.days[closed].mean()
    return {"items": [len(items), int(existed.sum())],
            "closed": [int(closed.sum()), int((existed & (status_then == "closed")).sum())],
            "overdue": [int(now["overdue"].sum()), int((existed & then["overdue"]).sum())],
            "long": [int(now["long"].sum()), int((existed & then["long"]).sum())],
            "days": float(days)}


PANDAS_READS = {
    "item": "SELECT * FROM item",
    "moves": "SELECT id, item_id, from_status, to_status, at FROM transition",
    "reports": "SELECT item_id, reported_on FROM progress_report",
    # a late plan (core.interviews.deadlines): not submitted, its due date final (not provisional)
    "plans": "SELECT ii.item_id, i.plan_due_on FROM interview_item ii "
             "JOIN interview i ON i.id = ii.interview_id "
             "WHERE i.plan_submitted_on IS NULL AND i.plan_due_uncovered IS NULL",
}


def _pandas_flags(items, status, last_report, bounces, day, rules, plans) -> dict:
    """overdue and 久拖不决 (core.ledger.stats, core.ledger.rules) as pandas columns, judged on `day`."""
    import pandas as pd
    active = status.isin(["assigned", "in_progress", "submitted", "notice"])
    overdue = ((items["due_on"] < day) & ~items["is_ongoing"].astype(bool)
               & ~status.isin(["submitted", "notice", "closed"]))
    since = last_report.fillna(items["assigned_on"])
    late_ids = plans.loc[plans["plan_due_on"] < day, "item_id"].unique()
    long_ = (overdue
             | (status.isin(["assigned", "in_progress"])
                & (since < day - pd.Timedelta(days=rules.stale_after_days)))
             | (active & (bounces >= rules.bounce_threshold))
             | (active & (items["assigned_on"] < day - pd.Timedelta(days=rules.old_after_days)))
             | (active & (items["extension_count"] >= rules.extension_threshold))
             | (active & items["id"].isin(late_ids)))
    return {"overdue": overdue, "long": long_}


def _pandas_then(items, read, week_ago, cutoff):
    """Status, last report and failed verifications as they stood at the end of `week_ago`."""
    import pandas as pd
    moves = read["moves"].assign(at=pd.to_datetime(read["moves"]["at"]))
    after = moves[moves["at"] >= cutoff].sort_values(["at", "id"])
    first = after.groupby("item_id")["from_status"].first()
    by_id = items.set_index("id")
    status_then = first.reindex(by_id.index).fillna(by_id["status"])
    reports = read["reports"].assign(reported_on=pd.to_datetime(read["reports"]["reported_on"]))
    before = reports[reports["reported_on"] <= week_ago].groupby("item_id")["reported_on"].max()
    latest = by_id["latest_progress_on"]
    last_then = latest.where(latest.isna() | (latest <= week_ago), before.reindex(by_id.index))
    bounced = after[(after["from_status"] == "submitted") & (after["to_status"] == "in_progress")]
    bounces_then = by_id["bounce_count"] - bounced.groupby("item_id").size().reindex(
        by_id.index, fill_value=0)
    return tuple(pd.Series(col.to_numpy(), index=items.index)  # back in the items' row order
                 for col in (status_then, last_then, bounces_then))


def refresh_times(url: str) -> tuple[float, float]:
    """(cold, warm) seconds of the big-screen page run in AppTest as a kiosk, before and after
    its figures and deck are cached. Modules are imported and boundaries simplified first, so
    the cold run is the page's own work, not Python's start-up."""
    from datetime import datetime
    from uuid import uuid4

    from streamlit.testing.v1 import AppTest

    from core.access.permissions import SYSTEM
    from core.screen import geo, kiosk
    from db.engine import session_scope
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # "no runtime" notes from bare imports
    for module in ("ui.auth", "ui.cache", "ui.charts", "ui.kiosk", "ui.nav", "ui.screen"):
        importlib.import_module(module)
    geo.district_shapes()
    with session_scope(url) as session:
        token = kiosk.create_token(session, actor=SYSTEM, name=f"bench-{uuid4().hex[:8]}",
                                   now=datetime.now()).token
    os.environ["LEDGER_DATABASE_URL"] = url
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1800)
    at.query_params["kiosk"] = token
    started = time.perf_counter()
    at.run()
    cold = time.perf_counter() - started
    if at.exception or not at.metric:
        raise SystemExit(f"big screen failed: {at.exception}")
    warm = median_time(at.run, 5)
    return cold, warm


# ---------------------------------------------------------------- one engine

def same_headline(head, theirs: dict) -> bool:
    """Print whether pandas found the same headline as big_screen(), now and a week ago."""
    ours = {"items": head.items, "closed": head.closed, "overdue": head.overdue,
            "long": head.long_unresolved}
    ours = {k: [c.now, c.week_ago] for k, c in ours.items()}
    same = ours == {k: theirs[k] for k in ours} and abs(head.avg_days_to_close - theirs["days"]) < 1e-6
    print(f"  pandas found the same headline (now and a week ago): {'yes' if same else 'NO'} {ours}"
          + ("" if same else f" ≠ {theirs}"))
    return same


def verdict(name: str, value: float, ok: bool, unit: str = "×") -> bool:
    target = TARGETS[name]
    sign = "≤" if name == "assembly" else "≥" if name == "pandas" else "<"
    print(f"  {name:<9} {value:8.2f}{unit}  (target {sign} {target:g}{unit})  {'OK' if ok else 'MISSED'}")
    return ok


def bench_engine(engine: str, items: int, runs: int, url: str | None) -> bool:
    print(f"\n== {engine}, {items:,} items")
    url = url or ensure_ledger(engine, items)
    today = date.today()
    statements = captured_statements(url, today)
    bare, ours = alternating(lambda: bare_sql(url, statements), lambda: assemble(url, today), runs)
    print(f"  bare SQL ({len(statements)} statements): {bare:.2f} s   big_screen(): {ours:.2f} s")
    pandas_run, page = child("pandas", url), child("page", url)
    same = same_headline(assemble(url, today).headline, pandas_run["figures"])
    print(f"  pandas baseline: {pandas_run['seconds']:.1f} s, peak {pandas_run['peak_mb']:.0f} MB;"
          f" page process peak {page['peak_mb']:.0f} MB")
    cold, warm = refresh_times(url)
    print(f"  page render in AppTest: cold cache {cold:.2f} s, warm cache {warm * 1000:.0f} ms")
    results = [same, verdict("assembly", ours / bare, ours / bare <= TARGETS["assembly"]),
               verdict("pandas", pandas_run["seconds"] / ours, pandas_run["seconds"] / ours >= 10),
               verdict("memory_mb", page["peak_mb"], page["peak_mb"] < 500, " MB"),
               verdict("refresh", warm / cold, warm / cold < TARGETS["refresh"])]
    return all(results)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--items", type=int, default=1_000_000)
    p.add_argument("--engines", default="sqlite,postgresql", help="comma-separated")
    p.add_argument("--url", help="an already seeded ledger (one engine)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--child", choices=("page", "pandas"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        run_child(args.child, args.url)
        return 0
    engines = [e for e in args.engines.split(",") if e]
    if args.url:
        engines = ["postgresql" if args.url.startswith("postgresql") else "sqlite"]
    if "postgresql" in engines and not args.url and not pg_reachable():
        print(f"PostgreSQL at {PG_SERVER} is not reachable: skipped")
        engines.remove("postgresql")
    ok = [bench_engine(e, args.items, args.runs, args.url) for e in engines]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
