from datetime import date

from core.access.permissions import SYSTEM
from core.domain import Role, SourceLevel, Status
from core.ledger import stats
from tests.factories import district_id, make_actor, make_inspection, make_item, unit_id

TODAY = date(2026, 6, 1)


def seed(session):
    central = make_inspection(session, level=SourceLevel.CENTRAL)
    make_item(session, due_on=date(2026, 5, 31))                                  # overdue
    make_item(session, due_on=TODAY)                                              # due today: not
    make_item(session, due_on=date(2026, 1, 1), status=Status.SUBMITTED)          # waiting: not
    make_item(session, due_on=None, is_ongoing=True, deadline_text="长期坚持")      # ongoing: never
    make_item(session, due_on=date(2025, 1, 1), status=Status.CLOSED, inspection=central)
    make_item(session, district_id=None, lead_unit_id=unit_id(session, "重庆市水利局"),
              due_on=date(2026, 1, 1), inspection=central)                       # citywide, overdue
    make_item(session, district_id=district_id(session, "两江新区"),
              lead_unit_id=unit_id(session, "两江新区管委会"), due_on=date(2027, 1, 1))


def test_headline_counts_overdue_by_the_stated_rule(session):
    seed(session)
    head = stats.headline(session, actor=SYSTEM, today=TODAY)
    assert (head.total, head.closed, head.overdue, head.open) == (7, 1, 2, 6)
    assert head.completion_rate == 1 / 7


def test_by_status_lists_every_state_in_order(session):
    seed(session)
    rows = stats.items_by_status(session, actor=SYSTEM)
    assert [r.status for r in rows] == list(Status)
    assert {r.status: r.items for r in rows}[Status.ASSIGNED] == 5


def test_by_level(session):
    seed(session)
    rows = {r.level: r for r in stats.items_by_level(session, actor=SYSTEM, today=TODAY)}
    assert (rows[SourceLevel.CENTRAL].items, rows[SourceLevel.CENTRAL].closed,
            rows[SourceLevel.CENTRAL].overdue) == (2, 1, 1)
    assert rows[SourceLevel.MINISTRY].items == 0


def test_by_district_lists_all_41_then_citywide(session):
    seed(session)
    rows = stats.items_by_district(session, actor=SYSTEM, today=TODAY)
    assert len(rows) == 42 and rows[-1].district_id is None and rows[-1].overdue == 1
    by_name = {r.name: r for r in rows}
    assert by_name["万州区"].items == 5 and by_name["万州区"].overdue == 1
    assert by_name["两江新区"].items == 1 and by_name["渝中区"].items == 0


def test_unit_user_sees_only_own_items(session):
    seed(session)
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "两江新区管委会"))
    assert stats.headline(session, actor=unit, today=TODAY).total == 1


def test_a_draft_is_never_overdue(session):
    make_item(session, status=Status.DRAFT, due_on=date(2026, 1, 1), assigned_on=None)
    assert stats.headline(session, actor=SYSTEM, today=TODAY).overdue == 0
    assert stats.days_overdue(date(2026, 1, 1), status=Status.DRAFT, ongoing=False, today=TODAY) == 0
    assert stats.days_overdue(date(2026, 5, 29), status=Status.IN_PROGRESS, ongoing=False,
                              today=TODAY) == 3
