"""Admin-editable configuration: rule settings and entered holidays."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Versioned

__all__ = ["Setting", "Holiday", "HolidayYear"]


class Setting(Versioned, Base):
    """Admin-editable rule parameters (久拖不决 thresholds, refresh interval …)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    help: Mapped[str | None] = mapped_column(Text)


class Holiday(Base):
    """A day that differs from the weekday rule, for years the holiday library does not cover."""

    __tablename__ = "holiday"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)   # True: 调休 make-up workday; False: holiday
    name: Mapped[str | None] = mapped_column(String(40))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class HolidayYear(Versioned, Base):
    """One year of entered holidays as a whole: its version is bumped by every change to any of
    its days, so two admins editing the same year cannot overwrite each other unseen."""

    __tablename__ = "holiday_year"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    source: Mapped[str | None] = mapped_column(String(200))   # the imported file, or a note
