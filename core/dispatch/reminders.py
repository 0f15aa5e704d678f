"""The reminder list (催报名单) of an open 季调度 round: the units that still have items to report,
with how many, whether they are late, and whom to call — as rows and as an Excel workbook
(sheet 1: one row per unit; sheet 2: each outstanding item, so a unit knows which ones).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.access.permissions import Actor, require
from core.dispatch.figures import UnitState, members, unit_status
from core.dispatch.rounds import RoundClosed, get_round
from core.domain import Role
from core.i18n import label, translate
from core.messages import say
from db.models import DispatchItem, Item, Unit, User

ITEM_CHUNK = 5000


@dataclass(frozen=True)
class Reminder:
    unit_id: int
    unit: str
    items: int
    outstanding: int
    late: int
    state: UnitState
    unit_contact: str | None      # the unit's own contact (reference data), if recorded
    item_contact: str | None      # 责任人 and 联系电话 of one of its outstanding items
    accounts: str | None          # its reporters' accounts in this system


def _contacts(session: Session, round_id: int, unit_ids: list[int]) -> dict[int, tuple]:
    """unit → (unit contact, one outstanding item's person and phone, reporter accounts)."""
    m = members(round_id, DispatchItem.unit_id.in_(unit_ids))
    person = func.coalesce(Item.responsible_person, "") + " " + func.coalesce(Item.contact_phone, "")
    item_contact = dict(session.execute(
        select(m.c.unit_id, func.min(person)).select_from(m).join(Item, Item.id == m.c.item_id)
        .where(m.c.first_at.is_(None)).group_by(m.c.unit_id)).all())
    accounts = dict(session.execute(
        select(User.unit_id, func.aggregate_strings(User.display_name + "(" + User.username + ")",
                                                    "、"))
        .where(User.unit_id.in_(unit_ids), User.role == Role.UNIT, User.is_active.is_(True))
        .group_by(User.unit_id)).all())
    units = dict(session.execute(select(Unit.id, Unit.contact).where(Unit.id.in_(unit_ids))).all())
    return {u: (units.get(u), (item_contact.get(u) or "").strip() or None, accounts.get(u))
            for u in unit_ids}


def reminders(session: Session, *, actor: Actor, round_id: int, today: date) -> list[Reminder]:
    """Units of an open round with items not yet reported, late ones first. Raises
    PermissionDenied (coordinator, admin, leader only), NotFound, RoundClosed."""
    require(actor, "dispatch.export")
    rnd = get_round(session, actor=actor, round_id=round_id)
    if not rnd.is_open:
        raise RoundClosed(say("err.dispatch_closed", when=rnd.closed_at.strftime("%Y-%m-%d %H:%M")))
    behind = [s for s in unit_status(session, actor=actor, rnd=rnd, today=today) if s.not_yet]
    contacts = _contacts(session, round_id, [s.unit_id for s in behind])
    return [Reminder(s.unit_id, s.name, s.items, s.not_yet, s.late, s.state, *contacts[s.unit_id])
            for s in behind]


# ------------------------------------------------------------------ the workbook

_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def _text(ws, value, *, bold: bool = False):
    """A cell that stays text (a value starting with "=" is never a formula)."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def _outstanding_items(session: Session, round_id: int, unit_ids: list[int]):
    """(unit, 编号, 问题描述, 到期日, state) of every item not yet reported, by unit and 编号."""
    m = members(round_id, DispatchItem.unit_id.in_(unit_ids))
    stmt = (select(Unit.name, Item.code, Item.description, Item.due_on, Item.status)
            .select_from(m).join(Item, Item.id == m.c.item_id).join(Unit, Unit.id == m.c.unit_id)
            .where(m.c.first_at.is_(None))
            .order_by(Unit.name, Item.code).execution_options(yield_per=ITEM_CHUNK))
    yield from session.execute(stmt)


def reminder_workbook(session: Session, *, actor: Actor, round_id: int, today: date,
                      lang: str = "zh") -> bytes:
    """The reminder list as .xlsx bytes (headers in `lang`): units, then their outstanding items.
    Raises PermissionDenied, NotFound, RoundClosed."""
    rows = reminders(session, actor=actor, round_id=round_id, today=today)
    rnd = get_round(session, actor=actor, round_id=round_id)
    tr = lambda key, **v: translate(key, lang, **v)  # noqa: E731
    wb = Workbook(write_only=True)
    units = wb.create_sheet(tr("dispatch.remind.sheet_units"))
    units.append([_text(units, tr("dispatch.remind.title", title=rnd.title,
                                  report_by=rnd.report_by.isoformat(), today=today.isoformat()),
                         bold=False)])
    heads = ("no", "unit", "items", "outstanding", "late", "state", "unit_contact", "item_contact",
             "accounts")
    units.append([_text(units, tr(f"dispatch.remind.col.{h}"), bold=True) for h in heads])
    for n, r in enumerate(rows, 1):
        units.append([n, _text(units, r.unit), r.items, r.outstanding, r.late,
                      _text(units, tr(f"dispatch.state.{r.state.value}")),
                      _text(units, r.unit_contact or ""), _text(units, r.item_contact or ""),
                      _text(units, r.accounts or "")])
    items = wb.create_sheet(tr("dispatch.remind.sheet_items"))
    item_heads = ("unit", "code", "description", "due_on", "status")
    items.append([_text(items, tr(f"dispatch.remind.col.{h}"), bold=True) for h in item_heads])
    for unit, code, description, due_on, status in _outstanding_items(
            session, round_id, [r.unit_id for r in rows]):
        items.append([_text(items, unit), _text(items, code), _text(items, description),
                      due_on, _text(items, label(status, lang=lang))])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
