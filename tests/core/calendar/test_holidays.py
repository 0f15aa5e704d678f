"""The admin's holiday table (core.calendar.holidays): one day or a whole year at a time, per-year
versions so concurrent admins cannot overwrite each other, audit rows, the coverage report and
the recompute hook."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from sqlalchemy import select

from core.access.audit import entries_for
from core.calendar import holidays
from core.calendar.coverage import coverage
from core.calendar.holidays import (
    HolidayEntry,
    delete_holiday,
    entered_days,
    import_holidays,
    load_overrides,
    plan_import,
    set_holiday,
    year_versions,
)
from core.calendar.workdays import WorkdayResult, add_workdays
from core.domain import AuditOutcome, Role
from core.errors import NotFound, PermissionDenied, StaleEdit, ValidationFailed
from db.models import Holiday, HolidayYear
from tests.factories import make_actor

# A plausible 2027 arrangement an admin might enter (the real one is not published yet).
YEAR_2027 = [HolidayEntry(date(2027, 1, 1), False, "元旦"),
             HolidayEntry(date(2027, 2, 6), False, "春节"), HolidayEntry(date(2027, 2, 7), False, "春节"),
             HolidayEntry(date(2027, 2, 8), False, "春节"), HolidayEntry(date(2027, 2, 13), True, "春节调休"),
             HolidayEntry(date(2027, 10, 1), False, "国庆节"),
             HolidayEntry(date(2027, 9, 26), True, "国庆调休")]


@pytest.fixture
def admin(session):
    return make_actor(session, Role.ADMIN, display_name="管理员甲")


def version(session, year: int) -> int:
    return year_versions(session, [year])[year]


def test_set_and_load_overrides_round_trip(session, admin):
    set_holiday(session, actor=admin, day=date(2027, 1, 1), is_workday=False, name="元旦",
                expected_version=0)
    set_holiday(session, actor=admin, day=date(2027, 2, 20), is_workday=True, name="春节调休",
                expected_version=1)
    set_holiday(session, actor=admin, day=date(2028, 1, 1), is_workday=False, name="元旦",
                expected_version=0)
    session.commit()
    assert load_overrides(session) == {date(2027, 1, 1): False, date(2027, 2, 20): True,
                                       date(2028, 1, 1): False}
    assert load_overrides(session, years=[2027]) == {date(2027, 1, 1): False, date(2027, 2, 20): True}
    assert load_overrides(session, years=iter([2028, 2028])) == {date(2028, 1, 1): False}
    assert load_overrides(session, years=[]) == {} and load_overrides(session, years=[2026]) == {}
    assert year_versions(session, [2026, 2027, 2028]) == {2026: 0, 2027: 2, 2028: 1}


def test_year_filter_includes_both_ends_of_the_year(session, admin):
    for day in (date(2026, 12, 31), date(2027, 1, 1), date(2027, 12, 31), date(2028, 1, 1)):
        set_holiday(session, actor=admin, day=day, is_workday=False, name=None,
                    expected_version=version(session, day.year))
    assert set(load_overrides(session, years={2027})) == {date(2027, 1, 1), date(2027, 12, 31)}


def test_loaded_overrides_drive_the_count(session, admin):
    import_holidays(session, actor=admin, entries=YEAR_2027, expected_versions={2027: 0}, source=None)
    overrides = load_overrides(session, years=[2026, 2027])
    # From Fri 2026-12-25: Mon 28 … Thu 31 are four working days, 1 Jan is off, Mon 4 Jan the fifth.
    assert add_workdays(date(2026, 12, 25), 5, overrides=overrides) == \
        WorkdayResult(due_on=date(2027, 1, 4), uncovered_years=())


def test_set_holiday_upserts_and_audits_the_year(session, admin):
    day = date(2027, 10, 9)   # a Saturday
    set_holiday(session, actor=admin, day=day, is_workday=False, name="国庆", expected_version=0)
    set_holiday(session, actor=admin, day=day, is_workday=True, name="  国庆调休 ", expected_version=1)
    session.commit()
    assert load_overrides(session) == {day: True}
    created, changed = entries_for(session, "holiday_year", 2027)
    assert (created.action, created.outcome, created.actor_name) == ("holiday.set", AuditOutcome.OK,
                                                                     admin.username)
    assert created.before == {"days": {"2027-10-09": None}}
    assert created.after == {"days": {"2027-10-09": {"is_workday": False, "name": "国庆"}}, "version": 1}
    assert changed.before == {"days": {"2027-10-09": {"is_workday": False, "name": "国庆"}}}
    assert changed.after == {"days": {"2027-10-09": {"is_workday": True, "name": "国庆调休"}},
                             "version": 2}
    row = session.get(HolidayYear, 2027)
    assert (row.version, row.updated_by) == (2, admin.id)


def test_set_holiday_unchanged_writes_nothing(session, admin):
    day = date(2027, 5, 1)
    set_holiday(session, actor=admin, day=day, is_workday=False, name="劳动节", expected_version=0)
    set_holiday(session, actor=admin, day=day, is_workday=False, name="劳动节", expected_version=1)
    assert len(entries_for(session, "holiday_year", 2027)) == 1 and version(session, 2027) == 1


def test_delete_holiday_removes_the_row_and_audits(session, admin):
    day = date(2027, 1, 1)
    set_holiday(session, actor=admin, day=day, is_workday=False, name="元旦", expected_version=0)
    delete_holiday(session, actor=admin, day=day, expected_version=1)
    session.commit()
    assert load_overrides(session) == {} and version(session, 2027) == 2
    deleted = entries_for(session, "holiday_year", 2027)[-1]
    assert deleted.action == "holiday.delete"
    assert deleted.before == {"days": {"2027-01-01": {"is_workday": False, "name": "元旦"}}}
    assert deleted.after == {"days": {"2027-01-01": None}, "version": 2}


def test_delete_missing_holiday_is_not_found(session, admin):
    with pytest.raises(NotFound, match="2027-01-01"):
        delete_holiday(session, actor=admin, day=date(2027, 1, 1), expected_version=0)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.UNIT, Role.LEADER, Role.VIEWER])
def test_only_an_admin_writes_and_refusals_are_audited(session, role):
    actor = make_actor(session, role)
    session.commit()
    writes = [lambda: set_holiday(session, actor=actor, day=date(2027, 1, 1), is_workday=False,
                                  name="元旦", expected_version=0),
              lambda: delete_holiday(session, actor=actor, day=date(2027, 1, 1), expected_version=0),
              lambda: import_holidays(session, actor=actor, entries=YEAR_2027,
                                      expected_versions={2027: 0}, source="x.csv")]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
        session.rollback()   # the caller's rollback must not erase the refusal
    assert load_overrides(session) == {}
    refusals = entries_for(session, "holiday_year", 2027)
    assert [(r.action, r.outcome) for r in refusals] == [
        ("holiday.set", AuditOutcome.REFUSED_PERMISSION), ("holiday.delete", AuditOutcome.REFUSED_PERMISSION),
        ("holiday.import", AuditOutcome.REFUSED_PERMISSION)]


@pytest.mark.parametrize(("kwargs", "column"), [
    ({"is_workday": "否", "name": "元旦"}, "类型"),
    ({"is_workday": 0, "name": "元旦"}, "类型"),
    ({"is_workday": False, "name": "节" * 41}, "名称"),
    ({"is_workday": False, "name": 2027}, "名称"),
    ({"is_workday": True, "name": "调休"}, "类型"),        # 2027-01-06 is a Wednesday: a typo
])
def test_set_holiday_rejects_bad_values_naming_the_field(session, admin, kwargs, column):
    with pytest.raises(ValidationFailed) as raised:
        set_holiday(session, actor=admin, day=date(2027, 1, 6), expected_version=0, **kwargs)
    assert [p.column for p in raised.value.problems] == [column]
    assert load_overrides(session) == {} and version(session, 2027) == 0


def test_set_holiday_rejects_a_non_date_and_a_far_year(session, admin):
    with pytest.raises(ValidationFailed) as raised:
        set_holiday(session, actor=admin, day="2027-01-01", is_workday=False, name=None,
                    expected_version=0)
    assert [p.column for p in raised.value.problems] == ["日期"]
    with pytest.raises(ValidationFailed, match="1990"):
        set_holiday(session, actor=admin, day=date(2150, 1, 1), is_workday=False, name=None,
                    expected_version=0)


def test_a_make_up_workday_may_correct_an_official_holiday(session, admin):
    set_holiday(session, actor=admin, day=date(2026, 10, 1), is_workday=True, name="更正",
                expected_version=0)
    assert load_overrides(session) == {date(2026, 10, 1): True}


def test_a_name_of_forty_characters_fits(session, admin):
    set_holiday(session, actor=admin, day=date(2027, 1, 1), is_workday=False, name="节" * 40,
                expected_version=0)
    session.commit()
    assert entered_days(session, year=2027)[0].name == "节" * 40


# --- two admins at once ---------------------------------------------------------------------

def test_a_stale_year_is_refused_naming_what_changed_and_nothing_is_written(session, admin):
    other = make_actor(session, Role.ADMIN)
    seen = version(session, 2027)                                  # admin opens 2027: version 0
    import_holidays(session, actor=other, entries=YEAR_2027[:2], expected_versions={2027: 0},
                    source="国办发明电.csv")
    session.commit()
    with pytest.raises(StaleEdit) as raised:
        set_holiday(session, actor=admin, day=date(2027, 5, 1), is_workday=False, name="劳动节",
                    expected_version=seen)
    session.rollback()
    assert raised.value.changes == {"2027-01-01": (None, "休 元旦"), "2027-02-06": (None, "休 春节")}
    assert date(2027, 5, 1) not in load_overrides(session)
    refusal = entries_for(session, "holiday_year", 2027)[-1]
    assert (refusal.action, refusal.outcome) == ("holiday.set", AuditOutcome.REFUSED_STALE)


def test_a_stale_import_changes_no_year(session, admin):
    import_holidays(session, actor=admin, entries=YEAR_2027[:1], expected_versions={2027: 0}, source=None)
    session.commit()
    entries = [*YEAR_2027, HolidayEntry(date(2028, 1, 1), False, "元旦")]
    with pytest.raises(StaleEdit):
        import_holidays(session, actor=admin, entries=entries, expected_versions={2027: 0, 2028: 0},
                        source=None)
    session.rollback()
    assert load_overrides(session) == {date(2027, 1, 1): False}
    assert year_versions(session, [2027, 2028]) == {2027: 1, 2028: 0}


def test_a_year_saved_by_another_session_meanwhile_is_refused(database_url, session, admin,
                                                              monkeypatch):
    """The version check happens before the write; a save committed in between is caught by the
    UPDATE … WHERE version = … of the year's row (SQLAlchemy's version counter)."""
    from sqlalchemy.orm import Session

    from db.engine import engine_for
    import_holidays(session, actor=admin, entries=YEAR_2027[:1], expected_versions={2027: 0}, source=None)
    session.commit()
    year = session.get(HolidayYear, 2027)                          # this session holds version 1
    with Session(engine_for(database_url)) as other, other.begin():
        other.get(HolidayYear, 2027).source = "另一位管理员"
    monkeypatch.setattr(holidays, "_guard_years", lambda *a, **k: {2027: year})  # only the race
    with pytest.raises(StaleEdit):
        holidays._write(session, actor=admin, action="holiday.set", entries=YEAR_2027[1:2],
                        expected={2027: 1}, replace=False, source=None)
    session.rollback()
    assert load_overrides(session) == {date(2027, 1, 1): False}


# --- import -------------------------------------------------------------------------------------

def test_import_replaces_the_years_entries_and_counts_the_changes(session, admin):
    set_holiday(session, actor=admin, day=date(2027, 3, 1), is_workday=False, name="误录", expected_version=0)
    set_holiday(session, actor=admin, day=date(2027, 1, 1), is_workday=False, name="新年", expected_version=1)
    entries = [*YEAR_2027, HolidayEntry(date(2028, 1, 1), False, "元旦")]
    plans = plan_import(session, entries)
    assert [(p.year, p.version, p.added, p.changed, p.removed, p.unchanged) for p in plans] == [
        (2027, 2, 6, 1, 1, 0), (2028, 0, 1, 0, 0, 0)]
    result = import_holidays(session, actor=admin, entries=entries, source="2027年节假日.xlsx",
                             expected_versions={p.year: p.version for p in plans})
    assert [(p.year, p.version, p.added, p.changed, p.removed) for p in result.years] == [
        (2027, 3, 6, 1, 1), (2028, 1, 1, 0, 0)]
    assert [e.day for e in entered_days(session, year=2027)] == sorted(e.day for e in YEAR_2027)
    summary = entries_for(session, "holiday_year", 2027)[-1]
    assert (summary.action, summary.detail) == ("holiday.import", "2027年节假日.xlsx")
    assert summary.before["days"]["2027-03-01"] == {"is_workday": False, "name": "误录"}
    assert summary.after["days"]["2027-03-01"] is None and summary.after["version"] == 3
    assert session.get(HolidayYear, 2027).source == "2027年节假日.xlsx"


def test_importing_the_same_file_twice_changes_nothing_the_second_time(session, admin):
    import_holidays(session, actor=admin, entries=YEAR_2027, expected_versions={2027: 0}, source="a")
    again = import_holidays(session, actor=admin, entries=YEAR_2027, expected_versions={2027: 1},
                            source="a")
    assert [(p.added, p.changed, p.removed, p.unchanged) for p in again.years] == [(0, 0, 0, 7)]
    assert version(session, 2027) == 1 and len(entries_for(session, "holiday_year", 2027)) == 1


def test_import_refuses_a_day_twice_naming_both_rows(session, admin):
    entries = [HolidayEntry(date(2027, 1, 1), False, "元旦", row=2),
               HolidayEntry(date(2027, 1, 1), True, None, row=5)]
    with pytest.raises(ValidationFailed) as raised:
        import_holidays(session, actor=admin, entries=entries, expected_versions={2027: 0}, source=None)
    [problem] = raised.value.problems
    assert (problem.row, problem.column) == (5, "日期") and "第 2 行" in problem.message
    assert session.scalar(select(Holiday.day)) is None


def test_import_of_nothing_is_refused(session, admin):
    with pytest.raises(ValidationFailed, match="没有日期"):
        import_holidays(session, actor=admin, entries=[], expected_versions={}, source=None)


# --- coverage and the recompute hook --------------------------------------------------------

def test_coverage_says_where_each_years_working_days_come_from(session, admin):
    set_holiday(session, actor=admin, day=date(2026, 10, 1), is_workday=True, name="更正", expected_version=0)
    import_holidays(session, actor=admin, entries=YEAR_2027, expected_versions={2027: 0}, source="a.csv")
    rows = {c.year: c for c in coverage(session, years=range(2025, 2029))}
    assert {y: c.basis for y, c in rows.items()} == {2025: "official", 2026: "official_entered",
                                                     2027: "entered", 2028: "none"}
    assert (rows[2027].holidays, rows[2027].workdays, rows[2027].version) == (5, 2, 1)
    assert (rows[2027].updated_by, rows[2027].source) == ("管理员甲", "a.csv")
    assert (rows[2028].version, rows[2028].updated_at) == (0, None)


def test_every_recomputer_resolves_to_a_function():
    for target in holidays.RECOMPUTERS:
        module, _, name = target.partition(":")
        assert callable(getattr(importlib.import_module(module), name)), target
