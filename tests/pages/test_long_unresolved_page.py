"""久拖不决 page (pages/long_unresolved.py) through AppTest: the flagged items with their reasons in
severity order, the counts, the filters; a coordinator ticks rows and issues a notice or opens a
stationed or special inspection in one step; a leader reads only; refusals are explained."""

from datetime import date, timedelta

from sqlalchemy import func, select

from core.domain import Role, Status, SupervisionLevel
from core.ledger.rules import Reason
from db.models import Inspection, StationedFollowUp, SupervisionNotice, SupervisionNoticeItem
from tests.factories import district_id, make_actor, make_item, unit_id
from tests.pages.page_helpers import errors, open_page, press, texts

PAGE = "pages/long_unresolved.py"
TODAY = date.today()
TABLE = "lu_table_1_{gen}"


def seed(session):
    """Four flagged items (severity: 3, 2, 2, 1 reasons), one fresh one, one closed one."""
    long_ago = TODAY - timedelta(days=800)
    make_item(session, code="SEV-3", assigned_on=long_ago, due_on=TODAY - timedelta(days=300))
    make_item(session, code="SEV-2A", assigned_on=long_ago, due_on=TODAY + timedelta(days=10),
              status=Status.IN_PROGRESS, latest_progress_on=TODAY - timedelta(days=200))
    make_item(session, code="SEV-2B", district_id=district_id(session, "渝中区"),
              lead_unit_id=unit_id(session, "渝中区人民政府"), due_on=TODAY - timedelta(days=3),
              assigned_on=TODAY - timedelta(days=100))
    make_item(session, code="SEV-1", bounce_count=2, assigned_on=TODAY - timedelta(days=20),
              status=Status.IN_PROGRESS, latest_progress_on=TODAY - timedelta(days=2),
              due_on=TODAY + timedelta(days=30))
    make_item(session, code="FRESH", assigned_on=TODAY - timedelta(days=10),
              due_on=TODAY + timedelta(days=30))
    make_item(session, code="CLOSED", status=Status.CLOSED, assigned_on=long_ago, due_on=long_ago)


def table(at, gen: int = 0):
    return next(d for d in at.dataframe if d.key == TABLE.format(gen=gen)).value


def tick(at, rows, gen: int = 0):
    at.session_state[TABLE.format(gen=gen)] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_flagged_items_in_severity_order_with_reasons_and_counts(app, session):
    seed(session)
    leader = make_actor(session, Role.LEADER)
    session.commit()
    at = open_page(app, leader, PAGE)
    frame = table(at)
    assert list(frame["编号"]) == ["SEV-3", "SEV-2B", "SEV-2A", "SEV-1"]
    assert list(frame["严重程度"]) == [3, 2, 2, 1]
    assert frame["久拖不决情形"][0] == "逾期 300 天、800 天无进展、交办已 800 天"
    assert list(frame["督办级别"]) == ["未督办"] * 4
    counts = metrics(at)
    assert (counts["久拖不决合计"], counts["逾期"], counts["多次验收不通过"], counts["长期无进展"]) == (
        "4", "2", "1", "3")
    assert "超过 90 天无进展" in texts(at) and "情形条数多者在前" in texts(at)
    # a leader reads: no action on a selection
    tick(at, [0, 1])
    assert "lu_action_0" not in [c.key for c in at.get("segmented_control")]
    assert "下发督办通知" not in [b.label for b in at.button]


def test_filters_by_reason_and_district(app, session):
    seed(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, PAGE)
    at.multiselect(key="lu_reason").set_value([Reason.BOUNCED]).run()
    assert list(table(at)["编号"]) == ["SEV-1"] and metrics(at)["久拖不决合计"] == "1"
    at.multiselect(key="lu_reason").set_value([]).run()
    at.multiselect(key="lu_district").set_value([district_id(session, "渝中区")]).run()
    assert list(table(at)["编号"]) == ["SEV-2B"]
    at.multiselect(key="lu_reason").set_value([Reason.EXTENDED]).run()
    assert "没有符合条件的久拖不决问题" in texts(at)


def test_a_coordinator_issues_a_listed_notice_on_three_ticked_items(app, session):
    seed(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = tick(open_page(app, coordinator, PAGE), [0, 1, 2])
    assert "已选 3 项：SEV-3、SEV-2B、SEV-2A" in texts(at)
    at.selectbox(key="lu_notice_0_level").set_value(SupervisionLevel.LISTED)
    at.text_input(key="lu_notice_0_doc").input("渝督办〔2026〕21号")
    at.text_area(key="lu_notice_0_content").input("限期一个月整改到位")
    press(at, "下发督办通知")
    assert "已下发督办通知 渝督办〔2026〕21号（挂牌督办），共 3 项" in texts(at)
    session.expire_all()
    notice = session.scalar(select(SupervisionNotice))
    assert notice.level == SupervisionLevel.LISTED
    covered = set(session.scalars(select(SupervisionNoticeItem.item_id)))
    assert len(covered) == 3
    assert set(table(at, gen=1)["督办级别"][:3]) == {"挂牌督办"}


def test_a_bad_notice_is_explained_and_nothing_is_written(app, session):
    seed(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = tick(open_page(app, coordinator, PAGE), [0])
    at.text_area(key="lu_notice_0_content").input("限期整改")
    press(at, "下发督办通知")
    assert "督办文号" in errors(at) and "必填" in errors(at)
    assert session.scalar(select(func.count()).select_from(SupervisionNotice)) == 0


def test_a_coordinator_opens_a_stationed_inspection_and_the_rows_are_marked(app, session):
    seed(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = tick(open_page(app, coordinator, PAGE), [0, 2])
    at.segmented_control(key="lu_action_0").set_value("stationed").run()
    at.text_input(key="lu_stationed_0_team").input("第二督察组")
    at.text_input(key="lu_stationed_0_place").input("万州区")
    at.text_input(key="lu_stationed_0_name").input("2026年驻点督察第二组")
    press(at, "开展驻点督察")
    assert "已开展督察：2026年驻点督察第二组（跟进 2 项）" in texts(at)
    inspection = session.scalar(select(Inspection).where(Inspection.name == "2026年驻点督察第二组"))
    assert (inspection.kind, inspection.team, inspection.state) == ("stationed", "第二督察组", "open")
    assert session.scalar(select(func.count()).select_from(StationedFollowUp)) == 2
    marks = dict(zip(table(at, gen=1)["编号"], table(at, gen=1)["督察"], strict=True))
    assert marks["SEV-3"] == f"/inspections?id={inspection.id}#驻点督察中"
    assert marks["SEV-2A"] == f"/inspections?id={inspection.id}#驻点督察中"
    assert marks["SEV-2B"] == ""   # not followed: no mark


def test_a_special_inspection_needs_its_subject(app, session):
    seed(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = tick(open_page(app, coordinator, PAGE), [3])
    at.segmented_control(key="lu_action_0").set_value("special").run()
    at.text_input(key="lu_special_0_name").input("2026年验收反复不通过问题专项督察")
    press(at, "开展专项督察")
    assert "督察事项" in errors(at)
    at.text_area(key="lu_special_0_subject").input("验收反复不通过的原因")
    press(at, "开展专项督察")
    assert "已开展督察：2026年验收反复不通过问题专项督察（跟进 1 项）" in texts(at)
    made = session.scalar(select(Inspection).where(Inspection.subject == "验收反复不通过的原因"))
    assert made.kind == "special"


def test_english(app, session):
    seed(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = app(coordinator)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(PAGE).run()
    assert at.title[0].value == "Long-unresolved items"
    assert table(at)["Reasons"][0] == "300 days overdue, no progress for 800 days, assigned 800 days ago"
