"""The 久拖不决 work list: the flagged items of a filter, most severe first, paged in SQL; their
counts by reason, district and unit in one grouped pass; and the same view as an Excel file.

The filter is the ledger's (`core.ledger.query.LedgerFilter`, forced to long-unresolved only), so
the reasons, thresholds and scope are the ones the 台账, map and big screen use; the rules and the
severity order are core.ledger.rules'. "Unit" here is the unit holding the item now (承办单位).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import case, func, literal, select, union_all
from sqlalchemy.orm import Session

from core.access.permissions import Actor, require
from core.domain import Status, SupervisionLevel
from core.excel.exports import ExtraColumn, describe_filter, ledger_workbook
from core.excel.import_values import load_lookups
from core.i18n import translate
from core.ledger.query import LedgerFilter, filter_condition
from core.ledger.rules import (
    Reason,
    RuleSettings,
    load_rule_settings,
    reason_columns,
    reason_conditions,
    reasons_from_row,
    severity_order,
)
from core.ledger.stats import days_overdue
from db.models import District, Item, Unit

EXPORT_CHUNK = 5000


def flagged_filter(flt: LedgerFilter) -> LedgerFilter:
    """The filter limited to 久拖不决 items (open ones only: closed items are never flagged)."""
    return replace(flt, long_unresolved_only=True, include_closed=False, overdue_only=False)


@dataclass(frozen=True)
class FlaggedRow:
    id: int
    code: str
    district: str | None            # None: 全市
    holder: str | None              # the unit holding the item now
    description: str
    status: Status
    due_on: date | None
    assigned_on: date | None
    latest_progress_on: date | None
    bounce_count: int
    extension_count: int
    supervision_level: SupervisionLevel | None
    version: int
    reasons: tuple[Reason, ...]
    today: date
    reminder_count: int = 0          # 催办 so far (core.ledger.reminders)

    @property
    def severity(self) -> int:
        """How many reasons flag it (the first key of the severity order)."""
        return len(self.reasons)

    @property
    def days_overdue(self) -> int:
        return days_overdue(self.due_on, status=self.status, ongoing=False, today=self.today) \
            if Reason.OVERDUE in self.reasons else 0

    def reason_values(self, reason: Reason) -> dict:
        """The figure each reason's catalogue text (reason.<code>) names."""
        since = self.latest_progress_on or self.assigned_on
        return {Reason.OVERDUE: {"days": self.days_overdue},
                Reason.STALE: {"days": (self.today - since).days if since else "?"},
                Reason.BOUNCED: {"n": self.bounce_count},
                Reason.OLD: {"days": (self.today - self.assigned_on).days if self.assigned_on else "?"},
                Reason.EXTENDED: {"n": self.extension_count}, Reason.INTERVIEW: {},
                Reason.REMINDED: {"n": self.reminder_count}}[reason]

    def reason_text(self, lang: str = "zh", sep: str = "；") -> str:
        return sep.join(translate(f"reason.{r.value}", lang, **self.reason_values(r))
                        for r in self.reasons)


@dataclass(frozen=True)
class FlaggedPage:
    rows: list[FlaggedRow] = field(default_factory=list)
    page: int = 1
    page_size: int = 50


@dataclass(frozen=True)
class Tally:
    key: int | None                  # district or unit id (None: 全市 / no unit)
    name: str | None
    items: int


@dataclass(frozen=True)
class FlaggedCounts:
    total: int
    by_reason: dict[Reason, int]
    by_district: list[Tally]         # most flagged first
    by_unit: list[Tally]             # most flagged first

    def pages(self, page_size: int) -> int:
        return max(1, -(-self.total // page_size))


def _condition(session: Session, actor: Actor, flt: LedgerFilter, today: date,
               rules: RuleSettings | None):
    require(actor, "supervision.read")
    rules = rules or load_rule_settings(session)
    return rules, filter_condition(flagged_filter(flt), actor=actor, today=today, rules=rules)


def flagged_page(session: Session, *, actor: Actor, flt: LedgerFilter, today: date,
                 rules: RuleSettings | None = None, page: int = 1,
                 page_size: int = 50) -> FlaggedPage:
    """One page (1-based) of the flagged items of `flt`, most severe first (core.ledger.rules
    severity_order); `rules` defaults to the admin's thresholds. Only ids are sorted; the page's
    rows are read afterwards by id. Raises PermissionDenied (role may not read the list),
    ValueError (bad page)."""
    if page < 1 or not 1 <= page_size <= 1000:
        raise ValueError("page must be ≥ 1 and page_size within 1..1000")
    rules, cond = _condition(session, actor, flt, today, rules)
    order = severity_order(rules, today)
    top = (select(Item.id).where(cond).order_by(*order).limit(page_size)
           .offset((page - 1) * page_size).subquery("top"))
    stmt = (select(Item.id, Item.code, District.name.label("district"),
                   Unit.short_name.label("holder"), Item.description, Item.status, Item.due_on,
                   Item.assigned_on, Item.latest_progress_on, Item.bounce_count,
                   Item.extension_count, Item.supervision_level, Item.version,
                   Item.reminder_count, *reason_columns(rules, today))
            .join(top, top.c.id == Item.id)
            .outerjoin(District, District.id == Item.district_id)
            .outerjoin(Unit, Unit.id == Item.holder_unit_id).order_by(*order))
    return FlaggedPage([_row(r, today) for r in session.execute(stmt)], page, page_size)


def _row(r, today: date) -> FlaggedRow:
    return FlaggedRow(r.id, r.code, r.district, r.holder, r.description, Status(r.status), r.due_on,
                      r.assigned_on, r.latest_progress_on, r.bounce_count, r.extension_count,
                      SupervisionLevel(r.supervision_level) if r.supervision_level else None,
                      r.version, tuple(reasons_from_row(r)), today, r.reminder_count)


def flagged_counts(session: Session, *, actor: Actor, flt: LedgerFilter, today: date,
                   rules: RuleSettings | None = None) -> FlaggedCounts:
    """The flagged items of `flt` counted in one grouped SQL pass (by district and holder unit,
    with one sum per reason); the small grouped result is then added up by district, by unit and
    by reason. Raises PermissionDenied."""
    rules, cond = _condition(session, actor, flt, today, rules)
    reasons = reason_conditions(rules, today)
    stmt = (select(Item.district_id, Item.holder_unit_id, func.count(),
                   *(func.sum(case((c, 1), else_=0)) for c in reasons.values()))
            .where(cond).group_by(Item.district_id, Item.holder_unit_id))
    total, by_reason, by_district, by_unit = 0, dict.fromkeys(reasons, 0), {}, {}
    for district_id, unit_id, n, *sums in session.execute(stmt):
        total += n
        by_district[district_id] = by_district.get(district_id, 0) + n
        by_unit[unit_id] = by_unit.get(unit_id, 0) + n
        for reason, s in zip(reasons, sums, strict=True):
            by_reason[reason] += int(s or 0)
    districts, units = _names(session, by_district, by_unit)
    return FlaggedCounts(total, by_reason, _tallies(by_district, districts), _tallies(by_unit, units))


def _names(session: Session, districts: dict, units: dict) -> tuple[dict, dict]:
    """Names of the districts and units counted, in one round trip."""
    d_ids, u_ids = [k for k in districts if k is not None], [k for k in units if k is not None]
    if not d_ids and not u_ids:
        return {}, {}
    stmt = union_all(select(literal("d").label("kind"), District.id, District.name)
                     .where(District.id.in_(d_ids)),
                     select(literal("u"), Unit.id, Unit.short_name).where(Unit.id.in_(u_ids)))
    names: dict[str, dict] = {"d": {}, "u": {}}
    for kind, key, name in session.execute(stmt):
        names[kind][key] = name
    return names["d"], names["u"]


def _tallies(counts: dict, names: dict) -> list[Tally]:
    return sorted((Tally(k, names.get(k), n) for k, n in counts.items()),
                  key=lambda t: (-t.items, t.name or ""))


# ---------------------------------------------------------------- the view as Excel

def export_flagged(session: Session, *, actor: Actor, flt: LedgerFilter, today: date,
                   rules: RuleSettings | None = None) -> bytes:
    """The flagged items of `flt` exactly as the page lists them (same filter, same severity
    order) as .xlsx in the ledger's layout, plus two columns: 久拖不决情形 and 严重程度 (how many
    reasons). Raises PermissionDenied (role may not read the list or export)."""
    require(actor, "ledger.export")
    rules, cond = _condition(session, actor, flt, today, rules)
    ids = session.scalars(select(Item.id).where(cond).order_by(*severity_order(rules, today))).all()
    reasons_text, severity = {}, {}
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[start:start + EXPORT_CHUNK]
        stmt = (select(Item.id, Item.code, Item.status, Item.due_on, Item.assigned_on,
                       Item.latest_progress_on, Item.bounce_count, Item.extension_count,
                       Item.reminder_count, *reason_columns(rules, today)).where(Item.id.in_(chunk)))
        for r in session.execute(stmt):
            row = FlaggedRow(r.id, r.code, None, None, "", Status(r.status), r.due_on, r.assigned_on,
                             r.latest_progress_on, r.bounce_count, r.extension_count, None, 0,
                             tuple(reasons_from_row(r)), today, r.reminder_count)
            reasons_text[r.id], severity[r.id] = row.reason_text(), row.severity
    lk = load_lookups(session)
    subtitle = translate("export.flagged_subtitle", "zh", today=today.isoformat(), count=len(ids),
                         filters=describe_filter(flagged_filter(flt), lk))
    extra = (ExtraColumn("久拖不决情形", 36, reasons_text), ExtraColumn("严重程度", 8, severity))
    return ledger_workbook(session, ids=ids, subtitle=subtitle, extra=extra, lookups=lk,
                           title=translate("export.flagged_title", "zh"))
