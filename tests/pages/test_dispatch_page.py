"""季调度 (pages/dispatch.py) through AppTest, in every role: a coordinator opens, follows, exports
and closes a round (refusals explained, nothing written); a unit reports on its items from 我的待办;
leaders and viewers read; the year view; English."""

from __future__ import annotations

from datetime import timedelta

import pyarrow
import pytest
from sqlalchemy import func, select

from core.dispatch import rounds
from core.dispatch.scope import RoundScope
from core.domain import Role
from db.models import DispatchFigure, ProgressReport, QuarterlyDispatch
from tests.core.dispatch.cases import TODAY, WANZHOU_GOV, YUZHONG_GOV, item_of, open_round, report
from tests.factories import make_actor, unit_id
from tests.pages.page_helpers import errors, open_page, texts
from ui.dispatch_charts import state_frame

PAGE = "pages/dispatch.py"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at, column: str):
    """The first table on the page with this column (plain st.dataframe has no key in AppTest)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def units_table(at, column: str = "报送情况"):
    return table(at, column)


def chart_counts(at) -> dict[str, int]:
    """Units per state in the round's Altair chart, read from the chart's own data."""
    [data] = at.get("vega_lite_chart")[0].proto.datasets       # Streamlit sends it as Arrow
    frame = pyarrow.ipc.open_stream(data.data.data).read_all().to_pandas()
    return dict(zip(frame["state"], frame["units"], strict=True))


@pytest.fixture
def ledger(session):
    """Two units with items: 万州 (two items), 渝中 (one); and the people who use the page."""
    people = {role: make_actor(session, role, unit_id=unit_id(session, WANZHOU_GOV))
              for role in Role}
    people["yuzhong"] = make_actor(session, Role.UNIT, unit_id=unit_id(session, YUZHONG_GOV))
    items = [item_of(session, WANZHOU_GOV, code="WZ-1", description="万州某污水厂出水超标"),
             item_of(session, WANZHOU_GOV, code="WZ-2", description="万州某码头扬尘"),
             item_of(session, YUZHONG_GOV, code="YZ-1", description="渝中某餐饮油烟扰民")]
    session.commit()
    return people, items


def fill_open_form(at, *, title="2026年第四季度季调度", report_by=TODAY + timedelta(days=10)):
    at.text_input(key="open_title").input(title)
    at.date_input(key="open_report_by").set_value(report_by)
    return at


def test_a_coordinator_opens_a_round_and_sees_every_unit_not_yet(app, session, ledger):
    people, _ = ledger
    at = open_page(app, people[Role.COORDINATOR], PAGE)
    assert at.title[0].value == "季调度" and "还没有季调度轮次。" in texts(at)
    assert "将覆盖 3 项在办任务，由 2 个责任单位报送" in texts(at)
    fill_open_form(at).button(key="open_round").click().run()
    assert not at.exception and not at.error
    assert "已开启「2026年第四季度季调度」：3 项任务、2 个责任单位" in [s.value for s in at.success]
    table = units_table(at)
    assert list(table["责任单位"]) == ["万州区人民政府", "渝中区人民政府"]
    assert list(table["报送情况"]) == ["未报送", "未报送"] and list(table["应报任务"]) == [2, 1]
    assert metrics(at)["未报送"] == "2" and metrics(at)["已报送"] == "0"
    assert chart_counts(at) == {"已报送": 0, "未报送": 2, "逾期": 0}
    assert [b.label for b in at.download_button] == ["导出催报名单（2 个单位）"]
    assert at.query_params["round"] == str(session.scalar(select(QuarterlyDispatch.id)))


def test_opening_with_bad_input_names_the_fields_and_writes_nothing(app, session, ledger):
    people, _ = ledger
    at = open_page(app, people[Role.COORDINATOR], PAGE)
    at.date_input(key="open_report_by").set_value(TODAY + timedelta(days=200))
    at.button(key="open_round").click().run()
    assert "标题" in errors(at) and "报送截止日期" in errors(at)
    at.toggle(key="open_everything").set_value(False).run()
    at.text_input(key="open_codes").input("NO-SUCH").run()
    assert "覆盖范围·任务编号" in errors(at) and "NO-SUCH" in errors(at)
    assert session.scalar(select(func.count()).select_from(QuarterlyDispatch)) == 0


def test_a_narrow_scope_is_previewed_and_opened(app, session, ledger):
    people, items = ledger
    at = open_page(app, people[Role.COORDINATOR], PAGE)
    at.toggle(key="open_everything").set_value(False).run()
    at.text_input(key="open_codes").input("WZ-1, YZ-1").run()
    assert "将覆盖 2 项在办任务，由 2 个责任单位报送" in texts(at)
    fill_open_form(at, title="点名调度").button(key="open_round").click().run()
    [rnd] = rounds.list_rounds(session, actor=people[Role.COORDINATOR])
    assert (rnd.items, rnd.scope) == (2, RoundScope(item_codes=("WZ-1", "YZ-1")))


def test_the_unit_reports_from_its_queue_and_the_coordinator_sees_it(app, session, ledger):
    people, items = ledger
    rnd = open_round(session, people[Role.COORDINATOR])
    session.commit()
    unit = people[Role.UNIT]
    at = app(unit)
    at.run()                                               # lands on 我的待办
    assert "季调度：尚有 2 项任务待报送" in [s.value for s in at.subheader]
    [link] = [p for p in at.page_link if "去报送" in p.label]
    assert link.label == f"去报送：{rnd.title}（2 项）"
    at.switch_page(PAGE)
    at.query_params["round"] = str(rnd.id)
    at.run()
    assert metrics(at) == {"本单位应报任务": "2", "已报送": "0", "尚未报送": "2"}
    at.text_area(key=f"dr_text_{items[0].id}_0").input("已完成提标改造，出水达标")
    at.number_input(key=f"dr_pct_{items[0].id}_0").set_value(90)
    at.text_area(key=f"dr_text_{items[1].id}_0").input("已安装喷淋抑尘设施")
    at.button[[b.label for b in at.button].index("报送已填写的进展")].click().run()
    assert not at.exception and not at.error
    assert "已报送 2 项任务的进展" in [s.value for s in at.success]
    assert "本单位的任务已全部报送。" in [s.value for s in at.success]
    saved = session.execute(select(ProgressReport.item_id, ProgressReport.percent)
                            .where(ProgressReport.dispatch_round_id == rnd.id)
                            .order_by(ProgressReport.item_id)).all()
    assert saved == [(items[0].id, 90), (items[1].id, 0)]        # the percent starts at the item's own
    mine = table(at, "本轮报送")
    assert list(mine["本轮报送"]) == ["已按时报送", "已按时报送"]
    office = open_page(app, people[Role.COORDINATOR], PAGE)
    assert list(units_table(office)["报送情况"]) == ["未报送", "已报送"]      # 渝中 first: behind
    assert chart_counts(office) == {"已报送": 1, "未报送": 1, "逾期": 0}


def test_a_unit_submitting_nothing_is_told_so(app, session, ledger):
    people, _ = ledger
    rnd = open_round(session, people[Role.COORDINATOR])
    session.commit()
    at = open_page(app, people["yuzhong"], PAGE)
    assert at.query_params["round"] == str(rnd.id)
    at.button[[b.label for b in at.button].index("报送已填写的进展")].click().run()
    assert "至少填写一项任务的进展" in errors(at)
    assert session.scalar(select(func.count()).select_from(ProgressReport)) == 0


def test_a_unit_report_on_an_item_changed_meanwhile_is_refused(app, session, ledger):
    people, items = ledger
    rnd = open_round(session, people[Role.COORDINATOR])
    session.commit()
    at = open_page(app, people["yuzhong"], PAGE)
    yz = items[2]
    session.refresh(yz)
    yz.measures = "改为截污纳管"                          # a coordinator's edit, seen by nobody
    session.commit()
    at.text_area(key=f"dr_text_{yz.id}_0").input("已完成")
    at.button[[b.label for b in at.button].index("报送已填写的进展")].click().run()
    assert "该任务在您打开后已被他人修改" in errors(at)
    assert session.scalar(select(func.count()).select_from(ProgressReport)
                          .where(ProgressReport.dispatch_round_id == rnd.id)) == 0


def test_the_coordinator_closes_the_round_and_sees_its_snapshot(app, session, ledger):
    people, items = ledger
    rnd = open_round(session, people[Role.COORDINATOR])
    report(session, people[Role.UNIT], rnd, items[0], items[1])
    session.commit()
    at = open_page(app, people[Role.COORDINATOR], PAGE)
    close = next(b for b in at.button if b.label == "结束调度")
    assert close.disabled
    at.checkbox(key=f"dispatch_close_sure_{rnd.id}").check().run()
    next(b for b in at.button if b.label == "结束调度").click().run()
    assert not at.error
    assert f"「{rnd.title}」已结束，数据已冻结" in [s.value for s in at.success]
    assert any("冻结的数据（快照）" in i.value for i in at.info)
    assert list(table(at, "范围")["已报送"]) == [2]
    assert session.scalar(select(func.count()).select_from(DispatchFigure)) > 0
    assert not at.download_button and "结束调度" not in [b.label for b in at.button]


def test_closing_a_round_changed_meanwhile_is_refused(app, session, ledger):
    people, _ = ledger
    rnd = open_round(session, people[Role.COORDINATOR])
    session.commit()
    at = open_page(app, people[Role.COORDINATOR], PAGE)
    rounds.update_round(session, actor=people[Role.ADMIN], round_id=rnd.id,
                        expected_version=rnd.version, title=rnd.title,
                        report_by=TODAY + timedelta(days=40))
    session.commit()
    at.checkbox(key=f"dispatch_close_sure_{rnd.id}").check().run()
    next(b for b in at.button if b.label == "结束调度").click().run()
    assert "未保存" in errors(at)
    assert session.get(QuarterlyDispatch, rnd.id).closed_at is None
    assert any("已被他人修改" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "载入最新内容").click().run()     # then it may close
    at.checkbox(key=f"dispatch_close_sure_{rnd.id}").check().run()
    next(b for b in at.button if b.label == "结束调度").click().run()
    assert not at.error
    session.expire_all()
    assert session.get(QuarterlyDispatch, rnd.id).closed_at is not None


@pytest.mark.parametrize("role, exports", [(Role.LEADER, True), (Role.VIEWER, False)])
def test_leaders_and_viewers_read_without_changing(app, session, ledger, role, exports):
    people, _ = ledger
    open_round(session, people[Role.COORDINATOR])
    session.commit()
    at = open_page(app, people[role], PAGE)
    assert len(units_table(at)) == 2
    assert bool(at.download_button) is exports
    labels = [b.label for b in at.button]
    assert "开启调度" not in labels and "结束调度" not in labels and "保存" not in labels


def test_a_unit_not_asked_sees_no_round(app, session, ledger):
    people, _ = ledger
    open_round(session, people[Role.COORDINATOR], scope=RoundScope(item_codes=("YZ-1",)))
    session.commit()
    at = open_page(app, people[Role.UNIT], PAGE)
    assert "目前没有要求本单位报送的季调度。" in texts(at)
    assert not at.segmented_control                         # no year view for a unit


def test_the_year_view(app, session, ledger):
    people, items = ledger
    rnd = open_round(session, people[Role.COORDINATOR])
    report(session, people[Role.UNIT], rnd, items[0])
    session.commit()
    at = open_page(app, people[Role.LEADER], PAGE)
    at.segmented_control(key="dispatch_view").set_value("year").run()
    assert not at.exception
    assert metrics(at)["调度任务"] == "3" and metrics(at)["按轮报送"] == "1"
    levels = table(at, "来源层级")
    assert list(levels["来源层级"]) == ["中央", "部级", "市级"] and list(levels["调度任务"]) == [0, 0, 3]
    assert list(table(at, "标题")["标题"]) == [rnd.title]
    assert len(table(at, "区县")) == 41


def test_english(app, session, ledger):
    people, _ = ledger
    open_round(session, people[Role.COORDINATOR])
    session.commit()
    at = app(people[Role.COORDINATOR])
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(PAGE).run()
    assert at.title[0].value == "Quarterly dispatch"
    assert list(units_table(at, "State")["State"]) == ["Not yet", "Not yet"]


def test_the_chart_counts_units_per_state():
    from core.dispatch.figures import UnitStatus
    rows = [UnitStatus(1, "甲", 2, 2, 0, None), UnitStatus(2, "乙", 3, 1, 0, None),
            UnitStatus(3, "丙", 1, 1, 1, None)]
    frame = state_frame(rows, "zh")
    assert dict(zip(frame["state"], frame["units"], strict=True)) == {"已报送": 1, "未报送": 1, "逾期": 1}
    assert dict(zip(frame["code"], frame["items"], strict=True)) == {"reported": 2, "not_yet": 3,
                                                                     "late": 1}


def test_the_office_sees_open_rounds_in_its_queue(app, session, ledger):
    people, items = ledger
    rnd = open_round(session, people[Role.COORDINATOR])
    report(session, people["yuzhong"], rnd, items[2])
    session.commit()
    at = app(people[Role.COORDINATOR])
    at.run()                                               # lands on 我的待办
    assert "季调度：进行中的轮次尚有 2 项任务未报送" in [s.value for s in at.subheader]
    assert [p.label for p in at.page_link if "查看" in p.label] == [f"查看：{rnd.title}（2 项未报）"]


def test_the_round_follows_the_link_and_the_choice(app, session, ledger):
    people, _ = ledger
    first = open_round(session, people[Role.COORDINATOR], title="第一轮")
    second = open_round(session, people[Role.COORDINATOR], title="第二轮")
    session.commit()
    at = open_page(app, people[Role.COORDINATOR], PAGE)
    assert at.subheader[0].value == "第二轮"                  # the newest open round first
    at.query_params["round"] = str(first.id)
    at.run()
    picker = at.selectbox(key=f"dispatch_round_{first.id}")
    assert at.subheader[0].value == "第一轮" and picker.value == first.id
    picker.set_value(second.id).run()
    assert at.subheader[0].value == "第二轮" and at.query_params["round"] == str(second.id)
