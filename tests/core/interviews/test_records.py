"""Recording an interview and changing its record (core.interviews.records): every write allowed
and refused — wrong role, out of scope, stale version, bad input — and nothing changed on refusal."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from core.access.audit import entries_for
from core.domain import AuditOutcome, InterviewCircumstance, ItemType, Role, Status
from core.errors import NotFound, PermissionDenied, StaleEdit, ValidationFailed
from core.interviews import records
from core.ledger.evidence import EvidenceStore, attachments_of
from core.ledger.evidence import Owner as O
from db.models import (
    AuditEntry,
    Interview,
    InterviewEvent,
    InterviewItem,
    InterviewPerson,
    Item,
    Setting,
)
from tests.core.interviews.cases import PDF, TODAY, counts, record, values
from tests.factories import make_actor, make_inspection, make_item, unit_id


@pytest.fixture
def coordinator(session):
    return make_actor(session, Role.COORDINATOR, display_name="王协调")


@pytest.fixture
def store(tmp_path) -> EvidenceStore:
    return EvidenceStore(Path(tmp_path) / "evidence")


def people(session, interview) -> list[tuple]:
    return [(p.name, p.position) for p in session.scalars(
        select(InterviewPerson).where(InterviewPerson.interview_id == interview.id)
        .order_by(InterviewPerson.seq))]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_record_with_people_items_new_items_and_minutes(session, store, role):
    actor = make_actor(session, role)
    make_item(session, code="ZG2025-00007")
    source = make_inspection(session, name="2025年日常督察")
    interview = records.record_interview(session, actor=actor, store=store, today=TODAY, values=values(
        session, item_codes="ZG2025-00007", new_items="某河段黑臭水体反弹\n\n工业园区废气扰民",
        new_item_category="water", new_item_deadline="2026年6月底前", new_item_inspection_id=source.id,
        interviewee_subunit="区城市管理局"), attachments={"interview_minutes": [("约谈纪要.pdf", PDF)]})
    assert (interview.code, interview.status, interview.circumstance) == (
        "YT-2025-0001", "held", InterviewCircumstance.POOR_RECTIFICATION)
    assert interview.plan_due_on == date(2025, 10, 23) and interview.plan_due_uncovered is None
    assert people(session, interview) == [("张某某", "副区长"), ("李某某", "区生态环境局局长")]
    linked = session.scalars(select(Item).join(InterviewItem, InterviewItem.item_id == Item.id)
                             .where(InterviewItem.interview_id == interview.id).order_by(Item.id)).all()
    assert [i.code for i in linked][0] == "ZG2025-00007" and len(linked) == 3
    for new in linked[1:]:   # into the ledger and daily tracking, assigned at the interview
        assert (new.item_type, new.status, new.assigned_on, new.assign_doc_no, new.lead_unit_id) == (
            ItemType.INTERVIEW, Status.ASSIGNED, date(2025, 9, 26), interview.code,
            interview.interviewee_unit_id)
        assert new.due_on == date(2026, 6, 30)
    [minutes] = attachments_of(session, owner=O("interview", interview.id))
    assert (minutes.filename, minutes.purpose) == ("约谈纪要.pdf", "interview_minutes")
    [event] = session.scalars(select(InterviewEvent).where(InterviewEvent.interview_id == interview.id))
    assert (event.kind, event.to_status, event.actor_id) == ("recorded", "held", actor.id)
    assert event.detail["new_items"] == [i.code for i in linked[1:]]
    [entry] = entries_for(session, "interview", interview.id)
    assert (entry.action, entry.outcome) == ("interview.record", AuditOutcome.OK)
    assert entry.after["people"] == ["张某某，副区长", "李某某，区生态环境局局长"]
    assert entry.after["plan_due_on"] == "2025-10-23" and entry.after["files"] == ["约谈纪要.pdf"]


def test_codes_number_the_interviews_of_each_year(session, coordinator):
    first, second = record(session, coordinator), record(session, coordinator)
    third = record(session, coordinator, held_on=date(2026, 3, 2))
    assert [first.code, second.code, third.code] == ["YT-2025-0001", "YT-2025-0002", "YT-2026-0001"]


def test_the_plan_period_defaults_to_the_rule_setting(session, coordinator):
    session.merge(Setting(key="interview_plan_workdays", value="20", version=1))
    form = values(session)
    del form["plan_workdays"]
    interview = records.record_interview(session, actor=coordinator, values=form, today=TODAY)
    assert interview.plan_workdays == 20 and interview.plan_due_on == date(2025, 10, 30)


@pytest.mark.parametrize("role", [Role.LEADER, Role.VIEWER, Role.UNIT])
def test_only_the_office_records_and_a_refusal_is_audited(session, role):
    actor = make_actor(session, role, unit_id=unit_id(session, "万州区人民政府"))
    session.commit()
    before = counts(session)
    with pytest.raises(PermissionDenied):
        record(session, actor)
    session.rollback()
    assert counts(session) == before
    [refusal] = session.scalars(select(AuditEntry).where(AuditEntry.entity == "interview")).all()
    assert (refusal.action, refusal.outcome) == ("interview.record", AuditOutcome.REFUSED_PERMISSION)


@pytest.mark.parametrize(("overrides", "column"), [
    ({"circumstance": "angry"}, "约谈情形"),
    ({"circumstance": None}, "约谈情形"),
    ({"interviewee_unit_id": None}, "被约谈单位"),
    ({"interviewee_unit_id": 99999}, "被约谈单位"),
    ({"held_on": date(2026, 12, 3)}, "约谈日期"),            # after today
    ({"held_on": "2025-09-26"}, "约谈日期"),
    ({"place": "  "}, "约谈地点"),
    ({"place": "会" * 121}, "约谈地点"),
    ({"place": "会议室\x00"}, "约谈地点"),                  # PostgreSQL cannot hold NUL
    ({"people": ""}, "被约谈人员"),
    ({"people": "张某某，副区长\n李某某"}, "被约谈人员"),     # line 2 has no position
    ({"plan_workdays": 0}, "方案报送期限（工作日）"),
    ({"plan_workdays": 61}, "方案报送期限（工作日）"),
    ({"item_codes": "ZG-NOPE"}, "关联整改任务编号"),
    ({"new_items": "某问题", "new_item_category": "water", "new_item_deadline": "尽快"},
     "新增约谈问题第 1 行 · 问题来源"),
    ({"colour": "red"}, "colour"),
])
def test_bad_input_names_the_field_and_writes_nothing(session, coordinator, overrides, column):
    before = counts(session)
    with pytest.raises(ValidationFailed) as raised:
        record(session, coordinator, **overrides)
    assert column in [p.column for p in raised.value.problems]
    assert counts(session) == before


def test_an_unfit_interviewee_or_organiser_is_refused(session, coordinator):
    police = unit_id(session, "万州区公安局")
    with pytest.raises(ValidationFailed) as raised:
        record(session, coordinator, interviewee_unit_id=police, organiser_unit_id=police)
    assert {p.column for p in raised.value.problems} == {"被约谈单位", "约谈组织单位"}
    assert "类型不符" in str(raised.value)


def test_new_items_are_checked_line_by_line_before_anything_is_written(session, coordinator):
    source = make_inspection(session)
    before = counts(session)
    with pytest.raises(ValidationFailed) as raised:
        record(session, coordinator, new_items="问题一\n问题二", new_item_category="water",
               new_item_deadline="尽快吧", new_item_inspection_id=source.id)
    assert [p.column for p in raised.value.problems] == ["新增约谈问题第 1 行 · 整改时限",
                                                         "新增约谈问题第 2 行 · 整改时限"]
    assert counts(session) == before


def test_a_bad_file_is_refused_and_nothing_is_stored(session, coordinator, store):
    with pytest.raises(ValidationFailed) as raised:
        records.record_interview(session, actor=coordinator, values=values(session), store=store,
                                 today=TODAY, attachments={"interview_minutes": [("纪要.exe", b"MZ")]})
    assert [p.column for p in raised.value.problems] == ["纪要.exe"]
    assert session.scalar(select(Interview.id)) is None and not store.root.exists()


# --- editing -----------------------------------------------------------------------------------

def test_edit_changes_fields_and_people_and_recounts_the_due_date(session, coordinator):
    interview = record(session, coordinator)
    records.update_interview(session, actor=coordinator, interview_id=interview.id,
                             expected_version=interview.version, today=TODAY,
                             changes={"held_on": date(2026, 2, 13), "people": "赵某某，区长",
                                      "place": "视频会议"})
    assert (interview.held_on, interview.plan_due_on, interview.place) == (
        date(2026, 2, 13), date(2026, 3, 12), "视频会议")          # over 春节 2026
    assert people(session, interview) == [("赵某某", "区长")] and interview.version == 2
    entry = entries_for(session, "interview", interview.id)[-1]
    assert entry.action == "interview.edit"
    assert entry.before == {"held_on": "2025-09-26", "plan_due_on": "2025-10-23",
                            "place": "市生态环境局第一会议室",
                            "people": ["张某某，副区长", "李某某，区生态环境局局长"]}
    assert entry.after["plan_due_on"] == "2026-03-12" and entry.after["version"] == 2


def test_an_edit_that_changes_nothing_writes_nothing(session, coordinator):
    interview = record(session, coordinator)
    records.update_interview(session, actor=coordinator, interview_id=interview.id,
                             expected_version=interview.version, changes={"place": interview.place})
    assert interview.version == 1 and len(entries_for(session, "interview", interview.id)) == 1


def test_a_stale_edit_is_refused_naming_what_changed(session, coordinator):
    interview, colleague = record(session, coordinator), make_actor(session)
    seen = interview.version
    records.update_interview(session, actor=coordinator, interview_id=interview.id,
                             expected_version=seen, changes={"place": "视频会议"})
    session.commit()
    with pytest.raises(StaleEdit) as raised:
        records.update_interview(session, actor=colleague, interview_id=interview.id,
                                 expected_version=seen, changes={"minutes": "纪要"})
    session.rollback()
    assert raised.value.changes == {"place": ("市生态环境局第一会议室", "视频会议")}
    assert session.get(Interview, interview.id).minutes is None
    assert entries_for(session, "interview", interview.id)[-1].outcome == AuditOutcome.REFUSED_STALE


@pytest.mark.parametrize("role", [Role.LEADER, Role.VIEWER, Role.UNIT])
def test_others_may_not_edit(session, coordinator, role):
    interview = record(session, coordinator)
    actor = make_actor(session, role, unit_id=interview.interviewee_unit_id)
    session.commit()   # refusals are audited in a transaction of their own
    with pytest.raises(PermissionDenied):
        records.update_interview(session, actor=actor, interview_id=interview.id,
                                 expected_version=interview.version, changes={"place": "x"})
    assert entries_for(session, "interview", interview.id)[-1].outcome == AuditOutcome.REFUSED_PERMISSION


def test_edit_refuses_bad_values_unknown_fields_and_a_missing_interview(session, coordinator):
    interview = record(session, coordinator)
    for changes, column in (({"held_on": date(2030, 1, 1)}, "约谈日期"), ({"people": ""}, "被约谈人员"),
                            ({"code": "YT-X"}, "code"), ({"status": "completed"}, "status")):
        with pytest.raises(ValidationFailed) as raised:
            records.update_interview(session, actor=coordinator, interview_id=interview.id,
                                     expected_version=interview.version, changes=changes, today=TODAY)
        assert [p.column for p in raised.value.problems] == [column]
    with pytest.raises(NotFound):
        records.update_interview(session, actor=coordinator, interview_id=9999, expected_version=1,
                                 changes={"place": "x"})
    assert interview.version == 1


def test_the_interview_cannot_move_after_its_plan_came_in(session, coordinator):
    from tests.core.interviews.cases import advance
    interview = advance(session, coordinator, record(session, coordinator), "plan")
    with pytest.raises(ValidationFailed, match="方案报送日期"):
        records.update_interview(session, actor=coordinator, interview_id=interview.id,
                                 expected_version=interview.version, today=TODAY,
                                 changes={"held_on": date(2025, 10, 30)})


# --- items and files ---------------------------------------------------------------------------

def test_relate_and_unrelate_items(session, coordinator):
    interview = record(session, coordinator)
    make_item(session, code="ZG-A")
    other = make_item(session, code="ZG-B")
    records.link_items(session, actor=coordinator, interview_id=interview.id,
                       expected_version=interview.version, values={"item_codes": "ZG-A ZG-B，ZG-A"})
    assert interview.version == 2
    records.unlink_item(session, actor=coordinator, interview_id=interview.id,
                        expected_version=interview.version, item_id=other.id)
    codes = session.scalars(select(Item.code).join(InterviewItem, InterviewItem.item_id == Item.id)
                            .where(InterviewItem.interview_id == interview.id)).all()
    assert codes == ["ZG-A"] and session.get(Item, other.id) is not None
    actions = [e.action for e in entries_for(session, "interview", interview.id)]
    assert actions == ["interview.record", "interview.link_items", "interview.unlink_item"]
    with pytest.raises(ValidationFailed):
        records.unlink_item(session, actor=coordinator, interview_id=interview.id,
                            expected_version=interview.version, item_id=other.id)
    with pytest.raises(ValidationFailed):
        records.link_items(session, actor=coordinator, interview_id=interview.id,
                           expected_version=interview.version, values={})
    session.commit()   # refusals are audited in a transaction of their own
    with pytest.raises(StaleEdit):
        records.link_items(session, actor=coordinator, interview_id=interview.id,
                           expected_version=1, values={"item_codes": "ZG-B"})


def test_files_are_added_by_purpose_and_read_only_through_their_interview(session, coordinator, store):
    interview = record(session, coordinator)
    [row] = records.add_files(session, actor=coordinator, interview_id=interview.id,
                              expected_version=interview.version, purpose="interview_plan",
                              files=[("整改方案.pdf", PDF)], store=store)
    got = records.open_file(session, actor=coordinator, interview_id=interview.id, attachment_id=row.id,
                            store=store)
    assert got.data == PDF and got.info.purpose == "interview_plan"
    mine = make_actor(session, Role.UNIT, unit_id=interview.interviewee_unit_id)
    assert records.open_file(session, actor=mine, interview_id=interview.id, attachment_id=row.id,
                             store=store).data == PDF
    others = make_actor(session, Role.UNIT, unit_id=unit_id(session, "涪陵区人民政府"))
    session.commit()   # refusals are audited in a transaction of their own
    with pytest.raises(PermissionDenied):
        records.open_file(session, actor=others, interview_id=interview.id, attachment_id=row.id,
                          store=store)
    with pytest.raises(ValidationFailed):
        records.add_files(session, actor=coordinator, interview_id=interview.id,
                          expected_version=interview.version, purpose="interview_plan", files=[],
                          store=store)
    with pytest.raises(PermissionDenied):
        records.add_files(session, actor=mine, interview_id=interview.id,
                          expected_version=interview.version, purpose="interview_plan",
                          files=[("a.pdf", PDF)], store=store)


@pytest.mark.parametrize("role", [Role.LEADER, Role.VIEWER, Role.UNIT])
def test_others_may_not_relate_or_unrelate_items(session, coordinator, role):
    interview = record(session, coordinator, item_codes="")
    item = make_item(session, code="ZG-REL")
    records.link_items(session, actor=coordinator, interview_id=interview.id,
                       expected_version=interview.version, values={"item_codes": "ZG-REL"})
    actor = make_actor(session, role, unit_id=interview.interviewee_unit_id)
    session.commit()
    for write in (lambda: records.link_items(session, actor=actor, interview_id=interview.id,
                                             expected_version=interview.version,
                                             values={"item_codes": "ZG-REL"}),
                  lambda: records.unlink_item(session, actor=actor, interview_id=interview.id,
                                              expected_version=interview.version, item_id=item.id)):
        with pytest.raises(PermissionDenied):
            write()
        session.rollback()
    assert session.scalars(select(InterviewItem.item_id)).all() == [item.id]
    actions = [(e.action, e.outcome) for e in entries_for(session, "interview", interview.id)[-2:]]
    assert actions == [("interview.link_items", AuditOutcome.REFUSED_PERMISSION),
                       ("interview.unlink_item", AuditOutcome.REFUSED_PERMISSION)]
