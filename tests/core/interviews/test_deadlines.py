"""The plan's due date (core.interviews.deadlines): counted in working days over National Day and
Spring Festival (expected dates counted by hand off chinese-calendar 1.11's own data),
provisional across a year the calendar lacks and recomputed when an admin enters it; and late
plans at their edges — the day before, on and after the due date — in Python, in SQL, on 我的待办,
on the interviews list and on the big screen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.access.audit import entries_for
from core.calendar.holidays import HolidayEntry, delete_holiday, import_holidays, set_holiday
from core.domain import AuditOutcome, PlanState, Role
from core.errors import StaleEdit
from core.interviews import moves, records
from core.interviews.deadlines import plan_state, plan_state_column, provisional_by_year
from core.interviews.query import InterviewFilter, list_interviews
from core.ledger.action_queue import needs_my_action
from core.ledger.rules import Reason, load_rule_settings, reason_columns, reasons_from_row
from core.screen.bigscreen import big_screen
from db.models import Interview, InterviewEvent, Item
from tests.core.interviews.cases import advance, record
from tests.factories import make_actor, make_item

# A plausible 2027 arrangement (the real one is not published yet): 元旦 Fri 1 Jan, and a
# 调休 pair: Mon 4 Jan off, Sat 9 Jan worked.
YEAR_2027 = [HolidayEntry(date(2027, 1, 1), False, "元旦"), HolidayEntry(date(2027, 1, 4), False, "元旦"),
             HolidayEntry(date(2027, 1, 9), True, "元旦调休")]


@pytest.fixture
def coordinator(session):
    return make_actor(session, Role.COORDINATOR)


@pytest.mark.parametrize(("held", "due"), [
    (date(2025, 9, 26), date(2025, 10, 23)),    # 国庆 2025: Oct 1–8 off, Sun 28 Sep and Sat 11 Oct worked
    (date(2025, 9, 30), date(2025, 10, 28)),    # held on the eve of the break
    (date(2024, 9, 27), date(2024, 10, 23)),    # 国庆 2024: Oct 1–7 off, Sun 29 Sep and Sat 12 Oct worked
    (date(2026, 2, 13), date(2026, 3, 12)),     # 春节 2026: Feb 15–23 off, Sat 14 and Sat 28 worked
    (date(2025, 1, 24), date(2025, 2, 20)),     # 春节 2025: Jan 28–Feb 4 off, Sun 26 Jan and Sat 8 Feb worked
    (date(2026, 5, 8), date(2026, 5, 28)),      # 劳动节 2026 is over: an ordinary three weeks
])
def test_plan_due_counts_working_days_over_the_long_holidays(session, coordinator, held, due):
    interview = record(session, coordinator, held_on=held)
    assert (interview.plan_due_on, interview.plan_due_uncovered) == (due, None)


def test_a_due_date_running_into_an_uncovered_year_is_provisional_and_says_which(session, coordinator):
    interview = record(session, coordinator, held_on=date(2026, 12, 1))     # Tuesday
    assert (interview.plan_due_on, interview.plan_due_uncovered) == (date(2026, 12, 22), None)
    late_in_year = record(session, coordinator, held_on=date(2026, 12, 1), plan_workdays=25)
    # Dec 2026 has 22 working days after the 1st; weekdays counted in 2027: Fri 1, Mon 4, Tue 5.
    assert (late_in_year.plan_due_on, late_in_year.plan_due_uncovered) == (date(2027, 1, 5), "2027")
    assert provisional_by_year(session) == {2027: 1}


def test_entering_the_year_recomputes_the_date_and_it_stops_being_provisional(session, coordinator):
    admin = make_actor(session, Role.ADMIN)
    interview = record(session, coordinator, held_on=date(2026, 12, 1), plan_workdays=25)
    untouched = record(session, coordinator, held_on=date(2025, 9, 26))
    seen = interview.version
    result = import_holidays(session, actor=admin, entries=YEAR_2027, expected_versions={2027: 0},
                             source="2027年节假日.csv")
    # 1 and 4 Jan are off, Sat 9 Jan worked: the 23rd–25th working days are 5, 6, 7 Jan.
    assert (interview.plan_due_on, interview.plan_due_uncovered) == (date(2027, 1, 7), None)
    assert [(c.code, c.before, c.after, c.was_provisional, c.provisional) for c in result.recomputed] == [
        (interview.code, date(2027, 1, 5), date(2027, 1, 7), True, False)]
    assert interview.version == seen + 1 and untouched.version == 1
    entry = entries_for(session, "interview", interview.id)[-1]
    assert (entry.action, entry.actor_name, entry.outcome) == ("interview.recompute_due", admin.username,
                                                               AuditOutcome.OK)
    assert entry.before == {"plan_due_on": "2027-01-05", "plan_due_uncovered": "2027"}
    assert entry.after == {"plan_due_on": "2027-01-07", "plan_due_uncovered": None,
                           "version": interview.version}
    event = session.scalars(select(InterviewEvent).where(InterviewEvent.interview_id == interview.id,
                                                         InterviewEvent.kind == "due_recomputed")).one()
    assert event.detail == {"before": "2027-01-05", "after": "2027-01-07", "was_provisional": True,
                            "provisional": False, "years": None}
    assert provisional_by_year(session) == {}
    session.commit()
    with pytest.raises(StaleEdit) as raised:   # a page opened before the recompute is refused
        records.update_interview(session, actor=coordinator, interview_id=interview.id,
                                 expected_version=seen, changes={"place": "视频会议"})
    assert raised.value.changes["plan_due_on"] == ("2027-01-05", "2027-01-07")


def test_one_day_entered_or_deleted_recomputes_too(session, coordinator):
    admin = make_actor(session, Role.ADMIN)
    interview = record(session, coordinator, held_on=date(2026, 12, 1), plan_workdays=25)
    set_holiday(session, actor=admin, day=date(2027, 1, 1), is_workday=False, name="元旦",
                expected_version=0)
    assert (interview.plan_due_on, interview.plan_due_uncovered) == (date(2027, 1, 6), None)
    delete_holiday(session, actor=admin, day=date(2027, 1, 1), expected_version=1)
    assert (interview.plan_due_on, interview.plan_due_uncovered) == (date(2027, 1, 5), "2027")


def test_a_new_interview_uses_the_entered_days(session, coordinator):
    import_holidays(session, actor=make_actor(session, Role.ADMIN), entries=YEAR_2027,
                    expected_versions={2027: 0}, source=None)
    interview = record(session, coordinator, held_on=date(2026, 12, 1), plan_workdays=25)
    assert (interview.plan_due_on, interview.plan_due_uncovered) == (date(2027, 1, 7), None)


# --- late plans at their edges ----------------------------------------------------------------

DUE = date(2025, 10, 23)          # of an interview held 2025-09-26


@pytest.mark.parametrize(("today", "state"), [
    (DUE - timedelta(days=1), PlanState.AWAITING), (DUE, PlanState.AWAITING),
    (DUE + timedelta(days=1), PlanState.LATE)])
def test_a_plan_is_late_only_after_its_due_day(session, coordinator, today, state):
    interview = record(session, coordinator)
    item = make_item(session, code="ZG-LINKED")
    records.link_items(session, actor=coordinator, interview_id=interview.id,
                       expected_version=interview.version, values={"item_codes": "ZG-LINKED"})
    assert plan_state(due_on=DUE, submitted_on=None, provisional=False, today=today) == state
    assert session.scalar(select(plan_state_column(today)).select_from(Interview)) == state.value
    late = state is PlanState.LATE
    queue = needs_my_action(session, actor=coordinator, today=today).section("interview_plans_overdue")
    assert [r.code for r in queue.rows] == ([interview.code] if late else [])
    page = list_interviews(session, actor=coordinator, today=today,
                           flt=InterviewFilter(plan_states=(PlanState.LATE,)))
    assert page.total == int(late) and page.by_plan_state == {state: 1}   # counts ignore the state filter
    head = big_screen(session, actor=coordinator, today=today).headline
    assert head.interview_plans_overdue.now == int(late)
    row = session.execute(select(*reason_columns(load_rule_settings(session), today))
                          .where(Item.id == item.id)).one()
    assert (Reason.INTERVIEW in reasons_from_row(row)) == late


@pytest.mark.parametrize(("submitted", "state"), [
    (DUE - timedelta(days=1), PlanState.SUBMITTED), (DUE, PlanState.SUBMITTED),
    (DUE + timedelta(days=1), PlanState.SUBMITTED_LATE)])
def test_a_plan_submitted_on_its_due_day_is_on_time(session, coordinator, submitted, state):
    interview = record(session, coordinator)
    moves.submit_plan(session, actor=coordinator, interview_id=interview.id,
                      expected_version=interview.version, submitted_on=submitted,
                      today=date(2026, 12, 2))
    today = DUE + timedelta(days=30)
    assert plan_state(due_on=DUE, submitted_on=submitted, provisional=False, today=today) == state
    assert session.scalar(select(plan_state_column(today)).select_from(Interview)) == state.value
    assert needs_my_action(session, actor=coordinator, today=today).section(
        "interview_plans_overdue").total == 0


def test_a_provisional_date_is_never_called_late(session, coordinator):
    interview = record(session, coordinator, held_on=date(2026, 12, 1), plan_workdays=25)
    after = interview.plan_due_on + timedelta(days=3)
    assert plan_state(due_on=interview.plan_due_on, submitted_on=None, provisional=True,
                      today=after) == PlanState.PROVISIONAL
    assert session.scalar(select(plan_state_column(after)).select_from(Interview)) == "provisional"
    assert needs_my_action(session, actor=coordinator, today=after).section(
        "interview_plans_overdue").total == 0
    assert big_screen(session, actor=coordinator, today=after).headline.interview_plans_overdue.now == 0


def test_the_unit_sees_its_awaited_plan_until_it_is_submitted(session, coordinator):
    interview = record(session, coordinator)
    unit = make_actor(session, Role.UNIT, unit_id=interview.interviewee_unit_id)
    section = needs_my_action(session, actor=unit, today=DUE).section("interview_plans_awaited")
    assert [(r.code, r.days) for r in section.rows] == [(interview.code, 0)]
    advance(session, coordinator, interview, "plan")
    assert needs_my_action(session, actor=unit, today=DUE).section("interview_plans_awaited").total == 0
