"""驻点与专项督察 page (pages/inspections.py) through AppTest: the list; one inspection with its
items; recording a visit, entering a problem found into the ledger, concluding (a special one
needs its finding); a special inspection opened from clues; a leader reads only."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.domain import Category, InspectionKind, Role, Stage, Status
from core.supervision.inspections import open_inspection
from db.models import FollowUpRecord, Inspection, Item
from tests.factories import district_id, make_actor, make_inspection, make_item, unit_id
from tests.pages.page_helpers import errors, open_page, press, texts

PAGE = "pages/inspections.py"
TODAY = date.today()


@pytest.fixture
def stationed(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    items = [make_item(session, code=f"LU-{n}", assigned_on=TODAY - timedelta(days=500)) for n in (1, 2)]
    inspection = open_inspection(session, actor=coordinator, kind=InspectionKind.STATIONED,
                                 name="2026年驻点督察第一组", team="第一督察组", place="万州区",
                                 started_on=TODAY - timedelta(days=5), item_ids=[i.id for i in items])
    session.commit()
    return inspection, coordinator


def test_the_list_and_one_inspection(app, session, stationed):
    inspection, coordinator = stationed
    at = open_page(app, coordinator, PAGE)
    frame = at.dataframe[0].value
    assert list(frame["督察名称"]) == ["2026年驻点督察第一组"] and list(frame["状态"]) == ["进行中"]
    at.session_state["insp_list_all"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert at.title[0].value == "2026年驻点督察第一组"
    followed = at.dataframe[0].value
    assert list(followed["编号"]) == ["LU-1", "LU-2"]
    assert set(followed["纳入时的久拖不决情形"]) == {"逾期、长期无进展"}   # due 2025-12-31, never reported
    assert "**督察组**：第一督察组" in texts(at)


def test_record_a_visit_enter_a_found_problem_and_conclude(app, session, stationed):
    inspection, coordinator = stationed
    at = open_page(app, coordinator, PAGE, inspection.id)
    at.text_area(key=f"rec_text_{inspection.id}").input("现场核查：截污管网仍未完工")
    at.text_input(key=f"rec_place_{inspection.id}").input("某污水处理厂")
    press(at, "记录走访或发现")
    assert "已记录" in texts(at) and "现场核查：截污管网仍未完工" in texts(at)
    k = f"found_{inspection.id}"
    at.text_area(key=f"{k}_desc").input("驻点发现：某支流仍有生活污水直排")
    at.selectbox(key=f"{k}_cat").set_value(Category.WATER)
    at.selectbox(key=f"{k}_district").set_value(district_id(session, "万州区"))
    at.selectbox(key=f"{k}_lead").set_value(unit_id(session, "万州区人民政府"))
    at.text_input(key=f"{k}_deadline").input("2027年6月底前")
    at.selectbox(key=f"{k}_stage").set_value(Stage.SHORT)
    press(at, "发现问题录入台账")
    assert "已录入台账（待交办）" in texts(at)
    found = session.scalar(select(Item).where(Item.description == "驻点发现：某支流仍有生活污水直排"))
    assert (found.inspection_id, found.status, found.inspection_kind) == (inspection.id, Status.DRAFT,
                                                                          "stationed")
    assert "督察发现的问题（1）" in [s.value for s in at.subheader]
    at.text_area(key=f"end_conclusion_{inspection.id}").input("督促完成截污管网建设")
    press(at, "结束督察")
    assert "督察已结束" in texts(at)
    session.expire_all()
    assert session.get(Inspection, inspection.id).state == "concluded"
    assert session.scalar(select(func.count()).select_from(FollowUpRecord)) == 2
    assert "结束督察" not in [b.label for b in at.button]          # nothing more to record


def test_a_special_inspection_from_clues_and_its_finding(app, session):
    coordinator = make_actor(session, Role.COORDINATOR)
    daily = make_inspection(session, kind=InspectionKind.DAILY, name="2026年度日常督察")
    session.commit()
    at = open_page(app, coordinator, PAGE)
    at.selectbox(key="clue_origin").set_value(daily.id)
    at.text_area(key="clue_text").input("日常调度发现多个园区污水管网破损")
    at.text_input(key="clue_name").input("2026年园区管网专项督察")
    at.text_area(key="clue_subject").input("工业园区污水管网破损渗漏")
    press(at, "依据问题线索开展专项督察")
    special = session.scalar(select(Inspection).where(Inspection.name == "2026年园区管网专项督察"))
    assert (special.kind, special.origin_inspection_id) == ("special", daily.id)
    at = open_page(app, coordinator, PAGE, special.id)
    assert "**线索来源（日常或例行督察）**：2026年度日常督察" in texts(at)
    at.text_area(key=f"end_conclusion_{special.id}").input("已查明")
    press(at, "结束督察")
    assert "原因和责任情况" in errors(at)
    at.text_area(key=f"end_finding_{special.id}").input("园区管委会监管缺位")
    press(at, "结束督察")
    session.expire_all()
    assert session.get(Inspection, special.id).finding == "园区管委会监管缺位"


def test_a_leader_reads_without_forms_and_a_routine_inspection_has_no_page(app, session, stationed):
    inspection, _ = stationed
    routine = make_inspection(session, kind=InspectionKind.ROUTINE)
    leader = make_actor(session, Role.LEADER)
    session.commit()
    at = open_page(app, leader, PAGE, inspection.id)
    assert at.title[0].value == "2026年驻点督察第一组"
    assert not at.expander and "依据问题线索开展专项督察" not in [b.label for b in at.button]
    at = open_page(app, leader, PAGE, routine.id)
    assert "不存在" in errors(at)
