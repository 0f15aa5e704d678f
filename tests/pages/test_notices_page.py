"""督办通知 page (pages/notices.py) through AppTest: a unit sees its notices and answers with a
file; another unit is refused; the office escalates (a stale screen refused) and lifts; late
answers are flagged; 我的待办 leads to the notice."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.domain import Role, Status, SupervisionLevel
from core.supervision.notices import escalate_notice, issue_notice
from db.models import Attachment, NoticeResponse, SupervisionNotice
from tests.factories import district_id, make_actor, make_item, unit_id
from tests.pages.page_helpers import PDF, errors, open_page, press, texts

PAGE = "pages/notices.py"
TODAY = date.today()


@pytest.fixture(autouse=True)
def evidence_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LEDGER_DATA_DIR", str(tmp_path))


@pytest.fixture
def notice(session):
    coordinator = make_actor(session, Role.COORDINATOR, display_name="王协调")
    wanzhou = make_item(session, code="WZ-1", status=Status.IN_PROGRESS)
    fuling = make_item(session, code="FL-1", lead_unit_id=unit_id(session, "涪陵区人民政府"),
                       district_id=district_id(session, "涪陵区"))
    made = issue_notice(session, actor=coordinator, item_ids=[wanzhou.id, fuling.id],
                        level=SupervisionLevel.KEY, doc_no="渝督办〔2026〕31号",
                        issued_on=TODAY - timedelta(days=20), due_on=TODAY - timedelta(days=2),
                        content="限期报送整改情况")
    session.commit()
    return made, coordinator


def unit(session, name="万州区人民政府"):
    actor = make_actor(session, Role.UNIT, unit_id=unit_id(session, name))
    session.commit()
    return actor


def test_a_unit_finds_the_notice_in_its_queue_and_answers_with_a_file(app, session, notice):
    made, _ = notice
    wanzhou = unit(session)
    at = app(wanzhou)
    at.run()                                                    # lands on 我的待办
    assert "待回复的督办通知（1）" in [s.value for s in at.subheader]
    at.session_state["queue_queue.notices_awaiting"] = {"selection": {"rows": [0], "columns": [],
                                                                      "cells": []}}
    at.run()
    assert at.title[0].value == "督办通知 渝督办〔2026〕31号"
    assert "WZ-1" in list(at.dataframe[0].value["编号"]) and "另有 1 项属于其他单位" in texts(at)
    assert "逾期未回复" in texts(at)
    response = session.scalar(select(NoticeResponse).where(NoticeResponse.unit_id == wanzhou.unit_id))
    at.text_area(key=f"respond_text_{response.id}").input("已完成整改，报告附后")
    at.file_uploader(key=f"respond_files_{response.id}").set_value([("整改报告.pdf", PDF, "application/pdf")])
    press(at, "回复督办通知")
    assert "已回复督办通知" in texts(at)
    assert f"**万州区政府** · {TODAY.isoformat()} · 逾期回复" in texts(at)     # after the due date
    session.expire_all()
    assert session.get(NoticeResponse, response.id).text == "已完成整改，报告附后"
    assert [a.filename for a in session.scalars(select(Attachment))] == ["整改报告.pdf"]
    assert "回复督办通知" not in [b.label for b in at.button]              # answered once


def test_another_unit_may_not_open_or_answer(app, session, notice):
    made, _ = notice
    chengkou = unit(session, "城口县人民政府")
    at = open_page(app, chengkou, PAGE)
    assert "没有督办通知" in texts(at)
    at.query_params["id"] = str(made.id)
    at.run()
    assert "无权执行此操作" in errors(at)


def test_the_office_lists_late_notices_escalates_and_lifts(app, session, notice):
    made, coordinator = notice
    at = open_page(app, coordinator, PAGE)
    assert list(at.dataframe[0].value["状态"]) == ["2 个单位逾期"]
    at.segmented_control(key="notice_show").set_value("late").run()
    assert list(at.dataframe[0].value["督办文号"]) == ["渝督办〔2026〕31号"]
    at = open_page(app, coordinator, PAGE, made.id)
    assert "2 个单位逾期回复或逾期未回复" in texts(at)
    at.selectbox(key=f"esc_level_{made.id}").set_value(SupervisionLevel.LISTED)
    at.text_area(key=f"esc_reason_{made.id}").input("逾期未回复")
    press(at, "升级督办")
    assert "已升级为挂牌督办" in texts(at)
    session.expire_all()
    assert session.get(SupervisionNotice, made.id).level == SupervisionLevel.LISTED
    assert "重点督办 → **挂牌督办**" in "\n".join(m.value for m in at.markdown)
    press(at, "解除督办")
    assert "已解除督办" in texts(at)
    session.expire_all()
    assert session.get(SupervisionNotice, made.id).lifted_on == TODAY


def test_a_stale_escalation_is_refused_and_explained(app, session, notice):
    _, coordinator = notice
    colleague = make_actor(session, Role.COORDINATOR)
    item = make_item(session, code="WZ-2", status=Status.IN_PROGRESS)
    made = issue_notice(session, actor=coordinator, item_ids=[item.id], level=SupervisionLevel.NORMAL,
                        doc_no="渝督办〔2026〕32号", issued_on=TODAY, due_on=TODAY, content="限期整改")
    session.commit()
    at = open_page(app, coordinator, PAGE, made.id)               # shows version 1
    escalate_notice(session, actor=colleague, notice_id=made.id, expected_version=1,
                    level=SupervisionLevel.KEY, reason="同事已升级")
    session.commit()
    at.selectbox(key=f"esc_level_{made.id}").set_value(SupervisionLevel.LISTED)
    at.text_area(key=f"esc_reason_{made.id}").input("我也要升级")
    press(at, "升级督办")
    assert "未保存" in errors(at)
    assert "督办级别：一般 → 重点督办" in errors(at)      # what the colleague changed, in words
    session.expire_all()
    assert session.get(SupervisionNotice, made.id).level == SupervisionLevel.KEY


def test_a_unit_cannot_escalate_and_a_leader_only_reads(app, session, notice):
    made, _ = notice
    leader = make_actor(session, Role.LEADER)
    session.commit()
    at = open_page(app, leader, PAGE, made.id)
    assert at.title[0].value == "督办通知 渝督办〔2026〕31号"
    assert not [e for e in at.expander if e.label in ("升级督办", "解除督办")]
    at = open_page(app, unit(session), PAGE, made.id)
    assert not [e for e in at.expander if e.label in ("升级督办", "解除督办")]
