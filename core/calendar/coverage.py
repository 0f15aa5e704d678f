"""Where each year's working days come from: the official calendar (chinese-calendar), the days an
admin entered (core.calendar.holidays), both, or neither — counted in SQL, for the holidays page
and `manage.py holidays list`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.calendar.workdays import library_covers
from db.models import Holiday, HolidayYear, User


@dataclass(frozen=True)
class YearCoverage:
    """Where a year's working days come from: the official calendar (chinese-calendar), the
    entered days, both (entered days correct the official ones), or neither (weekdays only:
    due dates through it are provisional)."""

    year: int
    official: bool
    holidays: int             # entered days off
    workdays: int             # entered make-up workdays
    version: int
    updated_at: datetime | None = None
    updated_by: str | None = None
    source: str | None = None

    @property
    def basis(self) -> str:
        """"official", "official_entered", "entered" or "none"."""
        entered = bool(self.holidays or self.workdays)
        if self.official:
            return "official_entered" if entered else "official"
        return "entered" if entered else "none"


def coverage(session: Session, *, years: Iterable[int]) -> list[YearCoverage]:
    """Each of `years` (sorted) with its basis and entered-day counts, counted in SQL."""
    wanted = sorted(set(years))
    if not wanted:
        return []
    first, last = date(wanted[0], 1, 1), date(wanted[-1], 12, 31)
    year = func.extract("year", Holiday.day)
    counts = {int(y): (int(off or 0), int(on or 0)) for y, off, on in session.execute(
        select(year, func.sum(_flag(False)), func.sum(_flag(True)))
        .where(Holiday.day.between(first, last)).group_by(year))}
    meta = {row.year: row for row in session.execute(
        select(HolidayYear.year, HolidayYear.version, HolidayYear.updated_at, HolidayYear.source,
               User.display_name).outerjoin(User, User.id == HolidayYear.updated_by)
        .where(HolidayYear.year.in_(wanted)))}
    out = []
    for y in wanted:
        m = meta.get(y)
        out.append(YearCoverage(y, library_covers(y), *counts.get(y, (0, 0)),
                                m.version if m else 0, m.updated_at if m else None,
                                m.display_name if m else None, m.source if m else None))
    return out


def years_to_show(session: Session, *, today: date) -> list[int]:
    """The years an admin looks at: last year to next year, and every year with entered days."""
    entered = set(session.scalars(select(HolidayYear.year)))
    return sorted(entered | set(range(today.year - 1, today.year + 2)))


def _flag(workday: bool):
    return case((Holiday.is_workday.is_(workday), 1), else_=0)
