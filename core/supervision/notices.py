"""督办 notices (docs/domain.md, Supervision): issued over one or more items, answered by each
addressed unit, escalated and lifted by the office.

- Issuing (coordinator/admin): level 一般/重点/挂牌督办, number (督办文号, unique), date (not after
  today), required response date (not before the issue date), content, and open, assigned items.
  The units holding the items now are addressed, one empty response each. Each item's 督办级别
  becomes the notice's level unless it is already higher (an item never supervised has none).
- Responding (a unit user, for its own unit only): text and files, once; the day it is recorded
  is the response day. A response is late when given after the due date; an unanswered one is
  late once the due date has passed while the notice is in force (not lifted).
- Escalating (coordinator/admin): a higher level only, with a reason and optionally a new due
  date; recorded (NoticeEscalation), and the items' levels follow.
- Lifting (解除督办, coordinator/admin): ends the notice; nothing is late or awaited any more.
Every write checks permission, the version the user saw, the input and the state, and is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor
from core.domain import AuditOutcome, Status, SupervisionLevel
from core.errors import FieldProblem, PermissionDenied, ValidationFailed
from core.ledger.evidence import (
    EvidenceStore,
    Owner,
    check_files_into,
    save_attachments,
)
from core.ledger.item_form import check_date, check_text
from core.messages import say, zh
from core.supervision.guard import check_version, flush, load, permit, refuse, refuse_state
from db.models import (
    Item,
    NoticeEscalation,
    NoticeResponse,
    SupervisionNotice,
    SupervisionNoticeItem,
)

RANK = {SupervisionLevel.NORMAL: 1, SupervisionLevel.KEY: 2, SupervisionLevel.LISTED: 3}
SUPERVISABLE = (Status.ASSIGNED, Status.IN_PROGRESS, Status.SUBMITTED, Status.NOTICE)
MAX_ITEMS = 500


def higher(a: SupervisionLevel | None, b: SupervisionLevel | None) -> SupervisionLevel | None:
    """The higher of two levels (None: never supervised, below 一般)."""
    return max((v for v in (a, b) if v is not None), key=lambda v: RANK[v], default=None)


# ---------------------------------------------------------------- lateness, in SQL

def in_force():
    return SupervisionNotice.lifted_on.is_(None)


def awaiting(unit_id: int | None):
    """Responses this unit still owes, on notices in force (join NoticeResponse→SupervisionNotice)."""
    mine = NoticeResponse.unit_id == unit_id if unit_id is not None else NoticeResponse.id.is_(None)
    return and_(mine, NoticeResponse.responded_on.is_(None), in_force())


def unanswered_late(today: date):
    """Responses still owed after the due date on notices in force."""
    return and_(NoticeResponse.responded_on.is_(None), in_force(), SupervisionNotice.due_on < today)


def late_response(today: date):
    """A response given after the due date, or still owed after it while the notice is in force."""
    answered_late = and_(NoticeResponse.responded_on.is_not(None),
                         NoticeResponse.responded_on > SupervisionNotice.due_on)
    return or_(answered_late, unanswered_late(today))


# ---------------------------------------------------------------- issuing

def _items_problems(session: Session, item_ids: Sequence[int]) -> tuple[list[Item], list[FieldProblem]]:
    column = zh("notice.field.items")
    ids = list(dict.fromkeys(item_ids or ()))
    if not ids:
        return [], [FieldProblem(None, column, say("err.required"))]
    if len(ids) > MAX_ITEMS or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return [], [FieldProblem(None, column, say("err.unknown_value", value=len(ids)))]
    found = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(ids)))}
    problems = [FieldProblem(None, column, say("err.no_such", value=i)) for i in ids if i not in found]
    for item in found.values():
        if item.status not in SUPERVISABLE:
            problems.append(FieldProblem(None, item.code, say("err.notice_item_state", state=item.status)))
        elif (item.holder_unit_id or item.lead_unit_id) is None:
            problems.append(FieldProblem(None, item.code, say("err.notice_no_unit")))
    return [found[i] for i in ids if i in found], problems


def _issue_form(session: Session, level, doc_no, issued_on, due_on, content,
                problems: list[FieldProblem]) -> dict:
    values = {"doc_no": check_text(problems, "notice.field.doc_no", doc_no, limit=60),
              "issued_on": check_date(problems, "notice.field.issued_on", issued_on),
              "due_on": check_date(problems, "notice.field.due_on", due_on, not_future=False),
              "requirements": check_text(problems, "notice.field.content", content)}
    try:
        values["level"] = SupervisionLevel(level)
    except ValueError:
        problems.append(FieldProblem(None, zh("notice.field.level"), say("err.unknown_value", value=level)))
    if values["issued_on"] and values["due_on"] and values["due_on"] < values["issued_on"]:
        problems.append(FieldProblem(None, zh("notice.field.due_on"),
                                     say("err.before", other=("发文日期", "the issue date"))))
    if values["doc_no"] and session.scalar(select(SupervisionNotice.id).where(
            func.replace(SupervisionNotice.doc_no, " ", "") == values["doc_no"].replace(" ", ""))):
        problems.append(FieldProblem(None, zh("notice.field.doc_no"),
                                     say("err.taken", value=values["doc_no"])))
    return values


def _raise_levels(session: Session, actor: Actor, items: list[Item], level: SupervisionLevel,
                  notice_id: int) -> None:
    """Each item's 督办级别 up to `level` (never down); each change audited on the item."""
    for item in items:
        new = higher(item.supervision_level, level)
        if new == item.supervision_level:
            continue
        before = {"supervision_level": audit.plain(item.supervision_level)}
        item.supervision_level = new
        flush(session, "item", item.id)
        audit.record(session, actor=actor, action="item.supervise", entity="item", entity_id=item.id,
                     before=before, after={"supervision_level": new.value, "version": item.version},
                     detail=f"notice {notice_id}")


def issue_notice(session: Session, *, actor: Actor, item_ids: Sequence[int], level, doc_no: str,
                 issued_on: date, due_on: date, content: str) -> SupervisionNotice:
    """Issue a notice over these items (see the module docstring), addressing the units that hold
    them. Raises PermissionDenied, ValidationFailed (naming each bad field or item by its 编号)."""
    attempted = {"item_ids": list(item_ids or ()), "level": str(level), "doc_no": doc_no}
    permit(session, actor, "notice.issue", "notice", None, attempted)
    items, problems = _items_problems(session, item_ids)
    values = _issue_form(session, level, doc_no, issued_on, due_on, content, problems)
    if problems:
        raise ValidationFailed(problems)
    notice = SupervisionNotice(**values, issued_by=actor.id)
    session.add(notice)
    session.flush()
    units = sorted({i.holder_unit_id or i.lead_unit_id for i in items})
    session.add_all([SupervisionNoticeItem(notice_id=notice.id, item_id=i.id) for i in items]
                    + [NoticeResponse(notice_id=notice.id, unit_id=u) for u in units])
    session.flush()
    _raise_levels(session, actor, items, notice.level, notice.id)
    audit.record(session, actor=actor, action="notice.issue", entity="notice", entity_id=notice.id,
                 after={**audit.snapshot(notice), "items": [i.id for i in items], "units": units})
    return notice


# ---------------------------------------------------------------- responding

def respond_to_notice(session: Session, *, actor: Actor, notice_id: int, expected_version: int,
                      text: str, attachments: Sequence[tuple[str, bytes]] = (),
                      store: EvidenceStore | None = None) -> NoticeResponse:
    """The actor's unit answers the notice (text, files checked before anything is written);
    `expected_version` is the version of the unit's response row the page showed. Raises
    PermissionDenied (not a unit user, or the notice is not addressed to the actor's unit),
    StaleEdit, StateRefused (already answered, or lifted), ValidationFailed, EvidenceError."""
    action, attempted = "notice.respond", {"notice_id": notice_id, "text": text}
    permit(session, actor, action, "notice", notice_id, attempted)
    problems: list[FieldProblem] = []
    text = check_text(problems, "notice.field.response", text)
    files = check_files_into(problems, attachments, store=store)
    if problems:
        raise ValidationFailed(problems)
    response = _own_response(session, actor, notice_id, attempted)
    check_version(session, actor, action, "notice_response", response, expected_version, attempted)
    notice = load(session, SupervisionNotice, notice_id, "notice")
    message = (say("err.notice_lifted", day=notice.lifted_on.isoformat()) if notice.lifted_on
               else say("err.notice_answered", day=response.responded_on.isoformat())
               if response.responded_on else None)
    if message:
        raise refuse_state(session, actor, action, "notice_response", response.id, message, attempted)
    now = datetime.now()
    response.text, response.responded_on, response.responded_at = text, now.date(), now
    response.responded_by = actor.id
    flush(session, "notice_response", response.id)
    saved = save_attachments(session, actor=actor, files=files, store=store, at=now,
                             owner=Owner("notice_response", response.id),
                             purpose="notice_response") if files else []
    audit.record(session, actor=actor, action=action, entity="notice_response", entity_id=response.id,
                 before={"text": None}, after={"text": text, "responded_on": now.date().isoformat(),
                                               "version": response.version, "notice_id": notice_id,
                                               "files": [[a.filename, a.sha256] for a in saved]})
    return response


def _own_response(session: Session, actor: Actor, notice_id: int, attempted: dict) -> NoticeResponse:
    response = session.scalar(select(NoticeResponse).where(
        NoticeResponse.notice_id == notice_id, NoticeResponse.unit_id == actor.unit_id)
        .execution_options(populate_existing=True)) if actor.unit_id is not None else None
    if response is None:
        detail = f"{actor.username} may not answer notice {notice_id}: not addressed to their unit"
        refuse(session, actor, "notice.respond", "notice", notice_id,
               AuditOutcome.REFUSED_PERMISSION, detail, attempted)
        raise PermissionDenied(detail)
    return response


# ---------------------------------------------------------------- escalating and lifting

def _guarded_notice(session: Session, actor: Actor, action: str, notice_id: int, expected_version: int,
                    attempted: dict) -> SupervisionNotice:
    permit(session, actor, action, "notice", notice_id, attempted)
    notice = load(session, SupervisionNotice, notice_id, "notice")
    check_version(session, actor, action, "notice", notice, expected_version, attempted)
    if notice.lifted_on:
        raise refuse_state(session, actor, action, "notice", notice.id,
                           say("err.notice_lifted", day=notice.lifted_on.isoformat()), attempted)
    return notice


def _escalation_form(level, reason, due_on, current: SupervisionLevel, issued_on: date) -> tuple:
    problems: list[FieldProblem] = []
    reason = check_text(problems, "notice.field.reason", reason)
    due = check_date(problems, "notice.field.new_due_on", due_on, not_future=False) \
        if due_on not in (None, "") else None
    try:
        level = SupervisionLevel(level)
        if RANK[level] <= RANK[current]:
            problems.append(FieldProblem(None, zh("notice.field.level"),
                                         say("err.not_higher", level=current)))
    except ValueError:
        problems.append(FieldProblem(None, zh("notice.field.level"), say("err.unknown_value", value=level)))
    if due and due < issued_on:
        problems.append(FieldProblem(None, zh("notice.field.new_due_on"),
                                     say("err.before", other=("发文日期", "the issue date"))))
    if problems:
        raise ValidationFailed(problems)
    return level, reason, due


def escalate_notice(session: Session, *, actor: Actor, notice_id: int, expected_version: int, level,
                    reason: str, due_on: date | None = None) -> SupervisionNotice:
    """Raise the notice to a higher level (一般 → 重点 → 挂牌督办) with a reason and, optionally, a new
    response due date; the escalation is recorded and the items' levels follow. Raises
    PermissionDenied, StaleEdit, StateRefused (lifted), ValidationFailed (not higher, no reason)."""
    action = "notice.escalate"
    attempted = {"level": str(level), "reason": reason, "due_on": due_on}
    notice = _guarded_notice(session, actor, action, notice_id, expected_version, attempted)
    level, reason, due = _escalation_form(level, reason, due_on, SupervisionLevel(notice.level),
                                          notice.issued_on)
    tracked = ["level", "due_on"] if due and due != notice.due_on else ["level"]
    before = audit.snapshot(notice, tracked)
    session.add(NoticeEscalation(notice_id=notice.id, from_level=notice.level, to_level=level,
                                 old_due_on=notice.due_on, new_due_on=due or notice.due_on,
                                 reason=reason, actor_id=actor.id, at=datetime.now()))
    notice.level, notice.due_on = level, due or notice.due_on
    flush(session, "notice", notice.id)
    items = list(session.scalars(select(Item).join(SupervisionNoticeItem,
                                                   SupervisionNoticeItem.item_id == Item.id)
                                 .where(SupervisionNoticeItem.notice_id == notice.id)))
    _raise_levels(session, actor, items, level, notice.id)
    audit.record(session, actor=actor, action=action, entity="notice", entity_id=notice.id,
                 before=before, after={**audit.snapshot(notice, tracked),
                                       "version": notice.version, "reason": reason})
    return notice


def lift_notice(session: Session, *, actor: Actor, notice_id: int, expected_version: int,
                lifted_on: date) -> SupervisionNotice:
    """解除督办: the notice ends on `lifted_on` (not after today, not before it was issued); the
    items keep their 督办级别. Raises PermissionDenied, StaleEdit, StateRefused (already lifted),
    ValidationFailed."""
    action, attempted = "notice.lift", {"lifted_on": lifted_on}
    notice = _guarded_notice(session, actor, action, notice_id, expected_version, attempted)
    problems: list[FieldProblem] = []
    day = check_date(problems, "notice.field.lifted_on", lifted_on)
    if day and day < notice.issued_on:
        problems.append(FieldProblem(None, zh("notice.field.lifted_on"),
                                     say("err.before", other=("发文日期", "the issue date"))))
    if problems:
        raise ValidationFailed(problems)
    notice.lifted_on = day
    flush(session, "notice", notice.id)
    audit.record(session, actor=actor, action=action, entity="notice", entity_id=notice.id,
                 before={"lifted_on": None},
                 after={"lifted_on": day.isoformat(), "version": notice.version})
    return notice
