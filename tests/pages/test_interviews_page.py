"""约谈 (pages/interviews.py) through AppTest, in every role: the list within each reader's scope,
recording an interview and seeing its plan due date, the actions each role may take (and the
refusals: bad input, stale version), provisional dates explained, and the ways in — 我的待办 and
the item page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.domain import InterviewCircumstance, InterviewFollowUp, InterviewStatus, PlanState, Role
from core.interviews import follow_ups, records
from db.models import Interview, Item
from tests.core.interviews.cases import values
from tests.factories import make_actor, make_item, unit_id
from tests.pages.page_helpers import PDF, errors, labels, open_page, press, texts

PAGE = "pages/interviews.py"
TODAY = date.today()
WANZHOU_GOV = "万州区人民政府"


@pytest.fixture(autouse=True)
def evidence_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LEDGER_DATA_DIR", str(tmp_path))
    return tmp_path / "evidence"


def record(session, actor, **overrides) -> Interview:
    return records.record_interview(session, actor=actor, values=values(session, **overrides))


def table(at, key: str = "iv_table"):
    return next(d for d in at.dataframe if d.key == key).value


def frame_with(at, column: str):
    """The (non-selectable, so keyless) table that has `column`."""
    return next(d.value for d in at.dataframe if column in getattr(d.value, "columns", []))


def pick(at, key: str, row: int = 0):
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def ledger(session):
    coordinator = make_actor(session, Role.COORDINATOR, display_name="王协调")
    late = record(session, coordinator, held_on=TODAY - timedelta(days=60))
    provisional = record(session, coordinator, held_on=TODAY - timedelta(days=1), plan_workdays=60,
                         details="推进缓慢")
    fuling = record(session, coordinator, held_on=TODAY - timedelta(days=90),
                    interviewee_unit_id=unit_id(session, "涪陵区人民政府"), circumstance="public_outcry")
    session.commit()
    return dict(coordinator=coordinator, late=late, provisional=provisional, fuling=fuling)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_list_within_its_scope(app, session, ledger, role):
    actor = make_actor(session, role, unit_id=unit_id(session, WANZHOU_GOV))
    session.commit()
    at = open_page(app, actor, PAGE)
    assert at.title[0].value == "约谈"
    shown = list(table(at)["约谈编号"])
    mine = [ledger["provisional"].code, ledger["late"].code]
    assert shown == (mine if role is Role.UNIT else mine + [ledger["fuling"].code])
    assert ("登记约谈" in labels(at)) == (role in (Role.ADMIN, Role.COORDINATOR))


def test_the_list_counts_plan_states_and_marks_provisional_dates(app, session, ledger):
    at = open_page(app, ledger["coordinator"], PAGE)
    counted = metrics(at)
    assert counted[":red[逾期未报送]"] == "2" and counted[":orange[期限暂定]"] == "1"
    rows = table(at)
    due = dict(zip(rows["约谈编号"], rows["整改方案报送期限"], strict=True))
    assert due[ledger["provisional"].code].endswith("（暂定）")
    assert dict(zip(rows["约谈编号"], rows["整改方案"], strict=True))[ledger["late"].code] == "逾期未报送"


def test_filter_by_plan_state_and_open_a_row(app, session, ledger):
    at = open_page(app, ledger["coordinator"], PAGE)
    at.multiselect(key="iv_plan_state").set_value([PlanState.PROVISIONAL]).run()
    assert list(table(at)["约谈编号"]) == [ledger["provisional"].code]
    at = pick(at, "iv_table")
    assert at.title[0].value == f"约谈 {ledger['provisional'].code} · 万州区政府"
    assert at.query_params["id"] == str(ledger["provisional"].id)


def test_a_provisional_date_says_why_and_points_the_admin_to_the_holidays(app, session, ledger):
    admin = make_actor(session, Role.ADMIN)
    session.commit()
    at = open_page(app, admin, PAGE, ledger["provisional"].id)
    [warning] = [w.value for w in at.warning]
    assert "为暂定" in warning and "年的法定节假日和调休安排尚未录入" in warning
    assert "chinese-calendar 尚未收录该年" in warning
    viewer = make_actor(session, Role.VIEWER)
    session.commit()
    assert "为暂定" in texts(open_page(app, viewer, PAGE, ledger["provisional"].id))


def test_a_late_plan_is_flagged_on_its_page(app, session, ledger):
    at = open_page(app, ledger["coordinator"], PAGE, ledger["late"].id)
    assert any("整改方案已逾期" in e.value for e in at.error)
    assert metrics(at)["整改方案"].startswith("逾期")


def fill_record_form(at, session, **fields):
    k = lambda name: f"ivn_0_{name}"  # noqa: E731
    at.selectbox(key=k("circumstance")).set_value(InterviewCircumstance.POOR_RECTIFICATION)
    if fields.get("unit", True):
        at.selectbox(key=k("interviewee_unit_id")).set_value(unit_id(session, WANZHOU_GOV))
    at.text_input(key=k("place")).input(fields.get("place", "市生态环境局第一会议室"))
    at.text_area(key=k("people")).input(fields.get("people", "张某某，副区长"))
    at.text_input(key=k("item_codes")).input(fields.get("item_codes", ""))
    at.number_input(key=k("plan_workdays")).set_value(fields.get("workdays", 15))
    return at


def test_the_coordinator_records_an_interview_and_sees_its_plan_due_date(app, session, ledger):
    make_item(session, code="ZG-LINK-1")
    session.commit()
    at = open_page(app, ledger["coordinator"], PAGE)
    at = press(at, "登记约谈")
    assert at.title[0].value == "登记约谈"
    fill_record_form(at, session, item_codes="ZG-LINK-1")
    at = press(at, "登记")
    session.expire_all()
    interview = session.scalars(select(Interview).order_by(Interview.id.desc())).first()
    assert at.title[0].value == f"约谈 {interview.code} · 万州区政府"
    [flash] = [s.value for s in at.success]
    assert f"整改方案报送期限：{interview.plan_due_on.isoformat()}" in flash or "暂定" in flash
    assert metrics(at)["整改方案报送期限"] == interview.plan_due_on.isoformat()
    assert table(at, "iv_items")["编号"].tolist() == ["ZG-LINK-1"]


def test_a_bad_record_names_each_field_and_writes_nothing(app, session, ledger):
    before = session.scalar(select(Interview.id).order_by(Interview.id.desc()))
    at = press(open_page(app, ledger["coordinator"], PAGE), "登记约谈")
    fill_record_form(at, session, unit=False, place="", people="张某某", item_codes="ZG-NOPE")
    at = press(at, "登记")
    shown = errors(at)
    for field in ("被约谈单位", "约谈地点", "被约谈人员", "关联整改任务编号"):
        assert field in shown
    assert "ZG-NOPE" in shown and "第 1 行须写作“姓名，职务”" in shown
    session.expire_all()
    assert session.scalar(select(Interview.id).order_by(Interview.id.desc())) == before


def test_the_unit_submits_its_plan_with_the_file(app, session, ledger, evidence_dir):
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, WANZHOU_GOV))
    session.commit()
    interview = ledger["provisional"]
    at = open_page(app, unit, PAGE, interview.id)
    assert [e.label for e in at.expander] == ["报送整改方案"]
    at.file_uploader(key=f"iva_{interview.id}_0_plan_files").set_value(
        [("整改方案.pdf", PDF, "application/pdf")])
    at.text_area(key=f"iva_{interview.id}_0_plan_note").input("已按约谈要求制定")
    at = press(at, "报送整改方案")
    assert "已办理：报送整改方案" in [s.value for s in at.success]
    session.expire_all()
    assert session.get(Interview, interview.id).status == InterviewStatus.PLAN_SUBMITTED
    assert "报送整改方案" in texts(at) and "已按约谈要求制定" in texts(at)
    others = make_actor(session, Role.UNIT, unit_id=unit_id(session, "渝中区人民政府"))
    session.commit()
    at = open_page(app, others, PAGE, ledger["fuling"].id)
    assert errors(at) == "无权执行此操作" and not at.expander


@pytest.mark.parametrize("role", [Role.LEADER, Role.VIEWER])
def test_readers_see_everything_and_may_do_nothing(app, session, ledger, role):
    actor = make_actor(session, role)
    session.commit()
    at = open_page(app, actor, PAGE, ledger["late"].id)
    assert not at.expander and "您没有可办理的事项" in texts(at)
    assert frame_with(at, "职务")["姓名"].tolist() == ["张某某", "李某某"]


def test_a_stale_action_names_what_changed_and_writes_nothing(app, session, ledger):
    interview, coordinator = ledger["late"], ledger["coordinator"]
    at = open_page(app, coordinator, PAGE, interview.id)
    follow_ups.add_follow_up(session, actor=coordinator, interview_id=interview.id,
                             expected_version=interview.version, kind="exposure", taken_on=TODAY,
                             note="公开曝光")
    session.commit()
    at.date_input(key=f"iva_{interview.id}_0_submitted_on").set_value(TODAY)
    at = press(at, "报送整改方案")
    assert "该约谈在您打开后已被他人修改" in errors(at) and "后续措施" in errors(at)
    session.expire_all()
    assert session.get(Interview, interview.id).plan_submitted_on is None
    at = press(at, "刷新")
    assert "后续措施（1）" in [tab.label for tab in at.tabs]


def test_the_coordinator_records_a_follow_up_measure(app, session, ledger):
    interview = ledger["late"]
    at = open_page(app, ledger["coordinator"], PAGE, interview.id)
    key = f"iva_{interview.id}_0_"
    at.selectbox(key=key + "fu_kind").set_value(InterviewFollowUp.APPROVAL_RESTRICTION)
    at.text_area(key=key + "fu_note").input("暂停审批新增排污项目")
    at = press(at, "登记后续措施")
    assert "限批区县" in errors(at)                     # 区域限批 names its district
    at.selectbox(key=key + "fu_district").set_value(1)
    at = press(at, "登记后续措施")
    assert "已办理：登记后续措施" in [s.value for s in at.success]
    assert frame_with(at, "措施说明")["后续措施"].tolist() == ["区域限批"]


def test_my_actions_rows_open_the_interview(app, session, ledger):
    at = app(ledger["coordinator"])
    at.run()
    rows = next(d for d in at.dataframe if d.key == "queue_queue.interview_plans_overdue").value
    assert list(rows["编号"]) == [ledger["fuling"].code, ledger["late"].code]   # most overdue first
    assert "相应台账" not in texts(at)
    at = pick(at, "queue_queue.interview_plans_overdue", row=1)
    assert at.title[0].value == f"约谈 {ledger['late'].code} · 万州区政府"
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, WANZHOU_GOV))
    session.commit()
    at = app(unit)
    at.run()
    rows = next(d for d in at.dataframe if d.key == "queue_queue.interview_plans_awaited").value
    assert set(rows["编号"]) == {ledger["late"].code, ledger["provisional"].code}


def test_the_item_page_opens_its_interview(app, session, ledger):
    item = make_item(session, code="ZG-ON-ITEM")
    records.link_items(session, actor=ledger["coordinator"], interview_id=ledger["late"].id,
                       expected_version=ledger["late"].version, values={"item_codes": "ZG-ON-ITEM"})
    session.commit()
    at = open_page(app, ledger["coordinator"], "pages/item.py", item.id)
    at = pick(at, "item_interviews")
    assert at.title[0].value == f"约谈 {ledger['late'].code} · 万州区政府"
    assert session.scalar(select(Item.code).where(Item.id == item.id)) == "ZG-ON-ITEM"


def test_english(app, session, ledger):
    at = app(ledger["coordinator"])
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(PAGE).run()
    assert at.title[0].value == "Interviews"
    assert "Interview number" in table(at).columns
    at.query_params["id"] = str(ledger["provisional"].id)
    at.run()
    assert not at.exception
    assert "is provisional" in at.warning[0].value
    assert at.title[0].value.startswith(f"Interview {ledger['provisional'].code}")
