"""催办 (core.ledger.reminders): who may, which items, once a day, what the unit sees and until
when, the count toward 久拖不决, the timeline entry; on both engines (the `session` fixture)."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.domain import AuditOutcome, Role, Status
from core.errors import PermissionDenied, ValidationFailed
from core.ledger import items
from core.ledger.action_queue import needs_my_action
from core.ledger.reminders import item_reminders, open_reminders, remind_items
from core.ledger.rules import Reason, RuleSettings, long_unresolved_condition, reason_conditions
from core.ledger.timeline import item_timeline
from db.models import AuditEntry, Item, ItemReminder
from tests.core.ledger.lifecycle_cases import do_move, item_in
from tests.factories import district_id, make_actor, make_item, unit_id

TODAY = date(2025, 11, 20)


@pytest.fixture
def people(session):
    wanzhou = unit_id(session, "万州区人民政府")
    return (make_actor(session, display_name="李协调"),
            make_actor(session, Role.UNIT, unit_id=wanzhou, display_name="万州联络员"))


def test_remind_records_counts_and_audits(session, people):
    coordinator, _ = people
    working = item_in(session, Status.IN_PROGRESS, code="WORKING")
    version = working.version
    result = remind_items(session, actor=coordinator, item_ids=[working.id], note="请本周内报送进展",
                          today=TODAY)
    assert result.reminded == [working.id] and result.skipped == {}
    session.expire_all()
    item = session.get(Item, working.id)
    assert item.reminder_count == 1
    assert item.version == version      # a 催办 does not make anybody's open form stale
    row = session.scalars(select(ItemReminder)).one()
    assert (row.item_id, row.actor_id, row.unit_id, row.note) == (
        working.id, coordinator.id, item.holder_unit_id, "请本周内报送进展")
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "item.remind")).one()
    assert audited.entity_id == str(working.id) and audited.outcome == AuditOutcome.OK


def test_remind_skips_what_is_not_with_a_unit_and_names_why(session, people):
    coordinator, _ = people
    ok = item_in(session, Status.ASSIGNED, code="OK")
    draft = item_in(session, Status.DRAFT, code="DRAFT")
    submitted = item_in(session, Status.SUBMITTED, code="SUBMITTED")
    closed = item_in(session, Status.CLOSED, code="CLOSED")
    result = remind_items(session, actor=coordinator, today=TODAY,
                          item_ids=[ok.id, draft.id, submitted.id, closed.id, 999_999, ok.id])
    assert result.reminded == [ok.id]          # the repeated id counts once
    assert result.skipped == {draft.id: "reminder.skip.draft",
                              submitted.id: "reminder.skip.not_with_unit",
                              closed.id: "reminder.skip.not_with_unit",
                              999_999: "reminder.skip.not_found"}
    assert result.codes[draft.id] == "DRAFT"


def test_once_a_day_per_item(session, people):
    coordinator, _ = people
    other = make_actor(session)
    item = item_in(session, Status.IN_PROGRESS, code="TWICE")
    remind_items(session, actor=coordinator, item_ids=[item.id], today=date.today())
    again = remind_items(session, actor=other, item_ids=[item.id], today=date.today())
    assert again.reminded == [] and again.skipped == {item.id: "reminder.skip.already_today"}
    session.expire_all()
    assert session.get(Item, item.id).reminder_count == 1


@pytest.mark.parametrize("role", [Role.UNIT, Role.LEADER, Role.VIEWER])
def test_only_the_office_may_remind(session, role):
    item = item_in(session, Status.IN_PROGRESS)
    actor = make_actor(session, role, unit_id=unit_id(session, "万州区人民政府"))
    session.commit()    # the refusal is audited in its own transaction: it must see the user
    with pytest.raises(PermissionDenied):
        remind_items(session, actor=actor, item_ids=[item.id], today=TODAY)
    assert session.scalar(select(func.count()).select_from(ItemReminder)) == 0
    refused = session.scalars(select(AuditEntry).where(AuditEntry.action == "item.remind")).one()
    assert refused.outcome == AuditOutcome.REFUSED_PERMISSION


@pytest.mark.parametrize("note", ["催\x00办", "长" * 501])
def test_a_bad_note_writes_nothing(session, people, note):
    coordinator, _ = people
    item = item_in(session, Status.IN_PROGRESS)
    with pytest.raises(ValidationFailed) as caught:
        remind_items(session, actor=coordinator, item_ids=[item.id], note=note, today=TODAY)
    assert caught.value.problems[0].column == "催办说明"
    assert session.scalar(select(func.count()).select_from(ItemReminder)) == 0


def test_no_ids_or_too_many(session, people):
    coordinator, _ = people
    with pytest.raises(ValueError):
        remind_items(session, actor=coordinator, item_ids=[], today=TODAY)
    with pytest.raises(ValueError):
        remind_items(session, actor=coordinator, item_ids=range(1, 502), today=TODAY)


def test_the_unit_sees_it_first_until_it_reports(session, people):
    coordinator, unit = people
    item = item_in(session, Status.IN_PROGRESS, code="PRESSED", due_on=TODAY + timedelta(days=30))
    fuling = make_item(session, code="NOT-MINE", status=Status.IN_PROGRESS,
                       lead_unit_id=unit_id(session, "涪陵区人民政府"),
                       district_id=district_id(session, "涪陵区"))
    remind_items(session, actor=coordinator, item_ids=[item.id, fuling.id], note="抓紧", today=TODAY)

    queue = needs_my_action(session, actor=unit, today=TODAY)
    first = queue.sections[0]
    assert first.key == "queue.reminded" and first.total == 1
    row = first.rows[0]
    assert (row.entity, row.item_id, row.code, row.summary, row.by) == (
        "reminder", item.id, "PRESSED", "抓紧", "李协调")
    assert row.at is not None and row.times == 1

    items.report_progress(session, actor=unit, item_id=item.id, expected_version=item.version,
                          reported_on=TODAY, percent=60, text="已完成管网改造")
    assert needs_my_action(session, actor=unit, today=TODAY).sections[0].total == 0


def test_it_leaves_the_queue_when_the_item_leaves_the_unit(session, people):
    coordinator, unit = people
    item = item_in(session, Status.IN_PROGRESS, code="SUBMITS")
    remind_items(session, actor=coordinator, item_ids=[item.id], today=TODAY)
    assert open_reminders(session, actor=unit)[0] == 1
    do_move(session, "request_closure", unit, item)
    assert session.get(Item, item.id).status == Status.SUBMITTED
    assert open_reminders(session, actor=unit)[0] == 0


def test_only_the_latest_reminder_of_an_item_is_listed(session, people):
    coordinator, unit = people
    item = item_in(session, Status.IN_PROGRESS, code="AGAIN")
    for days_ago, note in ((3, "第一次"), (1, "第二次")):
        session.add(ItemReminder(item_id=item.id, unit_id=item.holder_unit_id, actor_id=coordinator.id,
                                 at=datetime.now() - timedelta(days=days_ago), note=note))
    session.flush()
    total, rows = open_reminders(session, actor=unit)
    assert total == 1 and rows[0].note == "第二次"


def test_repeated_reminders_flag_the_item_long_unresolved(session, people):
    coordinator, _ = people
    rules = RuleSettings(reminder_threshold=2)
    fresh = item_in(session, Status.IN_PROGRESS, code="PRESSED-TWICE", due_on=TODAY + timedelta(days=60),
                    assigned_on=TODAY - timedelta(days=10), latest_progress_on=TODAY)
    for day in (TODAY - timedelta(days=1), TODAY):
        remind_items(session, actor=coordinator, item_ids=[fresh.id], today=day)
        session.execute(ItemReminder.__table__.update().values(at=datetime.combine(day, datetime.min.time())))
    flagged = select(Item.code).where(reason_conditions(rules, TODAY)[Reason.REMINDED])
    assert session.scalars(flagged).all() == ["PRESSED-TWICE"]
    assert session.scalars(select(Item.code).where(long_unresolved_condition(rules, TODAY))).all() == [
        "PRESSED-TWICE"]
    assert session.scalars(select(Item.code).where(
        reason_conditions(RuleSettings(reminder_threshold=3), TODAY)[Reason.REMINDED])).all() == []


def test_on_the_timeline_with_who_and_the_note(session, people):
    coordinator, unit = people
    item = item_in(session, Status.IN_PROGRESS, code="TL")
    remind_items(session, actor=coordinator, item_ids=[item.id], note="请说明滞后原因", today=TODAY)
    entries = [e for e in item_timeline(session, actor=unit, item_id=item.id) if e.kind == "reminder"]
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.who, entry.detail, entry.what_values["n"]) == ("李协调", "请说明滞后原因", 1)
    assert "催办" in entry.what("zh") and "Reminded" in entry.what("en")
    assert [r.note for r in item_reminders(session, item.id)] == ["请说明滞后原因"]
