from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import items
from core.domain import AuditOutcome, Role, Status
from core.errors import PermissionDenied, StaleEdit, ValidationFailed
from db.engine import engine_for
from db.models import AuditEntry, Item, ProgressReport, Transition
from tests.factories import district_id, make_actor, make_item, unit_id


def audit_outcomes(session, item_id):
    return [(e.action, e.outcome) for e in session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == str(item_id)).order_by(AuditEntry.id))]


def test_unit_reports_progress_on_own_item(session):
    item = make_item(session)
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    items.report_progress(session, actor=unit, item_id=item.id, expected_version=item.version,
                          reported_on=date(2026, 1, 5), percent=40, text="已完成管网改造设计")
    session.commit()
    assert item.status == Status.IN_PROGRESS and item.progress_percent == 40
    assert item.latest_progress_on == date(2026, 1, 5)
    assert session.scalar(select(Transition.to_status).where(Transition.item_id == item.id)) \
        == Status.IN_PROGRESS
    assert ("item.report_progress", AuditOutcome.OK) in audit_outcomes(session, item.id)


def test_unit_write_to_another_units_item_is_refused_and_audited(database_url, session):
    other = make_item(session, lead_unit_id=unit_id(session, "涪陵区人民政府"),
                      district_id=district_id(session, "涪陵区"))
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    session.commit()
    with pytest.raises(PermissionDenied):
        items.report_progress(session, actor=unit, item_id=other.id, expected_version=other.version,
                              reported_on=date(2026, 1, 5), percent=10, text="越权填报")
    session.rollback()
    assert session.scalar(select(ProgressReport.id).where(ProgressReport.item_id == other.id)) is None
    assert audit_outcomes(session, other.id) == [("item.report_progress",
                                                  AuditOutcome.REFUSED_PERMISSION)]


def test_unit_bound_to_a_district_may_act_on_that_districts_items(session):
    item = make_item(session, lead_unit_id=unit_id(session, "重庆市水利局"))
    unit = make_actor(session, Role.UNIT, district_id=district_id(session, "万州区"))
    items.report_progress(session, actor=unit, item_id=item.id, expected_version=item.version,
                          reported_on=date(2026, 1, 5), percent=10, text="已开展排查")


@pytest.mark.parametrize("role", [Role.VIEWER, Role.LEADER, Role.UNIT])
def test_only_coordinators_edit_item_fields(session, role):
    item = make_item(session)
    actor = make_actor(session, role, unit_id=unit_id(session, "万州区人民政府"))
    session.commit()  # as a page does: a refused write starts its own transaction
    with pytest.raises(PermissionDenied):
        items.update_item(session, actor=actor, item_id=item.id, expected_version=item.version,
                          changes={"measures": "x"})


def test_stale_edit_is_refused_with_the_changes_and_both_attempts_audited(database_url, session):
    item = make_item(session, measures="原措施")
    first, second = make_actor(session), make_actor(session)
    session.commit()
    seen = item.version  # both coordinators opened the item at this version
    engine = engine_for(database_url)
    with Session(engine) as a, a.begin():
        items.update_item(a, actor=first, item_id=item.id, expected_version=seen,
                          changes={"measures": "甲的措施"})
    with Session(engine) as b, pytest.raises(StaleEdit) as exc, b.begin():
        items.update_item(b, actor=second, item_id=item.id, expected_version=seen,
                          changes={"measures": "乙的措施"})
    assert exc.value.changes == {"measures": ("原措施", "甲的措施")}
    session.expire_all()
    assert session.get(Item, item.id).measures == "甲的措施"
    outcomes = audit_outcomes(session, item.id)
    assert outcomes == [("item.edit", AuditOutcome.OK), ("item.edit", AuditOutcome.REFUSED_STALE)]
    refused = session.scalars(select(AuditEntry).where(
        AuditEntry.outcome == AuditOutcome.REFUSED_STALE)).one()
    assert refused.actor_id == second.id and refused.after == {"measures": "乙的措施"}


def test_edit_audit_holds_before_and_after(session):
    item = make_item(session, measures="旧")
    coordinator = make_actor(session)
    items.update_item(session, actor=coordinator, item_id=item.id, expected_version=item.version,
                      changes={"measures": "新"})
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "item.edit")).one()
    assert entry.before == {"measures": "旧"} and entry.after["measures"] == "新"


@pytest.mark.parametrize("changes, field", [
    ({"status": "closed"}, "status"),
    ({"category": "lava"}, "category"),
])
def test_bad_edit_names_the_field_and_changes_nothing(session, changes, field):
    item = make_item(session)
    coordinator = make_actor(session)
    with pytest.raises(ValidationFailed) as exc:
        items.update_item(session, actor=coordinator, item_id=item.id,
                          expected_version=item.version, changes=changes)
    assert [p.column for p in exc.value.problems] == [field]
    assert item.status == Status.ASSIGNED


@pytest.mark.parametrize("percent, text, field", [(101, "x", "percent"), (50, " ", "text")])
def test_bad_progress_is_refused(session, percent, text, field):
    item = make_item(session)
    coordinator = make_actor(session)
    with pytest.raises(ValidationFailed) as exc:
        items.report_progress(session, actor=coordinator, item_id=item.id,
                              expected_version=item.version, reported_on=date(2026, 1, 1),
                              percent=percent, text=text)
    assert exc.value.problems[0].column == field
