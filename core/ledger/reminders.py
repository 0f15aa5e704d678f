"""催办 (reminders): a coordinator presses the unit holding an item to act now.

A 催办 is recorded per item (ItemReminder: who, when, the unit then holding it, an optional note)
on items a unit is working on (已交办 / 整改中, with a holder unit). It reaches that unit at the
top of 我的待办 and stays there until the unit reports progress after it, or the item leaves the
unit's hands (submitted for verification, closed). It shows on the item's timeline, and every
催办 is counted on the item (`Item.reminder_count`): `reminder_threshold` of them flag the item
久拖不决 (core.ledger.rules, Reason.REMINDED).

One 催办 per item per day: a second one the same day (two coordinators, or a batch that
overlaps) is skipped and named, so the count means "days the office had to press".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from core.access import audit
from core.access.permissions import Actor, can, item_scope
from core.domain import AuditOutcome, Status
from core.errors import FieldProblem, PermissionDenied, ValidationFailed
from core.ledger.item_form import check_text
from db.models import Item, ItemReminder, ProgressReport, Unit, User

REMINDABLE = (Status.ASSIGNED, Status.IN_PROGRESS)
NOTE_LIMIT = 500
BATCH_LIMIT = 500   # one batch at most (a page of the 台账 is 50 rows)


@dataclass(frozen=True)
class RemindResult:
    reminded: list[int] = field(default_factory=list)       # item ids, in the order asked
    skipped: dict[int, str] = field(default_factory=dict)   # item id → catalogue key of why not
    codes: dict[int, str] = field(default_factory=dict)     # item id → 编号 (for messages)


def _refuse(session: Session, actor: Actor, item_ids: list[int]) -> PermissionDenied:
    audit.record_refusal(session, actor=actor, action="item.remind", entity="item",
                         entity_id=item_ids[0] if len(item_ids) == 1 else None,
                         outcome=AuditOutcome.REFUSED_PERMISSION, detail="role may not 催办",
                         attempted={"item_ids": item_ids[:50]})
    return PermissionDenied(f"{actor.username} ({actor.role}) may not item.remind")


def _why_not(status: Status, holder: int | None, today_done: bool) -> str | None:
    if status not in REMINDABLE:
        return "reminder.skip.draft" if status == Status.DRAFT else "reminder.skip.not_with_unit"
    if holder is None:
        return "reminder.skip.no_unit"
    return "reminder.skip.already_today" if today_done else None


def remind_items(session: Session, *, actor: Actor, item_ids: Iterable[int], note: str | None = None,
                 today: date | None = None) -> RemindResult:
    """催办 each of `item_ids` that a unit is working on; the others are skipped with a reason
    (not found, still 待交办, not with a unit, no holder unit, already reminded today). Raises
    PermissionDenied (role; audited), ValidationFailed (the note: too long, control characters;
    nothing is written then), ValueError (no ids, or more than BATCH_LIMIT)."""
    ids = list(dict.fromkeys(int(i) for i in item_ids))
    if not ids or len(ids) > BATCH_LIMIT:
        raise ValueError(f"remind 1 to {BATCH_LIMIT} items, not {len(ids)}")
    if not can(actor, "item.remind"):
        raise _refuse(session, actor, ids)
    problems: list[FieldProblem] = []
    note = check_text(problems, "reminder.field.note", note, required=False, limit=NOTE_LIMIT)
    if problems:
        raise ValidationFailed(problems)
    today = today or date.today()
    found = {r.id: r for r in session.execute(
        select(Item.id, Item.code, Item.status, Item.holder_unit_id).where(Item.id.in_(ids)))}
    done_today = set(session.scalars(select(ItemReminder.item_id).where(
        ItemReminder.item_id.in_(ids), ItemReminder.at >= datetime.combine(today, time.min))))
    result = RemindResult(codes={i: r.code for i, r in found.items()})
    now = datetime.now()
    for item_id in ids:
        row = found.get(item_id)
        why = "reminder.skip.not_found" if row is None else _why_not(
            Status(row.status), row.holder_unit_id, item_id in done_today)
        if why:
            result.skipped[item_id] = why
            continue
        session.add(ItemReminder(item_id=item_id, unit_id=row.holder_unit_id, actor_id=actor.id,
                                 at=now, note=note))
        result.reminded.append(item_id)
    if result.reminded:
        # A plain UPDATE, not the ORM's: a 催办 changes nothing the unit or a coordinator is
        # editing, so it must not make their open form stale (the item's version stays).
        session.execute(update(Item).where(Item.id.in_(result.reminded))
                        .values(reminder_count=Item.reminder_count + 1)
                        .execution_options(synchronize_session=False))
        session.flush()
        for item_id in result.reminded:
            audit.record(session, actor=actor, action="item.remind", entity="item", entity_id=item_id,
                         after={"note": note, "unit_id": found[item_id].holder_unit_id})
    return result


# ------------------------------------------------------------------ reading them

def open_reminder_condition():
    """SQL condition on ItemReminder (joined to Item): the item's latest 催办, the item still
    with a unit (已交办 / 整改中), and no progress report since it."""
    later = aliased(ItemReminder)
    return and_(
        Item.id == ItemReminder.item_id, Item.status.in_(REMINDABLE),
        ~exists().where(later.item_id == ItemReminder.item_id, later.id > ItemReminder.id),
        ~exists().where(ProgressReport.item_id == ItemReminder.item_id,
                        ProgressReport.created_at >= ItemReminder.at))


@dataclass(frozen=True)
class OpenReminder:
    id: int
    item_id: int
    code: str
    description: str
    at: datetime
    by: str | None            # who pressed (display name)
    note: str | None
    times: int                # 催办 on this item so far
    due_on: date | None
    status: Status
    version: int


def open_reminders(session: Session, *, actor: Actor, limit: int = 20) -> tuple[int, list[OpenReminder]]:
    """The 催办 still waiting for the actor's unit (a unit user's scope, core.access.permissions
    .item_scope; the office sees all): (how many, the newest `limit`)."""
    scope = item_scope(actor)
    cond = open_reminder_condition() if scope is None else and_(open_reminder_condition(), scope)
    total = session.scalar(select(func.count()).select_from(ItemReminder)
                           .join(Item, Item.id == ItemReminder.item_id).where(cond))
    rows = session.execute(
        select(ItemReminder.id, Item.id, Item.code, Item.description, ItemReminder.at,
               User.display_name, ItemReminder.note, Item.reminder_count, Item.due_on, Item.status,
               Item.version)
        .join(Item, Item.id == ItemReminder.item_id)
        .outerjoin(User, User.id == ItemReminder.actor_id)
        .where(cond).order_by(ItemReminder.at.desc(), ItemReminder.id.desc()).limit(limit))
    return int(total or 0), [OpenReminder(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8],
                                          Status(r[9]), r[10]) for r in rows]


@dataclass(frozen=True)
class ReminderInfo:
    id: int
    at: datetime
    by: str | None
    unit: str | None
    note: str | None


def item_reminders(session: Session, item_id: int) -> list[ReminderInfo]:
    """An item's 催办, oldest first (the caller has checked the reader may read the item)."""
    rows = session.execute(
        select(ItemReminder.id, ItemReminder.at, User.display_name, Unit.short_name, ItemReminder.note)
        .outerjoin(User, User.id == ItemReminder.actor_id)
        .outerjoin(Unit, Unit.id == ItemReminder.unit_id)
        .where(ItemReminder.item_id == item_id).order_by(ItemReminder.at, ItemReminder.id))
    return [ReminderInfo(*r) for r in rows]
