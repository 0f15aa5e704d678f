"""Follow-up measures after an interview (docs/domain.md, Interviews): 曝光 (public exposure),
督察 (inspection), 问责 (accountability) and 区域限批 (regional approval restriction, naming the
district it restricts) — each with its date and note, several per interview, in any state of
its track. Coordinators and admins record them; a measure entered by mistake is removed with a
reason (the audit trail keeps it).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor
from core.domain import InterviewFollowUp
from core.errors import FieldProblem, ValidationFailed
from core.interviews.access import ENTITY, add_event, guard_interview, touch
from core.interviews.records import RECORD, flush_interview
from core.ledger.item_form import check_date, check_text
from core.messages import field_label, say, zh
from db.models import District, FollowUpMeasure

RESTRICTION = InterviewFollowUp.APPROVAL_RESTRICTION
_COLUMNS = ["kind", "taken_on", "note", "district_id"]


def _checked(session: Session, kind, taken_on, note, district_id, today: date) -> dict:
    problems: list[FieldProblem] = []
    try:
        kind = InterviewFollowUp(kind)
    except ValueError:
        problems.append(FieldProblem(None, zh("interview.field.follow_up_kind"),
                                     say("err.unknown_value", value=kind)))
        kind = None
    day = check_date(problems, "interview.field.taken_on", taken_on, not_future=False)
    if day is not None and day > today:
        problems.append(FieldProblem(None, zh("interview.field.taken_on"), say("err.future")))
    note = check_text(problems, "interview.field.follow_up_note", note, limit=2000)
    if kind is RESTRICTION and district_id is None:
        problems.append(FieldProblem(None, zh("interview.field.district"), say("err.required")))
    elif kind is not RESTRICTION and district_id is not None:
        problems.append(FieldProblem(None, zh("interview.field.district"), say("err.district_only")))
    elif district_id is not None and (isinstance(district_id, bool) or not isinstance(district_id, int)
                                      or session.get(District, district_id) is None):
        problems.append(FieldProblem(None, zh("interview.field.district"),
                                     say("err.no_such", value=district_id)))
    if problems:
        raise ValidationFailed(problems)
    return dict(kind=kind, taken_on=day, note=note, district_id=district_id)


def add_follow_up(session: Session, *, actor: Actor, interview_id: int, expected_version: int,
                  kind: str, taken_on: date, note: str, district_id: int | None = None,
                  today: date | None = None) -> FollowUpMeasure:
    """Record a measure taken after the interview (coordinator/admin): its kind, date (not after
    today, not before the interview), note and, for 区域限批 only, the district. Raises
    PermissionDenied, NotFound, StaleEdit, ValidationFailed."""
    values = _checked(session, kind, taken_on, note, district_id, today or date.today())
    interview = guard_interview(session, actor, RECORD, interview_id, expected_version, values,
                                audit_action="interview.follow_up")
    if values["taken_on"] < interview.held_on:
        raise ValidationFailed([FieldProblem(None, zh("interview.field.taken_on"), say(
            "err.before", other=field_label("interview.field.held_on"))
            + f"（{interview.held_on.isoformat()}）")])
    measure = FollowUpMeasure(interview_id=interview.id, **values, created_by=actor.id,
                              created_at=datetime.now())
    session.add(measure)
    touch(interview)
    flush_interview(session, interview)
    add_event(session, interview, actor, "follow_up", at=measure.created_at,
              detail={**values, "measure_id": measure.id})
    session.flush()
    audit.record(session, actor=actor, action="interview.follow_up", entity=ENTITY,
                 entity_id=interview.id, after={"follow_up": audit.snapshot(measure, _COLUMNS),
                                                "version": interview.version})
    return measure


def remove_follow_up(session: Session, *, actor: Actor, interview_id: int, expected_version: int,
                     measure_id: int, reason: str) -> None:
    """Remove a measure entered by mistake (coordinator/admin), reason required; the audit row
    keeps what it said. Raises PermissionDenied, NotFound, StaleEdit, ValidationFailed."""
    problems: list[FieldProblem] = []
    reason = check_text(problems, "interview.field.reason", reason, limit=500)
    if problems:
        raise ValidationFailed(problems)
    interview = guard_interview(session, actor, RECORD, interview_id, expected_version,
                                {"measure_id": measure_id, "reason": reason},
                                audit_action="interview.remove_follow_up")
    measure = session.scalar(select(FollowUpMeasure).where(FollowUpMeasure.id == measure_id,
                                                           FollowUpMeasure.interview_id == interview.id))
    if measure is None:
        raise ValidationFailed([FieldProblem(None, zh("interview.field.follow_up_kind"),
                                             say("err.no_such", value=measure_id))])
    before = audit.snapshot(measure, _COLUMNS)
    session.delete(measure)
    touch(interview)
    add_event(session, interview, actor, "follow_up_removed", detail={**before, "reason": reason})
    flush_interview(session, interview)
    audit.record(session, actor=actor, action="interview.remove_follow_up", entity=ENTITY,
                 entity_id=interview.id, before={"follow_up": before},
                 after={"follow_up": None, "reason": reason, "version": interview.version})
