"""Every referral move, allowed and refused: wrong role, not the receiver (or not a procuratorate
in reach), wrong state, stale version; each refusal audited and nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.access.permissions import RULES, SYSTEM
from core.calendar.workdays import add_workdays
from core.domain import AuditOutcome, ReferralStatus, Role
from core.errors import PermissionDenied, StaleEdit, ValidationFailed
from core.ledger.evidence import EvidenceStore, Owner, attachments_of
from core.ledger.items import TransitionNotAllowed
from core.referrals import sender
from core.referrals.moves import MOVES
from db.models import AuditEntry, Referral, ReferralItem, ReferralStep
from tests.core.referrals.referral_cases import (
    CITY_PROCURATORATE,
    PATHS,
    POLICE,
    SENDER,
    SENT_ON,
    TODAY,
    actor_for_move,
    coordinator,
    district_procuratorate,
    do_move,
    form_values,
    fresh,
    new_referral,
    referral_in,
    unit_user,
)
from tests.factories import make_actor, unit_id
from tests.pages.page_helpers import PDF, PNG

S, R = ReferralStatus, Role
DISCIPLINE = "中共重庆市纪律检查委员会 重庆市监察委员会"
EXPECTED_ROLES = {
    "send": {R.ADMIN, R.COORDINATOR}, "amend": {R.ADMIN, R.COORDINATOR},
    "resend": {R.ADMIN, R.COORDINATOR}, "remind": {R.ADMIN, R.COORDINATOR},
    "escalate": {R.ADMIN, R.COORDINATOR}, "supervise_filing": {R.UNIT},
    **{name: {R.UNIT} for name in ("receive", "return", "accept", "refuse", "file", "not_file",
                                   "progress", "conclude", "publish")},
}
SENDER_MOVES = ("send", "amend", "resend", "remind", "escalate")
RECEIVER_MOVES = ("receive", "return", "accept", "refuse", "file", "not_file", "progress",
                  "conclude", "publish")


def audit_trail(session, referral_id):
    return [(e.action, e.outcome) for e in session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "referral",
                                 AuditEntry.entity_id == str(referral_id)).order_by(AuditEntry.id))]


def steps(session, referral_id):
    return list(session.scalars(select(ReferralStep).where(ReferralStep.referral_id == referral_id)
                                .order_by(ReferralStep.id)))


def ready_for(session, name: str, source: ReferralStatus) -> Referral:
    """A referral in `source` on which move `name` is allowed by the state (the special cases:
    filing after 不予立案 needs 立案监督; concluding straight after 受理 is for kinds that file no case)."""
    if name == "conclude" and source == S.ACCEPTED:
        return referral_in(session, source, kind="justice", to_unit_id=unit_id(session, "重庆市司法局"))
    referral = referral_in(session, source)
    if name == "file" and source == S.NOT_FILED:
        referral = do_move(session, "supervise_filing", unit_user(session, CITY_PROCURATORATE), referral)
    return referral


def test_the_table_is_the_documented_one():
    pairs = {(s, m.target) for m in MOVES.values() for s in m.sources}
    assert pairs == {
        (S.PENDING, S.SENT), (S.PENDING, None), (S.RETURNED, None), (S.RETURNED, S.SENT),
        *((s, None) for s in (S.SENT, S.RECEIVED, S.ACCEPTED, S.FILED)),      # remind, escalate
        (S.SENT, S.RECEIVED), (S.SENT, S.RETURNED), (S.RECEIVED, S.RETURNED),
        (S.RECEIVED, S.ACCEPTED), (S.RECEIVED, S.REFUSED), (S.ACCEPTED, S.FILED),
        (S.NOT_FILED, S.FILED), (S.ACCEPTED, S.NOT_FILED), (S.NOT_FILED, None),
        (S.FILED, S.CONCLUDED), (S.ACCEPTED, S.CONCLUDED), (S.CONCLUDED, None)}
    assert {name: RULES[m.action] for name, m in MOVES.items()} == EXPECTED_ROLES


def test_receiver_steps_are_no_longer_open_to_coordinators_and_admins():
    assert RULES["referral.feedback"] == {R.UNIT}


# ------------------------------------------------------------------ recording

def test_record_then_send_counts_the_due_date_in_working_days(session):
    actor = coordinator(session)
    referral = new_referral(session, actor)
    assert referral.status == S.PENDING and referral.code == f"YS-{TODAY.year}-000001"
    assert referral.sent_on is None and referral.feedback_due_on is None
    assert session.scalar(select(func.count()).where(ReferralItem.referral_id == referral.id)) == 2
    referral = do_move(session, "send", actor, referral)
    assert referral.status == S.SENT and referral.sent_on == SENT_ON
    assert referral.feedback_workdays == 20
    assert referral.feedback_due_on == add_workdays(SENT_ON, 20).due_on
    assert [(s.move, s.from_status, s.to_status, s.actor_id) for s in steps(session, referral.id)] == [
        ("record", None, S.PENDING, actor.id), ("send", S.PENDING, S.SENT, actor.id)]
    assert audit_trail(session, referral.id) == [("referral.record", AuditOutcome.OK),
                                                 ("referral.send", AuditOutcome.OK)]
    second = new_referral(session, actor, sent_on=TODAY)
    assert second.code == f"YS-{TODAY.year}-000002" and second.status == S.SENT
    assert second.district_id is not None   # 万州区: its items' district


def test_record_refuses_bad_input_naming_each_field_and_writes_nothing(session):
    actor = coordinator(session)
    values = form_values(session, kind="police", to_unit_id=unit_id(session, DISCIPLINE),
                         cause="  ", materials="\n \n", item_ids=[999_999],
                         sent_on=TODAY + timedelta(days=1))
    with pytest.raises(ValidationFailed) as exc:
        sender.record_referral(session, actor=actor, values=values)
    columns = {p.column for p in exc.value.problems}
    assert columns == {"接收机关（部门）", "案由（涉嫌罪名/违法行为）", "移送材料清单", "关联整改任务",
                       "移送日期"}
    with pytest.raises(ValidationFailed, match="不能移送给移送单位自己"):
        sender.record_referral(session, actor=actor, values=form_values(
            session, kind="department", to_unit_id=unit_id(session, SENDER)))
    assert session.scalar(select(func.count()).select_from(Referral)) == 0


@pytest.mark.parametrize("role", [R.UNIT, R.LEADER, R.VIEWER])
def test_only_coordinators_and_admins_record(session, role):
    actor = make_actor(session, role, unit_id=unit_id(session, SENDER) if role is R.UNIT else None)
    values = form_values(session)
    session.commit()
    with pytest.raises(PermissionDenied):
        sender.record_referral(session, actor=actor, values=values)
    session.rollback()
    refusals = session.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "referral.record"))
    assert list(refusals) == [AuditOutcome.REFUSED_PERMISSION]


def test_material_files_are_kept_with_the_referral(session, tmp_path):
    store = EvidenceStore(tmp_path)
    referral = sender.record_referral(session, actor=SYSTEM, values=form_values(session),
                                      attachments=[("监测报告.pdf", PDF)], store=store)
    referral = do_move(session, "send", SYSTEM, referral)
    police = unit_user(session)
    referral = do_move(session, "receive", police, referral)
    do_move(session, "progress", police, referral, attachments=[("拘留通知书.png", PNG)], store=store)
    files = attachments_of(session, owner=Owner("referral", referral.id))
    assert [(f.filename, f.purpose) for f in files] == [("监测报告.pdf", "referral_material"),
                                                        ("拘留通知书.png", "referral_feedback")]


# ------------------------------------------------------------------ each move, allowed

@pytest.mark.parametrize("name", list(MOVES))
def test_allowed_move_from_each_source(session, name):
    for source in MOVES[name].sources:
        referral = ready_for(session, name, source)
        version = referral.version
        actor = actor_for_move(session, name, referral)
        after = do_move(session, name, actor, referral)
        assert after.status == (MOVES[name].target or source)
        assert after.version == version + 1
        last = steps(session, referral.id)[-1]
        assert (last.move, last.from_status, last.to_status, last.actor_id) == (
            name, source, after.status, actor.id)
        assert audit_trail(session, referral.id)[-1] == (f"referral.{name}", AuditOutcome.OK)


def test_a_whole_police_referral_records_every_answer(session):
    police = unit_user(session, display_name="钱签收")
    referral = referral_in(session, S.SENT)
    for name in ("receive", "accept", "file", "progress", "conclude", "publish"):
        referral = do_move(session, name, police, referral)
    assert referral.status == S.CONCLUDED
    assert (referral.receipt_on, referral.accepted, referral.filed, referral.filed_on) == (
        SENT_ON + timedelta(days=1), True, True, SENT_ON + timedelta(days=5))
    assert (referral.detained, referral.arrested, referral.prosecuted, str(referral.fine_yuan)) == (
        3, 2, 2, "200000.00")
    assert referral.concluded_on == TODAY and referral.result_url.startswith("https://")
    assert [s.move for s in steps(session, referral.id)] == [
        "record", "send", "receive", "accept", "file", "progress", "conclude", "publish"]


def test_returned_then_completed_and_sent_again(session):
    referral = referral_in(session, S.RECEIVED)
    referral = do_move(session, "return", unit_user(session), referral)
    session.commit()
    assert (referral.status, referral.returned_reason, referral.return_count) == (
        S.RETURNED, "缺少监测报告原件", 1)
    referral = do_move(session, "amend", SYSTEM, referral, materials=["案件调查报告", "监测报告原件"])
    with pytest.raises(ValidationFailed, match="首次移送日期"):
        do_move(session, "resend", SYSTEM, referral, sent_on=SENT_ON - timedelta(days=1))
    referral = do_move(session, "resend", SYSTEM, fresh(session, referral.id))
    assert referral.status == S.SENT and referral.receipt_on is None
    assert referral.sent_on == TODAY and referral.materials == ["案件调查报告", "监测报告原件"]
    assert referral.feedback_due_on == add_workdays(TODAY, 20).due_on


def test_filing_after_not_filed_needs_the_procuratorates_supervision(session):
    referral = referral_in(session, S.NOT_FILED)
    police = unit_user(session)
    session.commit()
    with pytest.raises(TransitionNotAllowed, match="须经检察院立案监督"):
        do_move(session, "file", police, referral)
    referral = do_move(session, "supervise_filing", unit_user(session, CITY_PROCURATORATE),
                       fresh(session, referral.id))
    assert referral.filing_supervised and referral.supervised_on == TODAY
    assert referral.status == S.NOT_FILED
    procurator = unit_user(session, CITY_PROCURATORATE)
    session.commit()
    with pytest.raises(TransitionNotAllowed, match="已记录立案监督"):
        do_move(session, "supervise_filing", procurator, referral)
    assert do_move(session, "file", police, fresh(session, referral.id)).status == S.FILED


def test_filing_kinds_file_before_they_conclude(session):
    referral = referral_in(session, S.ACCEPTED)
    police = unit_user(session)
    session.commit()
    with pytest.raises(TransitionNotAllowed, match="须先立案或不予立案"):
        do_move(session, "conclude", police, referral)


def test_supervision_is_for_police_referrals_only(session):
    referral = referral_in(session, S.NOT_FILED, kind="procuratorate",
                           to_unit_id=unit_id(session, CITY_PROCURATORATE))
    procurator = unit_user(session, CITY_PROCURATORATE)
    session.commit()
    with pytest.raises(TransitionNotAllowed, match="只针对移送公安机关"):
        do_move(session, "supervise_filing", procurator, referral)


# ------------------------------------------------------------------ refused: state

@pytest.mark.parametrize("name", list(MOVES))
def test_wrong_state_is_refused_audited_and_changes_nothing(session, name):
    # a procuratorate sees a police referral only once it is not filed: before, it may not even read it
    hidden = name == "supervise_filing"
    for status in (s for s in S if s not in MOVES[name].sources):
        referral = referral_in(session, status)
        actor = actor_for_move(session, name, referral)
        session.commit()
        with pytest.raises(PermissionDenied if hidden else TransitionNotAllowed):
            do_move(session, name, actor, referral)
        session.rollback()
        again = fresh(session, referral.id)
        assert (again.status, again.version) == (status, referral.version)
        outcomes = session.scalars(select(AuditEntry.outcome).where(
            AuditEntry.action == f"referral.{name}", AuditEntry.entity_id == str(referral.id),
            AuditEntry.outcome != AuditOutcome.OK))
        assert list(outcomes) == [AuditOutcome.REFUSED_PERMISSION if hidden
                                  else AuditOutcome.REFUSED_INVALID]


# ------------------------------------------------------------------ refused: who

@pytest.mark.parametrize("name", list(MOVES))
def test_wrong_role_is_refused_and_audited(session, name):
    source = MOVES[name].sources[0]
    referral = ready_for(session, name, source)
    session.commit()
    for role in set(R) - EXPECTED_ROLES[name]:
        actor = make_actor(session, role, unit_id=referral.to_unit_id if role is R.UNIT else None)
        session.commit()
        with pytest.raises(PermissionDenied):
            do_move(session, name, actor, referral)
        session.rollback()
    outcomes = list(session.scalars(select(AuditEntry.outcome).where(
        AuditEntry.action == f"referral.{name}", AuditEntry.entity_id == str(referral.id),
        AuditEntry.outcome != AuditOutcome.OK)))
    assert outcomes == [AuditOutcome.REFUSED_PERMISSION] * len(set(R) - EXPECTED_ROLES[name])
    assert fresh(session, referral.id).version == referral.version


@pytest.mark.parametrize("name", RECEIVER_MOVES)
def test_only_the_receiving_unit_records_the_receivers_steps(session, name):
    referral = ready_for(session, name, MOVES[name].sources[0])
    session.commit()
    others = [unit_user(session, SENDER),                 # the sender's own unit
              unit_user(session, "渝中区公安局"),            # another police unit
              unit_user(session, CITY_PROCURATORATE)]
    session.commit()
    for actor in others:
        with pytest.raises(PermissionDenied):
            do_move(session, name, actor, referral)
        session.rollback()
    assert fresh(session, referral.id).version == referral.version


def test_supervision_only_by_a_procuratorate_in_reach(session):
    referral = referral_in(session, S.NOT_FILED)
    yuzhong = make_actor(session, Role.UNIT, unit_id=district_procuratorate(session, "渝中区"))
    wanzhou = make_actor(session, Role.UNIT, unit_id=district_procuratorate(session, "万州区"))
    session.commit()
    outsiders = (unit_user(session, POLICE), unit_user(session, SENDER), yuzhong)
    session.commit()
    for outsider in outsiders:
        with pytest.raises(PermissionDenied):
            do_move(session, "supervise_filing", outsider, referral)
        session.rollback()
    after = do_move(session, "supervise_filing", wanzhou, fresh(session, referral.id))
    assert after.filing_supervised


def test_a_unit_outside_the_referral_learns_nothing(session):
    referral = referral_in(session, S.SENT)
    stranger = unit_user(session, "渝中区人民政府")
    session.commit()
    with pytest.raises(PermissionDenied, match="may not read"):
        do_move(session, "receive", stranger, referral)


# ------------------------------------------------------------------ refused: stale

@pytest.mark.parametrize("name", list(MOVES))
def test_stale_version_is_refused_naming_what_changed(session, name):
    referral = ready_for(session, name, MOVES[name].sources[0])
    if referral.version == 1:   # nothing saved since it was recorded: change something first
        referral = do_move(session, "amend", SYSTEM, referral)
    actor = actor_for_move(session, name, referral)
    session.commit()
    with pytest.raises(StaleEdit) as exc:
        do_move(session, name, actor, referral, expected_version=referral.version - 1)
    assert exc.value.changes          # the fields changed since the version the user saw
    session.rollback()
    assert fresh(session, referral.id).version == referral.version
    outcomes = list(session.scalars(select(AuditEntry.outcome).where(
        AuditEntry.action == f"referral.{name}", AuditEntry.entity_id == str(referral.id))))
    assert outcomes[-1] == AuditOutcome.REFUSED_STALE


def test_bad_dates_are_refused_before_anything_is_read(session):
    referral = referral_in(session, S.SENT)
    police = unit_user(session)
    session.commit()
    with pytest.raises(ValidationFailed, match="不能早于"):
        do_move(session, "receive", police, referral, received_on=SENT_ON - timedelta(days=1))
    with pytest.raises(ValidationFailed, match="不能晚于今天"):
        do_move(session, "receive", police, referral, received_on=TODAY + timedelta(days=1))
    assert fresh(session, referral.id).status == S.SENT


def test_every_path_reaches_its_state(session):
    for status in PATHS:
        assert referral_in(session, status).status == status
