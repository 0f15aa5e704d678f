#!/usr/bin/env python3
"""久拖不决 page benchmark: its first page and its counts, against the bare SQL they stand for.

Target (issue 9): at 1,000,000 items the 久拖不决 page's first page (50 rows, most severe first,
with their reasons) and its counts (by district and unit, per reason) within 2× of the bare
SQL's time. "Bare SQL" is hand-written SQL text doing the same — the grouped count with one sum
per reason, and the 50 most severe ids joined to their names — on a raw DBAPI cursor; "ours" is
what the page runs: the admin's thresholds read from the database, `flagged_counts`,
`flagged_page` and the 驻点督察中 marks of the page (core.supervision). Both run in one process,
alternating, median of N runs each. A second pair does the same under a district filter.

Usage: .venv/bin/python bench/long_unresolved_bench.py [--items 1000000] [--url URL] [--pg]
Without --url a cached demo ledger is used or seeded (bench/.cache/, or database
ledger_bench_<items>_<tag> on PostgreSQL with --pg; LEDGER_BENCH_TAG sets the tag).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _ledger import alternating, ensure_ledger  # noqa: E402

TARGET = 2.0
SQL_REASONS = {
    "overdue": "(item.due_on < '{today}' AND NOT item.is_ongoing "
               "AND item.status IN ('assigned','in_progress'))",
    "stale": "(item.status IN ('assigned','in_progress') "
             "AND COALESCE(item.latest_progress_on, item.assigned_on) < '{stale_day}')",
    "bounced": "({active} AND item.bounce_count >= {bounce})",
    "old": "({active} AND item.assigned_on < '{old_day}')",
    "extended": "({active} AND item.extension_count >= {extension})",
    "interview": "({active} AND EXISTS (SELECT 1 FROM interview_item ii JOIN interview iv "
                 "ON iv.id = ii.interview_id WHERE ii.item_id = item.id "
                 "AND iv.plan_due_on < '{today}'))",
}
ACTIVE = "item.status IN ('assigned','in_progress','submitted','notice') AND NOT item.is_ongoing"
OPEN = "item.status IN ('draft','assigned','in_progress','submitted','notice')"


def bare_sql(today: date, rules, district: int | None) -> tuple[str, str]:
    values = dict(today=today.isoformat(), active=ACTIVE, bounce=rules.bounce_threshold,
                  extension=rules.extension_threshold,
                  stale_day=(today - timedelta(days=rules.stale_after_days)).isoformat(),
                  old_day=(today - timedelta(days=rules.old_after_days)).isoformat())
    reasons = [sql.format(**values) for sql in SQL_REASONS.values()]
    where = f"{OPEN} AND ({' OR '.join(reasons)})"
    if district is not None:
        where += f" AND item.district_id IN ({district})"
    sums = ", ".join(f"SUM(CASE WHEN {r} THEN 1 ELSE 0 END)" for r in reasons)
    counts = (f"SELECT item.district_id, item.holder_unit_id, COUNT(*), {sums} FROM item "
              f"WHERE {where} GROUP BY item.district_id, item.holder_unit_id")
    severity = " + ".join(f"(CASE WHEN {r} THEN 1 ELSE 0 END)" for r in reasons)
    order = f"({severity}) DESC, item.due_on ASC NULLS LAST, item.assigned_on ASC NULLS LAST, item.id"
    flags = ", ".join(f"CASE WHEN {r} THEN 1 ELSE 0 END" for r in reasons)
    page = (f"SELECT item.id, item.code, district.name, unit.short_name, item.description, "
            f"item.status, item.due_on, item.assigned_on, item.latest_progress_on, item.bounce_count, "
            f"item.extension_count, item.supervision_level, item.version, {flags} FROM item "
            f"JOIN (SELECT item.id FROM item WHERE {where} ORDER BY {order} LIMIT 50) top "
            f"ON top.id = item.id LEFT JOIN district ON district.id = item.district_id "
            f"LEFT JOIN unit ON unit.id = item.holder_unit_id ORDER BY {order}")
    return counts, page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--url")
    parser.add_argument("--pg", action="store_true")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    from sqlalchemy.orm import Session

    from core.access.permissions import SYSTEM
    from core.ledger.query import LedgerFilter
    from core.ledger.rules import load_rule_settings
    from core.supervision.flagged import flagged_counts, flagged_page
    from core.supervision.inspection_views import under_way_marks
    from db.engine import engine_for

    url = args.url or ensure_ledger("postgresql" if args.pg else "sqlite", args.items)
    engine = engine_for(url)
    today = date.today()
    with Session(engine) as session:
        rules = load_rule_settings(session)

    def pair(district: int | None):
        counts_sql, page_sql = bare_sql(today, rules, district)
        flt = LedgerFilter(district_ids=(district,) if district is not None else ())

        def bare():
            raw = engine.raw_connection()
            try:
                cur = raw.cursor()
                cur.execute(counts_sql)
                groups = cur.fetchall()
                cur.execute(page_sql)
                return groups, cur.fetchall()
            finally:
                raw.close()

        def ours():
            with Session(engine) as session:
                loaded = load_rule_settings(session)
                counts = flagged_counts(session, actor=SYSTEM, flt=flt, today=today, rules=loaded)
                page = flagged_page(session, actor=SYSTEM, flt=flt, today=today, rules=loaded)
                under_way_marks(session, [r.id for r in page.rows])
                return counts, page

        groups, rows = bare()
        counts, page = ours()
        assert [r[0] for r in rows] == [r.id for r in page.rows], "the same first page, in order"
        assert sum(g[2] for g in groups) == counts.total, "the same count"
        return bare, ours, counts.total

    print(f"engine={engine.dialect.name} items={args.items:,}")
    worst = 0.0
    for name, district in (("all districts", None), ("one district", 1)):
        bare, ours, total = pair(district)
        bare_s, ours_s = alternating(bare, ours, args.runs)
        ratio = ours_s / bare_s
        worst = max(worst, ratio)
        print(f"{name}: flagged={total:,}")
        print(f"  bare SQL (counts + first 50)     : {bare_s * 1000:.1f} ms")
        print(f"  久拖不决 page (counts + first 50): {ours_s * 1000:.1f} ms")
        print(f"  ratio: {ratio:.2f}× (target ≤ {TARGET}×) {'OK' if ratio <= TARGET else 'OVER'}")
    print(f"worst ratio: {worst:.2f}× {'OK' if worst <= TARGET else 'OVER'}")


if __name__ == "__main__":
    main()
