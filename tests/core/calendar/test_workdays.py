"""Working days (core.calendar.workdays); the admin holiday table is tested in test_holidays.py.

Expected dates in 2024–2026 were read off chinese_calendar 1.11.0's own data, e.g. 国庆 2025:
Oct 1–8 off, Sun Sept 28 and Sat Oct 11 worked; 春节 2026: Feb 15–23 off, Sat Feb 14 and
Sat Feb 28 worked.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from core.calendar.workdays import (
    WorkdayResult,
    add_workdays,
    interview_plan_due,
    is_workday,
    library_covers,
)

# A plausible 2027 arrangement an admin might enter (the real one is not published yet).
OVERRIDES_2027 = {date(2027, 1, 1): False, date(2027, 1, 4): False, date(2027, 1, 9): True}


# --- the calendar itself ---------------------------------------------------------------------

@pytest.mark.parametrize(("day", "expected"), [
    (date(2025, 9, 28), True),    # Sunday, 国庆 make-up workday
    (date(2025, 10, 1), False),   # 国庆
    (date(2025, 10, 6), False),   # Monday, 中秋 inside the 国庆 break
    (date(2025, 10, 8), False),   # Wednesday, last day off
    (date(2025, 10, 11), True),   # Saturday, make-up workday
    (date(2025, 10, 12), False),  # plain Sunday
    (date(2026, 2, 14), True),    # Saturday, 春节 make-up workday
    (date(2026, 2, 16), False),   # Monday, 春节
    (date(2026, 2, 23), False),   # Monday, last day of 春节
    (date(2026, 2, 24), True),
    (date(2027, 1, 1), True),     # uncovered year, a Friday: Monday–Friday rule
    (date(2027, 1, 2), False),    # uncovered year, a Saturday
])
def test_is_workday_follows_the_official_calendar(day, expected):
    assert is_workday(day) is expected


def test_is_workday_accepts_a_datetime():
    assert is_workday(datetime(2025, 10, 1, 9, 30)) is False


@pytest.mark.parametrize(("year", "covered"), [(2003, False), (2004, True), (2024, True),
                                               (2026, True), (2027, False), (2030, False)])
def test_library_covers(year, covered):
    assert library_covers(year) is covered


def test_library_coverage_is_probed_not_hard_coded(monkeypatch):
    def lacks_2025(day):
        if day.year == 2025:
            raise NotImplementedError("no data")
        return True

    library_covers.cache_clear()
    monkeypatch.setattr(chinese_calendar, "is_workday", lacks_2025)
    try:
        assert library_covers(2025) is False
        assert library_covers(2024) is True
    finally:
        monkeypatch.undo()
        library_covers.cache_clear()


# --- add_workdays on real calendars ----------------------------------------------------------

@pytest.mark.parametrize(("start", "n", "due"), [
    (date(2025, 9, 26), 15, date(2025, 10, 23)),  # Friday before 国庆, make-up days count
    (date(2025, 9, 26), 1, date(2025, 9, 28)),    # next workday is the make-up Sunday
    (date(2025, 9, 30), 1, date(2025, 10, 9)),    # the whole break is skipped
    (date(2025, 10, 10), 1, date(2025, 10, 11)),  # make-up Saturday
    (date(2026, 2, 13), 15, date(2026, 3, 12)),   # Friday before 春节 2026
    (date(2026, 2, 13), 1, date(2026, 2, 14)),
    (date(2024, 2, 8), 15, date(2024, 3, 6)),     # 春节 2024
    (date(2024, 9, 30), 15, date(2024, 10, 25)),  # 国庆 2024
    (date(2025, 1, 24), 15, date(2025, 2, 20)),   # 春节 2025
    (date(2026, 9, 30), 1, date(2026, 10, 8)),    # 国庆 2026
    (date(2025, 3, 3), 5, date(2025, 3, 10)),     # an ordinary week
])
def test_add_workdays_known_dates(start, n, due):
    assert add_workdays(start, n) == WorkdayResult(due_on=due, uncovered_years=())


@pytest.mark.parametrize(("start", "due"), [
    (date(2025, 10, 1), date(2025, 10, 9)),   # start on a holiday
    (date(2025, 10, 4), date(2025, 10, 9)),   # start on a Saturday inside a holiday
    (date(2025, 10, 8), date(2025, 10, 9)),   # start on the last day off
    (date(2025, 3, 8), date(2025, 3, 10)),    # start on a plain Saturday
    (date(2025, 9, 28), date(2025, 9, 29)),   # start on a make-up workday: it does not count
    (date(2025, 3, 3), date(2025, 3, 4)),     # start on a workday: it does not count
])
def test_start_itself_never_counts(start, due):
    assert add_workdays(start, 1).due_on == due


def test_agrees_with_chinese_calendar_on_random_starts():
    rng = random.Random(20251001)
    for _ in range(200):
        start = date(2004, 1, 1) + timedelta(days=rng.randrange(365 * 22))
        n = rng.randrange(1, 40)
        expected = chinese_calendar.get_workdays(start + timedelta(days=1),
                                                 start + timedelta(days=120))[n - 1]
        assert add_workdays(start, n).due_on == expected, (start, n)


def test_datetime_start_gives_a_plain_date():
    due = add_workdays(datetime(2025, 9, 26, 17, 45), 1).due_on
    assert due == date(2025, 9, 28)
    assert type(due) is date


@pytest.mark.parametrize("n", [0, -1, 1.5, "15", True, None])
def test_bad_count_raises_value_error(n):
    with pytest.raises(ValueError, match="working-day count"):
        add_workdays(date(2025, 3, 3), n)


# --- years the library does not cover --------------------------------------------------------

def test_walk_into_uncovered_year_counts_weekdays_and_says_so():
    # Dec 28–31 2026 are workdays (library), then Fri Jan 1 2027 counts by the weekday rule.
    result = add_workdays(date(2026, 12, 25), 5)
    assert result == WorkdayResult(due_on=date(2027, 1, 1), uncovered_years=(2027,))
    assert add_workdays(date(2026, 12, 25), 7).due_on == date(2027, 1, 5)


def test_admin_overrides_for_uncovered_year_are_honoured_and_not_reported():
    result = add_workdays(date(2026, 12, 25), 5, overrides=OVERRIDES_2027)
    # Jan 1 and Mon Jan 4 off, so the 5th workday is Tue Jan 5.
    assert result == WorkdayResult(due_on=date(2027, 1, 5), uncovered_years=())


def test_admin_make_up_workday_in_uncovered_year_counts():
    # Sat Jan 9 2027 entered as a make-up workday.
    assert add_workdays(date(2027, 1, 8), 1, overrides=OVERRIDES_2027).due_on == date(2027, 1, 9)
    assert add_workdays(date(2027, 1, 8), 1).due_on == date(2027, 1, 11)


def test_start_inside_uncovered_years_reports_each_year_walked():
    result = add_workdays(date(2027, 12, 29), 5)   # Wed: Thu 30, Fri 31, Mon 3, Tue 4, Wed 5
    assert result.due_on == date(2028, 1, 5)
    assert result.uncovered_years == (2027, 2028)


def test_only_years_actually_walked_are_reported():
    # Start on Dec 31 2026: the walk begins on Jan 1 2027, so 2026 is walked through no more.
    assert add_workdays(date(2026, 12, 31), 1).uncovered_years == (2027,)
    assert add_workdays(date(2026, 12, 1), 3).uncovered_years == ()


def test_overrides_for_another_year_do_not_cover_this_one():
    result = add_workdays(date(2027, 12, 29), 5, overrides=OVERRIDES_2027)
    assert result.uncovered_years == (2028,)


def test_years_before_the_library_do_not_crash():
    result = add_workdays(date(2003, 12, 30), 2)
    assert result == WorkdayResult(due_on=date(2004, 1, 2), uncovered_years=(2003,))


# --- overrides beat the library --------------------------------------------------------------

def test_override_turns_a_library_holiday_into_a_workday():
    overrides = {date(2025, 10, 8): True}
    assert is_workday(date(2025, 10, 8), overrides=overrides) is True
    assert add_workdays(date(2025, 10, 7), 1, overrides=overrides).due_on == date(2025, 10, 8)


def test_override_turns_a_library_workday_into_a_holiday():
    overrides = {date(2025, 10, 9): False, date(2025, 9, 28): False}
    assert add_workdays(date(2025, 10, 8), 1, overrides=overrides).due_on == date(2025, 10, 10)
    assert add_workdays(date(2025, 9, 26), 1, overrides=overrides).due_on == date(2025, 9, 29)


# --- 约谈 --------------------------------------------------------------------------------------

def test_interview_plan_due_fifteen_working_days_over_national_day():
    assert interview_plan_due(date(2025, 9, 26)) == WorkdayResult(date(2025, 10, 23), ())


def test_interview_plan_due_over_spring_festival():
    assert interview_plan_due(date(2026, 2, 13)).due_on == date(2026, 3, 12)


def test_interview_plan_due_into_2027_is_flagged_and_then_covered_by_overrides():
    held = date(2026, 12, 18)   # Friday
    flagged = interview_plan_due(held)
    assert flagged.uncovered_years == (2027,)
    assert flagged.due_on == date(2027, 1, 8)
    entered = interview_plan_due(held, overrides=OVERRIDES_2027)
    # Jan 1 and Mon Jan 4 off, Sat Jan 9 worked: the 15th working day moves to Mon Jan 11.
    assert entered == WorkdayResult(due_on=date(2027, 1, 11), uncovered_years=())


def test_interview_plan_due_with_another_count():
    assert interview_plan_due(date(2025, 9, 26), workdays=1).due_on == date(2025, 9, 28)
