#!/usr/bin/env python3
"""台账 first page benchmark: `core.ledger.query.list_items` against the bare SQL it stands for.

Target (issue 3): the first page of the ledger with a district + state filter within 2× of the
bare SQL query's time, at 1,000,000 items. "Bare SQL" is the hand-written SQL text for what the
page shows — the total count and the first 50 rows with district and lead-unit names — run on a
raw DBAPI cursor; "ours" is the whole core call (filter building, ORM session, dataclasses).
Both run in the same process, alternating, median of N runs each.

Usage: .venv/bin/python bench/ledger_bench.py [--items 1000000] [--url URL] [--pg]
Without --url a cached demo ledger is used or seeded (bench/.cache/, or database
ledger_bench_<items> on PostgreSQL with --pg).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _ledger import alternating, ensure_ledger  # noqa: E402

TARGET = 2.0
BARE_COUNT = "SELECT COUNT(item.id) FROM item WHERE item.district_id IN ({d}) AND item.status IN ({s})"
BARE_ROWS = """
SELECT item.id, item.code, district.name, unit.short_name, item.category, item.description,
       item.deadline_text, item.due_on, item.status, item.progress_percent,
       item.latest_progress_on, item.is_ongoing, item.version
FROM item
LEFT OUTER JOIN district ON district.id = item.district_id
LEFT OUTER JOIN unit ON unit.id = item.lead_unit_id
WHERE item.district_id IN ({d}) AND item.status IN ({s})
ORDER BY item.due_on ASC NULLS LAST, item.id
LIMIT 50 OFFSET 0
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--url")
    parser.add_argument("--pg", action="store_true")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    from sqlalchemy.orm import Session

    from core.access.permissions import SYSTEM
    from core.domain import Status
    from core.ledger.query import LedgerFilter, list_items
    from db.engine import engine_for

    url = args.url or ensure_ledger("postgresql" if args.pg else "sqlite", args.items)
    engine = engine_for(url)
    districts, statuses = (1, 7), (Status.IN_PROGRESS, Status.ASSIGNED)
    flt = LedgerFilter(district_ids=districts, statuses=statuses)
    params = dict(d=",".join(map(str, districts)), s=",".join(f"'{s.value}'" for s in statuses))
    today = date.today()

    def bare():
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute(BARE_COUNT.format(**params))
            cur.fetchall()
            cur.execute(BARE_ROWS.format(**params))
            return cur.fetchall()
        finally:
            raw.close()

    def ours():
        with Session(engine) as session:
            return list_items(session, actor=SYSTEM, flt=flt, today=today)

    assert len(bare()) == len(ours().rows), "the two queries must show the same rows"
    bare_s, ours_s = alternating(bare, ours, args.runs)
    total = ours().total
    print(f"engine={engine.dialect.name} items={args.items:,} matching={total:,}")
    print(f"bare SQL (count + first 50 rows): {bare_s * 1000:.1f} ms")
    print(f"list_items (same page)          : {ours_s * 1000:.1f} ms")
    ratio = ours_s / bare_s
    print(f"ratio: {ratio:.2f}× (target ≤ {TARGET}×) {'OK' if ratio <= TARGET else 'OVER'}")


if __name__ == "__main__":
    main()
