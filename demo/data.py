"""Deterministic, realistic demo data for the ledger (`manage.py seed-demo`), fast at 10^6 items.

Items are drawn in chunks with numpy; each chunk has its own generator seeded by (seed, chunk
number), so the same (seed, as_of, items) always gives the same rows. This module runs the seeding;
the parts live beside it:

    demo_context   day numbers, the timeline's events, reference data and id counters (Ctx)
    demo_items     the vectorised item generator and the item table's columns
    demo_records   units, progress reports, transitions, extensions, notices, follow-ups
    demo_cases     petitions, drawn one by one
    demo_interviews  interviews with their people, items, track and follow-up measures
    demo_referrals referrals with their steps, and a showcase of every state for the demo receivers
    demo_supervision  notices over several items, stationed and special inspections (after the items)
    demo_writer    bulk inserts: COPY on PostgreSQL, the raw sqlite3 cursor on SQLite
    demo_text      words and catalogues
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
from sqlalchemy import Connection, func, insert, select, text, update

from core.errors import LedgerError
from db.engine import engine_for
from db.models import Item, ItemReminder, LedgerRevision
from demo.cases import petitions
from demo.context import E_ASSIGN, SHARE, Ctx
from demo.dispatch import seed_rounds
from demo.interviews import interviews
from demo.items import draw_items, item_columns
from demo.records import (
    extension_columns,
    follow_up_columns,
    notice_tables,
    progress_columns,
    transition_columns,
    unit_columns,
)
from demo.referrals import referral_tables
from demo.supervision import supervision_tables
from demo.writer import bulk_load, writer_for

CHUNK = 25_000
LABELS = dict(inspection="inspections", item_unit="item units", progress_report="progress reports",
              transition="transitions", extension="extensions",
              supervision_notice="supervision notices", supervision_notice_item="notice items",
              notice_response="notice responses", notice_escalation="notice escalations",
              stationed_follow_up="stationed follow-ups", follow_up_record="follow-up records",
              petition="petitions", interview="interviews", interview_item="interview items",
              interview_person="people interviewed", interview_follow_up="follow-up measures",
              interview_event="interview events",
              referral="referrals", referral_item="referral items",
              referral_step="referral steps",
              quarterly_dispatch="dispatch rounds", dispatch_item="dispatched items",
              round_report="progress reports answering them")


@dataclass(frozen=True)
class SeedSummary:
    """What seed_demo wrote (table → rows), or how many items made it skip (if_empty)."""

    engine: str
    as_of: date
    counts: tuple[tuple[str, int], ...] = ()
    skipped_items: int = 0

    def count(self, table: str) -> int:
        """Rows written to `table` (0 if none)."""
        return dict(self.counts).get(table, 0)

    def __str__(self) -> str:
        if self.skipped_items:
            return f"ledger already has {self.skipped_items} items: nothing seeded into {self.engine}"
        rest = ", ".join(f"{n} {LABELS.get(t, t)}" for t, n in self.counts if t != "item")
        return (f"seeded {self.count('item')} items, {rest} into {self.engine} "
                f"(as of {self.as_of.isoformat()})")


def seed_demo(url: str, *, items: int, seed: int, if_empty: bool = False,
              as_of: date | None = None) -> SeedSummary:
    """Fill an empty, migrated ledger with `items` demo items as of `as_of` (default today), in one
    transaction. Raises LedgerError if the ledger already has items, unless if_empty (no-op)."""
    if items < 0 or seed < 0:
        raise LedgerError("items and seed must not be negative")
    as_of = as_of or date.today()
    engine = engine_for(url)
    with engine.connect() as conn, bulk_load(conn), conn.begin():
        existing = conn.scalar(select(func.count()).select_from(Item.__table__))
        if existing and if_empty:
            return SeedSummary(engine.dialect.name, as_of, skipped_items=existing)
        if existing:
            raise LedgerError(f"the ledger already has {existing} items; demo data goes into an "
                              "empty ledger only (seed-demo --if-empty skips instead)")
        counts = _seed(conn, items=items, seed=seed, as_of=as_of)
        conn.execute(update(LedgerRevision).where(LedgerRevision.id == 1)
                     .values(revision=LedgerRevision.revision + 1, changed_at=datetime.now()))
    _analyze(engine)
    return SeedSummary(engine.dialect.name, as_of, tuple(counts.items()))


def _analyze(engine) -> None:
    # Fresh planner statistics: right after a bulk load PostgreSQL has none, and unit-scoped
    # queries took 6–10 s at 200k items until autovacuum caught up (~140 ms after ANALYZE).
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()


def _seed(conn: Connection, *, items: int, seed: int, as_of: date) -> Counter:
    ctx = Ctx.load(conn, as_of)
    writer = writer_for(conn)
    writer.write("inspection", ctx.inspection_columns())
    for chunk_no, first in enumerate(range(0, items, CHUNK)):
        rng = np.random.default_rng([seed, chunk_no])
        frame = draw_items(rng, ctx, first, min(CHUNK, items - first))
        for table, columns in chunk_tables(rng, ctx, frame, first=chunk_no == 0):
            writer.write(table, columns)
    for table, columns in supervision_tables(conn, ctx, seed):   # looks at the items written
        writer.write(table, columns)
    writer.finish()
    counts = writer.counts + seed_rounds(conn, as_of=as_of, seed=seed)  # 季调度 (demo/dispatch.py)
    counts["item_reminder"] += _reminders(conn, as_of)
    return counts


REMINDED_ITEMS = 12      # pressed three times (the 久拖不决 "reminded" rule's default)
FRESH_REMINDERS = 3      # pressed last week and not answered yet: on the units' 我的待办


def _reminders(conn: Connection, as_of: date) -> int:
    """催办 (core.ledger.reminders) on the oldest items still being worked: a few pressed three
    times over past months, a few pressed last week, so every screen that shows them has some."""
    working = conn.execute(select(Item.id, Item.holder_unit_id).where(
        Item.status.in_(("assigned", "in_progress")), Item.holder_unit_id.is_not(None),
        Item.is_ongoing.is_(False)).order_by(Item.id).limit(REMINDED_ITEMS + FRESH_REMINDERS)).all()
    rows, counts = [], {}
    for n, (item_id, unit_id) in enumerate(working):
        days = (90, 60, 30) if n < REMINDED_ITEMS else (3,)
        counts[item_id] = len(days)
        rows += [dict(item_id=item_id, unit_id=unit_id, actor_id=None, note="请加快整改进度并报送进展",
                      at=datetime.combine(as_of - timedelta(days=d), time(9, 30))) for d in days]
    if rows:
        conn.execute(insert(ItemReminder), rows)
    for item_id, times in counts.items():
        conn.execute(update(Item).where(Item.id == item_id)   # updated_at kept: no onupdate stamp
                     .values(reminder_count=times, updated_at=Item.updated_at))
    return len(rows)


def chunk_tables(rng: np.random.Generator, ctx: Ctx, f: dict, *,
                 first: bool = False) -> Iterator[tuple[str, dict]]:
    """(table, columns) for one chunk of drawn items, parents before children (`first`: the
    first chunk, which also holds the interviews' showcase)."""
    f["id"] = ctx.take("item", f["n"])
    yield "item", item_columns(ctx, f)
    yield "item_unit", unit_columns(f)
    yield "progress_report", progress_columns(ctx, f)
    yield "transition", transition_columns(ctx, f)
    yield "extension", extension_columns(ctx, f)
    yield from notice_tables(rng, ctx, f)
    yield "stationed_follow_up", follow_up_columns(rng, ctx, f)
    words = random.Random(int(rng.integers(1 << 62)))   # for the few side records
    yield "petition", _columns(petitions(words, ctx, f))
    for table, rows in interviews(words, ctx, f, first=first).items():
        yield table, _columns(rows)
    chosen = np.nonzero(f["kept"][:, E_ASSIGN] & (rng.random(f["n"]) < SHARE["referral"]))[0]
    yield from referral_tables(words, ctx, f, chosen)


def _columns(rows: list[dict]) -> dict:
    return {k: [r[k] for r in rows] for k in rows[0]} if rows else {}
