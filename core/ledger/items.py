"""Writes to ledger items: permission checked, audited, and refused when stale.

The caller passes `expected_version`, the version the user *saw*. A mismatch is refused with
the changes made since (from the audit trail); SQLAlchemy's version_id_col also guards the
moment between our check and the UPDATE.

Audited refusals: permission (PermissionDenied), a stale version (StaleEdit) and a move the
item's state does not allow (TransitionNotAllowed). Malformed input (ValidationFailed) is
refused before anything is read and is not audited: it is a form to correct, not an attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.access import audit
from core.access.permissions import Actor, require, require_item
from core.codes import next_free_code
from core.domain import AuditOutcome, Category, Stage, Status, SupervisionLevel
from core.errors import FieldProblem, LedgerError, NotFound, PermissionDenied, StaleEdit, ValidationFailed
from core.ledger import item_form
from core.ledger.deadlines import DeadlineError, parse_deadline
from core.ledger.evidence import EvidenceStore, check_files_into, save_attachments
from core.messages import enum_list, field_label, say, zh
from core.text_checks import has_control_characters
from db.models import Item, ItemUnit, ProgressReport, Transition


class TransitionNotAllowed(LedgerError):
    """The item's state does not allow this move (e.g. closing an item not in 公示中)."""


# Fields a coordinator may edit directly (lifecycle fields move only through transitions).
# "deadline" is the 整改时限 as written; it sets deadline_text, due_on and is_ongoing together.
EDITABLE: dict[str, type | None] = {
    "description": str, "township": str, "target": str, "measures": str,
    "responsible_leader": str, "responsible_person": str, "contact_phone": str,
    "delay_reason": str, "plan_url": str, "category": Category,
    "supervision_level": SupervisionLevel, "stage": Stage, "plan_published_on": date,
    "deadline": None,
}
# Progress may be reported while the work goes on and while it is being verified.
REPORTABLE = (Status.ASSIGNED, Status.IN_PROGRESS, Status.SUBMITTED, Status.NOTICE)


def get_item(session: Session, item_id: int) -> Item:
    """The item with this id; raises NotFound."""
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound(f"整改任务不存在 / item {item_id} does not exist")
    return item


def changes_since(session: Session, item_id: int, version: int) -> dict[str, tuple]:
    """Field → (value the user saw, value now) for audited item writes after `version`."""
    return audit.changes_since(session, entity="item", entity_id=item_id, version=version)


def guard_item(session: Session, actor: Actor, action: str, item_id: int, expected_version: int,
               attempted: dict, *, audit_action: str | None = None) -> Item:
    """Load the item for a write, or audit the refusal and raise PermissionDenied, NotFound or
    StaleEdit (the item's version is not the one the user saw). `action` is the RULES key;
    refusals are audited under `audit_action` (default: the same)."""
    rule, action = action, audit_action or action
    try:
        require_item(session, actor, rule, item_id)
        # Re-read the row: a long-lived session may hold an older copy of it.
        item = session.get(Item, item_id, populate_existing=True) or get_item(session, item_id)
    except PermissionDenied as exc:
        audit.record_refusal(session, actor=actor, action=action, entity="item", entity_id=item_id,
                             outcome=AuditOutcome.REFUSED_PERMISSION, detail=str(exc),
                             attempted=attempted)
        raise
    if item.version != expected_version:
        changes = changes_since(session, item_id, expected_version)
        detail = f"saw version {expected_version}, current is {item.version}"
        audit.record_refusal(session, actor=actor, action=action, entity="item", entity_id=item_id,
                             outcome=AuditOutcome.REFUSED_STALE, detail=detail, attempted=attempted)
        raise StaleEdit(f"该任务已被他人修改，未保存 / the item changed since you opened it "
                        f"({detail})", changes)
    return item


def refuse_state(session: Session, actor: Actor, action: str, item_id: int, message: str,
                 attempted: dict) -> TransitionNotAllowed:
    """Audit a move the item's state does not allow; returns the error for the caller to raise."""
    audit.record_refusal(session, actor=actor, action=action, entity="item", entity_id=item_id,
                         outcome=AuditOutcome.REFUSED_INVALID, detail=message, attempted=attempted)
    return TransitionNotAllowed(message)


def flush_item(session: Session, item: Item) -> None:
    """Flush; raises StaleEdit if someone committed between our check and the UPDATE. (The id is
    read before: after a failed flush the session refuses every load until rolled back, so
    reading `item.id` then raised PendingRollbackError instead; soak/load.py found it.)"""
    item_id = item.id
    try:
        session.flush()
    except StaleDataError as exc:
        raise StaleEdit(f"该任务在保存时被他人修改 / item {item_id} changed while saving") from exc


# Editable fields the ledger cannot do without (NOT NULL in the schema): refused when emptied.
NOT_EMPTY = frozenset({"description", "category", "stage"})


def _check_edit(changes: dict) -> dict:
    """The edit with values converted (deadline parsed); raises ValidationFailed."""
    problems = [FieldProblem(None, k, say("err.unknown_field")) for k in changes if k not in EDITABLE]
    out = {}
    for key, value in changes.items():
        kind = EDITABLE.get(key)
        try:
            if key == "deadline":
                out["deadline"] = parse_deadline(value)
            elif kind is date and value is not None and not isinstance(value, date):
                problems.append(FieldProblem(None, key, say("err.not_date")))
            elif key in NOT_EMPTY and (value is None or not str(value).strip()):
                problems.append(FieldProblem(None, zh(f"item.field.{key}"), say("err.required")))
            elif isinstance(value, str) and has_control_characters(value):
                problems.append(FieldProblem(None, key, say("err.control_characters")))
            elif kind not in (None, str, date) and value is not None:
                out[key] = kind(value)
            else:
                out[key] = value
        except (ValueError, DeadlineError) as exc:
            message = str(exc) if isinstance(exc, DeadlineError) else say("err.unknown_value", value=value)
            problems.append(FieldProblem(None, key, message))
    if problems:
        raise ValidationFailed(problems)
    return out


def _apply_deadline(item: Item, deadline) -> list[str]:
    """Set the 整改时限 fields; the original due date follows only while nothing was extended."""
    due = deadline.due_on
    if deadline.immediate and due is None:
        due = item.assigned_on  # 立行立改: due the day it was assigned
    item.deadline_text, item.due_on, item.is_ongoing = deadline.text, due, deadline.ongoing
    if not item.extension_count:
        item.original_due_on = due
    return ["deadline_text", "due_on", "is_ongoing", "original_due_on"]


def update_item(session: Session, *, actor: Actor, item_id: int, expected_version: int,
                changes: dict) -> Item:
    """Edit plain fields of an item (coordinator/admin); raises PermissionDenied, StaleEdit,
    ValidationFailed (unknown field or bad value, column = the field key). Returns the item at
    its new version. A new "deadline" is the corrected wording, not a 延期 (see core.ledger.extensions)."""
    values = _check_edit(changes)
    item = guard_item(session, actor, "item.edit", item_id, expected_version,
                      audit.snapshot_values({k: str(v) for k, v in changes.items()}))
    deadline = values.pop("deadline", None)
    columns = list(values) + (["deadline_text", "due_on", "is_ongoing", "original_due_on"]
                              if deadline else [])
    before = audit.snapshot(item, columns)
    for key, value in values.items():
        setattr(item, key, value)
    if deadline:
        _apply_deadline(item, deadline)
    flush_item(session, item)
    after = {**audit.snapshot(item, columns), "version": item.version}
    audit.record(session, actor=actor, action="item.edit", entity="item", entity_id=item.id,
                 before=before, after=after)
    return item


def _progress_problems(reported_on: date, percent: int, text: str) -> list[FieldProblem]:
    problems = []
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        problems.append(FieldProblem(None, zh("item.field.percent"),
                                     say("err.out_of_range", low=0, high=100)))
    if not text or not text.strip():
        problems.append(FieldProblem(None, zh("item.field.text"), say("err.required")))
    elif has_control_characters(text):
        problems.append(FieldProblem(None, zh("item.field.text"), say("err.control_characters")))
    if not isinstance(reported_on, date):
        problems.append(FieldProblem(None, zh("item.field.reported_on"), say("err.not_date")))
    elif reported_on > date.today():
        problems.append(FieldProblem(None, zh("item.field.reported_on"), say("err.future")))
    return problems


def report_progress(session: Session, *, actor: Actor, item_id: int, expected_version: int,
                    reported_on: date, percent: int, text: str,
                    attachments: Sequence[tuple[str, bytes]] = (),
                    store: EvidenceStore | None = None) -> ProgressReport:
    """Append a progress report, with evidence files (filename, bytes), by a unit on its own
    items or a coordinator; the first report moves an assigned item to 整改中. Every file is
    checked before anything is written: one bad file and nothing is saved. Raises
    PermissionDenied, StaleEdit, TransitionNotAllowed (draft or closed item), ValidationFailed
    (percent outside 0..100, empty text, date in the future, a bad file), EvidenceError."""
    problems = _progress_problems(reported_on, percent, text)
    files = check_files_into(problems, attachments, store=store)
    if problems:
        raise ValidationFailed(problems)
    attempted = {"percent": percent, "text": text, "reported_on": reported_on.isoformat(),
                 "files": [f.filename for f in files]}
    action = "item.report_progress"
    item = guard_item(session, actor, action, item_id, expected_version, attempted)
    if item.status not in REPORTABLE:
        raise refuse_state(session, actor, action, item.id, say(
            "err.move_state", move=field_label("move.report_progress"), state=item.status,
            allowed=enum_list(REPORTABLE)), attempted)
    fields = ["latest_progress", "latest_progress_on", "progress_percent", "status"]
    before = audit.snapshot(item, fields)
    report = ProgressReport(item_id=item.id, reported_on=reported_on, percent=percent, text=text,
                            reporter_id=actor.id, unit_id=actor.unit_id, created_at=datetime.now())
    session.add(report)
    item.latest_progress, item.latest_progress_on, item.progress_percent = text, reported_on, percent
    if item.status == Status.ASSIGNED:  # the first report starts the rectification
        item.status = Status.IN_PROGRESS
        session.add(Transition(item_id=item.id, from_status=Status.ASSIGNED,
                               to_status=Status.IN_PROGRESS, actor_id=actor.id,
                               at=datetime.now(), reason="首次报送整改进展"))
    flush_item(session, item)
    saved = save_attachments(session, actor=actor, item_id=item.id, files=files, store=store,
                             progress_report_id=report.id) if files else []
    audit.record(session, actor=actor, action=action, entity="item", entity_id=item.id,
                 before=before, after={**audit.snapshot(item, fields), "version": item.version,
                                       "attachments": [[a.filename, a.sha256] for a in saved]})
    return report


# ------------------------------------------------------------------ new items

def _next_code(session: Session, today: date) -> str:
    """ZG<year>-<n>: the next free number of the year (a race is refused by the unique index)."""
    return next_free_code(session, Item.code, f"ZG{today.year}-", 5)


def _next_seq(session: Session, inspection_id: int) -> int:
    return (session.scalar(select(func.max(Item.seq)).where(Item.inspection_id == inspection_id))
            or 0) + 1


def _unit_rows(item_id: int, form: dict) -> list[ItemUnit]:
    roles = {(form["lead_unit_id"], "lead")}
    roles |= {(u, "resp") for u in form["responsible_unit_ids"]}
    roles |= {(u, "coop") for u in form["cooperating_unit_ids"]}
    return [ItemUnit(item_id=item_id, unit_id=u, role=r) for u, r in sorted(roles)]


def create_item(session: Session, *, actor: Actor, values: dict) -> Item:
    """A new item in 待交办 (coordinator/admin) from the new-item form's values (keys as in
    `core.ledger.item_form.FIELDS`); generates 编号 (ZG<year>-<n>) and 序号 when not given, parses the
    整改时限, copies the inspection's kind and level, links lead/responsible/cooperating units.
    Raises PermissionDenied, ValidationFailed naming each bad field by its Chinese label."""
    try:
        require(actor, "item.create")
    except PermissionDenied as exc:
        audit.record_refusal(session, actor=actor, action="item.create", entity="item",
                             entity_id=None, outcome=AuditOutcome.REFUSED_PERMISSION,
                             detail=str(exc), attempted=audit.snapshot_values(
                                 {k: str(v) for k, v in values.items()}))
        raise
    form = item_form.validate(session, values)
    today = date.today()
    item = Item(**item_form.item_columns(session, form), status=Status.DRAFT, created_at=datetime.now(),
                code=form["code"] or _next_code(session, today),
                seq=form["seq"] or _next_seq(session, form["inspection_id"]))
    session.add(item)
    try:
        session.flush()
    except IntegrityError as exc:  # a colleague took the same 编号/序号 a moment ago
        raise ValidationFailed([FieldProblem(None, zh("item.field.code"),
                                             say("err.taken", value=item.code))]) from exc
    units = _unit_rows(item.id, form)
    session.add_all(units)
    session.add(Transition(item_id=item.id, from_status=None, to_status=Status.DRAFT,
                           actor_id=actor.id, at=datetime.now(), reason=None))
    session.flush()
    after = {**audit.snapshot(item), "units": [[u.unit_id, u.role] for u in units]}
    audit.record(session, actor=actor, action="item.create", entity="item", entity_id=item.id,
                 after=after)
    return item
