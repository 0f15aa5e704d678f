from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import AuditOutcome, InspectionKind, Role, SourceLevel, Stage, Status, UnitRole
from core.errors import PermissionDenied, StaleEdit, ValidationFailed
from core.ledger import items
from core.ledger.items import TransitionNotAllowed
from db.engine import engine_for
from db.models import AuditEntry, Item, ItemUnit, ProgressReport, Transition
from tests.factories import district_id, make_actor, make_inspection, make_item, unit_id


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


@pytest.mark.parametrize("percent, text, field", [(101, "x", "完成进度（%）"), (50, " ", "整改进展")])
def test_bad_progress_is_refused(session, percent, text, field):
    item = make_item(session)
    coordinator = make_actor(session)
    with pytest.raises(ValidationFailed) as exc:
        items.report_progress(session, actor=coordinator, item_id=item.id,
                              expected_version=item.version, reported_on=date(2026, 1, 1),
                              percent=percent, text=text)
    assert exc.value.problems[0].column == field


# ------------------------------------------------------------------ progress in each state

@pytest.mark.parametrize("status", [Status.DRAFT, Status.CLOSED])
def test_no_progress_on_a_draft_or_closed_item(session, status):
    item = make_item(session, status=status)
    coordinator = make_actor(session)
    session.commit()
    with pytest.raises(TransitionNotAllowed, match="不能报送进展"):
        items.report_progress(session, actor=coordinator, item_id=item.id,
                              expected_version=item.version, reported_on=date(2026, 1, 1),
                              percent=10, text="x")
    session.rollback()
    assert audit_outcomes(session, item.id) == [("item.report_progress", AuditOutcome.REFUSED_INVALID)]


def test_progress_while_awaiting_verification_keeps_the_state(session):
    item = make_item(session, status=Status.SUBMITTED)
    items.report_progress(session, actor=make_actor(session), item_id=item.id,
                          expected_version=item.version, reported_on=date(2026, 1, 1),
                          percent=100, text="补充验收材料")
    assert item.status == Status.SUBMITTED and item.latest_progress == "补充验收材料"


# ------------------------------------------------------------------ editing the deadline

def test_editing_the_deadline_parses_it_and_keeps_the_wording(session):
    item = make_item(session)
    coordinator = make_actor(session)
    items.update_item(session, actor=coordinator, item_id=item.id, expected_version=item.version,
                      changes={"deadline": " 2026年第三季度前完成 ", "stage": "medium"})
    assert (item.deadline_text, item.due_on, item.original_due_on, item.is_ongoing) == (
        "2026年第三季度前完成", date(2026, 9, 30), date(2026, 9, 30), False)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "item.edit")).one()
    assert entry.before["due_on"] == "2025-12-31" and entry.after["due_on"] == "2026-09-30"


def test_editing_the_deadline_after_an_extension_keeps_the_original(session):
    item = make_item(session, extension_count=1, original_due_on=date(2025, 6, 30))
    items.update_item(session, actor=make_actor(session), item_id=item.id,
                      expected_version=item.version, changes={"deadline": "长期坚持"})
    assert (item.due_on, item.is_ongoing, item.original_due_on) == (None, True, date(2025, 6, 30))


@pytest.mark.parametrize("changes, message", [({"deadline": "尽快"}, "无法识别的整改时限"),
                                              ({"plan_published_on": "昨天"}, "须为日期"),
                                              ({"stage": "forever"}, "无效的取值")])
def test_bad_deadline_or_date_edits_name_the_field(session, changes, message):
    item = make_item(session)
    with pytest.raises(ValidationFailed, match=message) as exc:
        items.update_item(session, actor=make_actor(session), item_id=item.id,
                          expected_version=item.version, changes=changes)
    assert [p.column for p in exc.value.problems] == list(changes)


# ------------------------------------------------------------------ new items

def form(session, **overrides):
    values = dict(inspection_id=make_inspection(session, kind=InspectionKind.SPECIAL,
                                                level=SourceLevel.CENTRAL).id,
                  item_type="feedback", category="water", description="某镇污水直排长江支流",
                  district_id=district_id(session, "万州区"), township="龙驹镇",
                  lead_unit_id=unit_id(session, "万州区人民政府"),
                  responsible_unit_ids=[unit_id(session, "万州区生态环境局")],
                  cooperating_unit_ids=[unit_id(session, "重庆市水利局")],
                  deadline="2026年6月底前", stage="short", lon=108.38, lat=30.81)
    values.update(overrides)
    return values


def test_create_item_fills_everything_the_form_implies(session):
    coordinator = make_actor(session)
    values = form(session)
    item = items.create_item(session, actor=coordinator, values=values)
    assert item.status == Status.DRAFT and item.version == 1
    assert item.code == f"ZG{date.today().year}-00001" and item.seq == 1
    assert (item.inspection_kind, item.source_level) == (InspectionKind.SPECIAL, SourceLevel.CENTRAL)
    assert (item.deadline_text, item.due_on, item.original_due_on, item.is_ongoing) == (
        "2026年6月底前", date(2026, 6, 30), date(2026, 6, 30), False)
    assert item.holder_unit_id == item.lead_unit_id and item.supervision_level is None   # not supervised yet
    roles = {(u.unit_id, u.role) for u in session.scalars(select(ItemUnit).where(
        ItemUnit.item_id == item.id))}
    assert roles == {(values["lead_unit_id"], UnitRole.LEAD),
                     (values["responsible_unit_ids"][0], UnitRole.RESPONSIBLE),
                     (values["cooperating_unit_ids"][0], UnitRole.COOPERATING)}
    [t] = session.scalars(select(Transition).where(Transition.item_id == item.id)).all()
    assert (t.from_status, t.to_status, t.actor_id) == (None, Status.DRAFT, coordinator.id)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "item.create")).one()
    assert entry.after["description"] == "某镇污水直排长江支流" and len(entry.after["units"]) == 3
    second = items.create_item(session, actor=coordinator, values=form(
        session, inspection_id=values["inspection_id"], description="第二项"))
    assert second.code == f"ZG{date.today().year}-00002" and second.seq == 2


def test_create_item_keeps_a_given_code_and_handles_special_deadlines(session):
    coordinator = make_actor(session)
    ongoing = items.create_item(session, actor=coordinator, values=form(
        session, code="中督-2025-渝-07", seq=7, deadline="长期坚持", stage=None))
    assert (ongoing.code, ongoing.seq, ongoing.is_ongoing, ongoing.due_on, ongoing.stage) == (
        "中督-2025-渝-07", 7, True, None, Stage.ONGOING)
    immediate = items.create_item(session, actor=coordinator, values=form(
        session, deadline="立行立改", district_id=None, lon=None, lat=None))
    assert immediate.due_on is None and immediate.district_id is None   # due when assigned


def test_create_item_names_every_bad_field_in_chinese(session):
    values = form(session, description="  ", category="lava", deadline="尽快",
                  lead_unit_id=999_999, responsible_unit_ids=[999_998], lon=120.0, lat=None,
                  plan_url="ftp://x", contact_phone="1" * 41, colour="red", stage=None)
    del values["item_type"]
    with pytest.raises(ValidationFailed) as exc:
        items.create_item(session, actor=make_actor(session), values=values)
    problems: dict[str, list[str]] = {}
    for p in exc.value.problems:
        problems.setdefault(p.column, []).append(p.message)
    assert set(problems) == {"colour", "问题描述", "问题类别", "类型", "整改时限", "阶段",
                             "牵头单位", "责任单位", "经度", "联系电话", "整改方案公开地址"}
    assert "必填" in problems["问题描述"][0] and "无法识别的整改时限" in problems["整改时限"][0]
    assert "999999" in problems["牵头单位"][0] and "999998" in problems["责任单位"][0]
    assert [m.split(" / ")[0] for m in problems["经度"]] == ["须在 105.0 到 111.0 之间",
                                                            "经度和纬度须同时填写"]
    assert "不能超过 40 个字" in problems["联系电话"][0]
    assert "问题描述: 必填" in str(exc.value)
    assert session.scalars(select(Item)).all() == []


def test_create_item_refuses_a_taken_code_or_seq(session):
    existing = make_item(session)
    with pytest.raises(ValidationFailed) as exc:
        items.create_item(session, actor=make_actor(session), values=form(
            session, code=existing.code, inspection_id=existing.inspection_id, seq=existing.seq))
    assert [p.column for p in exc.value.problems] == ["编号", "序号"]


@pytest.mark.parametrize("role", [Role.UNIT, Role.LEADER, Role.VIEWER])
def test_only_coordinators_create_items_and_refusals_are_audited(session, role):
    actor = make_actor(session, role, unit_id=unit_id(session, "万州区人民政府"))
    values = form(session)
    session.commit()
    with pytest.raises(PermissionDenied):
        items.create_item(session, actor=actor, values=values)
    session.rollback()
    assert session.scalars(select(Item)).all() == []
    assert [(e.action, e.outcome) for e in session.scalars(select(AuditEntry))] == [
        ("item.create", AuditOutcome.REFUSED_PERMISSION)]


@pytest.mark.parametrize("value", ["", "   ", None])
def test_emptying_the_description_is_refused_by_name(session, value):
    item = make_item(session, description="原描述")
    coordinator = make_actor(session)
    with pytest.raises(ValidationFailed) as exc:
        items.update_item(session, actor=coordinator, item_id=item.id,
                          expected_version=item.version, changes={"description": value})
    assert [p.column for p in exc.value.problems] == ["问题描述"]
    assert item.description == "原描述"


# ------------------------------------------------------------------ control characters
# PostgreSQL refuses NUL in text (a DataError mid-write); soak/fuzz.py found it through the form.

def test_a_new_item_with_a_control_character_is_refused_by_field(session):
    values = form(session, code="ZG-\x00", description="描述\x1b[31m")
    with pytest.raises(ValidationFailed) as exc:
        items.create_item(session, actor=make_actor(session), values=values)
    problems = {p.column: p.message for p in exc.value.problems}
    assert set(problems) == {"编号", "问题描述"}
    assert all(m.startswith("含有不可见的控制字符") for m in problems.values())
    assert session.scalars(select(Item)).all() == []


def test_tabs_and_line_breaks_are_text_not_control_characters(session):
    item = items.create_item(session, actor=make_actor(session),
                             values=form(session, description="第一行\r\n第二行\t（附表）"))
    assert item.description == "第一行\r\n第二行\t（附表）"


def test_an_edit_or_a_progress_report_with_nul_changes_nothing(session):
    item = make_item(session)
    coordinator = make_actor(session)
    with pytest.raises(ValidationFailed) as exc:
        items.update_item(session, actor=coordinator, item_id=item.id, expected_version=item.version,
                          changes={"township": "某镇\x00"})
    assert [p.column for p in exc.value.problems] == ["township"]
    with pytest.raises(ValidationFailed) as exc:
        items.report_progress(session, actor=coordinator, item_id=item.id,
                              expected_version=item.version, reported_on=date(2026, 1, 1),
                              percent=50, text="已完成\x00")
    assert [p.column for p in exc.value.problems] == ["整改进展"]
    assert item.version == 1 and item.township != "某镇\x00" and item.latest_progress is None
