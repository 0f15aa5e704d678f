"""Writes to ledger items: permission checked, audited, and refused when stale.

The caller passes `expected_version`, the version the user *saw*. A mismatch is refused with
the changes made since (from the audit trail); SQLAlchemy's version_id_col also guards the
moment between our check and the UPDATE.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core import audit
from core.domain import AuditOutcome, Category, Status, SupervisionLevel
from core.errors import FieldProblem, NotFound, PermissionDenied, StaleEdit, ValidationFailed
from core.permissions import Actor, require_item
from db.models import AuditEntry, Item, ProgressReport, Transition

# Fields a coordinator may edit directly (lifecycle fields move only through transitions).
EDITABLE: dict[str, type | None] = {
    "description": str, "township": str, "target": str, "measures": str,
    "responsible_leader": str, "responsible_person": str, "contact_phone": str,
    "delay_reason": str, "plan_url": str, "category": Category,
    "supervision_level": SupervisionLevel,
}


def get_item(session: Session, item_id: int) -> Item:
    """The item with this id; raises NotFound."""
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound(f"item {item_id} does not exist")
    return item


def changes_since(session: Session, item_id: int, version: int) -> dict[str, tuple]:
    """Field → (value the user saw, value now) for audited item writes after `version`."""
    entries = session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "item", AuditEntry.entity_id == str(item_id),
        AuditEntry.outcome == AuditOutcome.OK).order_by(AuditEntry.id))
    changed: dict[str, tuple] = {}
    for e in entries:
        if (e.after or {}).get("version", 0) <= version:
            continue
        for key, new in (e.after or {}).items():
            if key != "version":
                old = changed.get(key, ((e.before or {}).get(key), None))[0]
                changed[key] = (old, new)
    return changed


def _guard(session: Session, actor: Actor, action: str, item_id: int, expected_version: int,
           attempted: dict) -> Item:
    """Load the item for a write, or audit the refusal and raise."""
    try:
        require_item(session, actor, action, item_id)
        item = get_item(session, item_id)
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
        raise StaleEdit(detail, changes)
    return item


def _flush(session: Session, item: Item) -> None:
    try:
        session.flush()
    except StaleDataError as exc:  # someone committed between our check and the UPDATE
        raise StaleEdit(f"item {item.id} changed while saving") from exc


def update_item(session: Session, *, actor: Actor, item_id: int, expected_version: int,
                changes: dict) -> Item:
    """Edit plain fields of an item (coordinator/admin); raises PermissionDenied, StaleEdit,
    ValidationFailed (unknown field or bad value). Returns the item at its new version."""
    problems = [FieldProblem(None, k, "not editable here") for k in changes if k not in EDITABLE]
    for key, kind in EDITABLE.items():
        if key in changes and kind not in (None, str):
            try:
                changes[key] = kind(changes[key])
            except ValueError:
                problems.append(FieldProblem(None, key, f"unknown value {changes[key]!r}"))
    if problems:
        raise ValidationFailed(problems)
    item = _guard(session, actor, "item.edit", item_id, expected_version, audit.snapshot_values(changes))
    before = audit.snapshot(item, list(changes))
    for key, value in changes.items():
        setattr(item, key, value)
    _flush(session, item)
    after = {**audit.snapshot(item, list(changes)), "version": item.version}
    audit.record(session, actor=actor, action="item.edit", entity="item", entity_id=item.id,
                 before=before, after=after)
    return item


def report_progress(session: Session, *, actor: Actor, item_id: int, expected_version: int,
                    reported_on: date, percent: int, text: str) -> ProgressReport:
    """Append a progress report (unit on its own items, or coordinator); moves an assigned item
    to 整改中. Raises PermissionDenied, StaleEdit, ValidationFailed (percent outside 0..100,
    empty text, date in the future)."""
    problems = []
    if not 0 <= percent <= 100:
        problems.append(FieldProblem(None, "percent", "must be between 0 and 100"))
    if not text or not text.strip():
        problems.append(FieldProblem(None, "text", "progress text is required"))
    if reported_on > date.today():
        problems.append(FieldProblem(None, "reported_on", "cannot be in the future"))
    if problems:
        raise ValidationFailed(problems)
    attempted = {"percent": percent, "text": text, "reported_on": reported_on.isoformat()}
    item = _guard(session, actor, "item.report_progress", item_id, expected_version, attempted)
    fields = ["latest_progress", "latest_progress_on", "progress_percent", "status"]
    before = audit.snapshot(item, fields)
    report = ProgressReport(item_id=item.id, reported_on=reported_on, percent=percent, text=text,
                            reporter_id=actor.id, unit_id=actor.unit_id)
    session.add(report)
    item.latest_progress, item.latest_progress_on, item.progress_percent = text, reported_on, percent
    if item.status == Status.ASSIGNED:  # the first report starts the rectification
        item.status = Status.IN_PROGRESS
        session.add(Transition(item_id=item.id, from_status=Status.ASSIGNED,
                               to_status=Status.IN_PROGRESS, actor_id=actor.id,
                               at=datetime.now(), reason="progress reported"))
    _flush(session, item)
    audit.record(session, actor=actor, action="item.report_progress", entity="item",
                 entity_id=item.id, before=before,
                 after={**audit.snapshot(item, fields), "version": item.version})
    return report
