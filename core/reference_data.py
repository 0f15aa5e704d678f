"""Read access to reference data (districts, units) for pickers and name matching."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import DistrictKind, UnitKind
from db.models import District, Unit


@dataclass(frozen=True)
class DistrictRef:
    id: int
    code: str
    name: str
    short_name: str
    kind: DistrictKind


@dataclass(frozen=True)
class UnitRef:
    id: int
    name: str
    short_name: str
    kind: UnitKind
    district_id: int | None


def list_districts(session: Session) -> list[DistrictRef]:
    """All 41 districts in official order (38 administrative, then the 3 functional areas)."""
    rows = session.execute(select(District.id, District.code, District.name, District.short_name,
                                  District.kind).order_by(District.sort_order))
    return [DistrictRef(i, c, n, s, DistrictKind(k)) for i, c, n, s, k in rows]


def list_units(session: Session, *, active_only: bool = True) -> list[UnitRef]:
    """Units ordered municipal bodies first, then by district."""
    stmt = select(Unit.id, Unit.name, Unit.short_name, Unit.kind, Unit.district_id)
    if active_only:
        stmt = stmt.where(Unit.is_active.is_(True))
    rows = session.execute(stmt.order_by(Unit.district_id.is_not(None), Unit.district_id, Unit.id))
    return [UnitRef(i, n, s, UnitKind(k), d) for i, n, s, k, d in rows]


def scope_label(session: Session, *, unit_id: int | None, district_id: int | None) -> str:
    """The name of what a unit account is bound to: its unit's short name, else its district."""
    if unit_id is not None:
        name = session.scalar(select(Unit.short_name).where(Unit.id == unit_id))
        if name:
            return name
    if district_id is not None:
        return session.scalar(select(District.name).where(District.id == district_id)) or ""
    return ""
