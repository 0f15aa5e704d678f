"""The interview's track (core.interviews.moves.MOVES) and its follow-up measures: each write allowed
and refused — wrong role, out of scope, stale version, wrong state, bad input."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.access.audit import entries_for
from core.domain import AuditOutcome, InterviewStatus, Role
from core.errors import PermissionDenied, StaleEdit, ValidationFailed
from core.interviews import follow_ups, moves
from core.interviews.access import InterviewRefused
from core.ledger.evidence import EvidenceStore, Owner, attachments_of
from db.models import FollowUpMeasure, Interview, InterviewEvent
from tests.core.interviews.cases import PDF, TODAY, advance, counts, record
from tests.factories import district_id, make_actor, unit_id

S = InterviewStatus
HELD = date(2025, 9, 26)
URL = "https://www.wz.gov.cn/zwgk/zgfa.html"


@pytest.fixture
def coordinator(session):
    return make_actor(session, Role.COORDINATOR)


def call(session, name: str, actor, interview, **overrides):
    """Move `name` with valid values (overridable), as a page would."""
    args = dict(actor=actor, interview_id=interview.id,
                expected_version=overrides.pop("expected_version", interview.version), today=TODAY)
    defaults = {"submit_plan": dict(submitted_on=HELD + timedelta(days=20)),
                "publish_plan": dict(published_on=HELD + timedelta(days=25), url=URL),
                "complete": dict(completed_on=HELD + timedelta(days=90)),
                "publish_completion": dict(published_on=HELD + timedelta(days=95), url=URL)}
    return getattr(moves, name)(session, **args, **(defaults[name] | overrides))


SOURCE = {"submit_plan": S.HELD, "publish_plan": S.PLAN_SUBMITTED, "complete": S.RECTIFYING,
          "publish_completion": S.COMPLETED}


def interview_in(session, coordinator, status: InterviewStatus):
    return advance(session, coordinator, record(session, coordinator), status)


@pytest.mark.parametrize("name", list(moves.MOVES))
def test_each_move_by_the_coordinator(session, coordinator, name):
    interview = interview_in(session, coordinator, SOURCE[name])
    version = interview.version
    interview = call(session, name, coordinator, interview)
    assert interview.status == (moves.MOVES[name].target or SOURCE[name])
    assert interview.version == version + 1
    event = max(interview_events(session, interview), key=lambda e: e.id)
    assert (event.kind, event.from_status, event.to_status, event.actor_id) == (
        name, SOURCE[name], interview.status, coordinator.id)
    entry = entries_for(session, "interview", interview.id)[-1]
    assert (entry.action, entry.after["status"], entry.after["version"]) == (
        f"interview.{name}", interview.status.value, interview.version)


def interview_events(session, interview):
    return session.scalars(select(InterviewEvent).where(InterviewEvent.interview_id == interview.id)).all()


def test_the_interviewee_unit_records_its_own_steps(session, coordinator, tmp_path):
    interview = record(session, coordinator)
    unit = make_actor(session, Role.UNIT, unit_id=interview.interviewee_unit_id)
    store = EvidenceStore(tmp_path / "evidence")
    interview = moves.submit_plan(session, actor=unit, interview_id=interview.id,
                                  expected_version=interview.version, submitted_on=date(2025, 10, 20),
                                  note="已按要求报送", attachments=[("整改方案.pdf", PDF)], store=store,
                                  today=TODAY)
    [plan] = attachments_of(session, owner=Owner("interview", interview.id))
    assert (plan.purpose, plan.filename) == ("interview_plan", "整改方案.pdf")
    interview = call(session, "publish_plan", unit, interview)
    assert interview.status == S.RECTIFYING and interview.plan_url == URL
    session.commit()   # the refusal below is audited in a transaction of its own
    with pytest.raises(PermissionDenied):                 # only the office confirms completion
        call(session, "complete", unit, interview)
    session.rollback()
    interview = call(session, "complete", coordinator, interview)
    assert call(session, "publish_completion", unit, interview).completion_url == URL


def test_a_unit_district_user_acts_on_its_districts_interviews(session, coordinator):
    interview = record(session, coordinator, interviewee_unit_id=unit_id(session, "万州区生态环境局"))
    district_user = make_actor(session, Role.UNIT, district_id=district_id(session, "万州区"))
    assert call(session, "submit_plan", district_user, interview).status == S.PLAN_SUBMITTED


@pytest.mark.parametrize(("role", "unit"), [(Role.LEADER, None), (Role.VIEWER, None),
                                            (Role.UNIT, "涪陵区人民政府")])
def test_others_are_refused_and_the_refusal_is_audited(session, coordinator, role, unit):
    interview = record(session, coordinator)
    actor = make_actor(session, role, unit_id=unit and unit_id(session, unit))
    session.commit()
    before = counts(session)
    for name in ("submit_plan", "publish_plan"):
        with pytest.raises(PermissionDenied):
            call(session, name, actor, interview)
        session.rollback()
    assert counts(session) == before and session.get(Interview, interview.id).status == S.HELD
    refusals = entries_for(session, "interview", interview.id)[1:]
    assert [(r.action, r.outcome) for r in refusals] == [
        ("interview.submit_plan", AuditOutcome.REFUSED_PERMISSION),
        ("interview.publish_plan", AuditOutcome.REFUSED_PERMISSION)]


@pytest.mark.parametrize("name", list(moves.MOVES))
def test_a_move_the_state_does_not_allow_is_refused_and_audited(session, coordinator, name):
    wrong = S.COMPLETED if SOURCE[name] is S.HELD else S.HELD
    interview = interview_in(session, coordinator, wrong)
    session.commit()
    with pytest.raises(InterviewRefused, match="不能"):
        call(session, name, coordinator, interview)
    session.rollback()
    assert session.get(Interview, interview.id).status == wrong
    assert entries_for(session, "interview", interview.id)[-1].outcome == AuditOutcome.REFUSED_INVALID


def test_a_stale_move_is_refused_naming_what_changed(session, coordinator):
    interview = record(session, coordinator)
    seen = interview.version
    follow_ups.add_follow_up(session, actor=coordinator, interview_id=interview.id,
                             expected_version=seen, kind="exposure", taken_on=date(2025, 11, 1),
                             note="公开曝光", today=TODAY)
    session.commit()
    with pytest.raises(StaleEdit) as raised:
        call(session, "submit_plan", coordinator, interview, expected_version=seen)
    session.rollback()
    assert "follow_up" in raised.value.changes
    assert session.get(Interview, interview.id).plan_submitted_on is None


@pytest.mark.parametrize(("name", "overrides", "column"), [
    ("submit_plan", dict(submitted_on=date(2026, 12, 3)), "方案报送日期"),          # after today
    ("submit_plan", dict(submitted_on=HELD - timedelta(days=1)), "方案报送日期"),   # before the interview
    ("submit_plan", dict(submitted_on=None), "方案报送日期"),
    ("submit_plan", dict(attachments=[("方案.exe", b"MZ")], store=EvidenceStore(Path("/nonexistent"))),
     "方案.exe"),
    ("publish_plan", dict(url="www.wz.gov.cn"), "公开网址"),
    ("publish_plan", dict(url=""), "公开网址"),
    ("publish_plan", dict(published_on=HELD + timedelta(days=9)), "方案公开日期"),   # before it came in
    ("complete", dict(completed_on=HELD), "整改完成日期"),
    ("publish_completion", dict(published_on=HELD + timedelta(days=59)), "完成情况公开日期"),
])
def test_bad_input_names_the_field_and_changes_nothing(session, coordinator, name, overrides, column):
    interview = interview_in(session, coordinator, SOURCE[name])
    before = (interview.status, interview.version, counts(session))
    with pytest.raises(ValidationFailed) as raised:
        call(session, name, coordinator, interview, **overrides)
    assert [p.column for p in raised.value.problems] == [column]
    session.refresh(interview)
    assert (interview.status, interview.version, counts(session)) == before


def test_available_moves_follow_role_scope_and_state(session, coordinator):
    interview = record(session, coordinator)
    mine = make_actor(session, Role.UNIT, unit_id=interview.interviewee_unit_id)
    others = make_actor(session, Role.UNIT, unit_id=unit_id(session, "涪陵区人民政府"))
    leader = make_actor(session, Role.LEADER)
    assert moves.available_moves(session, actor=coordinator, interview=interview) == ["submit_plan"]
    assert moves.available_moves(session, actor=mine, interview=interview) == ["submit_plan"]
    assert moves.available_moves(session, actor=others, interview=interview) == []
    assert moves.available_moves(session, actor=leader, interview=interview) == []
    interview = advance(session, coordinator, interview, S.RECTIFYING)
    assert moves.available_moves(session, actor=coordinator, interview=interview) == ["complete"]
    assert moves.available_moves(session, actor=mine, interview=interview) == []


# --- follow-up measures -----------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["exposure", "inspection", "accountability", "restriction"])
def test_each_follow_up_measure_with_its_date_and_note(session, coordinator, kind):
    interview = record(session, coordinator)
    district = district_id(session, "万州区") if kind == "restriction" else None
    measure = follow_ups.add_follow_up(session, actor=coordinator, interview_id=interview.id,
                                       expected_version=interview.version, kind=kind,
                                       taken_on=date(2025, 12, 1), note="措施说明",
                                       district_id=district, today=TODAY)
    assert (measure.kind, measure.taken_on, measure.district_id) == (kind, date(2025, 12, 1), district)
    assert interview.version == 2 and interview.status == S.HELD   # a measure is not a state
    entry = entries_for(session, "interview", interview.id)[-1]
    assert entry.action == "interview.follow_up" and entry.after["follow_up"]["kind"] == kind


def test_several_measures_and_removing_one_with_a_reason(session, coordinator):
    interview = record(session, coordinator)
    first = follow_ups.add_follow_up(session, actor=coordinator, interview_id=interview.id,
                                     expected_version=1, kind="exposure", taken_on=date(2025, 12, 1),
                                     note="曝光", today=TODAY)
    follow_ups.add_follow_up(session, actor=coordinator, interview_id=interview.id, expected_version=2,
                             kind="accountability", taken_on=date(2025, 12, 5), note="问责", today=TODAY)
    with pytest.raises(ValidationFailed, match="理由"):
        follow_ups.remove_follow_up(session, actor=coordinator, interview_id=interview.id,
                                    expected_version=3, measure_id=first.id, reason=" ")
    follow_ups.remove_follow_up(session, actor=coordinator, interview_id=interview.id,
                                expected_version=3, measure_id=first.id, reason="误录")
    assert [m.kind for m in session.scalars(select(FollowUpMeasure)).all()] == ["accountability"]
    removed = entries_for(session, "interview", interview.id)[-1]
    assert removed.before["follow_up"]["kind"] == "exposure" and removed.after["reason"] == "误录"


@pytest.mark.parametrize(("kwargs", "column"), [
    (dict(kind="shaming"), "后续措施"),
    (dict(kind="restriction"), "限批区县"),                          # names no district
    (dict(kind="exposure", district_id=1), "限批区县"),              # only 区域限批 names one
    (dict(kind="restriction", district_id=999), "限批区县"),
    (dict(kind="exposure", note=""), "措施说明"),
    (dict(kind="exposure", taken_on=date(2026, 12, 3)), "措施日期"),
    (dict(kind="exposure", taken_on=date(2025, 9, 1)), "措施日期"),   # before the interview
])
def test_bad_measures_name_the_field(session, coordinator, kwargs, column):
    interview = record(session, coordinator)
    args = dict(taken_on=date(2025, 12, 1), note="说明") | kwargs
    with pytest.raises(ValidationFailed) as raised:
        follow_ups.add_follow_up(session, actor=coordinator, interview_id=interview.id,
                                 expected_version=interview.version, today=TODAY, **args)
    assert [p.column for p in raised.value.problems] == [column]
    assert session.scalar(select(FollowUpMeasure.id)) is None and interview.version == 1


@pytest.mark.parametrize("role", [Role.UNIT, Role.LEADER, Role.VIEWER])
def test_only_the_office_records_measures(session, coordinator, role):
    interview = record(session, coordinator)
    actor = make_actor(session, role, unit_id=interview.interviewee_unit_id)
    session.commit()   # refusals are audited in a transaction of their own
    with pytest.raises(PermissionDenied):
        follow_ups.add_follow_up(session, actor=actor, interview_id=interview.id,
                                 expected_version=interview.version, kind="exposure",
                                 taken_on=date(2025, 12, 1), note="x", today=TODAY)
    with pytest.raises(StaleEdit):
        follow_ups.add_follow_up(session, actor=coordinator, interview_id=interview.id,
                                 expected_version=interview.version + 1, kind="exposure",
                                 taken_on=date(2025, 12, 1), note="x", today=TODAY)


def test_removing_a_measure_is_refused_to_others_and_when_stale(session, coordinator):
    interview = record(session, coordinator)
    measure = follow_ups.add_follow_up(session, actor=coordinator, interview_id=interview.id,
                                       expected_version=1, kind="inspection", taken_on=date(2025, 12, 1),
                                       note="列入专项督察", today=TODAY)
    unit = make_actor(session, Role.UNIT, unit_id=interview.interviewee_unit_id)
    session.commit()
    with pytest.raises(PermissionDenied):
        follow_ups.remove_follow_up(session, actor=unit, interview_id=interview.id, expected_version=2,
                                    measure_id=measure.id, reason="误录")
    session.rollback()
    with pytest.raises(StaleEdit):
        follow_ups.remove_follow_up(session, actor=coordinator, interview_id=interview.id,
                                    expected_version=1, measure_id=measure.id, reason="误录")
    session.rollback()
    with pytest.raises(ValidationFailed):   # a measure of another interview, or none
        follow_ups.remove_follow_up(session, actor=coordinator, interview_id=interview.id,
                                    expected_version=2, measure_id=measure.id + 100, reason="误录")
    session.rollback()
    assert session.scalar(select(FollowUpMeasure.id)) == measure.id
    outcomes = [e.outcome for e in entries_for(session, "interview", interview.id)[-2:]]
    assert outcomes == [AuditOutcome.REFUSED_PERMISSION, AuditOutcome.REFUSED_STALE]
