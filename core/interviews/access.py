"""Who may see and change an interview, and the guard every interview write passes first.

Coordinators and admins act on every interview, leaders and viewers read them all. A unit user
sees the interviews of their unit (the interviewee) and, if bound to a district, of the units in
that district — the same reach `core.access.permissions.item_scope` gives them over items — and
may record the unit's own steps (plan submitted, published, completion published).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor, require
from core.domain import AuditOutcome, InterviewStatus, Role
from core.errors import LedgerError, NotFound, PermissionDenied, StaleEdit
from core.messages import say
from db.models import Interview, InterviewEvent, Unit

ENTITY = "interview"


class InterviewRefused(LedgerError):
    """The interview's state does not allow this step (e.g. publishing a plan not yet submitted)."""


def interview_scope(actor: Actor):
    """SQL condition on Interview limiting what this actor may see (None: everything)."""
    if actor.role is not Role.UNIT:
        return None
    parts = []
    if actor.unit_id is not None:
        parts.append(Interview.interviewee_unit_id == actor.unit_id)
    if actor.district_id is not None:
        parts.append(Interview.interviewee_unit_id.in_(
            select(Unit.id).where(Unit.district_id == actor.district_id)))
    return or_(*parts) if parts else Interview.id.is_(None)


def get_interview(session: Session, interview_id: int, *, fresh: bool = False) -> Interview:
    """The interview with this id (re-read from the database if `fresh`); raises NotFound."""
    row = session.get(Interview, interview_id, populate_existing=fresh) \
        if isinstance(interview_id, int) else None
    if row is None:
        raise NotFound(say("err.interview_none", id=interview_id))
    return row


def require_interview(session: Session, actor: Actor, action: str, interview_id: int) -> Interview:
    """The interview, if the actor's role may take `action` and the interview is in their scope;
    raises PermissionDenied or NotFound."""
    require(actor, action)
    interview = get_interview(session, interview_id)
    scope = interview_scope(actor)
    if scope is not None and session.scalar(
            select(Interview.id).where(Interview.id == interview_id, scope)) is None:
        raise PermissionDenied(f"{actor.username} may not {action} on interview {interview_id}: "
                               "not their unit's")
    return interview


def changes_since(session: Session, interview_id: int, version: int) -> dict[str, tuple]:
    """Field → (value the user saw, value now) for audited writes after `version`."""
    return audit.changes_since(session, entity=ENTITY, entity_id=interview_id, version=version)


def guard_interview(session: Session, actor: Actor, action: str, interview_id: int,
                    expected_version: int, attempted: dict, *,
                    audit_action: str | None = None) -> Interview:
    """The interview, re-read, for a write; or the refusal audited and PermissionDenied,
    NotFound or StaleEdit (its version is not the one the user saw) raised. `action` is the
    RULES key; the refusal is audited under `audit_action` (default: the same)."""
    logged = audit_action or action
    try:
        require_interview(session, actor, action, interview_id)
        interview = get_interview(session, interview_id, fresh=True)
    except PermissionDenied as exc:
        audit.record_refusal(session, actor=actor, action=logged, entity=ENTITY,
                             entity_id=interview_id, outcome=AuditOutcome.REFUSED_PERMISSION,
                             detail=str(exc), attempted=audit.snapshot_values(attempted))
        raise
    if interview.version != expected_version:
        detail = f"saw version {expected_version}, current is {interview.version}"
        audit.record_refusal(session, actor=actor, action=logged, entity=ENTITY,
                             entity_id=interview_id, outcome=AuditOutcome.REFUSED_STALE,
                             detail=detail, attempted=audit.snapshot_values(attempted))
        raise StaleEdit(say("err.stale_interview", detail=detail),
                        changes_since(session, interview_id, expected_version))
    return interview


def refuse(session: Session, actor: Actor, action: str, interview_id: int, message: str,
           attempted: dict) -> InterviewRefused:
    """Audit a step the interview's state does not allow; returns the error for the caller to raise."""
    audit.record_refusal(session, actor=actor, action=action, entity=ENTITY, entity_id=interview_id,
                         outcome=AuditOutcome.REFUSED_INVALID, detail=message,
                         attempted=audit.snapshot_values(attempted))
    return InterviewRefused(message)


def add_event(session: Session, interview: Interview, actor: Actor, kind: str, *,
              detail: dict | None = None, to_status: InterviewStatus | None = None,
              at: datetime | None = None, first: bool = False) -> InterviewEvent:
    """One step on the interview's timeline (who, when, what); a state change names both ends
    (call it before changing the state), the `first` step only where it led."""
    from_status = None if first or to_status is None else interview.status
    event = InterviewEvent(interview_id=interview.id, at=at or datetime.now(), actor_id=actor.id,
                           kind=kind, detail=audit.snapshot_values(detail or {}) or None,
                           from_status=from_status, to_status=to_status)
    session.add(event)
    return event


def touch(interview: Interview) -> None:
    """Mark the interview changed, so its version moves even when only its rows (people,
    items, measures, files) changed: an edit made meanwhile is then refused as stale."""
    interview.updated_at = datetime.now()
