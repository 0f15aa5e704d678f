from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import AuditOutcome, ExtensionStatus, Role, Status
from core.errors import PermissionDenied, StaleEdit, ValidationFailed
from core.ledger import extensions, items
from core.ledger.lifecycle import TransitionNotAllowed
from db.engine import engine_for
from db.models import AuditEntry, Extension, Item
from tests.core.ledger.lifecycle_cases import item_in
from tests.factories import district_id, make_actor, unit_id


def unit_actor(session):
    return make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))


def ask(session, actor, item, new_due_on=date(2026, 6, 30), reason="汛期施工受阻", **kw):
    return extensions.request_extension(session, actor=actor, item_id=item.id,
                                        expected_version=kw.pop("expected_version", item.version),
                                        new_due_on=new_due_on, reason=reason)


def decide(session, actor, ext, item, approve=True, note="同意", **kw):
    fn = extensions.approve_extension if approve else extensions.reject_extension
    return fn(session, actor=actor, extension_id=ext.id,
              expected_version=kw.get("expected_version", ext.version),
              item_version=kw.get("item_version", item.version), note=note)


def outcomes(session, entity=None):
    stmt = select(AuditEntry.action, AuditEntry.outcome).order_by(AuditEntry.id)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    return [tuple(r) for r in session.execute(stmt)]


def test_approval_moves_the_due_date_counts_and_keeps_the_original(session):
    item = item_in(session, Status.IN_PROGRESS)          # due 2025-12-31
    ext = ask(session, unit_actor(session), item)
    assert (ext.status, ext.old_due_on, ext.new_due_on) == (
        ExtensionStatus.PENDING, date(2025, 12, 31), date(2026, 6, 30))
    assert item.due_on == date(2025, 12, 31) and item.extension_count == 0   # not yet
    coordinator = make_actor(session)
    decide(session, coordinator, ext, item, note="同意延期一次")
    assert (item.due_on, item.original_due_on, item.extension_count) == (
        date(2026, 6, 30), date(2025, 12, 31), 1)
    assert (ext.status, ext.decided_by, ext.decision_note) == (
        ExtensionStatus.APPROVED, coordinator.id, "同意延期一次")
    second = ask(session, unit_actor(session), item, new_due_on=date(2026, 12, 31))
    decide(session, coordinator, second, item)
    assert (item.due_on, item.original_due_on, item.extension_count) == (
        date(2026, 12, 31), date(2025, 12, 31), 2)
    item_audit = session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "item", AuditEntry.action == "extension.approve")
        .order_by(AuditEntry.id)).first()
    assert item_audit.before["due_on"] == "2025-12-31" and item_audit.after["due_on"] == "2026-06-30"


def test_rejection_needs_a_note_and_leaves_the_item_alone(session):
    item = item_in(session, Status.ASSIGNED)
    ext = ask(session, unit_actor(session), item)
    coordinator = make_actor(session)
    with pytest.raises(ValidationFailed) as exc:
        decide(session, coordinator, ext, item, approve=False, note=" ")
    assert exc.value.problems[0].column == "审批意见"
    decide(session, coordinator, ext, item, approve=False, note="理由不充分")
    assert ext.status == ExtensionStatus.REJECTED and ext.decision_note == "理由不充分"
    assert item.due_on == date(2025, 12, 31) and item.extension_count == 0 and item.version == 1
    assert outcomes(session) == [("extension.request", AuditOutcome.OK),
                                 ("extension.reject", AuditOutcome.OK)]


@pytest.mark.parametrize("new_due_on, reason, columns", [
    (date(2025, 12, 31), "理由", ["延期后的整改时限"]),     # not after the current due date
    (date(2025, 6, 1), "理由", ["延期后的整改时限"]),
    (date(2026, 6, 30), "  ", ["延期理由"]),
    (None, None, ["延期理由", "延期后的整改时限"]),
])
def test_bad_requests_name_the_field(session, new_due_on, reason, columns):
    item = item_in(session, Status.IN_PROGRESS)
    with pytest.raises(ValidationFailed) as exc:
        ask(session, unit_actor(session), item, new_due_on=new_due_on, reason=reason)
    assert [p.column for p in exc.value.problems] == columns
    assert session.scalars(select(Extension)).all() == []


@pytest.mark.parametrize("status, overrides, message", [
    (Status.IN_PROGRESS, dict(is_ongoing=True, due_on=None, deadline_text="长期坚持"), "长期坚持"),
    (Status.SUBMITTED, {}, "待验收"),
    (Status.CLOSED, {}, "已销号"),
])
def test_requests_the_state_does_not_allow_are_refused_and_audited(session, status, overrides,
                                                                   message):
    item = item_in(session, status, **overrides)
    unit = unit_actor(session)
    session.commit()
    with pytest.raises(TransitionNotAllowed, match=message):
        ask(session, unit, item)
    session.rollback()
    assert outcomes(session) == [("extension.request", AuditOutcome.REFUSED_INVALID)]


def test_a_draft_is_not_the_units_to_extend(session):
    """A 待交办 draft is the office's working copy: a unit cannot even reach it (docs/domain.md)."""
    item = item_in(session, Status.DRAFT)
    unit = unit_actor(session)
    session.commit()
    with pytest.raises(PermissionDenied):
        ask(session, unit, item)
    session.rollback()
    assert outcomes(session) == [("extension.request", AuditOutcome.REFUSED_PERMISSION)]


def test_one_pending_request_at_a_time(session):
    item = item_in(session, Status.IN_PROGRESS)
    unit = unit_actor(session)
    ask(session, unit, item)
    session.commit()
    with pytest.raises(TransitionNotAllowed, match="已有待审批的延期申请"):
        ask(session, unit, item, new_due_on=date(2027, 1, 1))


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN, Role.LEADER, Role.VIEWER])
def test_only_unit_users_request(session, role):
    item = item_in(session, Status.IN_PROGRESS)
    actor = make_actor(session, role)
    session.commit()
    with pytest.raises(PermissionDenied):
        ask(session, actor, item)


def test_a_unit_outside_its_scope_is_refused_and_audited(session):
    item = item_in(session, Status.IN_PROGRESS, lead_unit_id=unit_id(session, "涪陵区人民政府"),
                   district_id=district_id(session, "涪陵区"))
    unit = unit_actor(session)
    session.commit()
    with pytest.raises(PermissionDenied):
        ask(session, unit, item)
    session.rollback()
    assert outcomes(session) == [("extension.request", AuditOutcome.REFUSED_PERMISSION)]


@pytest.mark.parametrize("role", [Role.UNIT, Role.LEADER, Role.VIEWER])
def test_only_coordinators_decide(session, role):
    item = item_in(session, Status.IN_PROGRESS)
    ext = ask(session, unit_actor(session), item)
    actor = make_actor(session, role, unit_id=unit_id(session, "万州区人民政府"))
    session.commit()
    with pytest.raises(PermissionDenied):
        decide(session, actor, ext, item)
    session.rollback()
    assert session.get(Extension, ext.id).status == ExtensionStatus.PENDING


def test_a_decided_request_cannot_be_decided_again(session):
    item = item_in(session, Status.IN_PROGRESS)
    ext = ask(session, unit_actor(session), item)
    coordinator = make_actor(session)
    decide(session, coordinator, ext, item, approve=False, note="不同意")
    session.commit()
    with pytest.raises(TransitionNotAllowed, match="该延期申请已处理（不予批准）"):
        decide(session, coordinator, ext, item)


def test_a_request_decided_by_a_colleague_meanwhile_is_stale(database_url, session):
    item = item_in(session, Status.IN_PROGRESS)
    ext = ask(session, unit_actor(session), item)
    first, second = make_actor(session), make_actor(session)
    session.commit()
    seen_ext, seen_item = ext.version, item.version
    engine = engine_for(database_url)
    with Session(engine) as a, a.begin():
        extensions.reject_extension(a, actor=first, extension_id=ext.id, expected_version=seen_ext,
                                    item_version=seen_item, note="不同意")
    with Session(engine) as b, pytest.raises(StaleEdit, match="延期申请已被他人处理"), b.begin():
        extensions.approve_extension(b, actor=second, extension_id=ext.id,
                                     expected_version=seen_ext, item_version=seen_item)
    session.expire_all()
    assert session.get(Item, item.id).extension_count == 0
    assert session.get(Extension, ext.id).status == ExtensionStatus.REJECTED
    assert outcomes(session, "extension") == [("extension.request", AuditOutcome.OK),
                                              ("extension.reject", AuditOutcome.OK),
                                              ("extension.approve", AuditOutcome.REFUSED_STALE)]


def test_an_item_changed_since_the_screen_was_loaded_refuses_the_decision(database_url, session):
    item = item_in(session, Status.IN_PROGRESS)
    ext = ask(session, unit_actor(session), item)
    coordinator, colleague = make_actor(session), make_actor(session)
    session.commit()
    seen_item = item.version
    with Session(engine_for(database_url)) as a, a.begin():
        items.update_item(a, actor=colleague, item_id=item.id, expected_version=seen_item,
                          changes={"measures": "调整措施"})
    with pytest.raises(StaleEdit) as exc:
        decide(session, coordinator, ext, item, item_version=seen_item)
    assert exc.value.changes == {"measures": (None, "调整措施")}
    session.rollback()
    assert session.get(Extension, ext.id).status == ExtensionStatus.PENDING
    assert outcomes(session, "item")[-1] == ("extension.approve", AuditOutcome.REFUSED_STALE)


def test_approval_is_refused_once_the_item_is_submitted(session):
    item = item_in(session, Status.IN_PROGRESS)
    ext = ask(session, unit_actor(session), item)
    item.status = Status.SUBMITTED
    coordinator = make_actor(session)
    session.commit()
    with pytest.raises(TransitionNotAllowed, match="待验收"):
        decide(session, coordinator, ext, item)


def test_list_extensions_names_people(session):
    item = item_in(session, Status.IN_PROGRESS)
    unit, coordinator = unit_actor(session), make_actor(session)
    decide(session, coordinator, ask(session, unit, item), item)
    [info] = extensions.list_extensions(session, actor=unit, item_id=item.id)
    assert info.status == ExtensionStatus.APPROVED and info.reason == "汛期施工受阻"
    assert info.requested_by.startswith("用户") and info.decided_by.startswith("用户")
