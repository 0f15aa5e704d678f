#!/usr/bin/env python3
"""我的待办 benchmark: `core.ledger.action_queue.needs_my_action` for the busiest unit against a floor.

The floor is the bare SQL read that any unit queue must do: the unit's assigned/in-progress items
(lead, holder or linked), fetched once on a raw DBAPI cursor. "Ours" is the whole core call: five
sections with totals and first rows, 'returned' and 'quarterly review' rules included, ORM session
and dataclasses. Both run in the same process, alternating, median of N runs; the ratio is what
to watch (the machine's speed cancels out). Target: within 3× of the floor.

Usage: .venv/bin/python bench/action_queue_bench.py [--items 200000] [--url URL] [--pg]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGET = 3.0
FLOOR = """
SELECT item.id, item.code, item.description, item.due_on, item.status, item.version,
       item.bounce_count, item.reopen_count, item.is_ongoing, item.latest_progress_on
FROM item
WHERE item.id IN (SELECT id FROM item WHERE lead_unit_id = {u}
                  UNION SELECT id FROM item WHERE holder_unit_id = {u}
                  UNION SELECT item_id FROM item_unit WHERE unit_id = {u})
  AND item.status IN ('assigned', 'in_progress')
"""


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--items", type=int, default=200_000)
    p.add_argument("--url")
    p.add_argument("--pg", action="store_true")
    p.add_argument("--runs", type=int, default=7)
    args = p.parse_args()

    from _ledger import ensure_ledger  # seeds (once) and caches a demo ledger
    from sqlalchemy import func, select

    from core.access.permissions import Actor
    from core.domain import Role
    from core.ledger.action_queue import needs_my_action
    from db.engine import engine_for, session_scope
    from db.models import Item

    url = args.url or ensure_ledger("postgresql" if args.pg else "sqlite", args.items)
    today = date.today()
    with session_scope(url) as s:
        unit_id, led = s.execute(select(Item.lead_unit_id, func.count()).group_by(Item.lead_unit_id)
                                 .order_by(func.count().desc()).limit(1)).one()
    actor = Actor(id=None, username="bench", role=Role.UNIT, unit_id=unit_id)
    raw = engine_for(url).raw_connection()

    def floor() -> None:
        cur = raw.cursor()
        cur.execute(FLOOR.format(u=int(unit_id)))
        cur.fetchall()
        cur.close()

    def ours() -> None:
        with session_scope(url) as s:
            needs_my_action(s, actor=actor, today=today)

    timings: dict[str, list[float]] = {"floor": [], "ours": []}
    for _ in range(args.runs + 1):                  # the first round warms caches, not counted
        for name, fn in (("floor", floor), ("ours", ours)):
            started = time.perf_counter()
            fn()
            timings[name].append(time.perf_counter() - started)
    floor_ms, ours_ms = (statistics.median(timings[n][1:]) * 1000 for n in ("floor", "ours"))
    ratio = ours_ms / floor_ms
    print(f"busiest unit leads {led} items; floor {floor_ms:.1f} ms, needs_my_action "
          f"{ours_ms:.1f} ms, ratio {ratio:.2f} (target ≤ {TARGET})")
    raw.close()
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
