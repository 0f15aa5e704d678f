"""Admin-entered holidays and 调休 make-up workdays (the `Holiday` table), for `core.calendar.workdays`.

An admin enters a year's official arrangement when chinese_calendar does not yet ship it (or
corrects a day it has wrong); `load_overrides` hands the rows to `core.calendar.workdays` as overrides.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor, can, require
from core.domain import AuditOutcome
from core.errors import FieldProblem, NotFound, ValidationFailed
from db.models import Holiday

ACTION = "settings.manage"
ENTITY = "holiday"
NAME_MAX = 40   # Holiday.name is String(40); PostgreSQL would refuse longer, SQLite would not
_AUDITED = ["day", "is_workday", "name"]


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


def set_holiday(session: Session, *, actor: Actor, day: date, is_workday: bool,
                name: str | None) -> None:
    """Enter or change one day (admin only, else PermissionDenied); audited; no-op if unchanged."""
    _require_admin(session, actor, "holiday.set", day)
    day = _check_day(day)
    flag, name = _check_values(is_workday, name)
    row = session.get(Holiday, day)
    before = None if row is None else audit.snapshot(row, _AUDITED)
    if row is None:
        row = Holiday(day=day, created_by=actor.id)
        session.add(row)
    row.is_workday, row.name = flag, name
    after = audit.snapshot(row, _AUDITED)
    if after == before:
        return
    session.flush()
    audit.record(session, actor=actor, action="holiday.set", entity=ENTITY,
                 entity_id=day.isoformat(), before=before, after=after)


def delete_holiday(session: Session, *, actor: Actor, day: date) -> None:
    """Remove one entered day (admin only, else PermissionDenied; NotFound if none); audited."""
    _require_admin(session, actor, "holiday.delete", day)
    day = _check_day(day)
    row = session.get(Holiday, day)
    if row is None:
        raise NotFound(f"{day.isoformat()} 没有节假日设置")
    before = audit.snapshot(row, _AUDITED)
    session.delete(row)
    session.flush()
    audit.record(session, actor=actor, action="holiday.delete", entity=ENTITY,
                 entity_id=day.isoformat(), before=before)


def _require_admin(session: Session, actor: Actor, action: str, day) -> None:
    # Refusals are audited too (in their own transaction, so the caller's rollback keeps them).
    if not can(actor, ACTION):
        audit.record_refusal(session, actor=actor, action=action, entity=ENTITY,
                             entity_id=str(day), outcome=AuditOutcome.REFUSED_PERMISSION,
                             detail=f"{actor.username} ({actor.role}) may not {ACTION}")
    require(actor, ACTION)


def _check_day(day) -> date:
    if isinstance(day, datetime):
        return day.date()
    if not isinstance(day, date):
        raise ValidationFailed([FieldProblem(None, "日期", f"不是日期: {day!r}")])
    return day


def _check_values(is_workday, name: str | None) -> tuple[bool, str | None]:
    problems = []
    # A truthy string such as "否" must not silently become a make-up workday.
    if not isinstance(is_workday, bool):
        problems.append(FieldProblem(None, "是否上班", f"须为是/否, 收到 {is_workday!r}"))
    if name is not None and not isinstance(name, str):
        problems.append(FieldProblem(None, "名称", f"须为文字, 收到 {name!r}"))
        name = None
    name = (name or "").strip() or None
    if name is not None and len(name) > NAME_MAX:
        problems.append(FieldProblem(None, "名称", f"最多 {NAME_MAX} 个字"))
    if problems:
        raise ValidationFailed(problems)
    return is_workday, name
