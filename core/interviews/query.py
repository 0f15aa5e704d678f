"""The interviews list (filtered, counted and paged in SQL) and one interview's detail: fields,
people, related items, follow-up measures, files and its timeline, as the reader may see them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from core.access.permissions import Actor, can, item_scope, require
from core.domain import InterviewCircumstance, InterviewFollowUp, InterviewStatus, PlanState, Status
from core.interviews.access import interview_scope, require_interview
from core.interviews.deadlines import (
    plan_state,
    plan_state_column,
    plan_states_condition,
    provisional_years,
)
from core.interviews.moves import available_moves
from core.ledger.evidence import AttachmentInfo, Owner, attachments_of
from core.ledger.stats import days_overdue
from core.paging import ResultPage
from db.models import (
    District,
    FollowUpMeasure,
    Interview,
    InterviewEvent,
    InterviewItem,
    InterviewPerson,
    Item,
    Unit,
    User,
)

ORGANISER = aliased(Unit, name="organiser")
ITEMS_SHOWN = 500   # related items listed on one interview's page (an interview has a handful)


@dataclass(frozen=True)
class InterviewFilter:
    """What the user asked to see; empty tuples mean "any"."""

    years: tuple[int, ...] = ()                         # of the interview (held_on)
    circumstances: tuple[InterviewCircumstance, ...] = ()
    unit_id: int | None = None                          # the interviewee
    plan_states: tuple[PlanState, ...] = ()
    follow_ups: tuple[InterviewFollowUp, ...] = ()      # has at least one measure of these kinds
    statuses: tuple[InterviewStatus, ...] = ()
    search: str = ""                                    # in 编号 or 情形说明


@dataclass(frozen=True)
class InterviewRow:
    id: int
    code: str
    held_on: date
    unit: str
    circumstance: InterviewCircumstance
    plan_due_on: date
    provisional_years: tuple[int, ...]
    plan_state: PlanState
    plan_submitted_on: date | None
    status: InterviewStatus
    items: int
    follow_ups: tuple[InterviewFollowUp, ...] = ()


@dataclass(frozen=True)
class InterviewPage(ResultPage[InterviewRow]):
    # per plan state, over the filter less its plan states (so a page can show them all at once)
    by_plan_state: dict[PlanState, int] = field(default_factory=dict)


def _years(years: tuple[int, ...]):
    return or_(*(Interview.held_on.between(date(y, 1, 1), date(y, 12, 31)) for y in years)) \
        if years else None


def _search(text: str):
    text = text.strip().replace("%", "").replace("_", "")
    return or_(Interview.code.like(f"%{text}%"), Interview.details.like(f"%{text}%")) if text else None


def filter_condition(flt: InterviewFilter, *, actor: Actor, today: date) -> ColumnElement[bool]:
    """The SQL condition for this filter within the actor's scope (a unit: its own interviews)."""
    parts = [interview_scope(actor), _years(flt.years),
             Interview.circumstance.in_(flt.circumstances) if flt.circumstances else None,
             Interview.interviewee_unit_id == flt.unit_id if flt.unit_id is not None else None,
             plan_states_condition(flt.plan_states, today) if flt.plan_states else None,
             exists().where(FollowUpMeasure.interview_id == Interview.id,
                            FollowUpMeasure.kind.in_(flt.follow_ups)) if flt.follow_ups else None,
             Interview.status.in_(flt.statuses) if flt.statuses else None, _search(flt.search)]
    parts = [p for p in parts if p is not None]
    return and_(*parts) if parts else true()


def _follow_up_kinds(session: Session, ids: list[int]) -> dict[int, tuple[InterviewFollowUp, ...]]:
    rows = session.execute(select(FollowUpMeasure.interview_id, FollowUpMeasure.kind).distinct()
                           .where(FollowUpMeasure.interview_id.in_(ids))) if ids else []
    kinds: dict[int, list] = {}
    for interview_id, kind in rows:
        kinds.setdefault(interview_id, []).append(InterviewFollowUp(kind))
    order = list(InterviewFollowUp)
    return {i: tuple(sorted(k, key=order.index)) for i, k in kinds.items()}


def list_interviews(session: Session, *, actor: Actor, flt: InterviewFilter, today: date,
                    page: int = 1, page_size: int = 50) -> InterviewPage:
    """One page (1-based) of interviews matching the filter, newest first, with the total and
    the count per plan state (over the filter less its plan states), counted in SQL in one
    GROUP BY. Raises PermissionDenied if the role may not read interviews."""
    if page < 1 or not 1 <= page_size <= 500:
        raise ValueError("page must be ≥ 1 and page_size within 1..500")
    require_read(actor)
    cond = filter_condition(flt, actor=actor, today=today)
    state = plan_state_column(today)
    counts = {PlanState(s): int(n) for s, n in session.execute(
        select(state, func.count()).select_from(Interview)
        .where(filter_condition(replace(flt, plan_states=()), actor=actor, today=today))
        .group_by(state))}
    total = sum(n for s, n in counts.items() if not flt.plan_states or s in flt.plan_states)
    items = (select(func.count()).where(InterviewItem.interview_id == Interview.id)
             .correlate(Interview).scalar_subquery())
    stmt = (select(Interview.id, Interview.code, Interview.held_on, Unit.short_name,
                   Interview.circumstance, Interview.plan_due_on, Interview.plan_due_uncovered,
                   state, Interview.plan_submitted_on, Interview.status, items)
            .join(Unit, Unit.id == Interview.interviewee_unit_id).where(cond)
            .order_by(Interview.held_on.desc(), Interview.id.desc())
            .limit(page_size).offset((page - 1) * page_size))
    raw = session.execute(stmt).all()
    kinds = _follow_up_kinds(session, [r[0] for r in raw])
    rows = [InterviewRow(r[0], r[1], r[2], r[3], InterviewCircumstance(r[4]), r[5],
                         provisional_years(r[6]), PlanState(r[7]), r[8], InterviewStatus(r[9]),
                         int(r[10]), kinds.get(r[0], ())) for r in raw]
    return InterviewPage(rows, total, page, page_size, counts)


def require_read(actor: Actor) -> None:
    """Raise PermissionDenied unless the actor's role may read interviews."""
    require(actor, "interview.read")


def filter_choices(session: Session, *, actor: Actor) -> tuple[list[int], dict[int, str]]:
    """(years with interviews, newest first; interviewee units id → short name) in the actor's
    scope, for the filter widgets."""
    require_read(actor)
    scope = interview_scope(actor)
    year = func.extract("year", Interview.held_on)
    years = select(year).group_by(year).order_by(year.desc())
    units = (select(Unit.id, Unit.short_name).join(Interview, Interview.interviewee_unit_id == Unit.id)
             .group_by(Unit.id, Unit.short_name).order_by(Unit.id))
    if scope is not None:
        years, units = years.where(scope), units.where(scope)
    return ([int(y) for (y,) in session.execute(years)],
            {i: n for i, n in session.execute(units)})


# ------------------------------------------------------------------ one interview

@dataclass(frozen=True)
class PersonRef:
    name: str | None
    position: str


@dataclass(frozen=True)
class LinkedItem:
    id: int
    code: str
    description: str
    district: str | None          # None: 全市
    status: Status
    due_on: date | None
    days_overdue: int


@dataclass(frozen=True)
class MeasureRef:
    id: int
    kind: InterviewFollowUp
    taken_on: date
    note: str
    district: str | None
    recorded_by: str | None


@dataclass(frozen=True)
class InterviewStep:
    """One step of the timeline: who, when, what (`kind`, with its values in `detail`)."""

    at: datetime
    kind: str
    who: str | None
    from_status: InterviewStatus | None
    to_status: InterviewStatus | None
    detail: dict


@dataclass(frozen=True)
class InterviewDetail:
    id: int
    code: str
    version: int
    status: InterviewStatus
    fields: dict                  # column → value
    unit: str
    unit_full: str
    organiser: str | None
    plan_state: PlanState
    provisional_years: tuple[int, ...]
    days_to_due: int              # plan_due_on − today (negative: past)
    people: list[PersonRef]
    items: list[LinkedItem]
    follow_ups: list[MeasureRef]
    attachments: list[AttachmentInfo]
    steps: list[InterviewStep]    # newest first
    moves: list[str]              # core.interviews.moves.MOVES keys open to the reader
    can_record: bool              # coordinator/admin: edit, items, files, follow-ups


def _linked_items(session: Session, actor: Actor, interview_id: int, today: date) -> list[LinkedItem]:
    """The interview's items the reader may read (a unit: core.access.permissions.item_scope, so
    not a 待交办 draft), by 编号."""
    stmt = (select(Item.id, Item.code, Item.description, District.name, Item.status, Item.due_on,
                   Item.is_ongoing)
            .join(InterviewItem, InterviewItem.item_id == Item.id)
            .outerjoin(District, District.id == Item.district_id)
            .where(InterviewItem.interview_id == interview_id))
    scope = item_scope(actor)
    if scope is not None:
        stmt = stmt.where(scope)
    rows = session.execute(stmt.order_by(Item.code).limit(ITEMS_SHOWN))
    return [LinkedItem(i, c, d, dist, Status(s), due,
                       days_overdue(due, status=Status(s), ongoing=ongoing, today=today))
            for i, c, d, dist, s, due, ongoing in rows]


def _measures(session: Session, interview_id: int) -> list[MeasureRef]:
    rows = session.execute(
        select(FollowUpMeasure.id, FollowUpMeasure.kind, FollowUpMeasure.taken_on,
               FollowUpMeasure.note, District.name, User.display_name)
        .outerjoin(District, District.id == FollowUpMeasure.district_id)
        .outerjoin(User, User.id == FollowUpMeasure.created_by)
        .where(FollowUpMeasure.interview_id == interview_id)
        .order_by(FollowUpMeasure.taken_on.desc(), FollowUpMeasure.id.desc()))
    return [MeasureRef(i, InterviewFollowUp(k), d, n, dist, who) for i, k, d, n, dist, who in rows]


def _steps(session: Session, interview_id: int) -> list[InterviewStep]:
    rows = session.execute(
        select(InterviewEvent.at, InterviewEvent.kind, User.display_name, InterviewEvent.from_status,
               InterviewEvent.to_status, InterviewEvent.detail)
        .outerjoin(User, User.id == InterviewEvent.actor_id)
        .where(InterviewEvent.interview_id == interview_id)
        .order_by(InterviewEvent.at.desc(), InterviewEvent.id.desc()))
    return [InterviewStep(at, kind, who, InterviewStatus(f) if f else None,
                          InterviewStatus(t) if t else None, detail or {})
            for at, kind, who, f, t, detail in rows]


def interview_detail(session: Session, *, actor: Actor, interview_id: int,
                     today: date) -> InterviewDetail:
    """One interview for its page, with what the reader may do now. Raises PermissionDenied
    (a unit user, another unit's interview), NotFound."""
    interview = require_interview(session, actor, "interview.read", interview_id)
    unit = session.get(Unit, interview.interviewee_unit_id)
    organiser = session.get(Unit, interview.organiser_unit_id) if interview.organiser_unit_id else None
    years = provisional_years(interview.plan_due_uncovered)
    people = session.execute(select(InterviewPerson.name, InterviewPerson.position)
                             .where(InterviewPerson.interview_id == interview.id)
                             .order_by(InterviewPerson.seq))
    return InterviewDetail(
        interview.id, interview.code, interview.version, InterviewStatus(interview.status),
        {c.key: getattr(interview, c.key) for c in Interview.__mapper__.column_attrs},
        unit.short_name, unit.name, organiser.short_name if organiser else None,
        plan_state(due_on=interview.plan_due_on, submitted_on=interview.plan_submitted_on,
                   provisional=bool(years), today=today),
        years, (interview.plan_due_on - today).days, [PersonRef(n, p) for n, p in people],
        _linked_items(session, actor, interview.id, today), _measures(session, interview.id),
        attachments_of(session, owner=Owner("interview", interview.id)), _steps(session, interview.id),
        available_moves(session, actor=actor, interview=interview), can(actor, "interview.record"))

