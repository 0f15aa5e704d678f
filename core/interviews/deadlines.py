"""The rectification plan's deadline and where the plan stands (docs/domain.md, Interviews).

The plan is due `plan_workdays` working days after the interview (core.calendar.workdays, with
the admin-entered holidays). Where the count walks through a year that neither chinese-calendar
nor the admin's table covers, weekdays are counted there and the date is *provisional*: the
years are stored (`Interview.plan_due_uncovered`) and the date is recomputed when an admin enters
them (`recompute_plan_dues`, one of core.calendar.holidays.RECOMPUTERS).

A plan is *late* when it is not submitted and its final due date has passed (the due day itself
is not late). A provisional date is never called late: it may move either way once the year's
holidays are known; the page says so instead. Python (`plan_state`) and SQL (`plan_state_column`,
`plan_late_condition`) share these definitions.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from core.access import audit
from core.access.permissions import Actor
from core.calendar.holidays import DueChange, load_overrides
from core.calendar.workdays import WorkdayResult, add_workdays
from core.domain import PlanState
from db.models import Interview, InterviewEvent

P = PlanState


def stored_years(years: tuple[int, ...]) -> str | None:
    """The uncovered years as stored ("2027", "2027,2028"); None when the date is final."""
    return ",".join(str(y) for y in sorted(set(years))) or None


def provisional_years(stored: str | None) -> tuple[int, ...]:
    """The years a stored due date was counted through without a calendar (() when final)."""
    return tuple(int(y) for y in stored.split(",")) if stored else ()


def plan_due(session: Session, *, held_on: date, workdays: int,
             overrides: dict[date, bool] | None = None) -> WorkdayResult:
    """The plan's due date: the `workdays`-th working day after `held_on` (that day excluded),
    with the entered holidays (loaded unless given). ValueError unless workdays >= 1."""
    if overrides is None:
        # 60 working days (the setting's ceiling) never reach past the following year.
        overrides = load_overrides(session, years=[held_on.year, held_on.year + 1])
    return add_workdays(held_on, workdays, overrides=overrides)


def plan_state(*, due_on: date, submitted_on: date | None, provisional: bool, today: date) -> PlanState:
    """Where a plan stands on `today` (see the module docstring); mirrors `plan_state_column`."""
    if submitted_on is not None:
        return P.SUBMITTED_LATE if not provisional and submitted_on > due_on else P.SUBMITTED
    if provisional:
        return P.PROVISIONAL
    return P.LATE if due_on < today else P.AWAITING


PROVISIONAL = Interview.plan_due_uncovered.is_not(None)
SUBMITTED = Interview.plan_submitted_on.is_not(None)


def plan_state_conditions(today: date) -> dict[PlanState, ColumnElement[bool]]:
    """One SQL condition per plan state on `today`; exactly one holds for every interview."""
    final = Interview.plan_due_uncovered.is_(None)
    return {
        P.SUBMITTED_LATE: and_(SUBMITTED, final, Interview.plan_submitted_on > Interview.plan_due_on),
        P.SUBMITTED: and_(SUBMITTED, or_(PROVISIONAL, Interview.plan_submitted_on <= Interview.plan_due_on)),
        P.PROVISIONAL: and_(~SUBMITTED, PROVISIONAL),
        P.LATE: plan_late_condition(today),
        P.AWAITING: and_(~SUBMITTED, final, Interview.plan_due_on >= today),
    }


def plan_late_condition(today: date) -> ColumnElement[bool]:
    """SQL: the plan is late on `today` — not submitted, final due date before `today`."""
    return and_(Interview.plan_submitted_on.is_(None), Interview.plan_due_uncovered.is_(None),
                Interview.plan_due_on < today)


def plan_state_column(today: date):
    """SQL: the plan state's code on `today`, to select beside interview columns."""
    return case(*((cond, state.value) for state, cond in plan_state_conditions(today).items()),
                else_=P.AWAITING.value)


def plan_states_condition(states, today: date) -> ColumnElement[bool]:
    """SQL: the plan is in any of `states` on `today` (no states: none)."""
    conditions = plan_state_conditions(today)
    return or_(*(conditions[PlanState(s)] for s in states)) if states else false()


# ------------------------------------------------------------------ recomputing after holidays

def _window(years: set[int]):
    """Interviews whose counting window (held_on, plan_due_on] touches any of `years`."""
    return and_(Interview.held_on < date(max(years), 12, 31),
                Interview.plan_due_on >= date(min(years), 1, 1))


def recompute_plan_dues(session: Session, *, actor: Actor, years: set[int],
                        overrides: dict[date, bool]) -> list[DueChange]:
    """After a holidays write to `years`: every interview whose count runs through them gets its
    due date counted again (its own plan_workdays, these overrides); each one that changes
    (date, or provisional or not) is audited and gets a timeline event. Returns the changes."""
    if not years:
        return []
    changes = []
    for interview in session.scalars(select(Interview).where(_window(years)).order_by(Interview.id)):
        result = add_workdays(interview.held_on, interview.plan_workdays, overrides=overrides)
        uncovered = stored_years(result.uncovered_years)
        if (result.due_on, uncovered) == (interview.plan_due_on, interview.plan_due_uncovered):
            continue
        changes.append(_apply_due(session, actor, interview, result.due_on, uncovered,
                                  kind="due_recomputed"))
    return changes


def _apply_due(session: Session, actor: Actor, interview: Interview, due: date,
               uncovered: str | None, *, kind: str) -> DueChange:
    columns = ["plan_due_on", "plan_due_uncovered"]
    before = audit.snapshot(interview, columns)
    change = DueChange("interview", interview.id, interview.code, interview.plan_due_on, due,
                       interview.plan_due_uncovered is not None, uncovered is not None)
    interview.plan_due_on, interview.plan_due_uncovered = due, uncovered
    session.add(InterviewEvent(interview_id=interview.id, at=datetime.now(), actor_id=actor.id,
                               kind=kind, detail={"before": before["plan_due_on"],
                                                  "after": due.isoformat(),
                                                  "was_provisional": change.was_provisional,
                                                  "provisional": change.provisional,
                                                  "years": uncovered}))
    session.flush()
    audit.record(session, actor=actor, action="interview.recompute_due", entity="interview",
                 entity_id=interview.id, before=before,
                 after={**audit.snapshot(interview, columns), "version": interview.version})
    return change


def provisional_by_year(session: Session) -> dict[int, int]:
    """Interviews whose plan date is provisional and not yet submitted, per uncovered year."""
    counts: dict[int, int] = {}
    rows = session.execute(select(Interview.plan_due_uncovered, func.count())
                           .where(PROVISIONAL, ~SUBMITTED).group_by(Interview.plan_due_uncovered))
    for stored, n in rows:   # a handful of distinct values ("2027", "2027,2028")
        for year in provisional_years(stored):
            counts[year] = counts.get(year, 0) + n
    return counts
