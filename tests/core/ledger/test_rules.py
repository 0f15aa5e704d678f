from datetime import date, timedelta

from sqlalchemy import select

from core.domain import Status
from core.ledger import rules
from core.ledger.rules import Reason, RuleSettings
from db.models import Interview, InterviewItem, Item, Setting
from tests.factories import make_item, unit_id

TODAY = date(2026, 6, 1)
FRESH = dict(assigned_on=TODAY - timedelta(days=30), latest_progress_on=TODAY - timedelta(days=5),
             due_on=TODAY + timedelta(days=60), status=Status.IN_PROGRESS)


def reasons(session, item) -> list[Reason]:
    row = session.execute(select(Item.id, *rules.reason_columns(RuleSettings(), TODAY))
                          .where(Item.id == item.id)).one()
    return rules.reasons_from_row(row)


def test_fresh_item_has_no_reason(session):
    assert reasons(session, make_item(session, **FRESH)) == []


def test_each_rule_names_its_reason(session):
    cases = {
        Reason.OVERDUE: dict(FRESH, due_on=TODAY - timedelta(days=1)),
        Reason.STALE: dict(FRESH, latest_progress_on=TODAY - timedelta(days=91)),
        Reason.BOUNCED: dict(FRESH, bounce_count=2),
        Reason.OLD: dict(FRESH, assigned_on=TODAY - timedelta(days=731)),
        Reason.EXTENDED: dict(FRESH, extension_count=2),
    }
    for reason, values in cases.items():
        assert reasons(session, make_item(session, **values)) == [reason], reason


def test_thresholds_are_exclusive_where_the_rule_says_so(session):
    ninety = make_item(session, **dict(FRESH, latest_progress_on=TODAY - timedelta(days=90)))
    assert reasons(session, ninety) == []
    assert reasons(session, make_item(session, **dict(FRESH, due_on=TODAY))) == []
    assert reasons(session, make_item(session, **dict(FRESH, bounce_count=1))) == []


def test_closed_and_ongoing_items_are_never_long_unresolved_by_deadline(session):
    closed = make_item(session, **dict(FRESH, status=Status.CLOSED, due_on=TODAY - timedelta(days=400),
                                       bounce_count=3))
    ongoing = make_item(session, **dict(FRESH, is_ongoing=True, due_on=None))
    assert reasons(session, closed) == [] and reasons(session, ongoing) == []


def test_interview_item_open_after_plan_deadline(session):
    item = make_item(session, **FRESH)
    interview = Interview(code="YT-1", details="整改不力", held_on=TODAY - timedelta(days=40),
                          interviewee_unit_id=unit_id(session, "万州区人民政府"),
                          plan_due_on=TODAY - timedelta(days=19))
    session.add(interview)
    session.flush()
    session.add(InterviewItem(interview_id=interview.id, item_id=item.id))
    session.flush()
    assert reasons(session, item) == [Reason.INTERVIEW]


def test_thresholds_come_from_the_setting_table(session):
    session.get(Setting, "stale_after_days").value = "30"
    session.flush()
    loaded = rules.load_rule_settings(session)
    assert loaded.stale_after_days == 30 and loaded.bounce_threshold == 2
    session.get(Setting, "bounce_threshold").value = "lots"
    assert rules.load_rule_settings(session).bounce_threshold == 2
