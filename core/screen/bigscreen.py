"""The leadership big screen's figures, each counted in SQL, never by loading the ledger into
Python: two counts the (district, status) and (level, status) indexes answer alone, four scans
(open items by district, everything by category, the trend, the worst items), one look at the
items changed in the last week, and small queries on referrals and interviews.

Definitions (docs/domain.md; "overdue" and 久拖不决 as in core.ledger.stats and core.ledger.rules):
- 反弹 per district = items reopened after closing and not closed again (core.dispatch.rebound);
- completion rate = closed (已销号) ÷ all items; average days to close = mean(closed_on −
  assigned_on) over closed items that have both dates;
- open referrals = sent and in the receiver's hands (core.referrals.states.OPEN: 已移送, 已签收,
  已受理, 已立案); feedback overdue and this year's accountability results come from
  core.referrals.accountability.screen_figures;
- interview plans overdue = no plan submitted and the final plan deadline has passed
  (core.interviews.deadlines.plan_late_condition; a provisional date is not called late);
- "a week ago" = the ledger as it stood at the end of the day seven days before `today` (rebuilt
  from its own history by core.ledger.as_of), with the same rules applied on that day. A referral
  counts as open then if sent by then and either open now or last changed after then.
  Interviews are exact (held_on, plan_due_on, plan_submitted_on).
Figures are citywide: a unit account may not see them (PermissionDenied).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select, text
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor
from core.dispatch.rebound import rebound_condition
from core.domain import Category, DistrictKind, Role, SourceLevel, Status
from core.errors import PermissionDenied
from core.interviews.deadlines import plan_late_condition
from core.ledger import as_of
from core.ledger.rules import (
    Reason,
    RuleSettings,
    load_rule_settings,
    long_unresolved_condition,
    reason_columns,
    reasons_from_row,
    severity_order,
)
from core.ledger.stats import Change, MonthFlow, Tally, overdue_condition  # noqa: F401 - shared shapes
from core.referrals.accountability import ScreenFigures, screen_figures
from core.referrals.states import OPEN as OPEN_REFERRAL
from core.sql_functions import days_between, year_month
from core.supervision.notice_views import NoticeFigures, notice_figures
from db.models import District, Interview, Item, Referral

WEEK = timedelta(days=7)
TREND_MONTHS = 24
WORST_LIMIT = 48
RANK_SIZE = 5


# ---------------------------------------------------------------- results

@dataclass(frozen=True)
class Headline:
    items: Change
    closed: Change
    completion_rate: Change
    overdue: Change
    long_unresolved: Change
    open_referrals: Change
    interview_plans_overdue: Change
    avg_days_to_close: float | None


@dataclass(frozen=True)
class DistrictFigures:
    """One 区县 (or, with district_id None, the citywide 全市 items)."""

    district_id: int | None
    code: str | None          # adcode, FA01–FA03 for a functional area, None for 全市
    name: str | None
    short_name: str | None
    functional: bool
    items: int
    closed: int
    overdue: int
    long_unresolved: int
    reopened: int = 0         # 反弹: reopened after closing, open still (core.dispatch.rebound)

    @property
    def open(self) -> int:
        return self.items - self.closed

    @property
    def completion_rate(self) -> float | None:
        return self.closed / self.items if self.items else None


@dataclass(frozen=True)
class Ranking:
    """Districts with items, best and worst; functional areas rank like any 区县, 全市 does not."""

    best_completion: tuple[DistrictFigures, ...]
    worst_completion: tuple[DistrictFigures, ...]
    most_overdue: tuple[DistrictFigures, ...]
    least_overdue: tuple[DistrictFigures, ...]


@dataclass(frozen=True)
class WorstItem:
    id: int
    code: str
    district: str | None       # short name; None: 全市
    description: str
    reasons: tuple[Reason, ...]
    days_overdue: int
    days_open: int | None      # since assignment
    days_since_progress: int | None
    bounce_count: int
    extension_count: int
    reminder_count: int = 0    # 催办 so far (core.ledger.reminders)


@dataclass(frozen=True)
class BigScreen:
    today: date
    week_ago: date
    as_of: datetime | None     # the ledger's last change (数据截至)
    headline: Headline
    districts: tuple[DistrictFigures, ...]   # the 41, in official order
    citywide: DistrictFigures
    categories: tuple[Tally, ...]
    levels: tuple[Tally, ...]
    trend: tuple[MonthFlow, ...]
    ranking: Ranking
    worst: tuple[WorstItem, ...]
    referrals: ScreenFigures | None = None   # feedback overdue, this year's accountability
    notices: NoticeFigures | None = None     # 督办 notices in force, awaited and late responses


# ---------------------------------------------------------------- the three passes

def require_citywide(actor: Actor) -> None:
    """Raise PermissionDenied for a unit account: these figures cover the whole city."""
    if actor.role is Role.UNIT:
        raise PermissionDenied("大屏与区县地图为全市数据，责任单位账号无权查看 "
                               "(citywide figures are not open to unit accounts)")


def _without_jit(session: Session) -> None:
    """PostgreSQL only: no JIT for the rest of this transaction. JIT compiled each of these
    aggregates for 0.3–0.8 s, longer than it then ran (measured at 1M items: 6.3 s → 4.3 s)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _by_status(session: Session, column) -> dict:
    """key → (items, closed) grouped by `column` and status: the (district_id, status) and
    (source_level, status) indexes answer this alone, without reading the table."""
    totals: dict = {}
    for key, status, n in session.execute(select(column, Item.status, func.count())
                                          .group_by(column, Item.status)):
        items, closed = totals.get(key, (0, 0))
        totals[key] = (items + n, closed + (n if status == Status.CLOSED else 0))
    return totals


def _flags_by_district(session: Session, *, today: date, rules: RuleSettings) -> dict:
    """district_id → (overdue, long-unresolved, 反弹). A closed item is none of them (the rules in
    core.ledger.stats, core.ledger.rules and core.dispatch.rebound exclude 已销号), so only the open
    items are grouped: SQLite sorts for GROUP BY, and the open quarter of the ledger sorts four
    times faster than all of it."""
    # "+ 0": grouping by the bare column, SQLite walks the (district_id, status) index and
    # fetches each open row by rowid, slower than one scan and a sort of the open rows.
    district = (Item.district_id + 0).label("district_id")
    stmt = (select(district, _count(overdue_condition(today)),
                   _count(long_unresolved_condition(rules, today)), _count(rebound_condition()))
            .where(Item.status != Status.CLOSED).group_by(district))
    return {did: (int(o), int(lu), int(r)) for did, o, lu, r in session.execute(stmt)}


def _by_category(session: Session, *, week_ago: date, rules: RuleSettings) -> dict:
    """Per category: items, closed, days to close (sum, count), and a week ago: items, and
    closed/overdue/long-unresolved among the items unchanged since (core.ledger.as_of: the others)."""
    existed, still = Item.created_at < as_of.cutoff(week_ago), ~as_of.moved_since(week_ago)
    closed = Item.status == Status.CLOSED
    timed = and_(closed, Item.closed_on.is_not(None), Item.assigned_on.is_not(None))
    close_days = case((timed, days_between(Item.assigned_on, Item.closed_on)))
    open_then = and_(existed, still, ~closed)
    stmt = select(Item.category, func.count(), _count(closed), func.coalesce(func.sum(close_days), 0),
                  func.count(close_days), _count(existed), _count(and_(existed, still, closed)),
                  _count(and_(open_then, overdue_condition(week_ago))),
                  _count(and_(open_then, long_unresolved_condition(rules, week_ago)))
                  ).group_by(Item.category)
    return {Category(row[0]): tuple(row[1:]) for row in session.execute(stmt)}


def _moved_then(session: Session, *, week_ago: date, rules: RuleSettings) -> tuple[int, int, int]:
    """(closed, overdue, long-unresolved) a week ago among the items changed since then, each
    rebuilt from its history (core.ledger.as_of) — a few percent of the ledger."""
    rows = (select(*(getattr(Item, c) for c in as_of.ROW_COLUMNS), *as_of.state_then(week_ago))
            .where(as_of.moved_since(week_ago)).subquery("item_then"))
    existed = rows.c.created_at < as_of.cutoff(week_ago)
    stmt = select(_count(and_(existed, rows.c.then_status == Status.CLOSED)),
                  _count(and_(existed, as_of.on(overdue_condition(week_ago), rows, as_of.THEN))),
                  _count(and_(existed, as_of.on(long_unresolved_condition(rules, week_ago), rows,
                                                as_of.THEN))))
    closed, overdue, long_ = session.execute(stmt).one()
    return int(closed), int(overdue), int(long_)


def _month_start(day: date, back: int = 0) -> date:
    months = day.year * 12 + day.month - 1 - back
    return date(months // 12, months % 12 + 1, 1)


def _trend(session: Session, *, today: date) -> tuple[MonthFlow, ...]:
    """Items entered and items closed per month, the last TREND_MONTHS months (this one included)."""
    start = _month_start(today, TREND_MONTHS - 1)
    since = datetime.combine(start, time.min)
    months = (select(case((Item.created_at >= since, year_month(Item.created_at))).label("new_m"),
                     case((and_(Item.status == Status.CLOSED, Item.closed_on >= start),
                           year_month(Item.closed_on))).label("closed_m"))
              .where(or_(Item.created_at >= since, Item.closed_on >= start)).subquery())
    new, closed = {}, {}
    stmt = select(months.c.new_m, months.c.closed_m, func.count()).group_by(months.c.new_m,
                                                                            months.c.closed_m)
    for new_m, closed_m, n in session.execute(stmt):
        if new_m:
            new[new_m] = new.get(new_m, 0) + n
        if closed_m:
            closed[closed_m] = closed.get(closed_m, 0) + n
    firsts = [_month_start(today, back) for back in range(TREND_MONTHS - 1, -1, -1)]
    keys = [f"{m.year:04d}-{m.month:02d}" for m in firsts]
    return tuple(MonthFlow(m, new.get(k, 0), closed.get(k, 0)) for m, k in zip(firsts, keys, strict=True))


def _worst(session: Session, *, today: date, rules: RuleSettings) -> tuple[WorstItem, ...]:
    """The WORST_LIMIT long-unresolved items in severity order (core.ledger.rules.severity_order:
    most reasons first, then longest overdue, then oldest). The ranking sorts ids only; the 48
    rows shown are fetched afterwards, by id."""
    flags = reason_columns(rules, today)
    order = severity_order(rules, today)
    top = (select(Item.id).where(Item.status != Status.CLOSED, long_unresolved_condition(rules, today))
           .order_by(*order).limit(WORST_LIMIT).subquery("worst"))
    stmt = (select(Item.id, Item.code, District.short_name, Item.description, Item.due_on,
                   Item.assigned_on, Item.latest_progress_on, Item.bounce_count,
                   Item.extension_count, Item.reminder_count, *flags)
            .join(top, top.c.id == Item.id).outerjoin(District, District.id == Item.district_id)
            .order_by(*order))
    return tuple(_worst_item(row, today) for row in session.execute(stmt))


def _days(since: date | None, today: date) -> int | None:
    return None if since is None else (today - since).days


def _worst_item(row, today: date) -> WorstItem:
    reasons = tuple(reasons_from_row(row))
    overdue = (today - row.due_on).days if Reason.OVERDUE in reasons else 0
    return WorstItem(row.id, row.code, row.short_name, row.description, reasons, overdue,
                     _days(row.assigned_on, today),
                     _days(row.latest_progress_on or row.assigned_on, today),
                     row.bounce_count, row.extension_count, row.reminder_count)


# ---------------------------------------------------------------- referrals and interviews

def _referrals(session: Session, *, week_ago: date) -> Change:
    open_now = and_(Referral.sent_on.is_not(None), Referral.status.in_(OPEN_REFERRAL))
    open_then = and_(Referral.sent_on <= week_ago,
                     or_(Referral.status.in_(OPEN_REFERRAL), Referral.updated_at >= as_of.cutoff(week_ago)))
    now, then = session.execute(select(_count(open_now), _count(open_then))).one()
    return Change(int(now), int(then))


def _interviews(session: Session, *, today: date, week_ago: date) -> Change:
    late_now = plan_late_condition(today)
    late_then = and_(Interview.held_on <= week_ago, Interview.plan_due_on < week_ago,
                     Interview.plan_due_uncovered.is_(None),
                     or_(Interview.plan_submitted_on.is_(None),
                         Interview.plan_submitted_on > week_ago))
    now, then = session.execute(select(_count(late_now), _count(late_then))).one()
    return Change(int(now), int(then))


# ---------------------------------------------------------------- assembling the screen

def _districts(session: Session, counts: dict, flags: dict
               ) -> tuple[tuple[DistrictFigures, ...], DistrictFigures]:
    """The 41 in official order, and 全市 (district_id None), from the per-district counts."""
    ref = session.execute(select(District.id, District.code, District.name, District.short_name,
                                 District.kind).order_by(District.sort_order)).all()

    def figures(did, code, name, short, functional) -> DistrictFigures:
        return DistrictFigures(did, code, name, short, functional, *counts.get(did, (0, 0)),
                               *flags.get(did, (0, 0, 0)))

    districts = tuple(figures(did, code, name, short, kind == DistrictKind.FUNCTIONAL)
                      for did, code, name, short, kind in ref)
    return districts, figures(None, None, None, None, False)


def _rate(closed: int, items: int) -> float | None:
    return closed / items if items else None


def _headline(figures: list[DistrictFigures], by_category: dict, moved: tuple[int, int, int],
              referrals: Change, interviews: Change) -> Headline:
    items, closed = sum(d.items for d in figures), sum(d.closed for d in figures)
    days, timed, existed, *unmoved = (sum(row[i] for row in by_category.values()) for i in range(2, 8))
    then_closed, then_overdue, then_long = (int(u) + m for u, m in zip(unmoved, moved, strict=True))
    return Headline(Change(items, int(existed)), Change(closed, then_closed),
                    Change(_rate(closed, items), _rate(then_closed, int(existed))),
                    Change(sum(d.overdue for d in figures), then_overdue),
                    Change(sum(d.long_unresolved for d in figures), then_long), referrals,
                    interviews, days / timed if timed else None)


def rank_districts(districts, size: int = RANK_SIZE) -> Ranking:
    """Best/worst `size` districts by completion rate and by overdue count, among those with items;
    ties go to the district with more items, then official order. Best and worst never overlap."""
    order = {d.district_id: i for i, d in enumerate(districts)}
    ranked = [d for d in districts if d.items and d.district_id is not None]

    def top(key, exclude=()) -> tuple[DistrictFigures, ...]:
        pool = [d for d in ranked if d not in exclude]
        return tuple(sorted(pool, key=lambda d: (key(d), -d.items, order[d.district_id]))[:size])

    best = top(lambda d: -d.completion_rate)
    most = top(lambda d: -d.overdue)
    return Ranking(best, top(lambda d: d.completion_rate, best), most,
                   top(lambda d: (d.overdue, -d.completion_rate), most))


def big_screen(session: Session, *, actor: Actor, today: date,
               rules: RuleSettings | None = None) -> BigScreen:
    """Everything the big screen shows, citywide, as of `today` and a week before; raises
    PermissionDenied for a unit account (see the module docstring for each definition). `rules`
    defaults to the admin's thresholds, read from the database."""
    require_citywide(actor)
    _without_jit(session)
    rules = rules or load_rule_settings(session)
    week_ago = today - WEEK
    districts, citywide = _districts(session, _by_status(session, Item.district_id),
                                     _flags_by_district(session, today=today, rules=rules))
    by_category = _by_category(session, week_ago=week_ago, rules=rules)
    headline = _headline([*districts, citywide], by_category,
                         _moved_then(session, week_ago=week_ago, rules=rules),
                         _referrals(session, week_ago=week_ago),
                         _interviews(session, today=today, week_ago=week_ago))
    levels = _by_status(session, Item.source_level)
    return BigScreen(
        today=today, week_ago=week_ago, as_of=audit.ledger_revision(session)[1], headline=headline,
        districts=districts, citywide=citywide,
        categories=tuple(Tally(c.value, *(int(v) for v in by_category.get(c, (0, 0))[:2]))
                         for c in Category),
        levels=tuple(Tally(lv.value, *levels.get(lv, (0, 0))) for lv in SourceLevel),
        trend=_trend(session, today=today), ranking=rank_districts(districts),
        worst=_worst(session, today=today, rules=rules),
        referrals=screen_figures(session, actor=actor, today=today),
        notices=notice_figures(session, today=today))
