"""延期 (extensions): a unit asks with a reason and a later due date; a coordinator decides.

Approval moves the item's due date, counts the extension (extension_count + 1; two or more make
the item 久拖不决) and keeps `original_due_on`, the due date before any extension. One request
may be pending per item; 长期坚持 items have no due date to extend. Both the request's version
and the item's are checked when deciding, so a decision is never taken on a stale screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from core.access import audit
from core.access.permissions import Actor, require_item
from core.domain import AuditOutcome, ExtensionStatus, Status
from core.errors import FieldProblem, NotFound, StaleEdit, ValidationFailed
from core.ledger.item_form import check_date, check_text
from core.ledger.items import guard_item, refuse_state
from core.messages import field_label, say, zh
from db.models import Extension, Item, User

EXTENDABLE = (Status.ASSIGNED, Status.IN_PROGRESS)
EXTENSION_FIELDS = ["status", "decided_by", "decided_at", "decision_note"]
ITEM_FIELDS = ["due_on", "original_due_on", "extension_count"]


@dataclass(frozen=True)
class ExtensionInfo:
    id: int
    item_id: int
    requested_by: str | None
    requested_at: datetime
    reason: str
    old_due_on: date | None
    new_due_on: date
    status: ExtensionStatus
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    version: int


def _later_than_due(item: Item, new_due_on: date) -> None:
    if item.due_on is not None and new_due_on <= item.due_on:
        raise ValidationFailed([FieldProblem(None, zh("extension.field.new_due_on"), say(
            "err.not_after", other=field_label("item.field.deadline"),
            value=item.due_on.isoformat()))])


def _extension_refusal(session: Session, item: Item, *, new_request: bool) -> str | None:
    if item.is_ongoing:
        return say("err.ongoing_extension")
    if item.status not in EXTENDABLE:
        return say("err.extension_state", state=item.status)
    if not new_request:
        return None
    pending = session.scalar(select(Extension.requested_at).where(
        Extension.item_id == item.id, Extension.status == ExtensionStatus.PENDING))
    return say("err.extension_pending", when=f"{pending:%Y-%m-%d}") if pending else None


def request_extension(session: Session, *, actor: Actor, item_id: int, expected_version: int,
                      new_due_on: date, reason: str) -> Extension:
    """A unit asks for 延期 on its own assigned/in-progress item: reason required, new due date
    after the current one. Raises PermissionDenied, StaleEdit, TransitionNotAllowed (长期坚持,
    wrong state, a request already pending), ValidationFailed."""
    problems: list[FieldProblem] = []
    reason = check_text(problems, "extension.field.reason", reason)
    new_due_on = check_date(problems, "extension.field.new_due_on", new_due_on, not_future=False)
    if problems:
        raise ValidationFailed(problems)
    attempted = {"new_due_on": new_due_on.isoformat(), "reason": reason}
    item = guard_item(session, actor, "item.request_extension", item_id, expected_version,
                      attempted, audit_action="extension.request")
    refusal = _extension_refusal(session, item, new_request=True)
    if refusal:
        raise refuse_state(session, actor, "extension.request", item.id, refusal, attempted)
    _later_than_due(item, new_due_on)
    ext = Extension(item_id=item.id, requested_by=actor.id, requested_at=datetime.now(),
                    reason=reason, old_due_on=item.due_on, new_due_on=new_due_on,
                    status=ExtensionStatus.PENDING)
    session.add(ext)
    session.flush()
    audit.record(session, actor=actor, action="extension.request", entity="extension",
                 entity_id=ext.id, after=audit.snapshot(ext))
    return ext


def _load(session: Session, actor: Actor, action: str, extension_id: int, expected_version: int,
          item_version: int, attempted: dict) -> tuple[Extension, Item]:
    ext = session.get(Extension, extension_id)
    if ext is None:
        raise NotFound(f"延期申请不存在 / extension request {extension_id} does not exist")
    item = guard_item(session, actor, "extension.decide", ext.item_id, item_version, attempted,
                      audit_action=action)
    if ext.version != expected_version:
        audit.record_refusal(session, actor=actor, action=action, entity="extension",
                             entity_id=ext.id, outcome=AuditOutcome.REFUSED_STALE,
                             detail=f"saw version {expected_version}, current is {ext.version}",
                             attempted=attempted)
        raise StaleEdit(say("err.stale_extension"), {"status": (None, ext.status.value)})
    if ext.status != ExtensionStatus.PENDING:
        raise refuse_state(session, actor, action, item.id, say(
            "err.extension_decided", state=field_label(f"extension.status.{ext.status.value}")),
            attempted)
    return ext, item


def _decide(session: Session, actor: Actor, ext: Extension, status: ExtensionStatus,
            note: str | None) -> dict:
    before = audit.snapshot(ext, EXTENSION_FIELDS)
    ext.status, ext.decided_by, ext.decided_at, ext.decision_note = (
        status, actor.id, datetime.now(), note)
    return before


def approve_extension(session: Session, *, actor: Actor, extension_id: int, expected_version: int,
                      item_version: int, note: str | None = None) -> Extension:
    """Approve a pending 延期 (coordinator/admin): the item's due date becomes the requested one,
    extension_count + 1, original_due_on kept. `expected_version` is the request's version the
    coordinator saw, `item_version` the item's. Raises PermissionDenied, NotFound, StaleEdit,
    TransitionNotAllowed (already decided; item no longer extendable), ValidationFailed."""
    problems: list[FieldProblem] = []
    note = check_text(problems, "extension.field.note", note, required=False)
    if problems:
        raise ValidationFailed(problems)
    action = "extension.approve"
    ext, item = _load(session, actor, action, extension_id, expected_version, item_version,
                      {"note": note})
    refusal = _extension_refusal(session, item, new_request=False)
    if refusal:
        raise refuse_state(session, actor, action, item.id, refusal, {"note": note})
    _later_than_due(item, ext.new_due_on)
    before_ext, before_item = _decide(session, actor, ext, ExtensionStatus.APPROVED, note), \
        audit.snapshot(item, ITEM_FIELDS)
    item.original_due_on = item.original_due_on or item.due_on
    item.due_on, item.extension_count = ext.new_due_on, item.extension_count + 1
    _flush(session)
    audit.record(session, actor=actor, action=action, entity="extension", entity_id=ext.id,
                 before=before_ext, after=audit.snapshot(ext, EXTENSION_FIELDS))
    audit.record(session, actor=actor, action=action, entity="item", entity_id=item.id,
                 before=before_item, after={**audit.snapshot(item, ITEM_FIELDS),
                                            "version": item.version})
    return ext


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:  # the request or the item changed between our check and now
        raise StaleEdit(say("err.stale_extension")) from exc


def reject_extension(session: Session, *, actor: Actor, extension_id: int, expected_version: int,
                     item_version: int, note: str) -> Extension:
    """Reject a pending 延期 (coordinator/admin) with a note (required); the item is unchanged.
    Raises PermissionDenied, NotFound, StaleEdit, TransitionNotAllowed, ValidationFailed."""
    problems: list[FieldProblem] = []
    note = check_text(problems, "extension.field.note", note)
    if problems:
        raise ValidationFailed(problems)
    action = "extension.reject"
    ext, _ = _load(session, actor, action, extension_id, expected_version, item_version,
                       {"note": note})
    before = _decide(session, actor, ext, ExtensionStatus.REJECTED, note)
    _flush(session)
    audit.record(session, actor=actor, action=action, entity="extension", entity_id=ext.id,
                 before=before, after=audit.snapshot(ext, EXTENSION_FIELDS))
    return ext


def list_extensions(session: Session, *, actor: Actor, item_id: int) -> list[ExtensionInfo]:
    """Every 延期 request of an item, oldest first, with requester and decider names; raises
    PermissionDenied for an item out of the actor's scope."""
    require_item(session, actor, "item.read", item_id)
    asker, decider = aliased(User), aliased(User)
    rows = session.execute(
        select(Extension, asker.display_name, decider.display_name)
        .outerjoin(asker, asker.id == Extension.requested_by)
        .outerjoin(decider, decider.id == Extension.decided_by)
        .where(Extension.item_id == item_id).order_by(Extension.id))
    return [ExtensionInfo(e.id, e.item_id, a, e.requested_at, e.reason, e.old_due_on, e.new_due_on,
                          ExtensionStatus(e.status), d, e.decided_at, e.decision_note, e.version)
            for e, a, d in rows]
