"""Daily inspection: 季调度 rounds and the annual report."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Date,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Versioned

__all__ = ["QuarterlyDispatch"]


class QuarterlyDispatch(Versioned, Base):
    """季调度 / 年报告 of daily inspection: one per year and quarter (quarter 0 = annual report)."""

    __tablename__ = "quarterly_dispatch"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120))
    issued_on: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("year", "quarter", name="uq_quarterly_dispatch_year_quarter"),)
