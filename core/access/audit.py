"""The audit trail: every write attempt, allowed or refused, with before and after values.

Allowed writes are audited in the caller's transaction (they stand or fall together). Refusals
are audited in a transaction of their own, so they survive the caller's rollback.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from core.access.permissions import Actor
from core.domain import AuditOutcome
from db.models import AuditEntry, LedgerRevision

log = logging.getLogger(__name__)


def plain(value):
    """A JSON-safe copy of a column value (dates as ISO text, enums as their code)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(row, columns: list[str] | None = None) -> dict:
    """Column values of an ORM row as a plain dict (all columns unless named)."""
    names = columns or [c.key for c in row.__mapper__.column_attrs]
    return {n: plain(getattr(row, n)) for n in names}


def snapshot_values(values: dict) -> dict:
    """A JSON-safe copy of a dict of values."""
    return {k: plain(v) for k, v in values.items()}


def _entry(actor: Actor, action: str, entity: str, entity_id, outcome: AuditOutcome,
           before: dict | None, after: dict | None, detail: str | None) -> AuditEntry:
    return AuditEntry(at=datetime.now(), actor_id=actor.id, actor_name=actor.username,
                      action=action, entity=entity,
                      entity_id=None if entity_id is None else str(entity_id), outcome=outcome,
                      before=before, after=after, detail=detail)


def record(session: Session, *, actor: Actor, action: str, entity: str, entity_id=None,
           before: dict | None = None, after: dict | None = None, detail: str | None = None) -> None:
    """Audit an allowed write in the caller's transaction and bump the ledger revision."""
    session.add(_entry(actor, action, entity, entity_id, AuditOutcome.OK, before, after, detail))
    bump_revision(session)


def record_refusal(session: Session, *, actor: Actor, action: str, entity: str, entity_id,
                   outcome: AuditOutcome, detail: str, attempted: dict | None = None) -> None:
    """Audit a refused write in its own transaction, so the caller's rollback keeps it.

    If that transaction cannot get the database (SQLite, while the caller's own transaction
    already holds the write lock), the entry joins the caller's transaction instead."""
    entry = _entry(actor, action, entity, entity_id, outcome, None, attempted, detail)
    try:
        with Session(session.get_bind()) as own, own.begin():
            if own.get_bind().dialect.name == "sqlite":
                own.execute(text("PRAGMA busy_timeout=2000"))
            own.add(entry)
    except OperationalError:
        log.warning("refusal audited in the caller's transaction: database busy")
        session.add(_entry(actor, action, entity, entity_id, outcome, None, attempted, detail))


def bump_revision(session: Session) -> None:
    """Mark the ledger as changed (caches compare this number to know when to refresh)."""
    rev = session.get(LedgerRevision, 1)
    if rev is None:
        session.add(LedgerRevision(id=1, revision=1, changed_at=datetime.now()))
    else:
        rev.revision += 1
        rev.changed_at = datetime.now()


def ledger_revision(session: Session) -> tuple[int, datetime | None]:
    """(revision number, time of the last change) of the ledger."""
    row = session.execute(select(LedgerRevision.revision, LedgerRevision.changed_at)
                          .where(LedgerRevision.id == 1)).first()
    return (row[0], row[1]) if row else (0, None)


def changes_since(session: Session, *, entity: str, entity_id, version: int) -> dict[str, tuple]:
    """Field → (value the user saw, value now) over the audited writes to one row after
    `version` (what a refused stale edit names)."""
    entries = session.scalars(select(AuditEntry).where(
        AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id),
        AuditEntry.outcome == AuditOutcome.OK).order_by(AuditEntry.id))
    changed: dict[str, tuple] = {}
    for e in entries:
        if (e.after or {}).get("version", 0) <= version:
            continue
        for key, new in (e.after or {}).items():
            if key != "version":
                changed[key] = (changed.get(key, ((e.before or {}).get(key), None))[0], new)
    return changed


def entries_for(session: Session, entity: str, entity_id) -> list[AuditEntry]:
    """The audit trail of one row, oldest first."""
    return list(session.scalars(select(AuditEntry)
                                .where(AuditEntry.entity == entity,
                                       AuditEntry.entity_id == str(entity_id))
                                .order_by(AuditEntry.id)))
