#!/usr/bin/env python3
"""季调度 benchmark: a round over every open item in daily tracking, at 1,000,000 items, on SQLite
and PostgreSQL, ratios against a bare-SQL floor measured in the same run.

Targets:
  status   core.dispatch.figures.unit_status — each unit's reported / not yet / late — for the
           round  ≤ 2 × the same aggregate as bare SQL on a raw DBAPI cursor
  open     core.dispatch.rounds.open_round (checks, the round row, one INSERT … SELECT of its
           items, counts, audit)  ≤ 2 × the bare INSERT … SELECT alone; both rolled back
Also timed, for information: live figures per unit/district/level, the closing snapshot (rolled
back), the year's figures, 反弹 per district, the office's 我的待办 line.

The round is opened once and kept in the cached ledger (title BENCH_TITLE), with reports on 60 %
of its items, some before and some after its report-by date, so every state occurs.
Ledgers are seeded once with seed-demo (seed 7); LEDGER_BENCH_TAG keeps them apart per checkout.

Usage: LEDGER_BENCH_TAG=dispatch .venv/bin/python bench/dispatch_bench.py [--items N]
       [--engines sqlite,postgresql] [--runs N]
Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _ledger import alternating, ensure_ledger, pg_reachable  # noqa: E402

TARGETS = {"status": 2.0, "open": 2.0}
BENCH_TITLE = "bench: 全部在办任务"
# The same statement core sends (core.dispatch.figures.members: one index probe per item for its
# first report; the subquery fenced by OFFSET 0), written by hand.
STATUS_FLOOR = """
SELECT m.unit_id, unit.name, count(*),
       sum(CASE WHEN m.first_at IS NOT NULL THEN 1 ELSE 0 END),
       sum(CASE WHEN m.first_at >= {cut} OR m.first_at IS NULL THEN 1 ELSE 0 END),
       max(m.first_at)
FROM (SELECT di.item_id, di.unit_id,
             (SELECT min(pr.created_at) FROM progress_report pr
              WHERE pr.dispatch_round_id = {r} AND pr.item_id = di.item_id) AS first_at
      FROM dispatch_item di WHERE di.round_id = {r} {fence}) m
JOIN unit ON unit.id = m.unit_id
GROUP BY m.unit_id, unit.name
"""
# The textbook form, a join to the grouped reports, for information: as fast with fresh
# statistics, but its plan depends on them (see members' docstring).
JOIN_FORM = """
SELECT di.unit_id, unit.name, count(*),
       sum(CASE WHEN f.first_at IS NOT NULL THEN 1 ELSE 0 END),
       sum(CASE WHEN f.first_at >= {cut} OR f.first_at IS NULL THEN 1 ELSE 0 END),
       max(f.first_at)
FROM dispatch_item di
LEFT JOIN (SELECT item_id, min(created_at) AS first_at FROM progress_report
           WHERE dispatch_round_id = {r} GROUP BY item_id) f ON f.item_id = di.item_id
JOIN unit ON unit.id = di.unit_id
WHERE di.round_id = {r}
GROUP BY di.unit_id, unit.name
"""
ROUND_ROW = """
INSERT INTO quarterly_dispatch (year, quarter, title, report_by, scope, opened_at, item_count,
                                unit_count, version, updated_at)
VALUES (:y, :q, 'floor', :d, '{}', :at, 0, 0, 1, :at)
"""
OPEN_FLOOR = """
INSERT INTO dispatch_item (round_id, item_id, unit_id, district_id, source_level)
SELECT {r}, id, coalesce(holder_unit_id, lead_unit_id), district_id, source_level FROM item
WHERE status IN ('assigned', 'in_progress', 'submitted', 'notice')
  AND coalesce(holder_unit_id, lead_unit_id) IS NOT NULL
"""


def _bench_round(url: str, today: date) -> int:
    """The kept round over every open item (opened 20 days ago, due 5 days ago) with reports on
    60 % of its items: half before the date, half after; opened and reported once per ledger."""
    from sqlalchemy import and_, func, insert, literal, select

    from core.access.permissions import SYSTEM
    from core.dispatch import rounds
    from db.engine import session_scope
    from db.models import DispatchItem, ProgressReport, QuarterlyDispatch
    with session_scope(url) as s:
        found = s.scalar(select(QuarterlyDispatch.id).where(QuarterlyDispatch.title == BENCH_TITLE))
        if found:
            return found
        opened = today - timedelta(days=20)
        year, quarter = rounds.quarter_of(opened)
        started = time.perf_counter()
        rnd = rounds.open_round(s, actor=SYSTEM, year=year, quarter=quarter, title=BENCH_TITLE,
                                report_by=today - timedelta(days=5), today=opened)
        print(f"  bench round: {rnd.items:,} items, {rnd.units} units "
              f"(opened in {time.perf_counter() - started:.1f} s)")
        for share, day in ((0, today - timedelta(days=8)), (1, today - timedelta(days=2))):
            picked = and_(DispatchItem.round_id == rnd.id, DispatchItem.item_id % 10 >= 4,
                          DispatchItem.item_id % 2 == share)
            s.execute(insert(ProgressReport).from_select(
                ["item_id", "reported_on", "percent", "text", "unit_id", "created_at",
                 "dispatch_round_id"],
                select(DispatchItem.item_id, literal(day), literal(50), literal("bench"),
                       DispatchItem.unit_id, literal(datetime.combine(day, clock(10))),
                       literal(rnd.id)).where(picked)))
        n = s.scalar(select(func.count()).where(ProgressReport.dispatch_round_id == rnd.id))
        print(f"  bench round: {n:,} reports")
        return rnd.id


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _status_ratio(url: str, round_id: int, today: date, runs: int) -> tuple[float, float, int]:
    from sqlalchemy.orm import Session

    from core.access.permissions import SYSTEM
    from core.dispatch import rounds, snapshot
    from core.dispatch.figures import unit_status
    from core.ledger.as_of import cutoff
    from db.engine import engine_for
    engine = engine_for(url)
    with Session(engine) as s:
        rnd = rounds.get_round(s, actor=SYSTEM, round_id=round_id)
    cut = cutoff(rnd.report_by)
    # as SQLAlchemy writes a DateTime: SQLite stores text with microseconds
    literal_cut = (f"'{cut:%Y-%m-%d %H:%M:%S}.000000'" if engine.dialect.name == "sqlite"
                   else f"TIMESTAMP '{cut:%Y-%m-%d %H:%M:%S}'")
    fence = "LIMIT -1 OFFSET 0" if engine.dialect.name == "sqlite" else "OFFSET 0"
    sql = STATUS_FLOOR.format(r=round_id, cut=literal_cut, fence=fence)
    raw = engine.raw_connection()
    rows = []

    def run(statement: str) -> None:
        cur = raw.cursor()
        cur.execute(statement)
        rows[:] = cur.fetchall()
        cur.close()

    def floor() -> None:
        run(sql)

    joined = JOIN_FORM.format(r=round_id, cut=literal_cut)
    cur = raw.cursor()
    for table in ("dispatch_item", "progress_report"):   # fresh statistics for the join form
        cur.execute(f"ANALYZE {table}")
    cur.close()
    raw.commit()
    run(joined)
    print(f"  info    the join form (fresh statistics): {_timed(lambda: run(joined)) * 1000:.0f} ms")

    def ours() -> None:   # what the page calls: the round, then its units' states
        with Session(engine) as s:
            snapshot.unit_statuses(s, actor=SYSTEM, round_id=round_id, today=today)

    floor(), ours()                                    # warm caches
    with Session(engine) as s:
        mine = unit_status(s, actor=SYSTEM, rnd=rnd, today=today)
    assert sorted((u.unit_id, u.items, u.reported, u.late) for u in mine) == \
        sorted((r[0], r[2], r[3], r[4]) for r in rows), "floor and core disagree"
    f, o = alternating(floor, ours, runs)
    raw.close()
    return f, o, len(mine)


def _open_ratio(url: str, today: date, runs: int) -> tuple[float, float, int]:
    """open_round against the bare INSERT … SELECT, each in a transaction rolled back."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from core.access.permissions import SYSTEM
    from core.dispatch import rounds
    from db.engine import engine_for
    engine = engine_for(url)
    year, quarter = rounds.quarter_of(today)
    counted = []

    def floor() -> None:
        with engine.connect() as conn:
            tx = conn.begin()
            conn.execute(text(ROUND_ROW), {"y": year, "q": quarter, "d": today,
                                           "at": datetime.now()})
            new_id = conn.execute(text("SELECT max(id) FROM quarterly_dispatch")).scalar()
            counted.append(conn.execute(text(OPEN_FLOOR.format(r=new_id))).rowcount)
            tx.rollback()

    def ours() -> None:
        with Session(engine) as s:
            rounds.open_round(s, actor=SYSTEM, year=year, quarter=quarter, title="bench: open",
                              report_by=today + timedelta(days=10), today=today)
            s.rollback()

    f, o = alternating(floor, ours, runs)
    return f, o, counted[-1]


def _information(url: str, round_id: int, today: date) -> dict[str, float]:
    """Seconds of the other work on the round and the year (once each, after a warm-up)."""
    from sqlalchemy.orm import Session

    from core.access.permissions import SYSTEM
    from core.dispatch import rebound, reports, rounds, snapshot, year
    from core.dispatch.figures import live_figures
    from core.ledger.rules import load_rule_settings
    from db.engine import engine_for
    out = {}
    with Session(engine_for(url)) as s:
        rules = load_rule_settings(s)
        rnd = rounds.get_round(s, actor=SYSTEM, round_id=round_id)
        jobs = {
            "live figures (unit/district/level)":
                lambda: live_figures(s, actor=SYSTEM, rnd=rnd, today=today, rules=rules),
            "close + snapshot (rolled back)":
                lambda: (snapshot.close_round(s, actor=SYSTEM, round_id=round_id,
                                              expected_version=rnd.version, today=today,
                                              rules=rules), s.rollback()),
            "year figures": lambda: year.year_figures(s, actor=SYSTEM, year=today.year,
                                                      today=today, rules=rules),
            "反弹 per district (alone; the big screen counts it in its open-item scan)":
                lambda: rebound.rebounds_by_district(s),
            "我的待办 (office line)": lambda: reports.rounds_to_report(s, actor=SYSTEM),
        }
        for name, job in jobs.items():
            job()
            out[name] = _timed(job)
    return out


def run_engine(engine: str, items: int, runs: int) -> bool:
    url = ensure_ledger(engine, items)
    today = date.today()
    round_id = _bench_round(url, today)
    floor, ours, units = _status_ratio(url, round_id, today, runs)
    status = ours / floor
    print(f"  status  {units} units: floor {floor * 1000:.0f} ms, unit_status {ours * 1000:.0f} ms, "
          f"ratio {status:.2f} (target ≤ {TARGETS['status']})")
    floor, ours, n = _open_ratio(url, today, max(3, runs // 2))
    opening = ours / floor
    print(f"  open    {n:,} items: INSERT … SELECT {floor * 1000:.0f} ms, open_round "
          f"{ours * 1000:.0f} ms, ratio {opening:.2f} (target ≤ {TARGETS['open']})")
    for name, seconds in _information(url, round_id, today).items():
        print(f"  info    {name}: {seconds * 1000:.0f} ms")
    return status <= TARGETS["status"] and opening <= TARGETS["open"]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--items", type=int, default=1_000_000)
    p.add_argument("--engines", default="sqlite,postgresql")
    p.add_argument("--runs", type=int, default=7)
    args = p.parse_args()
    ok = True
    for engine in args.engines.split(","):
        if engine == "postgresql" and not pg_reachable():
            print("postgresql: not reachable, skipped")
            continue
        print(f"## {engine}, {args.items:,} items")
        ok = run_engine(engine, args.items, args.runs) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
