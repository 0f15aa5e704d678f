"""Ledger statistics, counted in SQL (never by loading the ledger into pandas).

"Overdue" everywhere: due_on < today (the due day itself is not overdue), the item assigned
(not 待交办), neither closed (已销号) nor awaiting verification/notice (待验收/公示中), and not
ongoing (长期坚持). `overdue_condition` (SQL) and `days_overdue` (Python) are the one definition.
Counts are limited to what the actor may see (a unit user: their own items).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from core.access.permissions import Actor, item_scope
from core.domain import SourceLevel, Status
from db.models import District, Item

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
