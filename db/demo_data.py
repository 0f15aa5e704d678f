"""Deterministic, realistic demo data for the ledger (`manage.py seed-demo`), fast at 10^6 items.

Items are drawn in chunks with numpy; each chunk has its own generator seeded by (seed, chunk
number), so the same (seed, as_of, items) always gives the same rows. Each item's life is a row
of event days that increase left to right (entered, assigned, started, handed over, submitted,
bounced, resubmitted, …, noticed, closed, reopened); the events on or before `as_of` are what has
happened, so status, transitions, counters and dates agree by construction. Days are int64 days
since 1970-01-01; NEVER marks an event that does not happen. Rows go in with SQLAlchemy Core
executemany, or with COPY on PostgreSQL (about twice as fast there as executemany, measured).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import JSON, Connection, func, insert, select, text, update

from core.domain import (
    Category,
    InspectionKind,
    InterviewFollowUp,
    ItemType,
    ReferralKind,
    Status,
    SupervisionLevel,
    UnitRole,
)
from core.errors import LedgerError
from db import demo_text as tx
from db.engine import engine_for
from db.models import Base, District, Inspection, Item, LedgerRevision, Unit

CHUNK = 25_000
BATCH = 5_000                 # rows per executemany call
NEVER = 10_000_000            # a day number far after any real date: "does not happen"
NAT = np.iinfo(np.int64).min  # numpy's NaT, converted to None
EPOCH = date(1970, 1, 1)
DAY = 86_400
S = Status
# The timeline's event columns and the status each one leads to.
EVENTS = ("entered", "assigned", "started", "handover", "submitted", "bounced1", "resubmitted1",
          "bounced2", "resubmitted2", "bounced3", "resubmitted3", "noticed", "closed", "reopened")
TO_STATUS = np.array([s.value for s in (S.DRAFT, S.ASSIGNED, S.IN_PROGRESS, S.IN_PROGRESS,
                                         S.SUBMITTED, S.IN_PROGRESS, S.SUBMITTED, S.IN_PROGRESS,
                                         S.SUBMITTED, S.IN_PROGRESS, S.SUBMITTED, S.NOTICE,
                                         S.CLOSED, S.IN_PROGRESS)], dtype=object)
E_ASSIGN, E_START, E_HANDOVER, E_SUBMIT, E_NOTICE, E_CLOSE, E_REOPEN = 1, 2, 3, 4, 11, 12, 13
BOUNCES = (5, 7, 9)
FORMS = tx.FORMS       # deadline wordings: 立行立改, 月底前, 年底前, a date, 长期坚持
FORM_P = (0.10, 0.45, 0.25, 0.12, 0.08)
EXTENSION_P = (0.86, 0.08, 0.04, 0.02)
BOUNCE_P = (0.86, 0.09, 0.035, 0.015)
REPORTS_P = (0.2, 0.3, 0.3, 0.2)     # 1…4 progress reports once work has started
SHARE = dict(fresh=0.015, citywide=0.04, stuck=0.05, reopen=0.015, handover=0.04, soe=0.2,
             coop=0.35, plan=0.7, referral=0.012, unfounded=0.35, follow_up=0.002)
TYPES, CATEGORIES = list(ItemType), list(Category)
DOC_PREFIX = dict(central="渝督改办", ministry="渝环", city="渝督察办")
LABELS = dict(inspection="inspections", item_unit="item units", progress_report="progress reports",
              transition="transitions", extension="extensions",
              supervision_notice="supervision notices", stationed_follow_up="stationed follow-ups",
              petition="petitions", interview="interviews", interview_item="interview items",
              referral="referrals", referral_item="referral items")


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
    with engine.begin() as conn:
        existing = conn.scalar(select(func.count()).select_from(Item.__table__))
        if existing and if_empty:
            return SeedSummary(engine.dialect.name, as_of, skipped_items=existing)
        if existing:
            raise LedgerError(f"the ledger already has {existing} items; demo data goes into an "
                              "empty ledger only (seed-demo --if-empty skips instead)")
        counts = _seed(conn, items=items, seed=seed, as_of=as_of)
        conn.execute(update(LedgerRevision).where(LedgerRevision.id == 1)
                     .values(revision=LedgerRevision.revision + 1, changed_at=datetime.now()))
    return SeedSummary(engine.dialect.name, as_of, tuple(counts.items()))


def _seed(conn: Connection, *, items: int, seed: int, as_of: date) -> Counter:
    ctx = Ctx.load(conn, as_of)
    writer = Writer(conn)
    writer.write("inspection", ctx.inspection_columns())
    for chunk_no, first in enumerate(range(0, items, CHUNK)):
        rng = np.random.default_rng([seed, chunk_no])
        frame = draw_items(rng, ctx, first, min(CHUNK, items - first))
        for table, columns in chunk_tables(rng, ctx, frame):
            writer.write(table, columns)
    writer.finish()
    return writer.counts


# ---------------------------------------------------------------- reference data and counters

class Ctx:
    """Reference data read once (districts, units, inspections) and the id/seq counters."""

    @classmethod
    def load(cls, conn: Connection, as_of: date) -> Ctx:
        """Read what the generator needs; raises LedgerError if migrations did not load it."""
        ctx = cls()
        ctx.today = _day_no(as_of)
        ctx.next_id = {t: (conn.scalar(select(func.max(Base.metadata.tables[t].c.id))) or 0) + 1
                       for t in ("inspection", "item", "progress_report", "transition",
                                 "extension", "supervision_notice", "interview", "referral",
                                 "petition")}
        ctx._load_districts(conn)
        ctx._load_units(conn)
        ctx._load_inspections(conn, as_of)
        p = np.array([w for _, w in tx.CATEGORY_WEIGHTS])
        ctx.category_p = p / p.sum()
        ctx.late_types = np.array([TYPES.index(ItemType.FEEDBACK),
                                   TYPES.index(ItemType.WARNING_FILM)])
        return ctx

    def take(self, table: str, n: int) -> np.ndarray:
        """The next `n` ids of `table`."""
        first = self.next_id[table]
        self.next_id[table] = first + n
        return np.arange(first, first + n, dtype=np.int64)

    def _load_districts(self, conn: Connection) -> None:
        rows = conn.execute(select(District.id, District.short_name, District.lon, District.lat,
                                   District.kind, District.is_central_urban,
                                   District.host_district_id).order_by(District.id)).all()
        if len(rows) != 41:
            raise LedgerError("the 41 districts are missing: run `manage.py migrate` first")
        self.district_ids = np.array([r.id for r in rows])
        self.lonlat = np.array([(r.lon, r.lat) for r in rows])
        w = np.array([1.4 if r.is_central_urban else 0.8 if r.kind == "functional" else 1.0
                      for r in rows])
        self.district_p = w / w.sum()
        self.head_title = np.array([tx.HEAD_TITLES[r.kind] for r in rows], dtype=object)
        self.hosts = {r.id: r.host_district_id or r.id for r in rows}

    def _load_units(self, conn: Connection) -> None:
        rows = conn.execute(select(Unit.id, Unit.short_name, Unit.kind, Unit.district_id)).all()
        self.unit_short = np.full(max(r.id for r in rows) + 1, None, dtype=object)
        by_short, local = {}, {}
        for r in rows:
            self.unit_short[r.id] = r.short_name
            by_short[r.short_name] = r.id
            local[(r.district_id, r.kind)] = r.id
        try:
            self._index_units(by_short, local)
        except KeyError as exc:
            raise LedgerError(f"reference unit {exc} is missing: run `manage.py migrate`") from None

    def _index_units(self, by_short: dict, local: dict) -> None:
        ids = self.district_ids.tolist()
        self.gov = np.array([local[(d, "district")] for d in ids])
        self.eco = np.array([local[(d, "district_dept")] for d in ids])
        self.police = np.array([local[(self.hosts[d], "police")] for d in ids])
        self.dept = np.full((len(CATEGORIES), 4), -1, dtype=np.int64)
        for i, c in enumerate(CATEGORIES):
            names = tx.DEPARTMENTS[c]
            self.dept[i, :len(names)] = [by_short[s] for s in names]
        self.soe = np.array([by_short[s] for s in tx.SOES])
        self.coop = np.array([by_short[s] for s in ("市市场监管局", "市应急管理局", "市商务委")])
        self.named = {k: by_short[s] for k, s in (
            ("office", "市督察办"), ("eco", "市生态环境局"), ("police", "市公安局"),
            ("procuratorate", "市检察院"), ("court", "市高法院"), ("justice", "市司法局"),
            ("discipline", "市纪委监委"), ("organisation", "市委组织部"))}

    def _load_inspections(self, conn: Connection, as_of: date) -> None:
        rows = tx.inspection_catalogue(as_of)
        if not rows:
            raise LedgerError("as_of is before the first inspection (2017-04-12)")
        taken = conn.scalars(select(Inspection.name)
                             .where(Inspection.name.in_([r["name"] for r in rows]))).all()
        if taken:
            raise LedgerError(f"demo inspections already exist (e.g. {taken[0]}): "
                              "seed into a fresh database")
        self.inspections = rows
        m, ins = len(rows), _Arrays()
        ins.ids = self.take("inspection", m)
        ins.start = np.array([_day_no(r["started_on"]) for r in rows])
        ins.end = np.minimum([_day_no(r["ended_on"]) for r in rows], self.today)
        w = np.array([r["_weight"] for r in rows])
        ins.p = w / w.sum()
        ins.kind = np.array([r["kind"] for r in rows], dtype=object)
        ins.level = np.array([r["level"] for r in rows], dtype=object)
        ins.prefix = np.array([r["_prefix"] for r in rows], dtype=object)
        ins.category = np.array([-1 if r["_category"] is None else CATEGORIES.index(r["_category"])
                                 for r in rows])
        ins.type_cum = np.array([_type_cum(r["kind"], r["level"]) for r in rows])
        daily = [i for i, r in enumerate(rows) if r["kind"] == InspectionKind.DAILY.value]
        ins.current = (daily or [m - 1])[-1]     # where just-entered items (待交办) go
        ins.stationed = [i for i, r in enumerate(rows)
                         if r["kind"] == InspectionKind.STATIONED.value]
        ins.seq = np.zeros(m, dtype=np.int64)
        ins.petitions = np.zeros(m, dtype=np.int64)
        self.insp = ins

    def inspection_columns(self) -> dict:
        """The inspection table's rows, as columns."""
        names = ("name", "kind", "level", "round_no", "batch", "is_look_back", "started_on",
                 "ended_on", "scope", "year")
        cols = {k: [r[k] for r in self.inspections] for k in names}
        stamps = [datetime(d.year, d.month, d.day, 9) for d in cols["started_on"]]
        return dict(id=self.insp.ids.tolist(), **cols, version=[1] * len(stamps),
                    updated_at=stamps)


class _Arrays:
    """A plain namespace of per-inspection arrays."""


def _day_no(d: date) -> int:
    return (d - EPOCH).days


def _type_cum(kind: str, level: str) -> list[float]:
    mix = dict(tx.TYPE_MIX[(kind, level)])
    p = np.array([mix.get(t, 0.0) for t in TYPES])
    return np.cumsum(p / p.sum()).tolist()


# ---------------------------------------------------------------- writing

class Writer:
    """Inserts columnar rows: SQLAlchemy Core executemany, or COPY on PostgreSQL."""

    def __init__(self, conn: Connection):
        self.conn, self.counts = conn, Counter()
        self.copy = conn.dialect.name == "postgresql"

    def write(self, name: str, columns: dict) -> None:
        """Insert the rows given as equal-length column lists (numpy arrays allowed)."""
        table = Base.metadata.tables[name]
        names = list(columns)
        values = [c.tolist() if isinstance(c, np.ndarray) else c for c in columns.values()]
        n = len(values[0]) if values else 0
        self.counts[name] += n
        if not n:
            return
        if self.copy:
            self._copy(table, names, values)
            return
        stmt = insert(table)
        for lo in range(0, n, BATCH):
            rows = zip(*(v[lo:lo + BATCH] for v in values), strict=True)
            self.conn.execute(stmt, [dict(zip(names, r, strict=True)) for r in rows])

    def _copy(self, table, names: list[str], values: list[list]) -> None:
        for i, name in enumerate(names):    # COPY takes JSON as text
            if isinstance(table.c[name].type, JSON):
                values[i] = [json.dumps(v, ensure_ascii=False) for v in values[i]]
        sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        with self.conn.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in zip(*values, strict=True):
                copy.write_row(row)

    def finish(self) -> None:
        """PostgreSQL: move the id sequences past the explicit ids written."""
        if self.conn.dialect.name != "postgresql":
            return
        for name in self.counts:
            if "id" in Base.metadata.tables[name].c and self.counts[name]:
                self.conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                       f"(SELECT MAX(id) FROM {name}))"))


# ---------------------------------------------------------------- drawing one chunk of items

def _between(rng: np.random.Generator, lo, hi, size) -> np.ndarray:
    return rng.integers(lo, np.asarray(hi) + 1, size, dtype=np.int64)


def draw_items(rng: np.random.Generator, ctx: Ctx, first: int, n: int) -> dict:
    """Columns (numpy arrays) of items first+1 … first+n: source, place, timeline, progress."""
    f = _draw_sources(rng, ctx, first, n)
    _draw_dates(rng, ctx, f)
    _draw_deadlines(rng, f)
    _draw_timeline(rng, ctx.today, f)
    _derive(ctx.today, f)
    _draw_progress(rng, ctx.today, f)
    _draw_units(rng, ctx, f)
    _draw_flags(rng, ctx.today, f)
    return f


def _draw_sources(rng, ctx: Ctx, first: int, n: int) -> dict:
    ins = ctx.insp
    insp = rng.choice(len(ins.ids), size=n, p=ins.p)
    fresh = rng.random(n) < SHARE["fresh"]     # just entered: most still await assignment
    insp[fresh] = ins.current
    itype = (rng.random(n)[:, None] >= ins.type_cum[insp]).sum(axis=1)
    itype[fresh] = TYPES.index(ItemType.DAILY)
    cat = rng.choice(len(CATEGORIES), size=n, p=ctx.category_p)
    favoured = (ins.category[insp] >= 0) & (rng.random(n) < 0.7)   # a special inspection's field
    cat[favoured] = ins.category[insp][favoured]
    district = rng.choice(len(ctx.district_ids), size=n, p=ctx.district_p)
    district[rng.random(n) < SHARE["citywide"]] = -1
    return dict(n=n, no=first + np.arange(1, n + 1), insp=insp, fresh=fresh, itype=itype,
                cat=cat, district=district, pick=rng.integers(0, 1 << 30, (n, 8)),
                jitter=rng.normal(0.0, 0.04, (n, 2)),
                secs=_between(rng, 8 * 3600 + 1800, 18 * 3600, (n, len(EVENTS))))


def _draw_dates(rng, ctx: Ctx, f: dict) -> None:
    n, today = f["n"], ctx.today
    start, end = ctx.insp.start[f["insp"]], ctx.insp.end[f["insp"]]
    found = start + (rng.random(n) * (end - start + 1)).astype(np.int64)
    late = np.isin(f["itype"], ctx.late_types)    # feedback / warning film: assigned after it
    entered = np.where(late, end + _between(rng, 20, 75, n), found + _between(rng, 1, 12, n))
    recent = np.maximum(today - _between(rng, 0, 20, n), start)
    entered = np.minimum(np.where(f["fresh"], recent, entered), today)
    lag = np.where(f["fresh"], _between(rng, 5, 30, n), _between(rng, 2, 20, n))
    f.update(found=np.minimum(found, entered), entered=entered, assigned=entered + lag)
    f["started"] = f["assigned"] + _between(rng, 3, 40, n)   # 整改方案 first, then work


def _snap(form: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Due days as the deadline form writes them: end of month (月底前), end of year (年底前)."""
    d = days.astype("M8[D]")
    month_end = ((d.astype("M8[M]") + 1).astype("M8[D]") - 1).astype(np.int64)
    year_end = ((d.astype("M8[Y]") + 1).astype("M8[D]") - 1).astype(np.int64)
    return np.select([form == FORMS.index("month"), form == FORMS.index("year")],
                     [month_end, year_end], days)


def _draw_deadlines(rng, f: dict) -> None:
    n, assigned = f["n"], f["assigned"]
    form = rng.choice(len(FORMS), size=n, p=FORM_P)
    u = rng.random(n)
    horizon = np.select([u < 0.45, u < 0.85],
                        [_between(rng, 30, 180, n), _between(rng, 181, 720, n)],
                        _between(rng, 721, 1460, n))
    # 立行立改: due the day it is assigned (as core.deadlines reads it); extended, it reads 月底前.
    due0 = np.where(form == 0, assigned, _snap(form, assigned + horizon))
    later_form = np.where(form == 0, FORMS.index("month"), form)
    due = np.empty((n, 4), dtype=np.int64)
    due[:, 0] = due0
    for j in range(1, 4):
        due[:, j] = _snap(later_form, due[:, j - 1] + _between(rng, 90, 300, n))
    ongoing = form == FORMS.index("ongoing")
    due[ongoing] = NEVER
    asked = due[:, :3] - _between(rng, 5, 30, (n, 3))
    f.update(form=form, later_form=later_form, ongoing=ongoing, due_steps=due,
             ext_asked=asked, ext_decided=asked + _between(rng, 2, 10, (n, 3)),
             ext_wanted=np.where(ongoing, 0, rng.choice(4, size=n, p=EXTENSION_P)))


def _draw_timeline(rng, today: int, f: dict) -> None:
    n = f["n"]
    started, target = f["started"], f["due_steps"][np.arange(n), f["ext_wanted"]]
    stuck = (rng.random(n) < SHARE["stuck"]) | f["ongoing"]   # 长期坚持 items stay open
    span = np.maximum(target - started, 20)
    work = (span * rng.uniform(0.35, 1.3, n)).astype(np.int64)
    submitted = np.where(stuck, NEVER, started + work)
    ev = np.full((n, len(EVENTS)), NEVER, dtype=np.int64)
    ev[:, 0], ev[:, E_ASSIGN], ev[:, E_START] = f["entered"], f["assigned"], started
    ev[:, E_SUBMIT] = submitted
    last = _draw_bounces(rng, ev, submitted)
    done = submitted < NEVER
    noticed = last + _between(rng, 10, 90, n)               # verification backlog (现场核查, 审核)
    closed = noticed + 7 + _between(rng, 1, 20, n)          # after 7 days of 公示
    ev[done, E_NOTICE], ev[done, E_CLOSE] = noticed[done], closed[done]
    reopen = done & (rng.random(n) < SHARE["reopen"])       # 反弹
    ev[reopen, E_REOPEN] = (closed + _between(rng, 60, 500, n))[reopen]
    bound = np.minimum(submitted, today)
    handover = (rng.random(n) < SHARE["handover"]) & (bound - started >= 2)   # 移交
    ev[handover, E_HANDOVER] = (started + (bound - started) // 2)[handover]
    f.update(ev=ev, stuck=stuck, submitted=submitted)


def _draw_bounces(rng, ev: np.ndarray, submitted: np.ndarray) -> np.ndarray:
    """Fill failed verifications (验收不通过) and resubmissions; returns the final submission."""
    n = len(submitted)
    bounces = rng.choice(4, size=n, p=BOUNCE_P)
    gap, rework = _between(rng, 10, 40, (n, 3)), _between(rng, 20, 120, (n, 3))
    last = submitted.copy()
    for j, col in enumerate(BOUNCES):
        has = (bounces > j) & (submitted < NEVER)
        failed = last + gap[:, j]
        ev[has, col], ev[has, col + 1] = failed[has], (failed + rework[:, j])[has]
        last = np.where(has, failed + rework[:, j], last)
    return last


def _status_on(ev: np.ndarray, day: int) -> np.ndarray:
    """Each item's status on `day`: where its last event up to then led (None: not entered yet)."""
    kept = ev <= day
    status = TO_STATUS[len(EVENTS) - 1 - np.argmax(kept[:, ::-1], axis=1)]
    return np.where(kept[:, 0], status, None)


def _granted_by(f: dict, day: int) -> np.ndarray:
    """Extensions granted by `day`: asked after assignment and before submission, in order."""
    ok = ((np.arange(3) < f["ext_wanted"][:, None]) & (f["ext_decided"] <= day)
          & (f["ext_asked"] < f["submitted"][:, None])
          & (f["ext_asked"] > f["assigned"][:, None]))
    return np.cumprod(ok, axis=1).sum(axis=1)


def _derive(today: int, f: dict) -> None:
    """What has happened by `today`: status, counters, the extensions granted, the due date."""
    ev, rows = f["ev"], np.arange(f["n"])
    kept = ev <= today
    granted = _granted_by(f, today)
    reopened = kept[:, E_REOPEN]
    f.update(kept=kept, status=_status_on(ev, today), granted=granted, reopened=reopened,
             due=f["due_steps"][rows, granted], bounce_count=kept[:, list(BOUNCES)].sum(axis=1),
             accepted=np.where(kept[:, E_NOTICE] & ~reopened, ev[:, E_NOTICE], NEVER),
             closed_on=np.where(kept[:, E_CLOSE] & ~reopened, ev[:, E_CLOSE], NEVER),
             assigned_on=np.where(kept[:, E_ASSIGN], f["assigned"], NEVER))


def _draw_progress(rng, today: int, f: dict) -> None:
    """0–4 reports from the start of work; percent rising, 100 at the (first) submission."""
    n, started, completed = f["n"], f["started"], f["kept"][:, E_SUBMIT]
    lag = np.where(f["stuck"] & ~f["ongoing"], _between(rng, 0, 900, n), _between(rng, 0, 75, n))
    last = np.maximum(np.where(completed, f["submitted"], today - lag), started)
    k = np.where(f["kept"][:, E_START], 1 + rng.choice(4, size=n, p=REPORTS_P), 0)
    k = np.where(last - started < 20, np.minimum(k, 1), k)
    final = np.select([completed, f["ongoing"], k == 1],
                      [100, _between(rng, 60, 95, n), _between(rng, 5, 60, n)],
                      _between(rng, 30, 95, n))
    cols = np.arange(4)
    is_last = cols == (k - 1)[:, None]
    frac = np.sort(rng.random((n, 4)), axis=1)
    days = started[:, None] + (frac * (last - started)[:, None]).astype(np.int64)
    # weights >= 0.2 keep each step >= 1 point once final >= 30 (k >= 2): strictly rising
    w = np.where(cols < k[:, None], 0.2 + rng.random((n, 4)), 0.0)
    share = np.cumsum(w, axis=1) / np.maximum(w.sum(axis=1), 1e-9)[:, None]
    f.update(reports=k, report_days=np.where(is_last, last[:, None], days),
             report_pct=np.where(is_last, final[:, None], (share * final[:, None]).astype(int)),
             percent=np.where(k > 0, final, 0), last_report=np.where(k > 0, last, NEVER))


def _draw_units(rng, ctx: Ctx, f: dict) -> None:
    """Lead + 1–3 responsible (+ cooperating) units; the holder differs only after a 移交."""
    n, d, cat = f["n"], f["district"], f["cat"]
    local, dd = d >= 0, np.maximum(d, 0)
    keys = np.where(ctx.dept[cat] >= 0, rng.random((n, 4)), 2.0)   # shuffle, valid ones first
    depts = np.take_along_axis(ctx.dept[cat], np.argsort(keys, axis=1), axis=1)
    soe_lead = ~local & (rng.random(n) < SHARE["soe"])
    lead = np.select([local, soe_lead], [ctx.gov[dd], rng.choice(ctx.soe, n)], depts[:, 0])
    resp = np.where(local[:, None], np.column_stack([ctx.eco[dd], depts[:, :2]]),
                    np.where(soe_lead[:, None], depts[:, :3], depts[:, 1:]))
    resp_ok = (np.arange(3) < _between(rng, 1, 3, n)[:, None]) & (resp >= 0)
    f["units"] = np.column_stack([lead, resp, rng.choice(ctx.coop, n)])
    f["unit_ok"] = np.column_stack([np.ones(n, bool), resp_ok, rng.random(n) < SHARE["coop"]])
    f["lead"] = lead
    f["holder"] = np.where(f["kept"][:, E_HANDOVER], resp[:, 0], lead)


def _draw_flags(rng, today: int, f: dict) -> None:
    """Long-unresolved (久拖不决) items, and the 督办 level that tends to follow them."""
    status = f["status"]
    working = np.isin(status, [S.ASSIGNED.value, S.IN_PROGRESS.value])
    is_open = working | np.isin(status, [S.SUBMITTED.value, S.NOTICE.value])
    overdue = working & (f["due"] < today)
    stale = working & (np.where(f["reports"] > 0, f["last_report"], f["assigned"]) < today - 90)
    old = is_open & (f["assigned"] < today - 730)
    long = overdue | stale | old | (f["bounce_count"] >= 2) | (f["granted"] >= 2)
    u = rng.random(f["n"])
    level = np.where(u < 0.01 + 0.10 * long, SupervisionLevel.LISTED.value,
                     np.where(u < 0.04 + 0.35 * long, SupervisionLevel.KEY.value,
                              SupervisionLevel.NORMAL.value))
    f.update(delayed=overdue | stale, long=long,
             level=np.where(status == S.DRAFT.value, SupervisionLevel.NORMAL.value, level))

# ---------------------------------------------------------------- rows of one chunk

def _dates(days: np.ndarray) -> list:
    """date objects, None where the day is NEVER."""
    return np.where(days >= NEVER, NAT, days).astype("M8[D]").astype(object).tolist()


def _stamps(days: np.ndarray, secs) -> list:
    """datetime objects at `secs` seconds into each day, None where the day is NEVER."""
    return np.where(days >= NEVER, NAT, days * DAY + secs).astype("M8[s]").astype(object).tolist()


def _years(days: np.ndarray) -> np.ndarray:
    return np.minimum(days, NEVER - 1).astype("M8[D]").astype("M8[Y]").astype(np.int64) + 1970


def _where(mask: np.ndarray, values) -> np.ndarray:
    return np.where(mask, np.asarray(values, dtype=object), None)


def _columns(rows: list[dict]) -> dict:
    return {k: [r[k] for r in rows] for k in rows[0]} if rows else {}


def chunk_tables(rng: np.random.Generator, ctx: Ctx, f: dict):
    """(table, columns) for one chunk of drawn items, parents before children."""
    f["id"] = ctx.take("item", f["n"])
    yield "item", _item_columns(ctx, f)
    r, ok = np.nonzero(f["unit_ok"])
    roles = np.array([UnitRole.LEAD.value] + [UnitRole.RESPONSIBLE.value] * 3
                     + [UnitRole.COOPERATING.value], dtype=object)
    yield "item_unit", dict(item_id=f["id"][r], unit_id=f["units"][r, ok], role=roles[ok])
    yield "progress_report", _progress_columns(ctx, f)
    yield "transition", _transition_columns(ctx, f)
    yield "extension", _extension_columns(ctx, f)
    yield "supervision_notice", _notice_columns(rng, ctx, f)
    yield "stationed_follow_up", _follow_up_columns(rng, ctx, f)
    words = random.Random(int(rng.integers(1 << 62)))   # for the few side records
    yield "petition", _columns(_petitions(words, ctx, f))
    interviews, links = _interviews(words, ctx, f)
    yield "interview", _columns(interviews)
    yield "interview_item", _columns(links)
    chosen = np.nonzero(f["kept"][:, E_ASSIGN] & (rng.random(f["n"]) < SHARE["referral"]))[0]
    referrals, links = _referrals(words, ctx, f, chosen)
    yield "referral", _columns(referrals)
    yield "referral_item", _columns(links)


def _seq(ins: _Arrays, insp: np.ndarray) -> np.ndarray:
    """序号: 1, 2, … within each inspection, continuing across chunks."""
    counts = np.bincount(insp, minlength=len(ins.ids))
    order = np.argsort(insp, kind="stable")
    rank = np.empty_like(insp)
    rank[order] = np.arange(len(insp)) - (np.cumsum(counts) - counts)[insp[order]]
    seq = ins.seq[insp] + rank + 1
    ins.seq += counts
    return seq


def _titles(ctx: Ctx, local: np.ndarray, dd: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """责任领导's title: the district's deputy head or its bureau chief; a city department's."""
    local_title = np.where(picks % 10 < 7, ctx.head_title[dd], tx.BUREAU_TITLE)
    return np.where(local, local_title, tx.choose(tx.CITY_TITLES, picks))


def _item_columns(ctx: Ctx, f: dict) -> dict:
    ins, insp, pick = ctx.insp, f["insp"], f["pick"]
    local, dd = f["district"] >= 0, np.maximum(f["district"], 0)
    township = _where(local, tx.choose(tx.TOWNSHIPS, pick[:, 0]))
    f["description"] = (np.where(local, township, "") + tx.problems(f["cat"], pick[:, 1])
                        + tx.choose(tx.DETAILS, pick[:, 2]))
    doc_no = tx.formatted("{}〔{}〕{}号", [DOC_PREFIX[v] for v in ins.level[insp].tolist()],
                          _years(f["assigned"]), (insp * 7 + dd) % 60 + 1)
    lonlat = np.round(ctx.lonlat[dd] + f["jitter"], 5)
    cols = dict(
        id=f["id"], code=tx.formatted("{}-{}-{:07d}", ins.prefix[insp], _years(f["entered"]), f["no"]),
        seq=_seq(ins, insp), inspection_id=ins.ids[insp], inspection_kind=ins.kind[insp],
        source_level=ins.level[insp], item_type=[TYPES[t].value for t in f["itype"].tolist()],
        assign_doc_no=_where(f["kept"][:, E_ASSIGN], doc_no), assigned_on=_dates(f["assigned_on"]),
        district_id=_where(local, ctx.district_ids[dd]), township=township,
        lon=_where(local, lonlat[:, 0]), lat=_where(local, lonlat[:, 1]),
        category=[CATEGORIES[c].value for c in f["cat"].tolist()], description=f["description"],
        lead_unit_id=f["lead"], holder_unit_id=f["holder"],
        responsible_leader=tx.leaders(_titles(ctx, local, dd, pick[:, 3]), pick[:, 3]),
        responsible_person=tx.persons(pick[:, 4]),
        contact_phone=tx.phones(pick[:, 5]), target=tx.targets(f["cat"]),
        measures=tx.measures(pick[:, 6]))
    cols.update(_plan_columns(ctx, f))
    cols.update(_outcome_columns(ctx, f))
    return cols


def _plan_columns(ctx: Ctx, f: dict) -> dict:
    assigned, ongoing, pick = f["assigned"], f["ongoing"], f["pick"][:, 7]
    form = np.where(f["granted"] > 0, f["later_form"], f["form"])
    # 立行立改 is due on the assignment day: none yet while the item awaits assignment (待交办)
    due = np.where((form == 0) & ~f["kept"][:, E_ASSIGN], NEVER, f["due"])
    horizon = f["due_steps"][:, 0] - assigned
    stage = np.select([ongoing, horizon <= 183, horizon <= 730], ["ongoing", "short", "medium"],
                      "long").astype(object)
    published = assigned + 15 + pick % 46
    has_plan = f["kept"][:, E_START] & (pick % 100 < 100 * SHARE["plan"]) & (published <= ctx.today)
    reasons = _where(f["delayed"], tx.choose(tx.DELAY_REASONS, pick // 3))
    return dict(
        deadline_text=tx.deadline_texts(form, np.minimum(f["due"], NEVER - 1)), due_on=_dates(due),
        original_due_on=_dates(np.where(f["granted"] > 0, f["due_steps"][:, 0], due)),
        stage=stage, is_ongoing=ongoing, extension_count=f["granted"], delay_reason=reasons,
        plan_url=_where(has_plan, tx.formatted("https://zgfa.demo.example/{}.html", f["id"])),
        plan_published_on=_dates(np.where(has_plan, published, NEVER)))


def _outcome_columns(ctx: Ctx, f: dict) -> dict:
    kept, ev, secs, pick = f["kept"], f["ev"], f["secs"], f["pick"]
    accepted, closed = f["accepted"] < NEVER, f["closed_on"] < NEVER
    last_pick = pick[np.arange(f["n"]), np.maximum(f["reports"] - 1, 0)]   # as its last report's
    progress = [tx.progress_text(p, k, o) for p, k, o
                in zip(f["percent"].tolist(), last_pick.tolist(), f["ongoing"].tolist(), strict=True)]
    stamps = np.where(kept, ev * DAY + secs, 0).max(axis=1)
    stamps = np.maximum(stamps, np.where(f["reports"] > 0, f["last_report"] * DAY + 61200, 0))
    return dict(
        latest_progress=_where(f["reports"] > 0, progress), latest_progress_on=_dates(f["last_report"]),
        progress_percent=f["percent"], accepted_on=_dates(f["accepted"]),
        acceptance_unit=_where(accepted, ctx.unit_short[f["lead"]]),
        acceptance_conclusion=_where(accepted, tx.ACCEPTANCE),
        notice_from=_dates(f["accepted"]), notice_to=_dates(np.where(accepted, f["accepted"] + 6, NEVER)),
        closed_on=_dates(f["closed_on"]),
        close_doc_no=_where(closed, tx.formatted("渝督改销〔{}〕{}号", _years(f["closed_on"]),
                                                  pick[:, 2] % 300 + 1)),
        supervision_level=f["level"], status=f["status"], bounce_count=f["bounce_count"],
        reopen_count=kept[:, E_REOPEN].astype(np.int64),
        created_at=_stamps(f["entered"], secs[:, 0]),
        updated_at=stamps.astype("M8[s]").astype(object).tolist(), version=np.ones(f["n"], np.int64))


def _progress_columns(ctx: Ctx, f: dict) -> dict:
    r, j = np.nonzero(np.arange(4) < f["reports"][:, None])
    days, pct, pick = f["report_days"][r, j], f["report_pct"][r, j], f["pick"][r, j]
    ongoing = f["ongoing"][r]
    texts = [tx.progress_text(p, k, o)
             for p, k, o in zip(pct.tolist(), pick.tolist(), ongoing.tolist(), strict=True)]
    return dict(id=ctx.take("progress_report", len(r)), item_id=f["id"][r],
                reported_on=_dates(days), percent=pct, text=texts, unit_id=f["holder"][r],
                created_at=_stamps(days, 61200 + j * 60))


_REASONS = np.full((len(EVENTS), 3), None, dtype=object)
_REASONS[E_HANDOVER] = tx.HANDOVER_REASON
_REASONS[list(BOUNCES)] = tx.BOUNCE_REASONS
_REASONS[E_REOPEN] = tx.REOPEN_REASONS


def _transition_columns(ctx: Ctx, f: dict) -> dict:
    """Every event that has happened, in order (np.nonzero walks rows, then columns)."""
    r, c = np.nonzero(f["kept"])
    to = TO_STATUS[c]
    first = np.r_[True, r[1:] != r[:-1]]
    return dict(id=ctx.take("transition", len(r)), item_id=f["id"][r],
                from_status=np.where(first, None, np.roll(to, 1)), to_status=to,
                at=_stamps(f["ev"][r, c], f["secs"][r, c]),
                reason=_REASONS[c, f["pick"][r, 3] % 3],
                to_unit_id=_where(c == E_HANDOVER, f["holder"][r]))


def _extension_columns(ctx: Ctx, f: dict) -> dict:
    """Approved 延期 requests (each moved the due date), plus any request still pending."""
    j3, today = np.arange(3), ctx.today
    asked, decided = f["ext_asked"], f["ext_decided"]
    pending = ((j3 == f["granted"][:, None]) & (j3 < f["ext_wanted"][:, None]) & (asked <= today)
               & (decided > today) & (asked < f["submitted"][:, None])
               & (asked > f["assigned"][:, None]))
    approved = j3 < f["granted"][:, None]
    r, j = np.nonzero(approved | pending)
    ok = approved[r, j]
    return dict(id=ctx.take("extension", len(r)), item_id=f["id"][r],
                requested_at=_stamps(asked[r, j], 36000), reason=tx.choose(tx.EXTENSION_REASONS, r + j),
                old_due_on=_dates(f["due_steps"][r, j]), new_due_on=_dates(f["due_steps"][r, j + 1]),
                status=np.where(ok, "approved", "pending").astype(object),
                decided_at=_stamps(np.where(ok, decided[r, j], NEVER), 54000),
                decision_note=_where(ok, "同意延期"), version=np.ones(len(r), np.int64),
                updated_at=_stamps(np.where(ok, decided[r, j], asked[r, j]), 54000))


def _notice_columns(rng, ctx: Ctx, f: dict) -> dict:
    """One 督办 notice per key (重点) or listed (挂牌) item; lifted when the item is closed."""
    sel = np.nonzero(f["level"] != SupervisionLevel.NORMAL.value)[0]
    start = f["assigned"][sel]
    end = np.minimum(f["closed_on"][sel], ctx.today)
    issued = start + ((end - start) * rng.uniform(0.2, 0.9, len(sel))).astype(np.int64)
    return dict(id=ctx.take("supervision_notice", len(sel)), item_id=f["id"][sel],
                level=f["level"][sel], issued_on=_dates(issued),
                doc_no=tx.formatted("渝督办〔{}〕{}号", _years(issued), sel % 200 + 1),
                due_on=_dates(issued + 30 + sel % 61), requirements=[tx.NOTICE_REQUIREMENTS] * len(sel),
                lifted_on=_dates(f["closed_on"][sel]), version=np.ones(len(sel), np.int64),
                updated_at=_stamps(issued, 36000))


def _follow_up_columns(rng, ctx: Ctx, f: dict) -> dict:
    """Stationed teams (驻点督察) take up items that were long-unresolved when they arrived."""
    cols: dict[str, list] = dict(inspection_id=[], item_id=[], reasons=[], added_on=[])
    for s in ctx.insp.stationed:
        day = int(ctx.insp.start[s])
        reasons = _reasons_on(f, day)
        candidates = np.nonzero(reasons.any(axis=1))[0]
        size = min(len(candidates), max(1, round(f["n"] * SHARE["follow_up"])))
        chosen = np.sort(rng.choice(candidates, size=size, replace=False))
        cols["inspection_id"] += [int(ctx.insp.ids[s])] * size
        cols["item_id"] += f["id"][chosen].tolist()
        cols["reasons"] += [[REASON_CODES[k] for k in np.nonzero(row)[0]] for row in reasons[chosen]]
        cols["added_on"] += _dates(np.minimum(day + chosen % 15, ctx.today))
    return cols


REASON_CODES = ("overdue", "old", "extended", "bounced")   # as core.rules.Reason


def _reasons_on(f: dict, day: int) -> np.ndarray:
    """Which 久拖不决 reasons each item met on `day` (columns as REASON_CODES)."""
    ev = f["ev"]
    working = np.isin(_status_on(ev, day), [S.ASSIGNED.value, S.IN_PROGRESS.value])
    granted = _granted_by(f, day)
    due = f["due_steps"][np.arange(f["n"]), granted]
    bounced = (ev[:, list(BOUNCES)] <= day).sum(axis=1)
    return working[:, None] & np.column_stack(
        [due < day, f["assigned"] < day - 730, granted >= 2, bounced >= 2])


def _petitions(r: random.Random, ctx: Ctx, f: dict) -> list[dict]:
    """信访件 of routine inspections: one per petition item, some more that made no item."""
    ins, rows = ctx.insp, []
    is_petition = (f["itype"] == TYPES.index(ItemType.PETITION))
    for i in np.nonzero(is_petition & (ins.kind[f["insp"]] == InspectionKind.ROUTINE.value))[0]:
        rows.append(_petition(r, ctx, f, int(i), linked=True))
        if r.random() < SHARE["unfounded"]:
            rows.append(_petition(r, ctx, f, int(i), linked=False))
    ids = ctx.take("petition", len(rows)).tolist()
    for row, pid in zip(rows, ids, strict=True):
        row["id"] = pid
    return rows


_PETITION_STATE = {S.CLOSED.value: "concluded", S.DRAFT.value: "open", S.ASSIGNED.value: "open"}
_HANDLING = dict(true=0, partly=1, false=2)       # index into tx.PETITION_HANDLING


def _petition(r: random.Random, ctx: Ctx, f: dict, i: int, *, linked: bool) -> dict:
    """The 信访件 item i came from (linked), or another one of that batch that made no item."""
    s, received = int(f["insp"][i]), int(f["found"][i])
    ctx.insp.petitions[s] += 1
    if linked:   # in hand while the item is (阶段性办结), concluded once it is closed
        truth = "true" if r.random() < 0.8 else "partly"
        cat, content = int(f["cat"][i]), f["description"][i]
        status = _PETITION_STATE.get(f["status"][i], "staged")
    else:
        truth, cat = r.choice(("false", "true")), r.randrange(len(CATEGORIES))
        content, status = r.choice(tx.PROBLEMS[CATEGORIES[cat]]), "concluded"
    published = received + r.randint(3, 15)
    district = int(f["district"][i])
    return dict(
        inspection_id=int(ctx.insp.ids[s]), batch=f"第{received - int(ctx.insp.start[s]) + 1}批",
        petition_no=f"XF{ctx.insp.petitions[s]:06d}", received_on=_day(received),
        district_id=int(ctx.district_ids[district]) if district >= 0 else None,
        content="群众反映：" + content, category=CATEGORIES[cat].value, truth=truth,
        handling=tx.PETITION_HANDLING[_HANDLING[truth]], status=status,
        published_on=_day(published) if published <= ctx.today and status != "open" else None,
        item_id=int(f["id"][i]) if linked else None, version=1,
        updated_at=_stamp(min(published, ctx.today))) | _petition_outcome(r, truth)


def _petition_outcome(r: random.Random, truth: str) -> dict:
    """一台一报 counts: companies ordered to rectify, penalties (元), criminal cases, people."""
    if truth == "false":
        return dict.fromkeys(("ordered_to_rectify", "penalty_cases", "criminal_cases", "detained",
                              "interviews", "held_accountable"), 0) | dict(fine_yuan=None)
    penalties = r.choice((0, 0, 1, 1, 2))
    criminal = 1 if r.random() < 0.04 else 0
    return dict(ordered_to_rectify=r.randint(0, 3), penalty_cases=penalties,
                fine_yuan=Decimal(penalties * r.randint(1, 50) * 10_000) if penalties else None,
                criminal_cases=criminal, detained=criminal * r.randint(0, 2),
                interviews=r.choice((0, 0, 1)), held_accountable=r.choice((0, 0, 0, 1, 2)))


def _day(n: int) -> date:
    return EPOCH + timedelta(days=int(n))


def _stamp(n: int, secs: int = 36000) -> datetime:
    return datetime.combine(_day(n), datetime.min.time()) + timedelta(seconds=secs)


def _groups(idx: np.ndarray, key: np.ndarray, size: int) -> list[list[int]]:
    """Consecutive runs of idx with the same key, cut every `size` rows."""
    groups: list[list[int]] = []
    for i in idx.tolist():
        if groups and key[groups[-1][0]] == key[i] and len(groups[-1]) < size:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _interviews(r: random.Random, ctx: Ctx, f: dict) -> tuple[list[dict], list[dict]]:
    """约谈: interview items sharing a lead unit, up to four per interview, held before them."""
    idx = np.nonzero(f["itype"] == TYPES.index(ItemType.INTERVIEW))[0]
    idx = idx[np.lexsort((f["entered"][idx], f["lead"][idx]))]
    groups = _groups(idx, f["lead"], 4)
    rows, links = [], []
    for iid, g in zip(ctx.take("interview", len(groups)).tolist(), groups, strict=True):
        rows.append(_interview(r, ctx, f, g, iid))
        links += [dict(interview_id=iid, item_id=int(f["id"][i])) for i in g]
    return rows, links


def _interview(r: random.Random, ctx: Ctx, f: dict, g: list[int], iid: int) -> dict:
    held = int(f["entered"][g].min()) - r.randint(3, 10)
    circumstance = r.choice(tx.INTERVIEW_CIRCUMSTANCES)
    row = dict(id=iid, code=f"YT-{_day(held).year}-{iid:06d}", circumstances=circumstance,
               interviewee_unit_id=int(f["lead"][g[0]]),
               interviewee_people=r.choice(tx.INTERVIEW_PEOPLE),
               organiser_unit_id=ctx.named["office" if r.random() < 0.7 else "eco"],
               held_on=_day(held), minutes=f"约谈指出{circumstance}，要求15个工作日内报送整改方案",
               plan_due_on=_day(held + 21),   # ~15 working days; core.workdays has the exact rule
               status="held", updated_at=_stamp(held)) | dict.fromkeys(
        ("plan_submitted_on", "plan_url", "plan_published_on", "completion_url",
         "completion_published_on", "follow_up"))
    submitted = held + r.randint(8, 30)
    if submitted <= ctx.today:
        row.update(plan_submitted_on=_day(submitted), plan_url=f"https://zgfa.demo.example/yt/{iid}.html",
                   plan_published_on=_day(min(submitted + r.randint(1, 5), ctx.today)),
                   updated_at=_stamp(submitted))
        row.update(_interview_state(r, ctx.today, f, g, submitted))
        if row["completion_published_on"]:
            row["completion_url"] = f"https://zgfa.demo.example/yt/{iid}-done.html"
    return row | {"version": 1}


def _interview_state(r: random.Random, today: int, f: dict, g: list[int], submitted: int) -> dict:
    """After the plan: completed once every item is closed, escalated if long-unresolved."""
    closed = f["closed_on"][g]
    if (closed < NEVER).all() and int(closed.max()) + 10 <= today:
        done = int(closed.max()) + 10
        return dict(status="completed", completion_published_on=_day(done))
    if today > submitted + 365 and f["long"][g].any() and r.random() < 0.6:
        return dict(status="escalated", follow_up=r.choice(list(InterviewFollowUp)).value)
    return dict(status="plan" if today - submitted < 30 else "rectifying")


FILING_KINDS = (ReferralKind.POLICE, ReferralKind.PROCURATORATE, ReferralKind.COURT,
                ReferralKind.DISCIPLINE)
REFERRAL_WEIGHTS = dict(police=30, procuratorate=12, court=5, justice=8, discipline=15, department=30)
_REFERRAL_BLANK = dict.fromkeys(
    ("sent_on", "receipt_on", "feedback_due_on", "accepted", "acceptance_reason", "filed",
     "filed_on", "not_filed_reason", "judgment", "discipline_measure", "fine_yuan", "outcome",
     "result_published_on", "result_url")) | dict(
    filing_supervised=False, detained=0, arrested=0, prosecuted=0, punished_bureau=0,
    punished_division=0, punished_section=0, status="pending", version=1)


def _referrals(r: random.Random, ctx: Ctx, f: dict, chosen: np.ndarray) -> tuple[list, list]:
    """移送移交 of the chosen items, each in the state its dates have reached by as_of."""
    ids = ctx.take("referral", len(chosen)).tolist()
    rows = [_referral(r, ctx, f, int(i), rid) for i, rid in zip(chosen, ids, strict=True)]
    links = [dict(referral_id=rid, item_id=int(f["id"][i])) for i, rid in zip(chosen, ids, strict=True)]
    return rows, links


def _referral(r: random.Random, ctx: Ctx, f: dict, i: int, rid: int) -> dict:
    """One 移送: from the district's environment bureau (督察办 for accountability) to its organ."""
    kind = ReferralKind(r.choices(list(REFERRAL_WEIGHTS), weights=list(REFERRAL_WEIGHTS.values()))[0])
    cause, basis, feedback_days = tx.REFERRALS[kind]
    d = int(f["district"][i])
    sent = int(f["assigned"][i]) + r.randint(10, 120)
    local_sender = d >= 0 and kind is not ReferralKind.DISCIPLINE
    row = _REFERRAL_BLANK | dict(
        id=rid, code=f"YS-{_day(sent).year}-{rid:06d}", kind=kind.value,
        from_unit_id=int(ctx.eco[d]) if local_sender else ctx.named["office"],
        to_unit_id=_receiver(r, ctx, kind, d, int(f["cat"][i])),
        contact=f"{r.choice(tx.SURNAMES)}某 023-6{r.randrange(10_000_000):07d}", cause=cause,
        legal_basis=basis, materials=r.sample(tx.MATERIALS, 3), updated_at=_stamp(min(sent, ctx.today)))
    decided = _referral_delivery(r, row, sent, feedback_days, ctx.today)
    if decided is not None:
        _referral_handling(r, row, kind, decided, ctx.today)
    return row


def _receiver(r: random.Random, ctx: Ctx, kind: ReferralKind, district: int, cat: int) -> int:
    """The district's police, the category's lead department, or the city-level organ."""
    if kind is ReferralKind.POLICE and district >= 0:
        return int(ctx.police[district])
    if kind is ReferralKind.DEPARTMENT:
        return int(ctx.dept[cat, 0])
    if kind is ReferralKind.DISCIPLINE and r.random() < 0.3:
        return ctx.named["organisation"]
    return ctx.named[kind.value]


def _referral_delivery(r: random.Random, row: dict, sent: int, feedback_days: int,
                       today: int) -> int | None:
    """移送 → 回证 → 受理/不予受理; returns the day it was accepted, None if not (yet)."""
    if sent > today:
        return None
    row.update(status="sent", sent_on=_day(sent), feedback_due_on=_day(sent + feedback_days))
    receipt = sent + r.randint(1, 7)
    decided = receipt + r.randint(3, 15)
    if receipt <= today:
        row["receipt_on"] = _day(receipt)
    if decided > today:
        return None
    if r.random() < 0.06:
        row.update(status="returned", accepted=False, acceptance_reason="移送材料不全，退回补充")
        return None
    row.update(status="accepted", accepted=True, updated_at=_stamp(decided))
    return decided


def _referral_handling(r: random.Random, row: dict, kind: ReferralKind, decided: int,
                       today: int) -> None:
    """立案/不予立案, then 办结 with the outcome of its kind, as far as `today` allows."""
    filed = decided
    if kind in FILING_KINDS:
        filed = decided + r.randint(10, 60)
        if filed > today:
            return
        if r.random() < 0.15:
            row.update(status="not_filed", filed=False, not_filed_reason="经审查，未达到立案标准")
            return
        row.update(status="filed", filed=True, filed_on=_day(filed),
                   filing_supervised=kind is ReferralKind.POLICE and r.random() < 0.1)
    concluded = filed + r.randint(60, 400)
    if concluded > today:
        return
    row.update(status="concluded", updated_at=_stamp(concluded), **_referral_outcome(r, kind))
    if concluded + 10 <= today and r.random() < 0.5:
        row.update(result_published_on=_day(concluded + 10),
                   result_url=f"https://zgfa.demo.example/ys/{row['id']}.html")


def _referral_outcome(r: random.Random, kind: ReferralKind) -> dict:
    if kind is ReferralKind.POLICE:
        detained = r.randint(0, 3)
        arrested = r.randint(0, detained)
        prosecuted = r.randint(0, arrested)
        return dict(detained=detained, arrested=arrested, prosecuted=prosecuted,
                    judgment="依法判处刑罚并处罚金" if prosecuted else None, outcome="侦查终结")
    if kind is ReferralKind.DISCIPLINE:
        return dict(discipline_measure=r.choice(tx.DISCIPLINE_MEASURES),
                    punished_bureau=r.choice((0, 0, 0, 1)), punished_division=r.randint(0, 2),
                    punished_section=r.randint(1, 4), outcome="已完成责任追究")
    fine = Decimal(r.randint(1, 100) * 5000)
    return dict(procuratorate=dict(outcome="已发出诉前检察建议，行政机关已整改"),
                court=dict(outcome="赔偿协议已经司法确认", fine_yuan=fine),
                justice=dict(outcome="已完成生态环境损害鉴定评估"),
                department=dict(outcome="已依法作出行政处罚决定", fine_yuan=fine))[kind.value]
