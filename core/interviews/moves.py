"""The track of an interview (docs/domain.md, Interviews): a table of moves, each with the states
it starts from, the state it leads to, and the RULES action that says who may make it.

    已约谈 held ──submit_plan (方案报送: date, the plan's files)──▶ 方案已报送 plan
    plan ──publish_plan (方案公开: date, URL on the unit's portal)──▶ 整改中 rectifying
    rectifying ──complete (整改完成: date; the office confirms)──▶ 整改完成 completed
    completed ──publish_completion (完成情况公开: date, URL)──▶ completed (published or corrected)

Who records the unit's steps: the coordinator records what the unit sent (it often arrives as a
document), or the interviewee unit's own users record them (core.interviews.access scope);
only the office (coordinator/admin) declares the rectification complete. Follow-up measures
(曝光/督察/问责/区域限批) are not moves: core.interviews.follow_ups adds them in any state.

Every move: permission and scope, the version the user saw, the state, dates in order (each
not after today, none before the step it follows), a timeline event (who, when, from, to), an
audit row with before/after. A move the state does not allow raises InterviewRefused, audited.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor, can
from core.domain import InterviewStatus
from core.errors import FieldProblem, ValidationFailed
from core.interviews.access import (
    ENTITY,
    add_event,
    guard_interview,
    interview_scope,
    refuse,
    touch,
)
from core.interviews.records import checked_files, flush_interview, save_files
from core.ledger.evidence import EvidenceStore
from core.ledger.item_form import check_date, check_text
from core.messages import field_label, say, zh
from db.models import Interview

S = InterviewStatus


@dataclass(frozen=True)
class Move:
    name: str
    sources: tuple[InterviewStatus, ...]
    target: InterviewStatus | None     # None: the state stays
    action: str                        # core.access.permissions.RULES key


MOVES: dict[str, Move] = {m.name: m for m in (
    Move("submit_plan", (S.HELD,), S.PLAN_SUBMITTED, "interview.report"),
    Move("publish_plan", (S.PLAN_SUBMITTED,), S.RECTIFYING, "interview.report"),
    Move("complete", (S.RECTIFYING,), S.COMPLETED, "interview.record"),
    Move("publish_completion", (S.COMPLETED,), None, "interview.report"),
)}
# Each move's date must not be before the date of the step it follows.
FOLLOWS = {"submit_plan": "held_on", "publish_plan": "plan_submitted_on",
           "complete": "plan_published_on", "publish_completion": "completed_on"}


def _states(states) -> tuple[str, str]:
    labels = [field_label(f"status.interview.{s.value}") for s in states]
    return "、".join(z for z, _ in labels), ", ".join(e for _, e in labels)


def _state_problem(move: Move, interview: Interview) -> str | None:
    if interview.status in move.sources:
        return None
    return say("err.interview_state", move=field_label(f"interview.move.{move.name}"),
               state=field_label(f"status.interview.{interview.status.value}"),
               allowed=_states(move.sources))


def _raise(problems: list[FieldProblem]) -> None:
    if problems:
        raise ValidationFailed(problems)


def _url(problems: list[FieldProblem], value) -> str | None:
    url = check_text(problems, "interview.field.url", value, limit=300)
    if url and not url.startswith(("http://", "https://")):
        problems.append(FieldProblem(None, zh("interview.field.url"), say("err.url")))
    return url


def _order(interview: Interview, name: str, key: str, day: date) -> None:
    """The move's date is not before the step it follows (e.g. a plan published before it came)."""
    earlier = getattr(interview, FOLLOWS[name])
    if earlier is not None and day < earlier:
        _raise([FieldProblem(None, zh(key), say("err.before", other=field_label(
            f"interview.field.{FOLLOWS[name]}")) + f"（{earlier.isoformat()}）")])


def _move(session: Session, *, actor: Actor, name: str, interview_id: int, expected_version: int,
          values: dict[str, object], date_column: str, note: str | None = None,
          after_write: Callable[[Interview, datetime], dict] | None = None) -> Interview:
    """The common path: guard, state, dates in order, change, event, flush, audit."""
    move, action = MOVES[name], f"interview.{name}"
    attempted = {**values, "note": note}
    interview = guard_interview(session, actor, move.action, interview_id, expected_version,
                                attempted, audit_action=action)
    problem = _state_problem(move, interview)
    if problem:
        raise refuse(session, actor, action, interview.id, problem, attempted)
    _order(interview, name, f"interview.field.{date_column}", values[date_column])
    tracked = ["status", *values]
    before, at = audit.snapshot(interview, tracked), datetime.now()
    extra = after_write(interview, at) if after_write else {}
    add_event(session, interview, actor, name, at=at, to_status=move.target or interview.status,
              detail={**values, "note": note, **extra})
    for key, value in values.items():
        setattr(interview, key, value)
    interview.status = move.target or interview.status
    touch(interview)
    flush_interview(session, interview)
    audit.record(session, actor=actor, action=action, entity=ENTITY, entity_id=interview.id,
                 before=before, after={**audit.snapshot(interview, tracked), **extra,
                                       "version": interview.version})
    return interview


def submit_plan(session: Session, *, actor: Actor, interview_id: int, expected_version: int,
                submitted_on: date, note: str | None = None,
                attachments: Sequence[tuple[str, bytes]] = (), store: EvidenceStore | None = None,
                today: date | None = None) -> Interview:
    """方案报送 (已约谈 → 方案已报送): the day the unit's plan came in (not after today, not before
    the interview), with the plan's files. The coordinator, or the interviewee unit's user.
    Raises PermissionDenied, NotFound, StaleEdit, InterviewRefused, ValidationFailed, EvidenceError."""
    problems: list[FieldProblem] = []
    day = _date(problems, "interview.field.plan_submitted_on", submitted_on, today)
    note = check_text(problems, "interview.field.note", note, required=False, limit=2000)
    files = checked_files({"interview_plan": attachments}, store, problems)
    _raise(problems)

    def save(interview: Interview, at: datetime) -> dict:
        return {"files": save_files(session, actor, interview, files, store, at)} if files else {}

    return _move(session, actor=actor, name="submit_plan", interview_id=interview_id,
                 expected_version=expected_version, values={"plan_submitted_on": day},
                 date_column="plan_submitted_on", note=note, after_write=save)


def publish_plan(session: Session, *, actor: Actor, interview_id: int, expected_version: int,
                 published_on: date, url: str, today: date | None = None) -> Interview:
    """方案公开 (方案已报送 → 整改中): the day and address of the plan on the unit's portal (not
    before the plan came in). Raises PermissionDenied, NotFound, StaleEdit, InterviewRefused,
    ValidationFailed."""
    problems: list[FieldProblem] = []
    day = _date(problems, "interview.field.plan_published_on", published_on, today)
    url = _url(problems, url)
    _raise(problems)
    return _move(session, actor=actor, name="publish_plan", interview_id=interview_id,
                 expected_version=expected_version,
                 values={"plan_published_on": day, "plan_url": url},
                 date_column="plan_published_on")


def complete(session: Session, *, actor: Actor, interview_id: int, expected_version: int,
             completed_on: date, note: str | None = None, today: date | None = None) -> Interview:
    """整改完成 (整改中 → 整改完成, coordinator/admin): the office confirms the rectification is
    done (not before the plan was published). Raises PermissionDenied, NotFound, StaleEdit,
    InterviewRefused, ValidationFailed."""
    problems: list[FieldProblem] = []
    day = _date(problems, "interview.field.completed_on", completed_on, today)
    note = check_text(problems, "interview.field.note", note, required=False, limit=2000)
    _raise(problems)
    return _move(session, actor=actor, name="complete", interview_id=interview_id,
                 expected_version=expected_version, values={"completed_on": day},
                 date_column="completed_on", note=note)


def publish_completion(session: Session, *, actor: Actor, interview_id: int, expected_version: int,
                       published_on: date, url: str, today: date | None = None) -> Interview:
    """完成情况公开 (整改完成, stays): the day and address where the completion was published (not
    before it was completed); a second call corrects them (audited). Raises PermissionDenied,
    NotFound, StaleEdit, InterviewRefused, ValidationFailed."""
    problems: list[FieldProblem] = []
    day = _date(problems, "interview.field.completion_published_on", published_on, today)
    url = _url(problems, url)
    _raise(problems)
    return _move(session, actor=actor, name="publish_completion", interview_id=interview_id,
                 expected_version=expected_version,
                 values={"completion_published_on": day, "completion_url": url},
                 date_column="completion_published_on")


def _date(problems: list[FieldProblem], key: str, value, today: date | None) -> date | None:
    day = check_date(problems, key, value, not_future=False)
    if day is not None and day > (today or date.today()):
        problems.append(FieldProblem(None, zh(key), say("err.future")))
    return day


def available_moves(session: Session, *, actor: Actor, interview: Interview) -> list[str]:
    """Names of the moves (MOVES keys) this actor may make on the interview now, in table order,
    for the page's forms; the write functions check again."""
    scope = interview_scope(actor)
    if scope is not None and session.scalar(
            select(Interview.id).where(Interview.id == interview.id, scope)) is None:
        return []
    return [m.name for m in MOVES.values()
            if can(actor, m.action) and _state_problem(m, interview) is None]
