"""The year's figures of daily inspection (年度统计, for the 年报告), per district and source level,
from the ledger and from the year's 季调度 rounds — counted in SQL.

From the ledger, for the calendar year up to `today` if it is the current one:
- new: items assigned (交办日期) in the year;
- closed: items closed (销号) in the year, even if reopened later — by their 销号 date, or, for an
  item reopened since (its 销号 date cleared), by the day its move to 已销号 was recorded;
- reopened (反弹): items moved from 已销号 back to 整改中 in the year;
- overdue, long-unresolved: items so at the end of the year (or on `today`), under the rules of
  core.ledger.stats and core.ledger.rules, the ledger rebuilt as of that day by core.ledger.as_of
  (states, last reports and failed verifications then; due dates as they stand now).
From the year's rounds (quarter 1–4), summed over rounds — an item in two rounds counts twice:
- dispatched: items the rounds covered; reported: of those, reported in the round; late: reported
  late, or not reported once the report-by day had passed — a closed round from its snapshot, an
  open one live on `today`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from core.access.permissions import Actor, require
from core.dispatch.figures import Counts, live_figures, without_jit
from core.dispatch.rounds import list_rounds
from core.dispatch.snapshot import snapshot_figures
from core.domain import Role, SourceLevel, Status
from core.errors import PermissionDenied
from core.ledger import as_of
from core.ledger.rules import RuleSettings, load_rule_settings, long_unresolved_condition
from core.ledger.stats import overdue_condition
from db.models import District, Item, Transition


@dataclass(frozen=True)
class YearCounts:
    new: int = 0
    closed: int = 0
    reopened: int = 0
    overdue: int = 0
    long_unresolved: int = 0
    dispatched: int = 0
    reported: int = 0
    late: int = 0

    def __add__(self, other: YearCounts) -> YearCounts:
        return YearCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class YearLine:
    key: str             # district id ("" for 全市) or level code
    name: str | None     # district name; None for a level (the page labels it) or 全市
    counts: YearCounts


@dataclass(frozen=True)
class YearRound:
    round_id: int
    quarter: int
    title: str
    report_by: date
    closed: bool
    counts: Counts


@dataclass(frozen=True)
class YearFigures:
    year: int
    as_of: date                        # 31 December, or `today` in the current year
    total: YearCounts
    by_district: tuple[YearLine, ...]  # all 41 in official order, then 全市 if it has figures
    by_level: tuple[YearLine, ...]     # 中央, 部, 市
    rounds: tuple[YearRound, ...]      # the year's rounds, by quarter


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _moved(target: Status, start: datetime, end: datetime, source: Status | None = None):
    """SQL: the item (Item.id) moved to `target` (from `source`, if given) in [start, end)."""
    condition = exists().where(Transition.item_id == Item.id, Transition.to_status == target,
                               Transition.at >= start, Transition.at < end)
    return condition.where(Transition.from_status == source) if source else condition


def _flows(session: Session, year: int, end: date) -> dict[tuple, YearCounts]:
    """(district, level) → new, closed and reopened items of the year up to `end`, in one scan.
    Closed: 已销号 now with its 销号 date in the year, or — for an item reopened since, whose 销号
    date was cleared — a move to 已销号 recorded in the year. Moves are looked up only for items
    ever reopened (CASE-guarded), so the scan stays a scan."""
    first, start, stop = date(year, 1, 1), as_of.cutoff(date(year - 1, 12, 31)), as_of.cutoff(end)
    ever_reopened = Item.reopen_count > 0
    closed = or_(and_(Item.status == Status.CLOSED, Item.closed_on.between(first, end)),
                 case((ever_reopened, _moved(Status.CLOSED, start, stop)), else_=False))
    reopened = case((ever_reopened, _moved(Status.IN_PROGRESS, start, stop, source=Status.CLOSED)),
                    else_=False)
    stmt = (select(Item.district_id, Item.source_level, _count(Item.assigned_on.between(first, end)),
                   _count(closed), _count(reopened))
            .group_by(Item.district_id, Item.source_level))
    return {(d, str(lv)): YearCounts(new=int(n), closed=int(c), reopened=int(r))
            for d, lv, n, c, r in session.execute(stmt)}


def _stocks(session: Session, end: date, rules: RuleSettings) -> dict[tuple, YearCounts]:
    """(district, level) → overdue and long-unresolved items at the end of `end`, the ledger
    rebuilt as of then (core.ledger.as_of). Only items open now or changed since can have been
    flagged then: an item closed before `end` and untouched since was closed then too."""
    rows = (select(*(getattr(Item, c) for c in as_of.ROW_COLUMNS), *as_of.state_then(end))
            .where(or_(Item.status != Status.CLOSED, as_of.moved_since(end)))
            .subquery("item_then"))
    existed = rows.c.created_at < as_of.cutoff(end)
    stmt = (select(rows.c.district_id, rows.c.source_level,
                   _count(and_(existed, as_of.on(overdue_condition(end), rows, as_of.THEN))),
                   _count(and_(existed, as_of.on(long_unresolved_condition(rules, end), rows,
                                                 as_of.THEN))))
            .group_by(rows.c.district_id, rows.c.source_level))
    return {(d, str(lv)): YearCounts(overdue=int(o), long_unresolved=int(lu))
            for d, lv, o, lu in session.execute(stmt)}


def _round_groups(session: Session, actor: Actor, year: int, today: date,
                  rules: RuleSettings) -> tuple[list[YearRound], dict, dict]:
    """The year's rounds, and their dispatched/reported/late summed per district and per level."""
    by_district: dict = defaultdict(YearCounts)
    by_level: dict = defaultdict(YearCounts)
    rounds = []
    for rnd in sorted(list_rounds(session, actor=actor, year=year), key=lambda r: (r.quarter, r.id)):
        figures = (snapshot_figures(session, rnd=rnd) if not rnd.is_open else
                   live_figures(session, actor=actor, rnd=rnd, today=today, rules=rules,
                                ledger=False))
        rounds.append(YearRound(rnd.id, rnd.quarter, rnd.title, rnd.report_by, not rnd.is_open,
                                figures.total))
        for target, lines in ((by_district, figures.by_district), (by_level, figures.by_level)):
            for line in lines:
                c = line.counts
                target[line.key] += YearCounts(dispatched=c.items, reported=c.reported, late=c.late)
    return rounds, by_district, by_level


def year_figures(session: Session, *, actor: Actor, year: int, today: date,
                 rules: RuleSettings | None = None) -> YearFigures:
    """The year's figures (see the module docstring), citywide: a unit account may not read them
    (PermissionDenied); `rules` default to the admin's settings. A future year has only zeros."""
    require(actor, "dispatch.read")
    if actor.role is Role.UNIT:
        raise PermissionDenied("年度统计为全市数据 (the year's figures are citywide)")
    without_jit(session)
    rules = rules or load_rule_settings(session)
    end = min(date(year, 12, 31), today)
    groups: dict[tuple, YearCounts] = defaultdict(YearCounts)
    if end >= date(year, 1, 1):
        for part in (_flows(session, year, end), _stocks(session, end, rules)):
            for key, counts in part.items():
                groups[key] += counts
    rounds, round_districts, round_levels = _round_groups(session, actor, year, today, rules)
    districts: dict = defaultdict(YearCounts)
    levels: dict = defaultdict(YearCounts)
    for (district_id, level), counts in groups.items():
        districts["" if district_id is None else str(district_id)] += counts
        levels[level] += counts
    for target, extra in ((districts, round_districts), (levels, round_levels)):
        for key, counts in extra.items():
            target[key] += counts
    return YearFigures(year, end, sum(levels.values(), YearCounts()),
                       _district_lines(session, districts),
                       tuple(YearLine(lv.value, None, levels[lv.value]) for lv in SourceLevel),
                       tuple(rounds))


def _district_lines(session: Session, counts: dict[str, YearCounts]) -> tuple[YearLine, ...]:
    ref = session.execute(select(District.id, District.name).order_by(District.sort_order)).all()
    lines = [YearLine(str(d), name, counts.get(str(d), YearCounts())) for d, name in ref]
    if "" in counts:
        lines.append(YearLine("", None, counts[""]))
    return tuple(lines)
