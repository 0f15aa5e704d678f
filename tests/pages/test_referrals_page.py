"""The referrals page (pages/referrals.py) through AppTest, for every role: a coordinator records
(from the list or in one step from an item) and reminds; the receiver confirms, accepts, refuses,
returns, files and concludes; leaders and viewers only read; a unit not involved sees nothing.
Every save passes the version the user saw; refusals are explained and nothing is written."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pyarrow as pa
import pytest
from sqlalchemy import func, select

from core.access.permissions import SYSTEM
from core.domain import ReferralStatus, Role
from db.models import Referral, ReferralItem
from tests.core.referrals.referral_cases import (
    POLICE,
    SENT_ON,
    do_move,
    fresh,
    referral_in,
    unit_user,
)
from tests.factories import make_actor, make_item, unit_id
from tests.pages.page_helpers import errors, labels, open_page, press, texts

PAGE = "pages/referrals.py"
S = ReferralStatus


@pytest.fixture(autouse=True)
def evidence_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LEDGER_DATA_DIR", str(tmp_path))
    return tmp_path / "evidence"


def key(referral_id: int, name: str, gen: int = 0) -> str:
    """The widget key of an action form's field (ui.referral_actions.Ctx.key)."""
    return f"ref_{referral_id}_{gen}_{name}"


def detail(app, actor, referral_id: int):
    at = app(actor)
    at.run()
    at.switch_page(PAGE)
    at.query_params["id"] = str(referral_id)
    at.run()
    assert not at.exception, at.exception
    return at


def chart_rows(at) -> list[tuple[str, str, int]]:
    """(kind, stage, referrals) drawn by the page's one flow chart, read from its Arrow data."""
    [chart] = at.get("vega_lite_chart")
    assert json.loads(chart.proto.spec)["mark"]["type"] == "bar"
    frame = pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all().to_pandas()
    return [(r.kind, r.stage, int(r.referrals)) for r in frame.itertuples()]


def expanders(at) -> list[str]:
    return [e.label for e in at.expander]


# ------------------------------------------------------------------ recording

def fill_new(at, to_unit: int, *, cause="涉嫌污染环境罪", materials="案件调查报告\n监测报告"):
    at.selectbox(key="ref_new_to_police").set_value(to_unit)
    at.text_input(key="ref_new_party").input("重庆某化工有限公司")
    at.text_input(key="ref_new_cause").input(cause)
    at.text_input(key="ref_new_basis").input("《行政执法机关移送涉嫌犯罪案件的规定》")
    at.text_area(key="ref_new_materials").input(materials)
    return press(at, "登记移送")


def test_a_coordinator_records_a_referral_of_an_item_in_one_step(app, session):
    item = make_item(session)
    other = make_item(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, "pages/item.py", item.id)
    press(at, "移送")                                    # the item page's button
    assert at.title[0].value == "新建移送"
    assert dict(at.query_params) == {"new": "1", "item": str(item.id)}
    at.switch_page(PAGE).run()   # AppTest reruns the page it was told of, not one the script chose
    assert at.multiselect(key="ref_new_items").value == [item.id]
    at.text_input(key="ref_new_search").input(other.code).run()
    at.multiselect(key="ref_new_items").select(other.id).run()
    fill_new(at, unit_id(session, POLICE))
    session.expire_all()
    referral = session.scalar(select(Referral))
    assert referral.status == S.SENT and referral.sent_on == date.today()
    assert sorted(session.scalars(select(ReferralItem.item_id))) == sorted([item.id, other.id])
    assert at.title[0].value == f"移送案件 {referral.code}"          # the new referral opens
    assert f"已登记移送案件 {referral.code}" in [s.value for s in at.success]


def test_bad_input_is_explained_and_nothing_recorded(app, session):
    item = make_item(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = app(coordinator)
    at.run()
    at.switch_page(PAGE)
    at.query_params.update({"new": "1", "item": str(item.id)})
    at.run()
    fill_new(at, unit_id(session, POLICE), cause="", materials="")
    assert "案由（涉嫌罪名/违法行为）" in errors(at) and "移送材料清单" in errors(at)
    assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_only_coordinators_and_admins_may_start_a_referral(app, session):
    item = make_item(session)
    leader = make_actor(session, Role.LEADER)
    session.commit()
    at = open_page(app, leader, PAGE)
    assert "新建移送" not in labels(at)
    at.query_params["new"] = "1"
    at.run()
    assert at.title[0].value == "移送移交"                 # the list, not the form
    at = open_page(app, leader, "pages/item.py", item.id)
    assert "移送" not in labels(at)


# ------------------------------------------------------------------ the list

def test_the_list_shows_flow_figures_and_late_feedback(app, session):
    late = referral_in(session, S.SENT)
    late.feedback_due_on = date.today() - timedelta(days=3)
    filed = referral_in(session, S.FILED)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, PAGE)
    metrics = {m.label: m.value for m in at.metric}
    figures = (metrics["已移送"], metrics["已受理"], metrics["已立案"], metrics["反馈超期"])
    assert figures == ("2", "1", "1", "1")
    assert "1 件移送案件已过反馈期限仍未答复" in errors(at)
    table = at.dataframe[0].value
    assert set(table["编号"]) == {late.code, filed.code}
    assert table.set_index("编号").loc[late.code, "反馈"] == "超期 3 天"
    assert sorted(chart_rows(at)) == [("公安机关", "反馈超期", 1), ("公安机关", "已立案办理中", 1)]


def test_leaders_and_viewers_read_without_acting(app, session):
    referral = referral_in(session, S.RECEIVED)
    for role in (Role.LEADER, Role.VIEWER):
        actor = make_actor(session, role)
        session.commit()
        at = detail(app, actor, referral.id)
        assert expanders(at) == [] and "您当前无需对该移送案件操作" in texts(at)
        assert {b.label for b in at.get("download_button")} >= {"下载移送书（Word）", "下载回执（Word）"}


def test_a_unit_not_involved_sees_nothing(app, session):
    referral = referral_in(session, S.SENT)
    stranger = unit_user(session, "渝中区人民政府")
    session.commit()
    at = open_page(app, stranger, PAGE)
    assert at.dataframe == [] or at.dataframe[0].value.empty
    assert "没有符合条件的移送案件" in texts(at)
    at = detail(app, stranger, referral.id)
    assert "无权执行此操作" in errors(at) and referral.code not in texts(at)


# ------------------------------------------------------------------ the coordinator's steps

def test_the_coordinator_reminds_and_may_not_answer_for_the_receiver(app, session):
    referral = referral_in(session, S.SENT)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = detail(app, coordinator, referral.id)
    assert expanders(at) == ["催告", "提级督办"]
    at.text_area(key=key(referral.id, "remind_text")).input("请于三日内反馈")
    press(at, "催告")
    saved = fresh(session, referral.id)
    assert (saved.reminded_count, saved.last_reminded_on) == (1, date.today())
    assert "已保存：催告" in [s.value for s in at.success]
    assert "请于三日内反馈" in texts(at)                    # on the timeline


# ------------------------------------------------------------------ the receiver's steps

def test_the_receiver_confirms_accepts_files_and_concludes(app, session):
    referral = referral_in(session, S.SENT)
    police = unit_user(session, display_name="钱签收")
    session.commit()
    at = detail(app, police, referral.id)
    assert expanders(at) == ["签收（回证）", "退回补充材料"]
    press(at, "签收（回证）")
    press(at, "受理")
    at.date_input(key=key(referral.id, "file_day", gen=2)).set_value(SENT_ON + timedelta(days=3))
    press(at, "立案")
    assert fresh(session, referral.id).status == S.FILED
    at.text_area(key=key(referral.id, "outcome", gen=3)).input("侦查终结，移送审查起诉")
    at.number_input(key=key(referral.id, "detained", gen=3)).set_value(2)
    at.number_input(key=key(referral.id, "arrested", gen=3)).set_value(1)
    press(at, "办结并反馈结果")
    saved = fresh(session, referral.id)
    assert (saved.status, saved.detained, saved.arrested, saved.concluded_on) == (
        S.CONCLUDED, 2, 1, date.today())
    assert saved.filed_on == SENT_ON + timedelta(days=3) and saved.receipt_on == date.today()
    assert "钱签收" in texts(at) and not at.error


def test_the_receiver_refuses_with_a_reason(app, session):
    referral = referral_in(session, S.RECEIVED)
    police = unit_user(session)
    session.commit()
    at = detail(app, police, referral.id)
    press(at, "不予受理")
    assert "理由" in errors(at) and fresh(session, referral.id).status == S.RECEIVED
    at.text_area(key=key(referral.id, "refuse_text")).input("不属于本机关管辖")
    press(at, "不予受理")
    saved = fresh(session, referral.id)
    assert (saved.status, saved.acceptance_reason) == (S.REFUSED, "不属于本机关管辖")


def test_a_return_then_the_coordinator_completes_and_sends_again(app, session):
    referral = referral_in(session, S.SENT)
    police = unit_user(session)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = detail(app, police, referral.id)
    at.text_area(key=key(referral.id, "return_text")).input("缺少监测报告原件")
    press(at, "退回补充材料")
    assert fresh(session, referral.id).status == S.RETURNED
    at = detail(app, coordinator, referral.id)
    assert expanders(at) == ["修改补充材料", "补充后重新移送"]
    press(at, "补充后重新移送")
    assert fresh(session, referral.id).status == S.SENT


def test_a_stale_form_is_refused_and_explained(app, session):
    referral = referral_in(session, S.SENT)
    police = unit_user(session)
    session.commit()
    at = detail(app, police, referral.id)
    do_move(session, "remind", SYSTEM, referral)          # a colleague saves meanwhile
    session.commit()
    press(at, "签收（回证）")
    assert "已被他人修改" in errors(at)
    assert fresh(session, referral.id).status == S.SENT


def test_my_actions_lists_the_receivers_referrals(app, session):
    referral = referral_in(session, S.SENT)
    police = unit_user(session, POLICE)
    session.commit()
    at = open_page(app, police, "pages/my_actions.py")
    assert referral.code in list(at.dataframe[-1].value["编号"])
    assert "约谈、移送案件请在相应台账中办理" not in texts(at)       # referral rows open the referral


def test_the_item_page_lists_the_referral_with_late_feedback(app, session):
    referral = referral_in(session, S.SENT)
    referral.feedback_due_on = date.today() - timedelta(days=2)
    item_id = session.scalar(select(ReferralItem.item_id).where(ReferralItem.referral_id == referral.id))
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, "pages/item.py", item_id)
    frame = next(d.value for d in at.dataframe if "反馈" in d.value.columns)
    assert list(frame["编号"]) == [referral.code] and list(frame["反馈"]) == ["超期 2 天"]


def test_english_page(app, session):
    referral_in(session, S.SENT)
    viewer = make_actor(session, Role.VIEWER)
    session.commit()
    at = app(viewer)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(PAGE).run()
    assert at.title[0].value == "Referrals"
    assert "Awaiting an answer" in [m.label for m in at.metric]


def test_the_discipline_commission_concludes_with_people_held_to_account(app, session):
    discipline = "中共重庆市纪律检查委员会 重庆市监察委员会"
    referral = referral_in(session, S.FILED, kind="discipline", to_unit_id=unit_id(session, discipline))
    commission = unit_user(session, discipline)
    session.commit()
    at = detail(app, commission, referral.id)
    assert expanders(at) == ["报送办理进展", "办结并反馈结果"]
    at.text_area(key=key(referral.id, "outcome")).input("已完成责任追究")
    at.selectbox(key=key(referral.id, "measure")).set_value("party_discipline")
    at.number_input(key=key(referral.id, "punished_division")).set_value(2)
    at.number_input(key=key(referral.id, "punished_section")).set_value(3)
    press(at, "办结并反馈结果")
    saved = fresh(session, referral.id)
    assert (saved.status, saved.discipline_measure, saved.punished_division,
            saved.punished_section) == (S.CONCLUDED, "party_discipline", 2, 3)
    assert "问责人数（厅级/处级/科级及以下）" in texts(at)


def test_the_procuratorate_records_its_supervision_and_the_police_then_files(app, session):
    referral = referral_in(session, S.NOT_FILED)
    procurator = unit_user(session, "重庆市人民检察院")
    police = unit_user(session)
    session.commit()
    at = detail(app, procurator, referral.id)
    assert expanders(at) == ["立案监督"]
    at.text_area(key=key(referral.id, "supervise_filing_text")).input("要求说明不立案理由")
    press(at, "立案监督")
    assert fresh(session, referral.id).filing_supervised
    at = detail(app, police, referral.id)
    assert expanders(at) == ["立案"]
    press(at, "立案")
    assert fresh(session, referral.id).status == S.FILED


def test_the_coordinator_amends_a_returned_referral(app, session):
    referral = referral_in(session, S.RETURNED)
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = detail(app, coordinator, referral.id)
    field = at.text_area(key=key(referral.id, "amend_materials"))
    field.input(field.value + "\n监测报告原件")
    press(at, "修改补充材料")
    assert fresh(session, referral.id).materials[-1] == "监测报告原件"
    assert not at.error
