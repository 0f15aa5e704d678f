"""The write path's checks for supervision records (notices, responses, inspections): permission
and version, each refusal audited in its own transaction; the changes made since a version, from
the audit trail, to explain a stale edit field by field."""

from __future__ import annotations

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.access import audit
from core.access.permissions import Actor, require
from core.domain import AuditOutcome
from core.errors import LedgerError, NotFound, PermissionDenied, StaleEdit
from core.messages import field_label, say


class StateRefused(LedgerError):
    """The record's state does not allow this (a lifted notice, an answered response, a
    concluded inspection …)."""


def refuse(session: Session, actor: Actor, action: str, entity: str, entity_id, outcome: AuditOutcome,
           detail: str, attempted: dict | None = None) -> None:
    audit.record_refusal(session, actor=actor, action=action, entity=entity, entity_id=entity_id,
                         outcome=outcome, detail=detail,
                         attempted=audit.snapshot_values(attempted or {}))


def permit(session: Session, actor: Actor, action: str, entity: str, entity_id,
           attempted: dict | None = None) -> None:
    """require(actor, action), the refusal audited."""
    try:
        require(actor, action)
    except PermissionDenied as exc:
        refuse(session, actor, action, entity, entity_id, AuditOutcome.REFUSED_PERMISSION, str(exc),
               attempted)
        raise


def load(session: Session, model, row_id: int, entity: str):
    """The row, read afresh (a long-lived session may hold an older copy); raises NotFound."""
    row = session.get(model, row_id, populate_existing=True) if isinstance(row_id, int) else None
    if row is None:
        raise NotFound(say("err.no_record", entity=field_label(f"entity.{entity}"), id=row_id))
    return row


def check_version(session: Session, actor: Actor, action: str, entity: str, row,
                  expected_version: int, attempted: dict | None = None) -> None:
    """Raise StaleEdit (audited) unless the row is at the version the user saw."""
    if row.version == expected_version:
        return
    detail = f"saw version {expected_version}, current is {row.version}"
    refuse(session, actor, action, entity, row.id, AuditOutcome.REFUSED_STALE, detail, attempted)
    raise StaleEdit(say("err.stale_record", entity=field_label(f"entity.{entity}"), detail=detail),
                    audit.changes_since(session, entity=entity, entity_id=row.id, version=expected_version))


def refuse_state(session: Session, actor: Actor, action: str, entity: str, entity_id, message: str,
                 attempted: dict | None = None) -> StateRefused:
    """Audit a write the record's state does not allow; returns the error for the caller to raise."""
    refuse(session, actor, action, entity, entity_id, AuditOutcome.REFUSED_INVALID, message, attempted)
    return StateRefused(message)


def flush(session: Session, entity: str, row_id) -> None:
    """Flush; someone saving the same row at this very moment makes it a stale edit."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise StaleEdit(say("err.stale_record", entity=field_label(f"entity.{entity}"),
                            detail=f"{entity} {row_id}")) from exc
