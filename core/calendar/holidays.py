"""Admin-entered holidays and 调休 make-up workdays (the `Holiday` table), for `core.calendar.workdays`.

An admin enters a year's official arrangement when chinese_calendar does not ship it yet (or
corrects a day it has wrong): one day at a time, or a whole year from a file
(`core.calendar.holiday_file`), which replaces what was entered for that year. `load_overrides`
hands the rows to `core.calendar.workdays` as overrides.

A year is edited as a whole: `HolidayYear.version` is bumped by every write to any of its days,
and each write names the version the admin saw (`expected_version`, 0 for a year never entered);
a mismatch is refused (StaleEdit) naming the days changed since. Every write then recomputes the
due dates counted in working days through that year (`RECOMPUTERS`), in the same transaction.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.access import audit
from core.access.permissions import Actor, can, require
from core.calendar.workdays import is_workday
from core.domain import AuditOutcome
from core.errors import FieldProblem, NotFound, StaleEdit, ValidationFailed
from core.messages import say
from db.models import AuditEntry, Holiday, HolidayYear

ACTION = "settings.manage"
ENTITY = "holiday_year"
NAME_MAX = 40   # Holiday.name is String(40); PostgreSQL would refuse longer, SQLite would not
YEARS = (1990, 2100)
COLUMN_DAY, COLUMN_KIND, COLUMN_NAME = "日期", "类型", "名称"

# Records whose due dates are counted in working days, recomputed after every holidays write
# (in its transaction, once per write). Each entry is "module:function", imported when called
# because those modules sit above core.calendar; the function takes
# (session, *, actor, years: set[int], overrides: dict[date, bool]) and returns the DueChanges
# it made.
RECOMPUTERS: tuple[str, ...] = ("core.interviews.deadlines:recompute_plan_dues",
                                "core.referrals.dues:recompute_feedback_dues")


@dataclass(frozen=True)
class HolidayEntry:
    """One entered day: a holiday (is_workday False) or a 调休 make-up workday; `row` is the
    file row it came from (None when typed on the page)."""

    day: date
    is_workday: bool
    name: str | None = None
    row: int | None = None


@dataclass(frozen=True)
class DueChange:
    """A record whose working-day due date a holidays write recomputed."""

    entity: str               # "interview", …
    id: int
    code: str
    before: date
    after: date
    was_provisional: bool
    provisional: bool


@dataclass(frozen=True)
class YearPlan:
    """What writing a year's entries would change, against what is entered now."""

    year: int
    version: int              # the year's current version (0: never entered)
    added: int
    changed: int
    removed: int
    unchanged: int


@dataclass(frozen=True)
class HolidaysWrite:
    """What a holidays write did: per year, and the due dates it recomputed."""

    years: tuple[YearPlan, ...]
    recomputed: list[DueChange] = field(default_factory=list)


# ------------------------------------------------------------------ reading

def load_overrides(session: Session, *, years: Iterable[int] | None = None) -> dict[date, bool]:
    """Entered days as {day: is_workday}; all of them, or only those in `years` (whole years)."""
    query = select(Holiday.day, Holiday.is_workday)
    if years is not None:
        wanted = sorted(set(years))
        if not wanted:
            return {}
        # Date ranges rather than extract('year'): portable, and the primary key index serves them.
        query = query.where(or_(*(Holiday.day.between(date(y, 1, 1), date(y, 12, 31))
                                  for y in wanted)))
    return {day: bool(flag) for day, flag in session.execute(query)}


def year_versions(session: Session, years: Iterable[int]) -> dict[int, int]:
    """The version of each year's entered holidays (0 for a year never entered)."""
    wanted = sorted(set(years))
    found = dict(session.execute(select(HolidayYear.year, HolidayYear.version)
                                 .where(HolidayYear.year.in_(wanted))).all()) if wanted else {}
    return {y: found.get(y, 0) for y in wanted}


def entered_days(session: Session, *, year: int) -> list[HolidayEntry]:
    """The days entered for `year`, in date order."""
    rows = session.execute(select(Holiday.day, Holiday.is_workday, Holiday.name)
                           .where(Holiday.day.between(date(year, 1, 1), date(year, 12, 31)))
                           .order_by(Holiday.day))
    return [HolidayEntry(day, bool(flag), name) for day, flag, name in rows]


# ------------------------------------------------------------------ checking entries

def check_entry(day, is_workday, name, *, row: int | None = None,
                problems: list[FieldProblem]) -> HolidayEntry | None:
    """One day checked (a date within YEARS, 休 or 班, a name of at most NAME_MAX); problems
    name `row` and the column. A make-up workday must fall on a day that is otherwise off."""
    before = len(problems)
    if isinstance(day, datetime):
        day = day.date()
    if not isinstance(day, date):
        problems.append(FieldProblem(row, COLUMN_DAY, say("err.not_date")))
    elif not YEARS[0] <= day.year <= YEARS[1]:
        problems.append(FieldProblem(row, COLUMN_DAY, say("err.out_of_range", low=YEARS[0],
                                                          high=YEARS[1])))
    # A truthy string such as "否" must not silently become a make-up workday.
    if not isinstance(is_workday, bool):
        problems.append(FieldProblem(row, COLUMN_KIND, say("err.holiday_kind", value=is_workday)))
    if name is not None and not isinstance(name, str):
        problems.append(FieldProblem(row, COLUMN_NAME, say("err.unknown_value", value=name)))
        name = None
    name = (name or "").strip() or None
    if name is not None and len(name) > NAME_MAX:
        problems.append(FieldProblem(row, COLUMN_NAME, say("err.too_long", n=NAME_MAX)))
    # 调休上班 falls on a weekend or an official day off; anything else is a typo in the date.
    if len(problems) == before and is_workday and official_workday(day):
        problems.append(FieldProblem(row, COLUMN_KIND, say("err.makeup_on_workday", day=day.isoformat())))
    return None if len(problems) > before else HolidayEntry(day, is_workday, name, row)


def official_workday(day: date) -> bool:
    """True if `day` is a working day without any entered day: the official calendar where
    chinese-calendar has the year, else Monday–Friday."""
    return is_workday(day)


def _check_unique(entries: list[HolidayEntry], problems: list[FieldProblem]) -> None:
    seen: dict[date, HolidayEntry] = {}
    for e in entries:
        if e.day in seen:
            problems.append(FieldProblem(e.row, COLUMN_DAY, say(
                "err.holiday_twice", day=e.day.isoformat(), row=seen[e.day].row)))
        seen.setdefault(e.day, e)


# ------------------------------------------------------------------ writing

def _require_admin(session: Session, actor: Actor, action: str, years) -> None:
    # Refusals are audited too (in their own transaction, so the caller's rollback keeps them).
    if not can(actor, ACTION):
        for year in sorted(set(years)) or [None]:
            audit.record_refusal(session, actor=actor, action=action, entity=ENTITY, entity_id=year,
                                 outcome=AuditOutcome.REFUSED_PERMISSION,
                                 detail=f"{actor.username} ({actor.role}) may not {ACTION}")
    require(actor, ACTION)


def _day_value(flag: bool | None, name: str | None) -> dict | None:
    return None if flag is None else {"is_workday": flag, "name": name}


def _day_text(value: dict | None) -> str | None:
    if value is None:
        return None
    return " ".join(p for p in ("班" if value["is_workday"] else "休", value.get("name")) if p)


def changes_since(session: Session, year: int, version: int) -> dict[str, tuple]:
    """Day → (as the admin saw it, as it is now), for writes to `year` after `version`."""
    entries = session.scalars(select(AuditEntry).where(
        AuditEntry.entity == ENTITY, AuditEntry.entity_id == str(year),
        AuditEntry.outcome == AuditOutcome.OK).order_by(AuditEntry.id))
    changed: dict[str, tuple] = {}
    for e in entries:
        if (e.after or {}).get("version", 0) <= version:
            continue
        for day, now in (e.after or {}).get("days", {}).items():
            seen = changed.get(day, (_day_text((e.before or {}).get("days", {}).get(day)), None))[0]
            changed[day] = (seen, _day_text(now))
    return changed


def _guard_years(session: Session, actor: Actor, action: str, expected: Mapping[int, int],
                 attempted: dict) -> dict[int, HolidayYear | None]:
    """The years' rows for a write, or the refusal audited and StaleEdit raised."""
    rows = {}
    for year in sorted(expected):
        row = session.get(HolidayYear, year, populate_existing=True)
        current = row.version if row else 0
        if current != expected[year]:
            detail = f"saw version {expected[year]} of {year}, current is {current}"
            audit.record_refusal(session, actor=actor, action=action, entity=ENTITY, entity_id=year,
                                 outcome=AuditOutcome.REFUSED_STALE, detail=detail,
                                 attempted=attempted)
            raise StaleEdit(say("err.stale_holidays", year=year), changes_since(session, year,
                                                                                expected[year]))
        rows[year] = row
    return rows


def _apply(session: Session, year: int, current: dict[date, Holiday],
           wanted: dict[date, HolidayEntry], replace: bool) -> tuple[dict, dict, YearPlan]:
    """Make the year's rows say `wanted` (and nothing else if `replace`); (before, after, plan)."""
    before, after = {}, {}
    added = changed = removed = unchanged = 0
    for day, entry in wanted.items():
        row = current.get(day)
        if row is not None and (bool(row.is_workday), row.name) == (entry.is_workday, entry.name):
            unchanged += 1
            continue
        before[day.isoformat()] = _day_value(row and bool(row.is_workday), row and row.name)
        if row is None:
            row = Holiday(day=day)
            session.add(row)
            added += 1
        else:
            changed += 1
        row.is_workday, row.name = entry.is_workday, entry.name
        after[day.isoformat()] = _day_value(entry.is_workday, entry.name)
    for day, row in current.items():
        if replace and day not in wanted:
            before[day.isoformat()] = _day_value(bool(row.is_workday), row.name)
            after[day.isoformat()] = None
            session.delete(row)
            removed += 1
    return before, after, YearPlan(year, 0, added, changed, removed, unchanged)


def _current(session: Session, year: int) -> dict[date, Holiday]:
    return {h.day: h for h in session.scalars(
        select(Holiday).where(Holiday.day.between(date(year, 1, 1), date(year, 12, 31))))}


def _bump_year(session: Session, actor: Actor, year: int, row: HolidayYear | None,
               source: str | None) -> HolidayYear:
    if row is None:
        row = HolidayYear(year=year)
        session.add(row)
    row.updated_by, row.source, row.updated_at = actor.id, source, datetime.now()
    try:
        session.flush()
    except (StaleDataError, IntegrityError) as exc:   # another admin saved this year meanwhile
        raise StaleEdit(say("err.stale_holidays", year=year)) from exc
    return row


def _write(session: Session, *, actor: Actor, action: str, entries: list[HolidayEntry],
           expected: Mapping[int, int], replace: bool, source: str | None,
           deleting: date | None = None) -> HolidaysWrite:
    """The common path: guard the years, change the rows, bump each year, audit, recompute."""
    by_year: dict[int, dict[date, HolidayEntry]] = {}
    for e in entries:
        by_year.setdefault(e.day.year, {})[e.day] = e
    years = sorted(set(by_year) | ({deleting.year} if deleting else set()))
    attempted = {"days": {e.day.isoformat(): _day_value(e.is_workday, e.name) for e in entries},
                 "source": source, "delete": deleting and deleting.isoformat()}
    rows = _guard_years(session, actor, action, {y: expected.get(y, -1) for y in years}, attempted)
    plans = []
    for year in years:
        current = _current(session, year)
        if deleting is not None and deleting.year == year:
            if deleting not in current:
                raise NotFound(say("err.holiday_none", day=deleting.isoformat()))
            current = {deleting: current[deleting]}
        before, after, plan = _apply(session, year, current, by_year.get(year, {}),
                                     replace or deleting is not None)
        if not after:
            plans.append(plan)
            continue
        row = _bump_year(session, actor, year, rows[year], source)
        plans.append(YearPlan(year, row.version, plan.added, plan.changed, plan.removed, plan.unchanged))
        audit.record(session, actor=actor, action=action, entity=ENTITY, entity_id=year,
                     before={"days": before}, after={"days": after, "version": row.version},
                     detail=source)
    touched = {p.year for p in plans if p.added or p.changed or p.removed}
    recomputed = recompute_dependents(session, actor=actor, years=touched) if touched else []
    return HolidaysWrite(tuple(plans), recomputed)


def recompute_dependents(session: Session, *, actor: Actor, years: set[int]) -> list[DueChange]:
    """Run every RECOMPUTERS entry for the changed `years`, with the overrides as they now are."""
    session.flush()
    overrides = load_overrides(session)
    changes: list[DueChange] = []
    for target in RECOMPUTERS:
        module, _, name = target.partition(":")
        fn = getattr(importlib.import_module(module), name)
        changes += fn(session, actor=actor, years=set(years), overrides=overrides)
    return changes


def set_holiday(session: Session, *, actor: Actor, day: date, is_workday: bool, name: str | None,
                expected_version: int) -> HolidaysWrite:
    """Enter or change one day (admin only, else PermissionDenied); `expected_version` is the
    version of the day's year the admin saw (StaleEdit if another admin changed it since);
    ValidationFailed names the bad field. Audited; no write (and no audit row) if unchanged."""
    _require_admin(session, actor, "holiday.set", [day.year] if isinstance(day, date) else [])
    problems: list[FieldProblem] = []
    entry = check_entry(day, is_workday, name, problems=problems)
    if problems:
        raise ValidationFailed(problems)
    return _write(session, actor=actor, action="holiday.set", entries=[entry],
                  expected={entry.day.year: expected_version}, replace=False, source=None)


def delete_holiday(session: Session, *, actor: Actor, day: date,
                   expected_version: int) -> HolidaysWrite:
    """Remove one entered day (admin only, else PermissionDenied; NotFound if none; StaleEdit
    if the year changed since `expected_version`); audited."""
    _require_admin(session, actor, "holiday.delete", [day.year] if isinstance(day, date) else [])
    problems: list[FieldProblem] = []
    checked = check_entry(day, False, None, problems=problems)
    if problems:
        raise ValidationFailed(problems)
    return _write(session, actor=actor, action="holiday.delete", entries=[],
                  expected={checked.day.year: expected_version}, replace=False, source=None,
                  deleting=checked.day)


def plan_import(session: Session, entries: list[HolidayEntry]) -> list[YearPlan]:
    """What importing `entries` would change, per year (each year's entered days replaced by the
    file's). Reads only; raises ValidationFailed (no days, a day twice) naming the rows."""
    problems: list[FieldProblem] = []
    if not entries:
        problems.append(FieldProblem(None, COLUMN_DAY, say("err.holiday_file_empty")))
    _check_unique(entries, problems)
    if problems:
        raise ValidationFailed(problems)
    plans = []
    versions = year_versions(session, {e.day.year for e in entries})
    for year, version in versions.items():
        current = {h.day: (h.is_workday, h.name) for h in entered_days(session, year=year)}
        wanted = {e.day: (e.is_workday, e.name) for e in entries if e.day.year == year}
        same = sum(1 for d, v in wanted.items() if current.get(d) == v)
        changed = sum(1 for d, v in wanted.items() if d in current and current[d] != v)
        plans.append(YearPlan(year, version, len(set(wanted) - set(current)), changed,
                              len(set(current) - set(wanted)), same))
    return plans


def import_holidays(session: Session, *, actor: Actor, entries: list[HolidayEntry],
                    expected_versions: Mapping[int, int], source: str | None) -> HolidaysWrite:
    """Replace the entered days of every year in `entries` with the file's (admin only, else
    PermissionDenied). `expected_versions` gives each year's version as the admin saw it in the
    preview (StaleEdit if another admin changed one since; nothing is written then).
    ValidationFailed (no days, a day twice) names the rows. One audit row per changed year."""
    _require_admin(session, actor, "holiday.import", {e.day.year for e in entries})
    plan_import(session, entries)
    missing = {e.day.year for e in entries} - set(expected_versions)
    if missing:
        raise ValueError(f"expected_versions lacks {sorted(missing)}")
    return _write(session, actor=actor, action="holiday.import", entries=entries,
                  expected=expected_versions, replace=True, source=(source or "")[:200] or None)
