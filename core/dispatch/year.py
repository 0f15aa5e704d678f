"""The year's figures of daily inspection (年度统计, for the 年报告), per district and source level,
from the ledger and from the year's 季调度 rounds — counted in SQL.

From the ledger, for the calendar year up to `today` if it is the current one:
- new: items assigned (交办日期) in the year;
- closed: items closed (a move to 已销号) in the year, even if reopened later;
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
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from core.access.permissions import Actor, require
from core.dispatch.figures import Counts, live_figures
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


def _ledger_groups(session: Session, year: int, end: date,
                   rules: RuleSettings) -> dict[tuple, YearCounts]:
    """(district, level) → new, overdue and long-unresolved (as of `end`), in one scan."""
    rows = (select(*(getattr(Item, c) for c in as_of.ROW_COLUMNS), *as_of.state_then(end))
            .subquery("item_then"))
    existed = rows.c.created_at < as_of.cutoff(end)
    stmt = (select(rows.c.district_id, rows.c.source_level,
                   _count(rows.c.assigned_on.between(date(year, 1, 1), end)),
                   _count(and_(existed, as_of.on(overdue_condition(end), rows, as_of.THEN))),
                   _count(and_(existed, as_of.on(long_unresolved_condition(rules, end), rows,
                                                 as_of.THEN))))
            .group_by(rows.c.district_id, rows.c.source_level))
    return {(d, str(lv)): YearCounts(new=int(n), overdue=int(o), long_unresolved=int(lu))
            for d, lv, n, o, lu in session.execute(stmt)}


def _moves(session: Session, year: int, end: date, source: Status | None,
           target: Status) -> dict[tuple, int]:
    """(district, level) → distinct items with a move source → target in the year up to `end`."""
    stmt = (select(Item.district_id, Item.source_level, func.count(Transition.item_id.distinct()))
            .join(Item, Item.id == Transition.item_id)
            .where(Transition.to_status == target,
                   Transition.at >= as_of.cutoff(date(year - 1, 12, 31)),
                   Transition.at < as_of.cutoff(end))
            .group_by(Item.district_id, Item.source_level))
    if source is not None:
        stmt = stmt.where(Transition.from_status == source)
    return {(d, str(lv)): int(n) for d, lv, n in session.execute(stmt)}


def _round_groups(session: Session, actor: Actor, year: int, today: date,
                  rules: RuleSettings) -> tuple[list[YearRound], dict, dict]:
    """The year's rounds, and their dispatched/reported/late summed per district and per level."""
    by_district: dict = defaultdict(YearCounts)
    by_level: dict = defaultdict(YearCounts)
    rounds = []
    for rnd in sorted(list_rounds(session, actor=actor, year=year), key=lambda r: (r.quarter, r.id)):
        figures = (snapshot_figures(session, rnd=rnd) if not rnd.is_open else
                   live_figures(session, actor=actor, rnd=rnd, today=today, rules=rules))
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
    rules = rules or load_rule_settings(session)
    end = min(date(year, 12, 31), today)
    groups: dict[tuple, YearCounts] = defaultdict(YearCounts)
    if end >= date(year, 1, 1):
        groups.update(_ledger_groups(session, year, end, rules))
        for name, moves in (("closed", _moves(session, year, end, None, Status.CLOSED)),
                            ("reopened", _moves(session, year, end, Status.CLOSED,
                                                Status.IN_PROGRESS))):
            for key, n in moves.items():
                groups[key] += YearCounts(**{name: n})
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
