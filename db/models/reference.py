"""Reference data: the 41 districts (区县) and the units of inspection work."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from core import domain as d
from db.models.base import Base, Versioned, coded

__all__ = ["District", "Unit"]


class District(Base):
    """One of the 41 区县 the city's inspection rules count (38 administrative + 3 functional areas)."""

    __tablename__ = "district"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)      # adcode, or FA01.. for 功能区
    adcode: Mapped[str | None] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)      # 石柱土家族自治县
    short_name: Mapped[str] = mapped_column(String(20))             # 石柱县
    kind: Mapped[d.DistrictKind] = coded(d.DistrictKind)
    region: Mapped[d.Region] = coded(d.Region)
    is_central_urban: Mapped[bool] = mapped_column(Boolean, default=False)  # 中心城区
    host_district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)  # forms ledgers write: 万州, 石柱县
    lon: Mapped[float] = mapped_column(Float)  # label / marker point, GCJ-02 like the boundaries
    lat: Mapped[float] = mapped_column(Float)
    sort_order: Mapped[int] = mapped_column(Integer)


class Unit(Versioned, Base):
    """A body that leads, carries out, cooperates on, receives or organises work."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    short_name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[d.UnitKind] = coded(d.UnitKind)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    contact: Mapped[str | None] = mapped_column(String(80))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
