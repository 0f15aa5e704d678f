"""`manage.py holidays import FILE` and `manage.py holidays list YEAR`: the admin's holiday table
from the command line, printed in Chinese (the office's language); errors go to stderr."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from core.access.permissions import SYSTEM
from core.calendar.coverage import coverage
from core.calendar.holiday_file import read_holiday_file
from core.calendar.holidays import entered_days, import_holidays, plan_import
from core.errors import ValidationFailed
from core.i18n import translate
from db.engine import session_scope

WEEKDAYS = "一二三四五六日"
MAX_ERRORS = 200


def _problems(exc: ValidationFailed) -> int:
    print(translate("holidays.cli.failed", count=len(exc.problems)), file=sys.stderr)
    for p in exc.problems[:MAX_ERRORS]:
        key = "import.problem" if p.row is not None else "import.problem_file"
        print(translate(key, row=p.row, column=p.column, message=p.message), file=sys.stderr)
    return 2


def import_file(url: str, path: str, *, dry_run: bool = False) -> int:
    """Import FILE (every row or none); 0 when imported or checked, 2 with the problems."""
    name = Path(path).name
    try:
        entries = read_holiday_file(Path(path).read_bytes(), name)
        with session_scope(url) as session:
            plans = plan_import(session, entries)
            if dry_run:
                for p in plans:
                    print(translate("holidays.cli.would", year=p.year, added=p.added,
                                    changed=p.changed, removed=p.removed, unchanged=p.unchanged))
                return 0
            result = import_holidays(session, actor=SYSTEM, entries=entries, source=name,
                                     expected_versions={p.year: p.version for p in plans})
    except ValidationFailed as exc:
        return _problems(exc)
    for p in result.years:
        print(translate("holidays.cli.done", year=p.year, added=p.added, changed=p.changed,
                        removed=p.removed, unchanged=p.unchanged, version=p.version))
    for c in result.recomputed:
        note = translate("holidays.cli.still_provisional") if c.provisional else ""
        print(translate("holidays.cli.recomputed", code=c.code, before=c.before.isoformat(),
                        after=c.after.isoformat(), note=note))
    return 0


def list_year(url: str, year: int) -> int:
    """Print where YEAR's working days come from and its entered days, one per line."""
    with session_scope(url) as session:
        [cover] = coverage(session, years=[year])
        days = entered_days(session, year=year)
    print(translate(f"holidays.basis.{cover.basis}", year=year))
    if cover.version:
        print(translate("holidays.cli.revision", version=cover.version,
                        at=f"{cover.updated_at:%Y-%m-%d %H:%M}" if cover.updated_at else "",
                        who=cover.updated_by or "system", source=cover.source or ""))
    for d in days:
        print(f"{d.day.isoformat()}\t周{WEEKDAYS[date.weekday(d.day)]}\t"
              f"{'班' if d.is_workday else '休'}\t{d.name or ''}")
    print(translate("holidays.cli.count", holidays=cover.holidays, workdays=cover.workdays))
    return 0
