"""A round's figures, counted in SQL: per unit reported / not yet / late, and per unit, district
and source level the items covered, reported, late, closed, overdue and long-unresolved.

Definitions (docs/domain.md, 季调度):
- an item is *reported* in a round once a progress report linked to the round exists; the first
  such report dates it, by when it was entered (created_at), not by the date typed on it;
- an item is *late* when its first report came after the report-by day, or when it has none and
  the report-by day has passed (on `today`);
- a unit is *late* if any of its items is late, else *reported* if all are reported, else *not
  yet* (some still to report, with time left);
- closed, overdue and long-unresolved are the ledger's own rules (core.ledger.stats,
  core.ledger.rules) applied to the covered items on `today`.
A closed round is read from its snapshot (core.dispatch.snapshot), not from here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import case, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from core.access.permissions import Actor
from core.dispatch.rounds import Round
from core.domain import Role, SourceLevel, Status
from core.ledger.as_of import cutoff
from core.ledger.rules import RuleSettings, long_unresolved_condition
from core.ledger.stats import overdue_condition
from db.models import DispatchItem, District, Item, ProgressReport, Unit


class UnitState(StrEnum):
    REPORTED = "reported"
    NOT_YET = "not_yet"
    LATE = "late"


STATE_ORDER = (UnitState.LATE, UnitState.NOT_YET, UnitState.REPORTED)


@dataclass(frozen=True)
class Counts:
    items: int = 0
    reported: int = 0
    late: int = 0
    closed: int = 0
    overdue: int = 0
    long_unresolved: int = 0

    @property
    def not_yet(self) -> int:
        """Items with no report in the round (yet)."""
        return self.items - self.reported

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def state_of(counts: Counts) -> UnitState:
    """A unit's state from its counts (see the module docstring)."""
    if counts.late:
        return UnitState.LATE
    return UnitState.REPORTED if counts.reported == counts.items else UnitState.NOT_YET


@dataclass(frozen=True)
class UnitStatus:
    unit_id: int
    name: str
    items: int
    reported: int
    late: int
    last_report_at: datetime | None   # None in a snapshot

    @property
    def not_yet(self) -> int:
        return self.items - self.reported

    @property
    def state(self) -> UnitState:
        return state_of(Counts(self.items, self.reported, self.late))


@dataclass(frozen=True)
class FigureLine:
    key: str               # unit id, district id ("" for 全市), level code; "" for the total
    name: str | None       # unit or district name; None for a level (labelled by the page) or 全市
    counts: Counts


@dataclass(frozen=True)
class RoundFigures:
    round_id: int
    frozen: bool                 # True: the snapshot taken when the round closed
    as_of: datetime              # when these figures hold (closing time, or now)
    total: Counts
    by_unit: tuple[FigureLine, ...]
    by_district: tuple[FigureLine, ...]
    by_level: tuple[FigureLine, ...]

    def unit_statuses(self) -> list[UnitStatus]:
        return sort_statuses([UnitStatus(int(line.key), line.name or "", line.counts.items,
                                         line.counts.reported, line.counts.late, None)
                              for line in self.by_unit])


def sort_statuses(rows: list[UnitStatus]) -> list[UnitStatus]:
    """Late units first, then those not yet done, then the reported; most outstanding first."""
    return sorted(rows, key=lambda r: (STATE_ORDER.index(r.state), -r.not_yet, -r.items, r.name))


# ------------------------------------------------------------------ SQL pieces

def members(round_id: int, *where):
    """Subquery (item_id, unit_id, first_at) of the round's items, first_at being when the item's
    first report in the round was entered (None: not reported). One index probe per item
    (ix_progress_report_round_item), never a join whose plan hangs on statistics: right after a
    round opens, its rows have none, and PostgreSQL then chose a nested loop that rescanned every
    report of the round for each item (minutes at 100k items). OFFSET 0 keeps the subquery whole,
    so each probe runs once per item however often first_at is used."""
    first_at = (select(func.min(ProgressReport.created_at))
                .where(ProgressReport.dispatch_round_id == round_id,
                       ProgressReport.item_id == DispatchItem.item_id)
                .correlate(DispatchItem).scalar_subquery())
    return (select(DispatchItem.item_id, DispatchItem.unit_id, DispatchItem.district_id,
                   DispatchItem.source_level, first_at.label("first_at"))
            .where(DispatchItem.round_id == round_id, *where).offset(literal_column("0"))
            .subquery("member"))


def late_condition(first_at, report_by: date, today: date):
    """SQL: reported after the report-by day, or not reported once that day has passed."""
    reported_late = first_at >= cutoff(report_by)
    return or_(reported_late, first_at.is_(None)) if today > report_by else reported_late


def _sum(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def without_jit(session: Session) -> None:
    """PostgreSQL only: no JIT for the rest of this transaction. It compiled these aggregates for
    longer than they then ran (at 100k items: a year's stocks 3.0 s → 0.5 s, a round's live
    figures 2.3 s → 0.9 s), as the big screen found for its own (core.screen.bigscreen)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def _own(actor: Actor) -> tuple:
    """The extra condition on DispatchItem for a unit account: its own items only."""
    return (DispatchItem.unit_id == actor.unit_id,) if actor.role is Role.UNIT else ()


# ------------------------------------------------------------------ per unit

def unit_status(session: Session, *, actor: Actor, rnd: Round, today: date) -> list[UnitStatus]:
    """Per unit of an open round: items, reported, late, last report time — late units first
    (a unit account: its own line only). `rnd` comes from core.dispatch.rounds.get_round, which
    checked the actor may read it."""
    without_jit(session)
    m = members(rnd.id, *_own(actor))
    stmt = (select(m.c.unit_id, Unit.name, func.count(), _sum(m.c.first_at.is_not(None)),
                   _sum(late_condition(m.c.first_at, rnd.report_by, today)), func.max(m.c.first_at))
            .select_from(m).join(Unit, Unit.id == m.c.unit_id)
            .group_by(m.c.unit_id, Unit.name))
    return sort_statuses([UnitStatus(u, name, int(n), int(r), int(late), at)
                          for u, name, n, r, late, at in session.execute(stmt)])


# ------------------------------------------------------------------ per unit, district and level

def live_figures(session: Session, *, actor: Actor, rnd: Round, today: date,
                 rules: RuleSettings, ledger: bool = True) -> RoundFigures:
    """The round's figures computed now, whether it is open or closed (a unit account: its own
    items only), per unit and per district and source level as frozen when it opened. With
    `ledger` False only items, reported and late are counted (the rest stay 0), without reading
    the items themselves."""
    without_jit(session)
    m = members(rnd.id, *_own(actor))
    counts = [func.count(), _sum(m.c.first_at.is_not(None)),
              _sum(late_condition(m.c.first_at, rnd.report_by, today))]
    stmt = select(m.c.unit_id, m.c.district_id, m.c.source_level).select_from(m)
    if ledger:
        counts += [_sum(Item.status == Status.CLOSED), _sum(overdue_condition(today)),
                   _sum(long_unresolved_condition(rules, today))]
        stmt = stmt.join(Item, Item.id == m.c.item_id)
    stmt = stmt.add_columns(*counts).group_by(m.c.unit_id, m.c.district_id, m.c.source_level)
    groups = [(u, d, lv, Counts(*(int(v) for v in rest)))
              for u, d, lv, *rest in session.execute(stmt)]
    return assemble(session, rnd.id, False, datetime.now(), groups)


def assemble(session: Session, round_id: int, frozen: bool, as_of: datetime,
             groups: list[tuple[int, int | None, str, Counts]]) -> RoundFigures:
    """RoundFigures from counts per (unit, district, level): units by name, districts in official
    order (全市 last), levels in their order."""
    units: dict[int, Counts] = defaultdict(Counts)
    districts: dict[int | None, Counts] = defaultdict(Counts)
    levels: dict[str, Counts] = defaultdict(Counts)
    for unit_id, district_id, level, counts in groups:
        units[unit_id] += counts
        districts[district_id] += counts
        levels[str(level)] += counts
    return RoundFigures(round_id, frozen, as_of, sum(units.values(), Counts()),
                        unit_lines(session, units), district_lines(session, districts),
                        tuple(FigureLine(lv.value, None, levels[lv.value]) for lv in SourceLevel
                              if lv.value in levels))


def unit_lines(session: Session, counts: dict[int, Counts]) -> tuple[FigureLine, ...]:
    names = dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(list(counts)))).all())
    return tuple(sorted((FigureLine(str(u), names.get(u, str(u)), c) for u, c in counts.items()),
                        key=lambda line: line.name or ""))


def district_lines(session: Session, counts: dict[int | None, Counts]) -> tuple[FigureLine, ...]:
    ref = session.execute(select(District.id, District.name).order_by(District.sort_order)).all()
    lines = [FigureLine(str(d), name, counts[d]) for d, name in ref if d in counts]
    if None in counts:
        lines.append(FigureLine("", None, counts[None]))
    return tuple(lines)
