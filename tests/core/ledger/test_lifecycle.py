from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access.audit import ledger_revision
from core.domain import AuditOutcome, Role, Status
from core.errors import PermissionDenied, StaleEdit, ValidationFailed
from core.ledger import items, lifecycle
from core.ledger.lifecycle import MOVES, TransitionNotAllowed
from db.engine import engine_for
from db.models import AuditEntry, Item, Transition
from tests.core.ledger.lifecycle_cases import do_move, item_in
from tests.factories import district_id, make_actor, unit_id

S, R = Status, Role
# Who may make each move: written out here, so a change to RULES must be made on purpose.
EXPECTED_ROLES = {
    "assign": {R.ADMIN, R.COORDINATOR},
    "start": {R.ADMIN, R.COORDINATOR, R.UNIT},
    "request_closure": {R.ADMIN, R.COORDINATOR, R.UNIT},
    "pass_verification": {R.ADMIN, R.COORDINATOR},
    "fail_verification": {R.ADMIN, R.COORDINATOR},
    "object_notice": {R.ADMIN, R.COORDINATOR},
    "close": {R.ADMIN, R.COORDINATOR},
    "reopen": {R.ADMIN, R.COORDINATOR},
    "hand_over": {R.ADMIN, R.COORDINATOR},
}
ALLOWED = [(name, source) for name, move in MOVES.items() for source in move.sources]
FORBIDDEN = [(name, status) for name, move in MOVES.items() for status in S
             if status not in move.sources]


def wanzhou(session):
    return unit_id(session, "万州区人民政府")


def actor_of(session, role):
    return make_actor(session, role, unit_id=wanzhou(session) if role is R.UNIT else None)


def audit_trail(session, item_id):
    return [(e.action, e.outcome) for e in session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "item", AuditEntry.entity_id == str(item_id))
        .order_by(AuditEntry.id))]


def transitions(session, item_id):
    return list(session.scalars(select(Transition).where(Transition.item_id == item_id)
                                .order_by(Transition.id)))


def test_the_table_is_the_documented_one():
    pairs = {(s, m.target) for m in MOVES.values() for s in m.sources}
    assert pairs == {(S.DRAFT, S.ASSIGNED), (S.ASSIGNED, S.IN_PROGRESS),
                     (S.IN_PROGRESS, S.SUBMITTED), (S.SUBMITTED, S.NOTICE),
                     (S.SUBMITTED, S.IN_PROGRESS), (S.NOTICE, S.IN_PROGRESS), (S.NOTICE, S.CLOSED),
                     (S.CLOSED, S.IN_PROGRESS),
                     (S.DRAFT, None), (S.ASSIGNED, None), (S.IN_PROGRESS, None)}
    assert {n for n, m in MOVES.items() if m.reason_required} == {
        "fail_verification", "object_notice", "reopen", "hand_over"}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("name, source", ALLOWED, ids=[f"{n}-{s}" for n, s in ALLOWED])
def test_each_allowed_move_by_each_role(session, name, source, role):
    item = item_in(session, source)
    actor = actor_of(session, role)
    session.commit()
    revision = ledger_revision(session)[0]
    if role not in EXPECTED_ROLES[name]:
        with pytest.raises(PermissionDenied):
            do_move(session, name, actor, item)
        session.rollback()
        assert session.get(Item, item.id).status == source
        assert transitions(session, item.id) == []
        assert audit_trail(session, item.id) == [(f"item.{name}", AuditOutcome.REFUSED_PERMISSION)]
        return
    moved = do_move(session, name, actor, item)
    session.commit()
    target = MOVES[name].target or source
    assert moved.status == target and moved.version == 2
    [t] = transitions(session, item.id)
    assert (t.from_status, t.to_status, t.actor_id) == (source, target, actor.id)
    assert audit_trail(session, item.id) == [(f"item.{name}", AuditOutcome.OK)]
    assert ledger_revision(session)[0] == revision + 1


@pytest.mark.parametrize("name, status", FORBIDDEN, ids=[f"{n}-from-{s}" for n, s in FORBIDDEN])
def test_each_forbidden_move_is_refused_named_and_audited(session, name, status):
    item = item_in(session, status)
    admin = make_actor(session, R.ADMIN)
    session.commit()
    with pytest.raises(TransitionNotAllowed) as exc:
        do_move(session, name, admin, item)
    session.rollback()
    assert session.get(Item, item.id).status == status and transitions(session, item.id) == []
    assert audit_trail(session, item.id) == [(f"item.{name}", AuditOutcome.REFUSED_INVALID)]
    from core.i18n import label
    assert f"当前为「{label(status, lang='zh')}」" in str(exc.value)  # names where it stands


@pytest.mark.parametrize("name, source", [("fail_verification", S.SUBMITTED),
                                          ("object_notice", S.NOTICE), ("reopen", S.CLOSED),
                                          ("hand_over", S.IN_PROGRESS)])
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reason_is_required_where_the_rule_says(session, name, source, reason):
    item = item_in(session, source)
    coordinator = make_actor(session)
    with pytest.raises(ValidationFailed) as exc:
        do_move(session, name, coordinator, item, reason=reason)
    assert [p.column for p in exc.value.problems] == ["原因"]
    assert "必填" in str(exc.value)
    assert item.status == source and transitions(session, item.id) == []


def test_the_reason_is_kept_on_the_transition(session):
    item = item_in(session, S.SUBMITTED)
    do_move(session, "fail_verification", make_actor(session), item, reason="  台账资料不全  ")
    assert transitions(session, item.id)[-1].reason == "台账资料不全"


def test_bounce_and_reopen_counters(session):
    item = item_in(session, S.SUBMITTED)
    coordinator = make_actor(session)
    do_move(session, "fail_verification", coordinator, item)
    do_move(session, "request_closure", coordinator, item)
    do_move(session, "pass_verification", coordinator, item)
    do_move(session, "object_notice", coordinator, item)
    assert item.bounce_count == 2 and item.accepted_on is None and item.notice_to is None
    do_move(session, "request_closure", coordinator, item)
    do_move(session, "pass_verification", coordinator, item)
    do_move(session, "close", coordinator, item)
    assert item.status == S.CLOSED and item.closed_on == date(2025, 6, 10)
    do_move(session, "reopen", coordinator, item, deadline="2026年12月底前")
    assert item.status == S.IN_PROGRESS and item.reopen_count == 1 and item.bounce_count == 2
    assert item.closed_on is None and item.close_doc_no is None and item.accepted_on is None
    assert item.due_on == date(2026, 12, 31) and item.deadline_text == "2026年12月底前"
    assert [(t.from_status, t.to_status) for t in transitions(session, item.id)] == [
        (S.SUBMITTED, S.IN_PROGRESS), (S.IN_PROGRESS, S.SUBMITTED), (S.SUBMITTED, S.NOTICE),
        (S.NOTICE, S.IN_PROGRESS), (S.IN_PROGRESS, S.SUBMITTED), (S.SUBMITTED, S.NOTICE),
        (S.NOTICE, S.CLOSED), (S.CLOSED, S.IN_PROGRESS)]


def test_audit_of_a_move_holds_before_and_after(session):
    item = item_in(session, S.NOTICE)
    do_move(session, "close", make_actor(session), item)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "item.close")).one()
    assert entry.before == {"status": "notice", "closed_on": None, "close_doc_no": None}
    assert entry.after == {"status": "closed", "closed_on": "2025-06-10",
                           "close_doc_no": "渝督销〔2025〕8号", "version": 2}


def test_unit_acting_outside_its_scope_is_refused_and_audited(session):
    other = item_in(session, S.ASSIGNED, lead_unit_id=unit_id(session, "涪陵区人民政府"),
                    district_id=district_id(session, "涪陵区"))
    unit = actor_of(session, R.UNIT)
    session.commit()
    for name in ("start", "request_closure"):
        with pytest.raises(PermissionDenied):
            do_move(session, name, unit, other)
        session.rollback()
    assert audit_trail(session, other.id) == [("item.start", AuditOutcome.REFUSED_PERMISSION),
                                              ("item.request_closure", AuditOutcome.REFUSED_PERMISSION)]
    assert session.get(Item, other.id).status == S.ASSIGNED


def test_a_stale_move_is_refused_with_what_changed(database_url, session):
    item = item_in(session, S.SUBMITTED)
    first, second = make_actor(session), make_actor(session)
    session.commit()
    seen = item.version
    engine = engine_for(database_url)
    with Session(engine) as a, a.begin():
        do_move(a, "pass_verification", first, a.get(Item, item.id), expected_version=seen)
    with Session(engine) as b, pytest.raises(StaleEdit) as exc, b.begin():
        do_move(b, "fail_verification", second, b.get(Item, item.id), expected_version=seen)
    assert exc.value.changes["status"] == ("submitted", "notice")
    session.expire_all()
    assert session.get(Item, item.id).status == S.NOTICE and session.get(Item, item.id).bounce_count == 0
    assert audit_trail(session, item.id) == [("item.pass_verification", AuditOutcome.OK),
                                             ("item.fail_verification", AuditOutcome.REFUSED_STALE)]


def test_verification_fields_are_checked_and_named(session):
    item = item_in(session, S.SUBMITTED)
    coordinator = make_actor(session)
    with pytest.raises(ValidationFailed) as exc:
        do_move(session, "pass_verification", coordinator, item, acceptance_unit=" ",
                conclusion=None, notice_from=date(2025, 5, 1), notice_to=date(2025, 4, 1))
    assert [p.column for p in exc.value.problems] == ["验收单位", "验收结论", "公示开始日期",
                                                      "公示结束日期"]
    assert "不能早于验收日期" in str(exc.value)
    assert item.status == S.SUBMITTED


def test_closing_waits_for_the_end_of_the_notice(session):
    item = item_in(session, S.NOTICE)  # notice until 2025-06-08
    with pytest.raises(ValidationFailed) as exc:
        do_move(session, "close", make_actor(session), item, closed_on=date(2025, 6, 8))
    assert exc.value.problems[0].column == "销号日期" and "2025-06-08" in str(exc.value)
    assert item.status == S.NOTICE and transitions(session, item.id) == []


def test_dates_in_the_future_are_refused(session):
    item = item_in(session, S.DRAFT)
    with pytest.raises(ValidationFailed) as exc:
        do_move(session, "assign", make_actor(session), item, assigned_on=date(2999, 1, 1))
    assert exc.value.problems[0].column == "交办日期" and "不能晚于今天" in str(exc.value)


def test_assigning_an_immediate_item_makes_it_due_that_day(session):
    item = item_in(session, S.DRAFT, deadline_text="立行立改", due_on=None, original_due_on=None)
    do_move(session, "assign", make_actor(session), item, assigned_on=date(2025, 2, 3))
    assert (item.assigned_on, item.due_on, item.original_due_on) == (date(2025, 2, 3),) * 3
    assert item.assign_doc_no == "渝督办〔2025〕1号"


@pytest.mark.parametrize("name, source", [("request_closure", S.IN_PROGRESS),
                                          ("pass_verification", S.SUBMITTED),
                                          ("close", S.NOTICE)])
def test_ongoing_items_are_kept_open_not_closed(session, name, source):
    item = item_in(session, source, deadline_text="长期坚持", due_on=None, is_ongoing=True)
    coordinator = make_actor(session)
    session.commit()
    with pytest.raises(TransitionNotAllowed, match="长期坚持类任务不销号"):
        do_move(session, name, coordinator, item)
    session.rollback()
    assert audit_trail(session, item.id) == [(f"item.{name}", AuditOutcome.REFUSED_INVALID)]


def test_an_ongoing_item_closes_after_its_deadline_is_given_a_date(session):
    item = item_in(session, S.IN_PROGRESS, deadline_text="长期坚持", due_on=None, is_ongoing=True)
    coordinator = make_actor(session)
    items.update_item(session, actor=coordinator, item_id=item.id, expected_version=item.version,
                      changes={"deadline": "2025年12月底前"})
    assert item.is_ongoing is False and item.due_on == date(2025, 12, 31)
    do_move(session, "request_closure", coordinator, item)
    assert item.status == S.SUBMITTED


def test_hand_over_moves_the_holder_and_the_scope(session):
    water = unit_id(session, "重庆市水利局")
    housing = unit_id(session, "重庆市住房和城乡建设委员会")
    item = item_in(session, S.IN_PROGRESS, lead_unit_id=unit_id(session, "重庆市生态环境局"),
                   district_id=None)
    coordinator = make_actor(session)
    water_user = make_actor(session, R.UNIT, unit_id=water)
    lead_user = make_actor(session, R.UNIT, unit_id=item.lead_unit_id)
    do_move(session, "hand_over", coordinator, item, to_unit_id=water, reason="属水利部门职责")
    assert item.holder_unit_id == water and item.status == S.IN_PROGRESS
    t = transitions(session, item.id)[-1]
    assert (t.from_status, t.to_status, t.to_unit_id, t.reason) == (
        S.IN_PROGRESS, S.IN_PROGRESS, water, "属水利部门职责")
    items.report_progress(session, actor=water_user, item_id=item.id, expected_version=item.version,
                          reported_on=date(2025, 5, 1), percent=60, text="水利局已接手")
    do_move(session, "hand_over", coordinator, item, to_unit_id=housing, reason="涉及城市管网")
    session.commit()
    with pytest.raises(PermissionDenied):  # the previous holder has no other link: access gone
        items.report_progress(session, actor=water_user, item_id=item.id,
                              expected_version=item.version, reported_on=date(2025, 5, 2),
                              percent=70, text="越权")
    session.rollback()
    # the lead unit stays accountable and keeps access
    assert "start" not in lifecycle.available_moves(session, actor=lead_user, item_id=item.id)
    items.report_progress(session, actor=lead_user, item_id=item.id, expected_version=item.version,
                          reported_on=date(2025, 5, 2), percent=70, text="牵头单位督促")


@pytest.mark.parametrize("to_unit, message", [(999_999, "不存在"), ("万州区人民政府", "已由该单位承办")])
def test_hand_over_to_a_bad_unit_is_refused(session, to_unit, message):
    item = item_in(session, S.ASSIGNED)
    to = unit_id(session, to_unit) if isinstance(to_unit, str) else to_unit
    with pytest.raises(ValidationFailed, match=message) as exc:
        do_move(session, "hand_over", make_actor(session), item, to_unit_id=to)
    assert exc.value.problems[0].column == "接收单位"
    assert transitions(session, item.id) == []


def test_available_moves_follow_role_scope_and_state(session):
    item = item_in(session, S.ASSIGNED)
    other = item_in(session, S.ASSIGNED, lead_unit_id=unit_id(session, "涪陵区人民政府"),
                    district_id=district_id(session, "涪陵区"))
    unit, coordinator = actor_of(session, R.UNIT), make_actor(session)
    assert lifecycle.available_moves(session, actor=unit, item_id=item.id) == ["start"]
    assert lifecycle.available_moves(session, actor=coordinator, item_id=item.id) == ["start",
                                                                                    "hand_over"]
    assert lifecycle.available_moves(session, actor=make_actor(session, R.LEADER),
                                     item_id=item.id) == []
    with pytest.raises(PermissionDenied):
        lifecycle.available_moves(session, actor=unit, item_id=other.id)
