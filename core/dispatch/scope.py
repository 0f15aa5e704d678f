"""What a 季调度 round covers, chosen the way a coordinator thinks — by source level (中/部/市),
inspection, district, or item number — and resolved in SQL when the round opens.

Every part given narrows the round (they combine with AND); a part left empty does not narrow it;
all parts empty means every open item in daily tracking. "Open" means an item a progress report
can be made on (core.ledger.items.REPORTABLE: assigned, in progress, awaiting verification, in
notice); drafts and closed items are never covered. Each covered item is reported on by its
holder unit when the round opens, else by its lead unit (docs/domain.md, 季调度).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from core.domain import SourceLevel
from core.errors import FieldProblem, ValidationFailed
from core.ledger.items import REPORTABLE
from core.messages import say, zh
from db.models import District, Inspection, Item

MAX_CODES = 500


@dataclass(frozen=True)
class RoundScope:
    """Source levels, inspections, districts (None: 全市 items) and item numbers (编号)."""

    levels: tuple[SourceLevel, ...] = ()
    inspection_ids: tuple[int, ...] = ()
    district_ids: tuple[int | None, ...] = ()
    item_codes: tuple[str, ...] = ()

    @property
    def is_everything(self) -> bool:
        """True when no part narrows it: every open item in daily tracking."""
        return not (self.levels or self.inspection_ids or self.district_ids or self.item_codes)

    def as_json(self) -> dict:
        """The scope as stored on the round (plain lists; level codes as text)."""
        return {"levels": [str(v) for v in self.levels], "inspection_ids": list(self.inspection_ids),
                "district_ids": list(self.district_ids), "item_codes": list(self.item_codes)}

    @classmethod
    def from_json(cls, data: dict | None) -> RoundScope:
        data = data or {}
        return cls(tuple(SourceLevel(v) for v in data.get("levels", ())),
                   tuple(data.get("inspection_ids", ())), tuple(data.get("district_ids", ())),
                   tuple(data.get("item_codes", ())))


def reporting_unit():
    """SQL: the unit that reports on an item in a round — its holder, else its lead unit."""
    return func.coalesce(Item.holder_unit_id, Item.lead_unit_id)


def scope_condition(scope: RoundScope):
    """SQL condition on Item: the open items this scope covers (see the module docstring)."""
    conditions = [Item.status.in_(REPORTABLE), reporting_unit().is_not(None)]
    if scope.levels:
        conditions.append(Item.source_level.in_(scope.levels))
    if scope.inspection_ids:
        conditions.append(Item.inspection_id.in_(scope.inspection_ids))
    if scope.district_ids:
        ids = [d for d in scope.district_ids if d is not None]
        parts = [Item.district_id.in_(ids)] if ids else []
        if None in scope.district_ids:
            parts.append(Item.district_id.is_(None))
        conditions.append(or_(*parts))
    if scope.item_codes:
        conditions.append(Item.code.in_(scope.item_codes))
    return and_(*conditions)


def _unknown(session: Session, column, values) -> list:
    found = set(session.scalars(select(column).where(column.in_(values))))
    return [v for v in values if v not in found]


def check_scope(session: Session, scope) -> RoundScope:
    """The scope with its parts checked and de-duplicated; raises ValidationFailed naming the part
    (覆盖范围·来源层级/督察/区县/编号) and the values that do not exist."""
    if not isinstance(scope, RoundScope):
        raise ValidationFailed([FieldProblem(None, zh("dispatch.field.scope"), say("err.required"))])
    problems: list[FieldProblem] = []
    levels = []
    for value in dict.fromkeys(scope.levels):
        try:
            levels.append(SourceLevel(value))
        except ValueError:
            problems.append(FieldProblem(None, zh("dispatch.field.levels"),
                                         say("err.unknown_value", value=value)))
    inspections = tuple(dict.fromkeys(scope.inspection_ids))
    districts = tuple(dict.fromkeys(scope.district_ids))
    codes = tuple(dict.fromkeys(c.strip() for c in scope.item_codes if c and c.strip()))
    checks = (("dispatch.field.inspections", Inspection.id, inspections),
              ("dispatch.field.districts", District.id, [d for d in districts if d is not None]),
              ("dispatch.field.codes", Item.code, codes))
    for key, column, values in checks:
        missing = _unknown(session, column, list(values)) if values else []
        if missing:
            problems.append(FieldProblem(None, zh(key), say("err.dispatch_unknown", values=", ".join(
                str(v) for v in missing[:10]))))
    if len(codes) > MAX_CODES:
        problems.append(FieldProblem(None, zh("dispatch.field.codes"),
                                     say("err.dispatch_too_many_codes", n=MAX_CODES)))
    if problems:
        raise ValidationFailed(problems)
    return RoundScope(tuple(levels), inspections, districts, codes)


def preview_scope(session: Session, scope: RoundScope) -> tuple[int, int]:
    """(open items, reporting units) this scope would cover now, counted in SQL; raises
    ValidationFailed like check_scope."""
    scope = check_scope(session, scope)
    items, units = session.execute(select(func.count(), func.count(reporting_unit().distinct()))
                                   .where(scope_condition(scope))).one()
    return int(items), int(units)
