"""core.ledger.batch: 交办 many 待交办 items in one transaction, all or nothing, through the single
assign move's rules (permission, stale version, state, audit)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.access.audit import ledger_revision
from core.domain import AuditOutcome, Role, Status
from core.errors import PermissionDenied, ValidationFailed
from core.ledger import items
from core.ledger.batch import MAX_ITEMS, BatchRefused, assign_items
from db.models import AuditEntry, Item, Transition
from tests.factories import make_actor, make_item, unit_id

TODAY = date.today()


def drafts(session, n: int):
    return [make_item(session, code=f"D-{i}", status=Status.DRAFT, assigned_on=None) for i in range(n)]


def status_of(session, made) -> list[Status]:
    session.expire_all()
    return [Status(session.get(Item, i.id).status) for i in made]


def refusals(session, outcome: AuditOutcome) -> list[str]:
    return list(session.scalars(select(AuditEntry.entity_id).where(
        AuditEntry.action == "item.assign", AuditEntry.outcome == outcome).order_by(AuditEntry.id)))


def test_assigns_every_item_with_a_transition_and_an_audit_row_each(session):
    made = drafts(session, 3)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    revision = ledger_revision(session)[0]
    seen = {i.id: i.version for i in made}
    done = assign_items(session, actor=coordinator, items=seen,
                        assigned_on=TODAY - timedelta(days=1), assign_doc_no=" 渝督改〔2026〕3号 ")
    session.commit()
    assert done == [i.id for i in made]
    assert status_of(session, made) == [Status.ASSIGNED] * 3
    for item in made:
        row = session.get(Item, item.id)
        assert (row.assigned_on, row.assign_doc_no) == (TODAY - timedelta(days=1), "渝督改〔2026〕3号")
        assert row.holder_unit_id == row.lead_unit_id and row.version == seen[item.id] + 1
    assert session.scalar(select(func.count()).select_from(Transition)
                          .where(Transition.to_status == Status.ASSIGNED)) == 3
    assert refusals(session, AuditOutcome.OK) == [str(i.id) for i in made]
    assert ledger_revision(session)[0] > revision


def test_one_stale_item_changes_nothing_and_is_named(session):
    made = drafts(session, 3)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    seen = {i.id: i.version for i in made}
    items.update_item(session, actor=coordinator, item_id=made[1].id, expected_version=made[1].version,
                      changes={"township": "龙都街道"})
    session.commit()
    with pytest.raises(BatchRefused) as caught:
        assign_items(session, actor=coordinator, items=seen, assigned_on=TODAY)
    session.rollback()
    [refusal] = caught.value.refusals
    assert (refusal.item_id, refusal.code) == (made[1].id, "D-1") and "已被他人修改" in refusal.reason
    assert "D-1" in str(caught.value)
    assert status_of(session, made) == [Status.DRAFT] * 3
    assert session.scalar(select(func.count()).select_from(Transition)) == 0
    assert refusals(session, AuditOutcome.REFUSED_STALE) == [str(made[1].id)]


def test_every_refused_item_is_named_with_its_reason(session):
    made = drafts(session, 2)
    assigned = make_item(session, code="A-1")
    lost = make_item(session, code="N-1", status=Status.DRAFT, assigned_on=None)
    lost.lead_unit_id = lost.holder_unit_id = None
    session.flush()
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    asked = {i.id: i.version for i in (*made, assigned, lost)} | {999_999: 1}
    with pytest.raises(BatchRefused) as caught:
        assign_items(session, actor=coordinator, items=asked, assigned_on=TODAY)
    session.rollback()
    named = {r.code: r.reason for r in caught.value.refusals}
    assert set(named) == {"A-1", "N-1", "#999999"}
    assert "已交办" in named["A-1"] and "待交办" in named["A-1"]      # the state, and what it must be
    assert "牵头单位" in named["N-1"] and "不存在" in named["#999999"]
    assert status_of(session, made) == [Status.DRAFT] * 2
    assert refusals(session, AuditOutcome.REFUSED_INVALID) == [str(assigned.id), str(lost.id)]


def test_a_unit_user_may_not_and_the_refusal_is_audited(session):
    made = drafts(session, 2)
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    session.commit()
    with pytest.raises(PermissionDenied):
        assign_items(session, actor=unit, items={i.id: i.version for i in made}, assigned_on=TODAY)
    session.rollback()
    assert status_of(session, made) == [Status.DRAFT] * 2
    assert refusals(session, AuditOutcome.REFUSED_PERMISSION) == [None]


@pytest.mark.parametrize("day, ids, field", [
    (TODAY + timedelta(days=1), 1, "交办日期"),       # after today
    (None, 1, "交办日期"),
    (TODAY, 0, "所选任务"),                            # nothing ticked
    (TODAY, MAX_ITEMS + 1, "所选任务"),
])
def test_bad_input_names_the_field_and_reads_nothing(session, day, ids, field):
    made = drafts(session, 1)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    asked = {made[0].id: made[0].version} if ids == 1 else {n + 10_000: 1 for n in range(ids)}
    with pytest.raises(ValidationFailed) as caught:
        assign_items(session, actor=coordinator, items=asked, assigned_on=day)
    session.rollback()
    assert [p.column for p in caught.value.problems] == [field]
    assert status_of(session, made) == [Status.DRAFT]
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
