"""What every part of the demo generator shares: day numbers, the item timeline's events, the
shares of rarer cases, the reference data and id counters (`Ctx`), and day numbers as columns.

Days are int64 days since 1970-01-01; NEVER marks an event that does not happen.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
from sqlalchemy import Connection, func, select

from core.domain import Category, InspectionKind, ItemType
from core.domain import Status as S
from core.errors import LedgerError
from db.models import Base, District, Inspection, Unit
from demo import text as tx

NEVER = 10_000_000            # a day number far after any real date: "does not happen"
NAT = np.iinfo(np.int64).min  # numpy's NaT, converted to None
EPOCH = date(1970, 1, 1)
DAY = 86_400
# The timeline's event columns and the status each one leads to.
EVENTS = ("entered", "assigned", "started", "handover", "submitted", "bounced1", "resubmitted1",
          "bounced2", "resubmitted2", "bounced3", "resubmitted3", "noticed", "closed", "reopened")
TO_STATUS = np.array([s.value for s in (S.DRAFT, S.ASSIGNED, S.IN_PROGRESS, S.IN_PROGRESS,
                                         S.SUBMITTED, S.IN_PROGRESS, S.SUBMITTED, S.IN_PROGRESS,
                                         S.SUBMITTED, S.IN_PROGRESS, S.SUBMITTED, S.NOTICE,
                                         S.CLOSED, S.IN_PROGRESS)], dtype=object)
E_ASSIGN, E_START, E_HANDOVER, E_SUBMIT, E_NOTICE, E_CLOSE, E_REOPEN = 1, 2, 3, 4, 11, 12, 13
BOUNCES = (5, 7, 9)
SHARE = dict(fresh=0.015, citywide=0.04, stuck=0.05, reopen=0.015, handover=0.04, soe=0.2,
             coop=0.35, plan=0.7, referral=0.012, unfounded=0.35, follow_up=0.002)
TYPES, CATEGORIES = list(ItemType), list(Category)

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
                                 "referral_step",
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
        self.unit_kind = np.full(max(r.id for r in rows) + 1, None, dtype=object)
        by_short, local = {}, {}
        for r in rows:
            self.unit_short[r.id] = r.short_name
            self.unit_kind[r.id] = r.kind
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
        m, ins = len(rows), Arrays()
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
        opened = [datetime(d.year, d.month, d.day, 9) for d in cols["started_on"]]
        return dict(id=self.insp.ids.tolist(), **cols, version=[1] * len(opened),
                    updated_at=opened)


class Arrays:
    """A plain namespace of per-inspection arrays."""


def _day_no(d: date) -> int:
    return (d - EPOCH).days


def _type_cum(kind: str, level: str) -> list[float]:
    mix = dict(tx.TYPE_MIX[(kind, level)])
    p = np.array([mix.get(t, 0.0) for t in TYPES])
    return np.cumsum(p / p.sum()).tolist()


def dates(days: np.ndarray) -> list:
    """date objects, None where the day is NEVER."""
    return np.where(days >= NEVER, NAT, days).astype("M8[D]").astype(object).tolist()


def stamps(days: np.ndarray, secs) -> list:
    """datetime objects at `secs` seconds into each day, None where the day is NEVER."""
    return np.where(days >= NEVER, NAT, days * DAY + secs).astype("M8[s]").astype(object).tolist()


def years(days: np.ndarray) -> np.ndarray:
    """The calendar year of each day (NEVER counts as the last day before it)."""
    return np.minimum(days, NEVER - 1).astype("M8[D]").astype("M8[Y]").astype(np.int64) + 1970


def masked(mask: np.ndarray, values) -> np.ndarray:
    """`values` where `mask` holds, None elsewhere (an object array)."""
    return np.where(mask, np.asarray(values, dtype=object), None)

