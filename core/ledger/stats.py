"""Ledger statistics, counted in SQL (never by loading the ledger into pandas).

"Overdue" everywhere: due_on < today (the due day itself is not overdue), the item assigned
(not 待交办), neither closed (已销号) nor awaiting verification/notice (待验收/公示中), and not
ongoing (长期坚持). `overdue_condition` (SQL) and `days_overdue` (Python) are the one definition.
Counts are limited to what the actor may see (a unit user: their own items). `overview` gives the
总览 page's figures (headline now and a week ago, districts, levels, categories, monthly trend)
in that scope; for the office they equal the big screen's (core.screen.bigscreen).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from core.access.permissions import Actor, item_scope
from core.domain import Category, SourceLevel, Status
from core.ledger import as_of
from core.sql_functions import year_month
from db.models import District, Item

if TYPE_CHECKING:  # core.ledger.rules imports this module (overdue_condition): imported when used
    from core.ledger.rules import RuleSettings
    from core.screen.bigscreen import BigScreen

# Never overdue, whatever the date: not yet assigned, waiting for verification or notice, closed.
NEVER_OVERDUE = (Status.DRAFT, Status.SUBMITTED, Status.NOTICE, Status.CLOSED)


def overdue_condition(today: date):
    """SQL condition: the item is overdue on `today` (see module docstring)."""
    return and_(Item.due_on < today, Item.is_ongoing.is_(False),
                Item.status.not_in(NEVER_OVERDUE))


def days_overdue(due_on: date | None, *, status: Status, ongoing: bool, today: date) -> int:
    """Whole days past the due date on `today` under the same rule (0 when not overdue)."""
    if due_on is None or ongoing or Status(status) in NEVER_OVERDUE:
        return 0
    return max(0, (today - due_on).days)


@dataclass(frozen=True)
class Headline:
    total: int
    closed: int
    overdue: int

    @property
    def open(self) -> int:
        return self.total - self.closed

    @property
    def completion_rate(self) -> float | None:
        """Closed ÷ total, 0..1; None for an empty ledger."""
        return self.closed / self.total if self.total else None


@dataclass(frozen=True)
class StatusCount:
    status: Status
    items: int


@dataclass(frozen=True)
class LevelCount:
    level: SourceLevel
    items: int
    closed: int
    overdue: int


@dataclass(frozen=True)
class DistrictCount:
    district_id: int | None      # None: 全市 (citywide items)
    name: str | None
    items: int
    closed: int
    overdue: int

    @property
    def completion_rate(self) -> float | None:
        return self.closed / self.items if self.items else None


def _counts(today: date):
    closed = func.sum(case((Item.status == Status.CLOSED, 1), else_=0))
    overdue = func.sum(case((overdue_condition(today), 1), else_=0))
    return func.count(Item.id), closed, overdue


def _scoped(stmt, actor: Actor):
    scope = item_scope(actor)
    return stmt if scope is None else stmt.where(scope)


def headline(session: Session, *, actor: Actor, today: date) -> Headline:
    """Total, closed and overdue items visible to the actor."""
    total, closed, overdue = session.execute(_scoped(select(*_counts(today)), actor)).one()
    return Headline(int(total or 0), int(closed or 0), int(overdue or 0))


def items_by_status(session: Session, *, actor: Actor) -> list[StatusCount]:
    """Item count per lifecycle state, in lifecycle order; states with no items included as 0."""
    rows = dict(session.execute(_scoped(select(Item.status, func.count(Item.id))
                                        .group_by(Item.status), actor)).all())
    return [StatusCount(s, int(rows.get(s, 0))) for s in Status]


def items_by_level(session: Session, *, actor: Actor, today: date) -> list[LevelCount]:
    """Items, closed and overdue per source level (中央/部/市), all levels listed."""
    stmt = _scoped(select(Item.source_level, *_counts(today)).group_by(Item.source_level), actor)
    rows = {lvl: (n, c, o) for lvl, n, c, o in session.execute(stmt)}
    return [LevelCount(lvl, *(int(v or 0) for v in rows.get(lvl, (0, 0, 0)))) for lvl in SourceLevel]


def items_by_district(session: Session, *, actor: Actor, today: date) -> list[DistrictCount]:
    """Per district (all 41, in official order, then 全市 if any): items, closed, overdue."""
    stmt = _scoped(select(Item.district_id, *_counts(today)).group_by(Item.district_id), actor)
    rows = {did: (int(n), int(c or 0), int(o or 0)) for did, n, c, o in session.execute(stmt)}
    districts = session.execute(select(District.id, District.name).order_by(District.sort_order))
    result = [DistrictCount(did, name, *rows.get(did, (0, 0, 0))) for did, name in districts]
    if None in rows:
        result.append(DistrictCount(None, None, *rows[None]))
    return result


# ---------------------------------------------------------------- 总览 (the overview page)
# The big screen (core.screen.bigscreen) computes these figures citywide for the office roles; the
# functions below compute the same figures within what an actor may see (a unit user: their own
# items), so that a unit's 总览 shows its own headline, week change, trend and districts.
# `overview_from_big_screen` puts the big screen's figures into the same shape, so the page draws
# one thing whichever way the figures came.

WEEK_DAYS = 7
TREND_MONTHS = 24


@dataclass(frozen=True)
class Change:
    """A figure now and the same figure a week ago (None: undefined, e.g. a rate of nothing).
    Shared by 总览 and the big screen (core.screen.bigscreen)."""

    now: float | None
    week_ago: float | None

    @property
    def delta(self) -> float | None:
        return None if self.now is None or self.week_ago is None else self.now - self.week_ago


@dataclass(frozen=True)
class OverviewHeadline:
    items: Change
    open: Change
    closed: Change
    completion_rate: Change
    overdue: Change
    long_unresolved: Change


@dataclass(frozen=True)
class DistrictRow:
    """One 区县 (district_id None: the citywide 全市 items)."""

    district_id: int | None
    name: str | None
    short_name: str | None
    items: int
    closed: int
    overdue: int
    long_unresolved: int

    @property
    def open(self) -> int:
        return self.items - self.closed

    @property
    def completion_rate(self) -> float | None:
        return self.closed / self.items if self.items else None


@dataclass(frozen=True)
class Tally:
    """Items and closed items of one source level or category (`key`: its code); 总览 and the
    big screen alike."""

    key: str
    items: int
    closed: int

    @property
    def open(self) -> int:
        return self.items - self.closed


@dataclass(frozen=True)
class MonthFlow:
    month: date    # first day of the month
    new: int       # items entered (created_at) in the month
    closed: int    # items closed (closed_on) in the month and closed still


@dataclass(frozen=True)
class Overview:
    today: date
    week_ago: date
    headline: OverviewHeadline
    districts: tuple[DistrictRow, ...]   # citywide: all 41 then 全市; scoped: those with items
    levels: tuple[Tally, ...]        # every SourceLevel, in code order
    categories: tuple[Tally, ...]    # every Category, in code order
    trend: tuple[MonthFlow, ...]        # the last TREND_MONTHS months, oldest first, this one last

    @property
    def empty(self) -> bool:
        return not self.headline.items.now


def _rate(closed: int, items: int) -> float | None:
    return closed / items if items else None


def _headline_of(now: tuple[int, int, int, int], then: tuple[int, int, int, int]) -> OverviewHeadline:
    """From (items, closed, overdue, long-unresolved) now and a week ago."""
    (items, closed, overdue, long_), (items_t, closed_t, overdue_t, long_t) = now, then
    return OverviewHeadline(Change(items, items_t), Change(items - closed, items_t - closed_t),
                            Change(closed, closed_t),
                            Change(_rate(closed, items), _rate(closed_t, items_t)),
                            Change(overdue, overdue_t), Change(long_, long_t))


def overview_from_big_screen(data: BigScreen) -> Overview:
    """The big screen's citywide figures (core.screen.bigscreen.BigScreen) as an Overview: the 41
    districts, then 全市."""
    h = data.headline

    def pair(change) -> tuple:
        return change.now, change.week_ago

    (items, items_t), (closed, closed_t) = pair(h.items), pair(h.closed)
    head = _headline_of((items, closed, h.overdue.now, h.long_unresolved.now),
                        (items_t, closed_t, h.overdue.week_ago, h.long_unresolved.week_ago))
    rows = tuple(DistrictRow(d.district_id, d.name, d.short_name, d.items, d.closed, d.overdue,
                             d.long_unresolved) for d in (*data.districts, data.citywide))
    return Overview(data.today, data.week_ago, head, rows, data.levels, data.categories, data.trend)


def _sum(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def week_figures_by_district(session: Session, *, actor: Actor, today: date,
                             rules: RuleSettings) -> dict:
    """district_id → ((items, closed, overdue, long-unresolved) now, the same a week ago), over the
    items the actor may see (a unit: now, and a week ago as it could see them then). "A week ago"
    is the ledger at the end of the day seven days before `today`, rebuilt from its history
    (core.ledger.as_of) with the rules applied on that day; the history is read only for the
    items changed since."""
    week_ago = today - timedelta(days=WEEK_DAYS)
    from core.ledger.rules import long_unresolved_condition  # a cycle at import time (see top)

    # every column of Item, so that any rule (including one added later) can be re-targeted
    rows = _scoped(select(*Item.__table__.columns, *as_of.state_then(week_ago)),
                   actor).subquery("item_then")
    existed = rows.c.created_at < as_of.cutoff(week_ago)
    if item_scope(actor) is not None:
        # a unit sees an item only from 交办 on (core.access.permissions.item_scope): a week ago
        # it saw the items in its scope that were no longer 待交办 then
        existed = and_(existed, rows.c.then_status != Status.DRAFT)
    now_cols = (func.count(), _sum(rows.c.status == Status.CLOSED),
                _sum(as_of.on(overdue_condition(today), rows)),
                _sum(as_of.on(long_unresolved_condition(rules, today), rows)))
    then_cols = (_sum(existed), _sum(and_(existed, rows.c.then_status == Status.CLOSED)),
                 _sum(and_(existed, as_of.on(overdue_condition(week_ago), rows, as_of.THEN))),
                 _sum(and_(existed, as_of.on(long_unresolved_condition(rules, week_ago), rows,
                                             as_of.THEN))))
    stmt = select(rows.c.district_id, *now_cols, *then_cols).group_by(rows.c.district_id)
    return {did: (tuple(int(v) for v in vals[:4]), tuple(int(v) for v in vals[4:]))
            for did, *vals in session.execute(stmt)}


def parts_by_level_and_category(session: Session, *, actor: Actor
                                ) -> tuple[tuple[Tally, ...], tuple[Tally, ...]]:
    """Items and closed items per source level and per category (every code listed, in code order),
    over the items the actor may see."""
    stmt = _scoped(select(Item.source_level, Item.category, func.count(),
                          _sum(Item.status == Status.CLOSED))
                   .group_by(Item.source_level, Item.category), actor)
    levels: dict = {}
    categories: dict = {}
    for level, category, n, closed in session.execute(stmt):
        for totals, key in ((levels, SourceLevel(level)), (categories, Category(category))):
            items, done = totals.get(key, (0, 0))
            totals[key] = (items + int(n), done + int(closed))
    return (tuple(Tally(lv.value, *levels.get(lv, (0, 0))) for lv in SourceLevel),
            tuple(Tally(c.value, *categories.get(c, (0, 0))) for c in Category))


def month_start(day: date, back: int = 0) -> date:
    """The first day of the month `back` months before `day`'s."""
    months = day.year * 12 + day.month - 1 - back
    return date(months // 12, months % 12 + 1, 1)


def monthly_flow(session: Session, *, actor: Actor, today: date,
                 months: int = TREND_MONTHS) -> tuple[MonthFlow, ...]:
    """Items entered and items closed (and closed still) per month over the last `months` months,
    this one included (so far), over the items the actor may see — the big screen's trend rule."""
    start = month_start(today, months - 1)
    since = datetime.combine(start, time.min)
    inner = _scoped(select(case((Item.created_at >= since, year_month(Item.created_at))).label("new_m"),
                           case((and_(Item.status == Status.CLOSED, Item.closed_on >= start),
                                 year_month(Item.closed_on))).label("closed_m"))
                    .where(or_(Item.created_at >= since, Item.closed_on >= start)), actor).subquery()
    new: dict[str, int] = {}
    closed: dict[str, int] = {}
    stmt = select(inner.c.new_m, inner.c.closed_m, func.count()).group_by(inner.c.new_m, inner.c.closed_m)
    for new_m, closed_m, n in session.execute(stmt):
        if new_m:
            new[new_m] = new.get(new_m, 0) + n
        if closed_m:
            closed[closed_m] = closed.get(closed_m, 0) + n
    firsts = [month_start(today, back) for back in range(months - 1, -1, -1)]
    return tuple(MonthFlow(m, new.get(f"{m:%Y-%m}", 0), closed.get(f"{m:%Y-%m}", 0)) for m in firsts)


def overview(session: Session, *, actor: Actor, today: date, rules: RuleSettings | None = None) -> Overview:
    """The 总览 figures over what the actor may see: the headline now and a week ago, the
    districts with items (in official order, 全市 last), levels, categories and the monthly trend.
    For an office actor these equal the big screen's (which the page reuses for them)."""
    from core.ledger.rules import load_rule_settings  # a cycle at import time (see top)

    rules = rules or load_rule_settings(session)
    by_district = week_figures_by_district(session, actor=actor, today=today, rules=rules)
    now = tuple(sum(v[0][i] for v in by_district.values()) for i in range(4))
    then = tuple(sum(v[1][i] for v in by_district.values()) for i in range(4))
    names = session.execute(select(District.id, District.name, District.short_name)
                            .where(District.id.in_([d for d in by_district if d is not None]))
                            .order_by(District.sort_order)).all()
    rows = [DistrictRow(did, name, short, *by_district[did][0]) for did, name, short in names]
    if None in by_district:
        rows.append(DistrictRow(None, None, None, *by_district[None][0]))
    levels, categories = parts_by_level_and_category(session, actor=actor)
    return Overview(today, today - timedelta(days=WEEK_DAYS), _headline_of(now, then), tuple(rows),
                    levels, categories, monthly_flow(session, actor=actor, today=today))
