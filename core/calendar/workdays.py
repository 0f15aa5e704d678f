"""Chinese working days: statutory holidays and 调休 make-up workdays, for deadlines such as 约谈.

chinese_calendar knows the State Council's calendar for the years it ships (1.11.0: 2004–2026)
and raises NotImplementedError outside them, even when a count merely walks into such a year.
There we use the admin-entered days (`core.calendar.holidays.load_overrides`) and otherwise Monday–Friday,
and report the year, so the page can say the count is provisional. Pure: no database here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

import chinese_calendar

# 约谈: the rectification plan is due within 15 working days of the interview (docs/domain.md).
INTERVIEW_PLAN_WORKDAYS = 15


@dataclass(frozen=True)
class WorkdayResult:
    """A due date, and the years it was counted in without an official or admin calendar."""

    due_on: date
    # Years walked through that chinese_calendar lacks and no admin entered any day for:
    # weekdays were counted there, so the UI must say so and point to the holiday settings.
    uncovered_years: tuple[int, ...] = ()


@cache
def library_covers(year: int) -> bool:
    """True if chinese_calendar has `year`'s official calendar (probed, so a library upgrade counts)."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def library_span(first: int = 1990, last: int = 2100) -> tuple[int, int] | None:
    """(first, last) year chinese_calendar covers within first..last (1.11.0: 2004, 2026); None if none."""
    covered = [y for y in range(first, last + 1) if library_covers(y)]
    return (covered[0], covered[-1]) if covered else None


def is_workday(day: date, *, overrides: Mapping[date, bool] | None = None) -> bool:
    """True if `day` is a working day: an override wins, then chinese_calendar, then Monday–Friday."""
    day = _as_date(day)
    if overrides and day in overrides:
        return bool(overrides[day])
    if library_covers(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def add_workdays(start: date, n: int, *,
                 overrides: Mapping[date, bool] | None = None) -> WorkdayResult:
    """The n-th working day strictly after `start` (start never counts); ValueError unless n >= 1."""
    _check_count(n)
    day = _as_date(start)
    overrides = overrides or {}
    walked: set[int] = set()
    remaining = n
    while remaining:
        day += timedelta(days=1)
        walked.add(day.year)
        if is_workday(day, overrides=overrides):
            remaining -= 1
    return WorkdayResult(due_on=day, uncovered_years=uncovered_years(walked, overrides=overrides))


def uncovered_years(years: Iterable[int], *,
                    overrides: Mapping[date, bool] | None = None) -> tuple[int, ...]:
    """The given years, sorted, that chinese_calendar lacks and `overrides` has no day in."""
    entered = {day.year for day in overrides or {}}
    return tuple(sorted(y for y in set(years) if not library_covers(y) and y not in entered))


def interview_plan_due(held_on: date, *, overrides: Mapping[date, bool] | None = None,
                       workdays: int = INTERVIEW_PLAN_WORKDAYS) -> WorkdayResult:
    """约谈: the plan is due on the `workdays`-th working day after `held_on` (that day excluded)."""
    return add_workdays(held_on, workdays, overrides=overrides)


def _check_count(n: int) -> None:
    # bool is an int in Python; `add_workdays(d, True)` is a bug at the call site, not "1 day".
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"working-day count must be an integer >= 1, got {n!r}")


def _as_date(value: date) -> date:
    # A datetime is a date subclass: strip the time so override lookups and results are plain dates.
    return value.date() if isinstance(value, datetime) else value
