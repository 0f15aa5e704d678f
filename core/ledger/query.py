"""The ledger view: one filter state drives the table, the map, the charts and the download.

`LedgerFilter` is plain data (a page builds it from widgets, `manage.py export-ledger` from
options); `filter_condition` turns it into SQL; `list_items` returns one page of rows plus the
total, sorted and paged in SQL — a page never loads the whole table.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from core.access.permissions import Actor, item_scope
from core.domain import Category, InspectionKind, ItemType, SourceLevel, Status, SupervisionLevel
from core.ledger.rules import Reason, RuleSettings, load_rule_settings, reason_conditions
from core.ledger.stats import days_overdue, overdue_condition
from core.paging import ResultPage
from db.models import District, Inspection, Item, ItemUnit, Unit

OPEN = tuple(s for s in Status if s is not Status.CLOSED)


@dataclass(frozen=True)
class LedgerFilter:
    """What the user asked to see. Empty tuples mean "any"; closed items are hidden unless
    `include_closed` or a status filter names 已销号."""

    district_ids: tuple[int | None, ...] = ()   # None inside means 全市 (citywide) items
    unit_id: int | None = None                  # lead, responsible, cooperating or current holder
    inspection_id: int | None = None
    levels: tuple[SourceLevel, ...] = ()
    kinds: tuple[InspectionKind, ...] = ()
    item_types: tuple[ItemType, ...] = ()
    categories: tuple[Category, ...] = ()
    statuses: tuple[Status, ...] = ()
    include_closed: bool = False
    overdue_only: bool = False
    long_unresolved_only: bool = False
    reasons: tuple[Reason, ...] = ()            # 久拖不决 for any of these (even if not long_unresolved_only)
    supervision_levels: tuple[SupervisionLevel | None, ...] = ()  # None inside: never supervised
    search: str = ""                            # substring of 问题描述 or 编号

    @property
    def needs_rules(self) -> bool:
        """True if the condition depends on the 久拖不决 thresholds."""
        return self.long_unresolved_only or bool(self.reasons)

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


SORTS = {
    "due_on": Item.due_on, "assigned_on": Item.assigned_on, "code": Item.code,
    "updated_at": Item.updated_at, "progress": Item.progress_percent,
    "district": Item.district_id, "status": Item.status,
}


@dataclass(frozen=True)
class Sort:
    key: str = "due_on"
    descending: bool = False

    def __post_init__(self):
        if self.key not in SORTS:
            raise ValueError(f"unknown sort key {self.key!r}; one of {sorted(SORTS)}")


def _in(column, values):
    return column.in_(values) if values else None


def _district(values: tuple[int | None, ...]):
    if not values:
        return None
    ids = [v for v in values if v is not None]
    parts = ([Item.district_id.in_(ids)] if ids else []) + (
        [Item.district_id.is_(None)] if None in values else [])
    return or_(*parts)


def _unit(unit_id: int | None):
    if unit_id is None:
        return None
    linked = exists().where(ItemUnit.item_id == Item.id, ItemUnit.unit_id == unit_id)
    return or_(Item.lead_unit_id == unit_id, Item.holder_unit_id == unit_id, linked)


def _supervision(levels: tuple[SupervisionLevel | None, ...]):
    if not levels:
        return None
    named = [v for v in levels if v is not None]
    parts = ([Item.supervision_level.in_(named)] if named else []) + (
        [Item.supervision_level.is_(None)] if None in levels else [])
    return or_(*parts)


def _long_unresolved(flt: LedgerFilter, rules: RuleSettings | None, today: date):
    if not flt.needs_rules:
        return None
    if rules is None:
        raise ValueError("this filter needs the rule settings (core.ledger.rules.load_rule_settings)")
    conditions = reason_conditions(rules, today)
    return or_(*(conditions[r] for r in (flt.reasons or tuple(Reason))))


def _search(text: str):
    text = text.strip()
    if not text:
        return None
    pattern = f"%{text.replace('%', '').replace('_', '')}%"
    return or_(Item.description.like(pattern), Item.code.like(pattern))


def filter_condition(flt: LedgerFilter, *, actor: Actor, today: date,
                     rules: RuleSettings | None = None) -> ColumnElement[bool]:
    """The SQL condition for this filter and this actor's scope (a unit sees only its items).
    A 久拖不决 filter needs `rules` (the admin's thresholds): raises ValueError without them."""
    statuses = flt.statuses or (tuple(Status) if flt.include_closed else OPEN)
    parts = [item_scope(actor), _district(flt.district_ids), _unit(flt.unit_id),
             Item.inspection_id == flt.inspection_id if flt.inspection_id else None,
             _in(Item.source_level, flt.levels), _in(Item.inspection_kind, flt.kinds),
             _in(Item.item_type, flt.item_types), _in(Item.category, flt.categories),
             _supervision(flt.supervision_levels), Item.status.in_(statuses), _search(flt.search),
             overdue_condition(today) if flt.overdue_only else None,
             _long_unresolved(flt, rules, today)]
    parts = [p for p in parts if p is not None]
    return and_(*parts) if parts else true()


@dataclass(frozen=True)
class ItemRow:
    id: int
    code: str
    district: str | None          # None: 全市
    lead_unit: str | None
    category: Category
    description: str
    deadline_text: str | None
    due_on: date | None
    status: Status
    progress_percent: int
    latest_progress_on: date | None
    is_ongoing: bool
    supervision_level: SupervisionLevel | None   # None: never supervised
    version: int
    days_overdue: int = 0
    latest_progress: str | None = None           # the text of the latest progress report


@dataclass(frozen=True)
class ItemPage(ResultPage[ItemRow]):
    pass


LEAD = aliased(Unit, name="lead_unit")  # built once: aliasing per call costs ~1 ms


def _row_select():
    lead = LEAD
    return (select(Item.id, Item.code, District.name, lead.short_name, Item.category,
                   Item.description, Item.deadline_text, Item.due_on, Item.status,
                   Item.progress_percent, Item.latest_progress_on, Item.is_ongoing,
                   Item.supervision_level, Item.version, Item.latest_progress)
            .outerjoin(District, District.id == Item.district_id)
            .outerjoin(lead, lead.id == Item.lead_unit_id))


def list_items(session: Session, *, actor: Actor, flt: LedgerFilter, today: date,
               sort: Sort = Sort(), page: int = 1, page_size: int = 50,
               rules: RuleSettings | None = None) -> ItemPage:
    """One page (1-based; past the end gives an empty page) of items matching the filter, and
    the total count. Ties in the sort key are broken by id, so paging is stable. `rules`
    defaults to the admin's thresholds, read from the database."""
    if page < 1 or not 1 <= page_size <= 1000:
        raise ValueError("page must be ≥ 1 and page_size within 1..1000")
    if rules is None and flt.needs_rules:
        rules = load_rule_settings(session)
    cond = filter_condition(flt, actor=actor, today=today, rules=rules)
    total = session.scalar(select(func.count(Item.id)).where(cond))
    column = SORTS[sort.key]
    # Items without a date (长期坚持, or no deadline yet) go last either way.
    order = [(column.desc() if sort.descending else column.asc()).nulls_last(), Item.id]
    stmt = _row_select().where(cond).order_by(*order).limit(page_size).offset((page - 1) * page_size)
    rows = [ItemRow(*r[:14], days_overdue=days_overdue(r[7], status=r[8], ongoing=r[11], today=today),
                    latest_progress=r[14])
            for r in session.execute(stmt)]
    return ItemPage(rows, int(total or 0), page, page_size)


def inspection_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every inspection, newest first, for the source filter."""
    rows = session.execute(select(Inspection.id, Inspection.name)
                           .order_by(Inspection.started_on.desc().nulls_last(), Inspection.id))
    return [(i, n) for i, n in rows]
