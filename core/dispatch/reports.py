"""Units report on a 季调度 round: a progress report (core.ledger.items.report_progress) on each
item, linked to the round; several items in one go, all or none. Also what each unit still has
to report (for 我的待办) and its items in a round with their state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, exists, func, literal, select
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor
from core.dispatch.figures import late_condition, members
from core.dispatch.rounds import ENTITY, RoundClosed, get_round, refuse, require_audited
from core.domain import AuditOutcome, Role, Status
from core.errors import FieldProblem, NotFound, PermissionDenied, ValidationFailed
from core.ledger.items import REPORTABLE, report_progress
from core.messages import say, zh
from core.text_checks import has_control_characters
from db.models import DispatchItem, Item, ProgressReport, QuarterlyDispatch, Unit

TEXT_LIMIT = 4000


@dataclass(frozen=True)
class RoundEntry:
    """One item's report in a round: the item's version as the unit saw it, percent, text."""

    item_id: int
    expected_version: int
    percent: int
    text: str


@dataclass(frozen=True)
class RoundItem:
    item_id: int
    code: str
    description: str
    status: Status
    due_on: date | None
    percent: int             # the item's progress now
    version: int
    unit_id: int
    unit_name: str
    reported_at: datetime | None   # first report in the round (None: not yet)
    late: bool

    @property
    def reportable(self) -> bool:
        return self.status in REPORTABLE


@dataclass(frozen=True)
class PendingRound:
    """An open round seen from one unit (or, for the office, from every unit)."""

    round_id: int
    title: str
    year: int
    quarter: int
    report_by: date
    items: int
    reported: int

    @property
    def outstanding(self) -> int:
        return self.items - self.reported

    def days_left(self, today: date) -> int:
        return (self.report_by - today).days


# ------------------------------------------------------------------ reading

def unit_items(session: Session, *, actor: Actor, round_id: int, today: date,
               unit_id: int | None = None, outstanding_only: bool = False,
               limit: int = 200, offset: int = 0) -> tuple[int, list[RoundItem]]:
    """(total, a page of) the round's items of one unit — a unit account: always its own — with
    their state in the round, not-yet-reported first, then by 编号. Raises PermissionDenied,
    NotFound."""
    rnd = get_round(session, actor=actor, round_id=round_id)
    if actor.role is Role.UNIT:
        unit_id = actor.unit_id
    m = members(rnd.id, *((DispatchItem.unit_id == unit_id,) if unit_id is not None else ()))
    stmt = (select(Item.id, Item.code, Item.description, Item.status, Item.due_on,
                   Item.progress_percent, Item.version, m.c.unit_id, Unit.name, m.c.first_at,
                   case((late_condition(m.c.first_at, rnd.report_by, today), True), else_=False),
                   func.count().over())
            .select_from(m).join(Item, Item.id == m.c.item_id).join(Unit, Unit.id == m.c.unit_id))
    if outstanding_only:
        stmt = stmt.where(m.c.first_at.is_(None))
    rows = session.execute(stmt.order_by(m.c.first_at.is_not(None), Item.code)
                           .limit(limit).offset(offset)).all()
    total = int(rows[0][-1]) if rows else 0
    return total, [RoundItem(r[0], r[1], r[2], Status(r[3]), r[4], r[5], r[6], r[7], r[8], r[9],
                             bool(r[10])) for r in rows]


def rounds_to_report(session: Session, *, actor: Actor) -> list[PendingRound]:
    """Open rounds, soonest report-by first, with the items asked and reported: a unit account's
    own (one index probe per item of its part), or every unit's for the office (the stored count
    of items, and the reported ones counted on the reports' index, never item by item)."""
    if actor.role is Role.UNIT:
        reported = exists().where(ProgressReport.dispatch_round_id == DispatchItem.round_id,
                                  ProgressReport.item_id == DispatchItem.item_id)
        counts = (select(DispatchItem.round_id.label("round_id"), func.count().label("asked"),
                         func.coalesce(func.sum(case((reported, 1), else_=0)), 0).label("reported"))
                  .where(DispatchItem.unit_id == actor.unit_id).group_by(DispatchItem.round_id))
    else:
        counts = (select(ProgressReport.dispatch_round_id.label("round_id"),
                         literal(0).label("asked"),
                         func.count(ProgressReport.item_id.distinct()).label("reported"))
                  .where(ProgressReport.dispatch_round_id.is_not(None))
                  .group_by(ProgressReport.dispatch_round_id))
    counts = counts.where(counts.selected_columns.round_id.in_(_open_round_ids())).subquery()
    items = counts.c.asked if actor.role is Role.UNIT else QuarterlyDispatch.item_count
    stmt = (select(QuarterlyDispatch.id, QuarterlyDispatch.title, QuarterlyDispatch.year,
                   QuarterlyDispatch.quarter, QuarterlyDispatch.report_by, items,
                   func.coalesce(counts.c.reported, 0))
            .outerjoin(counts, counts.c.round_id == QuarterlyDispatch.id)
            .where(QuarterlyDispatch.id.in_(_open_round_ids()))
            .order_by(QuarterlyDispatch.report_by, QuarterlyDispatch.id))
    if actor.role is Role.UNIT:
        stmt = stmt.where(counts.c.round_id.is_not(None))
    return [PendingRound(*row[:5], int(row[5]), int(row[6])) for row in session.execute(stmt)]


def _open_round_ids():
    return (select(QuarterlyDispatch.id)
            .where(QuarterlyDispatch.closed_at.is_(None), QuarterlyDispatch.quarter.between(1, 4)))


# ------------------------------------------------------------------ reporting

def _entry_problems(entry, code: str) -> list[FieldProblem]:
    problems = []
    percent = getattr(entry, "percent", None)
    if not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100:
        problems.append(FieldProblem(None, f"{code} {zh('item.field.percent')}",
                                     say("err.out_of_range", low=0, high=100)))
    text = getattr(entry, "text", None)
    if not isinstance(text, str) or not text.strip():
        problems.append(FieldProblem(None, f"{code} {zh('dispatch.field.text')}", say("err.required")))
    elif has_control_characters(text):
        problems.append(FieldProblem(None, f"{code} {zh('dispatch.field.text')}",
                                     say("err.control_characters")))
    elif len(text.strip()) > TEXT_LIMIT:
        problems.append(FieldProblem(None, f"{code} {zh('dispatch.field.text')}",
                                     say("err.too_long", n=TEXT_LIMIT)))
    return problems


def _members(session: Session, round_id: int, item_ids: list[int]) -> dict[int, tuple[int, str]]:
    """item id → (reporting unit, 编号) for those of `item_ids` the round covers."""
    rows = session.execute(select(DispatchItem.item_id, DispatchItem.unit_id, Item.code)
                           .join(Item, Item.id == DispatchItem.item_id)
                           .where(DispatchItem.round_id == round_id,
                                  DispatchItem.item_id.in_(item_ids)))
    return {item_id: (unit_id, code) for item_id, unit_id, code in rows}


def _check_entries(session: Session, actor: Actor, round_id: int, entries, reported_on,
                   attempted: dict) -> dict[int, tuple[int, str]]:
    """The entries' round membership; raises ValidationFailed (no entry, an item twice or not in
    the round, a bad percent, text or date) or PermissionDenied (another unit's item, audited)."""
    if not entries:
        raise ValidationFailed([FieldProblem(None, zh("dispatch.field.entries"), say("err.required"))])
    ids = [getattr(e, "item_id", None) for e in entries]
    known = [i for i in ids if isinstance(i, int)]
    members = _members(session, round_id, known)
    codes = dict(session.execute(select(Item.id, Item.code).where(Item.id.in_(known))).all())
    problems: list[FieldProblem] = []
    if not isinstance(reported_on, date) or isinstance(reported_on, datetime):
        problems.append(FieldProblem(None, zh("item.field.reported_on"), say("err.not_date")))
    elif reported_on > date.today():
        problems.append(FieldProblem(None, zh("item.field.reported_on"), say("err.future")))
    for position, (entry, item_id) in enumerate(zip(entries, ids, strict=True)):
        code = codes.get(item_id, str(item_id))
        if item_id not in members:
            problems.append(FieldProblem(None, code, say("err.dispatch_not_member")))
        elif item_id in ids[:position]:
            problems.append(FieldProblem(None, code, say("err.dispatch_twice")))
        problems.extend(_entry_problems(entry, code))
    if problems:
        raise ValidationFailed(problems)
    others = [code for unit_id, code in members.values()
              if actor.role is Role.UNIT and unit_id != actor.unit_id]
    if others:
        message = f"{actor.username} may not report for another unit in round {round_id}: {others}"
        refuse(session, actor, "dispatch.report", round_id, AuditOutcome.REFUSED_PERMISSION,
               message, attempted)
        raise PermissionDenied(message)
    return members


def report_round(session: Session, *, actor: Actor, round_id: int, entries: Sequence[RoundEntry],
                 reported_on: date) -> list[ProgressReport]:
    """Report progress on several of the round's items at once (a unit on its own items in the
    round; a coordinator or admin on any): one progress report per entry, linked to the round.
    Everything is checked first and every problem named by the item's 编号; a write refused
    part-way (StaleEdit, TransitionNotAllowed) raises, and the caller's transaction must roll
    back so that none is kept. Raises PermissionDenied, NotFound, RoundClosed, ValidationFailed,
    StaleEdit, TransitionNotAllowed."""
    attempted = {"items": [getattr(e, "item_id", None) for e in entries or ()],
                 "reported_on": reported_on}
    require_audited(session, actor, "dispatch.report", "dispatch.report", round_id, attempted)
    row = session.get(QuarterlyDispatch, round_id, populate_existing=True)
    if row is None:
        raise NotFound(say("err.dispatch_no_round", id=round_id))
    if row.closed_at is not None:
        message = say("err.dispatch_closed", when=row.closed_at.strftime("%Y-%m-%d %H:%M"))
        refuse(session, actor, "dispatch.report", round_id, AuditOutcome.REFUSED_INVALID, message,
               attempted)
        raise RoundClosed(message)
    members = _check_entries(session, actor, round_id, list(entries), reported_on, attempted)
    reports = []
    for entry in entries:
        report = report_progress(session, actor=actor, item_id=entry.item_id,
                                 expected_version=entry.expected_version, reported_on=reported_on,
                                 percent=entry.percent, text=entry.text.strip())
        report.dispatch_round_id = round_id
        reports.append(report)
    session.flush()
    audit.record(session, actor=actor, action="dispatch.report", entity=ENTITY, entity_id=round_id,
                 after={"items": [members[e.item_id][1] for e in entries],
                        "reported_on": reported_on.isoformat()})
    return reports

