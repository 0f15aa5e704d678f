"""Daily inspection: 季调度 rounds, the items each covers, and the figures frozen when it closes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core import domain as d
from db.models.base import Base, Versioned, coded

__all__ = ["QuarterlyDispatch", "DispatchItem", "DispatchFigure"]


class QuarterlyDispatch(Versioned, Base):
    """A 季调度 round of daily inspection: a quarter (1–4), a report-by date and the items it
    covers (DispatchItem, frozen when it opens). Several rounds may share a quarter. Open while
    `closed_at` is None; closing freezes its figures (DispatchFigure)."""

    __tablename__ = "quarterly_dispatch"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120))
    issued_on: Mapped[date | None] = mapped_column(Date)              # the day it was opened
    summary: Mapped[str | None] = mapped_column(Text)                 # what the units are asked
    report_by: Mapped[date] = mapped_column(Date)                     # 报送截止: later is late
    # What the coordinator chose: {"levels": [...], "inspection_ids": [...], "district_ids":
    # [... None for 全市], "item_codes": [...]}; empty lists all = every open item.
    scope: Mapped[dict] = mapped_column(JSON, default=dict)
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=datetime.now)
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    item_count: Mapped[int] = mapped_column(Integer, default=0)       # DispatchItem rows, frozen
    unit_count: Mapped[int] = mapped_column(Integer, default=0)       # units among them
    __table_args__ = (Index("ix_quarterly_dispatch_year_quarter", "year", "quarter"),)


class DispatchItem(Base):
    """An item a round covers, with the unit that must report on it (its holder when the round
    opened, else its lead unit), its district and source level; frozen: a later 移交 does not
    move it, and a round's figures per district and level need no look-up of the items."""

    __tablename__ = "dispatch_item"
    round_id: Mapped[int] = mapped_column(ForeignKey("quarterly_dispatch.id", ondelete="CASCADE"),
                                          primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))   # None: 全市
    source_level: Mapped[d.SourceLevel] = coded(d.SourceLevel)
    __table_args__ = (Index("ix_dispatch_item_round_unit", "round_id", "unit_id"),)


class DispatchFigure(Base):
    """One line of a closed round's snapshot: the counts of one unit, district or source level
    (or the whole round) at the moment it closed."""

    __tablename__ = "dispatch_figure"
    round_id: Mapped[int] = mapped_column(ForeignKey("quarterly_dispatch.id", ondelete="CASCADE"),
                                          primary_key=True)
    dimension: Mapped[str] = mapped_column(String(10), primary_key=True)  # unit/district/level/total
    key: Mapped[str] = mapped_column(String(20), primary_key=True)  # unit or district id, level code
    items: Mapped[int] = mapped_column(Integer)
    reported: Mapped[int] = mapped_column(Integer)
    late: Mapped[int] = mapped_column(Integer)
    closed: Mapped[int] = mapped_column(Integer)
    overdue: Mapped[int] = mapped_column(Integer)
    long_unresolved: Mapped[int] = mapped_column(Integer)
