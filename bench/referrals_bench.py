#!/usr/bin/env python3
"""移送移交 page benchmark: the referrals page's first page and its flow chart against bare SQL.

Target (issue 8): at 1,000,000 items, on SQLite and on PostgreSQL, (a) the first page — the total
count and the first 50 rows with the sending and receiving units' and the district's names and
the number of items — and (b) the flow chart's aggregate (kind × state × feedback overdue, with
how many were ever accepted and filed), each within 2× of the bare SQL text that counts and
fetches the same rows on a raw DBAPI cursor. "Ours" is the whole core call
(core.referrals.query.list_referrals / referral_flow: permission, filter building, ORM session,
dataclasses). Both run in the same process, alternating, median of N runs; the demo ledger
scales referrals with items (about 1.2 % of assigned items), so 1M items hold ~12k referrals.

Usage: .venv/bin/python bench/referrals_bench.py [--items 1000000] [--engines sqlite,postgresql]
       [--url URL] [--runs 15]
Ledgers are cached per engine (bench/_ledger.py; set LEDGER_BENCH_TAG=referrals).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _ledger import alternating, ensure_ledger, pg_reachable  # noqa: E402

TARGET = 2.0
AWAITING = "('sent', 'received', 'accepted')"
BARE_COUNT = "SELECT COUNT(referral.id) FROM referral"
BARE_ROWS = """
SELECT referral.id, referral.code, referral.kind, from_unit.short_name, to_unit.short_name,
       district.short_name, referral.party, referral.cause, referral.sent_on,
       referral.feedback_due_on, referral.feedback_uncovered_years IS NOT NULL, referral.status,
       (SELECT COUNT(*) FROM referral_item WHERE referral_item.referral_id = referral.id),
       referral.version
FROM referral
JOIN unit AS from_unit ON from_unit.id = referral.from_unit_id
JOIN unit AS to_unit ON to_unit.id = referral.to_unit_id
LEFT OUTER JOIN district ON district.id = referral.district_id
ORDER BY referral.sent_on DESC NULLS FIRST, referral.id DESC
LIMIT 50 OFFSET 0
"""
BARE_FLOW = f"""
SELECT kind, status,
       CASE WHEN status IN {AWAITING} AND feedback_due_on < '{{today}}' THEN 1 ELSE 0 END AS late,
       COUNT(*), SUM(CASE WHEN accepted THEN 1 ELSE 0 END), SUM(CASE WHEN filed THEN 1 ELSE 0 END)
FROM referral WHERE status != 'pending'
GROUP BY kind, status, late
"""


def _bare(engine, *statements: str):
    """Run the statements on one raw DBAPI connection; the last one's rows."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        rows = []
        for sql in statements:
            cur.execute(sql)
            rows = cur.fetchall()
        return rows
    finally:
        raw.close()


def measure(url: str, items: int, runs: int) -> list[tuple[str, float]]:
    """(what, ratio) of the page and the flow on the ledger at `url`, printed as it goes."""
    from sqlalchemy.orm import Session

    from core.access.permissions import SYSTEM
    from core.referrals.query import ReferralFilter, list_referrals, referral_flow
    from db.engine import engine_for

    engine, today, flt = engine_for(url), date.today(), ReferralFilter()
    flow_sql = BARE_FLOW.format(today=today.isoformat())

    def ours_page():
        with Session(engine) as session:
            return list_referrals(session, actor=SYSTEM, flt=flt, today=today)

    def ours_flow():
        with Session(engine) as session:
            return referral_flow(session, actor=SYSTEM, flt=flt, today=today)

    page = ours_page()
    assert [r[1] for r in _bare(engine, BARE_ROWS)] == [r.code for r in page.rows], "same rows"
    assert sum(r[3] for r in _bare(engine, flow_sql)) == ours_flow().total(), "same counts"
    print(f"engine={engine.dialect.name} items={items:,} referrals={page.total:,}")
    ratios = []
    for what, bare, ours in (
            ("first page (count + 50 rows)", lambda: _bare(engine, BARE_COUNT, BARE_ROWS), ours_page),
            ("flow chart aggregate", lambda: _bare(engine, flow_sql), ours_flow)):
        bare_s, ours_s = alternating(bare, ours, runs)
        ratio = ours_s / bare_s
        print(f"  {what:<30} bare {bare_s * 1000:7.2f} ms   ours {ours_s * 1000:7.2f} ms   "
              f"ratio {ratio:.2f}× (target ≤ {TARGET}×) {'OK' if ratio <= TARGET else 'OVER'}")
        ratios.append((what, ratio))
    return ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--url", help="measure this ledger only (overrides --engines)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if args.url:
        urls = [args.url]
    else:
        engines = [e for e in args.engines.split(",") if e != "postgresql" or pg_reachable()]
        urls = [ensure_ledger(e, args.items) for e in engines]
    ratios = [r for url in urls for _, r in measure(url, args.items, args.runs)]
    return 0 if ratios and max(ratios) <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
