"""台账 page: filters drive the table; closed items hidden by default; paging buttons; unit scope;
the working columns first and the reader's column choice kept across sessions; overdue and
due-soon tags; links from other pages (query parameters); batch 交办 / 催办 / export of the rows
ticked; the export's file name."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from streamlit.runtime.media_file_manager import MediaFileManager

from core.access.permissions import SYSTEM
from core.domain import Category, Role, SourceLevel, Status
from core.ledger import items
from db.models import AuditEntry, Item, ItemReminder, Setting, UserPreference
from tests.factories import district_id, make_actor, make_item, unit_id
from tests.pages.page_helpers import errors, texts

TODAY = date.today()
WORKING = ["编号", "状态", "逾期/剩余", "进度", "最近进展", "牵头单位", "区县", "问题描述"]


def codes(at):
    return list(at.dataframe[0].value["编号"])


def shown_columns(at) -> list[str]:
    return list(at.dataframe[0].proto.column_order)


def open_ledger(app, actor, params: dict | None = None):
    at = app(actor)
    if (params or {}).get("lang") == "en":
        at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/ledger.py")
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def tick(at, session, picked_codes: list[str]):
    """Tick these rows in the table (as a click on their checkboxes would) and rerun."""
    on_screen = codes(at)
    key = at.dataframe[0].key
    assert key.startswith("ledger_table_")
    rows = [on_screen.index(c) for c in picked_codes]
    at.session_state[key] = {"selection": {"rows": rows, "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    return at


def button(at, key: str):
    return at.button(key=key)


def statuses(session, *item_ids) -> list[Status]:
    session.expire_all()
    return [Status(session.get(Item, i).status) for i in item_ids]


@pytest.fixture
def deferred(monkeypatch) -> dict:
    """Deferred downloads registered by the page (file name → callable), as a click would run them."""
    found: dict = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        found[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return found


# ------------------------------------------------------------------ filters, scope, paging

def test_closed_hidden_until_asked(app, session):
    make_item(session, code="OPEN-1")
    make_item(session, code="DONE-1", status=Status.CLOSED)
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_ledger(app, actor)
    assert codes(at) == ["OPEN-1"]
    at.toggle(key="ledger_closed").set_value(True).run()
    assert sorted(codes(at)) == ["DONE-1", "OPEN-1"]


def test_district_filter_search_and_overdue(app, session):
    make_item(session, code="WZ-1", description="污水直排", due_on=TODAY - timedelta(days=5))
    make_item(session, code="YZ-1", description="扬尘", district_id=district_id(session, "渝中区"),
              lead_unit_id=unit_id(session, "渝中区人民政府"), due_on=TODAY + timedelta(days=5))
    actor = make_actor(session, Role.LEADER)
    session.commit()
    at = open_ledger(app, actor)
    at.multiselect(key="ledger_district").set_value([district_id(session, "渝中区")]).run()
    assert codes(at) == ["YZ-1"]
    at.multiselect(key="ledger_district").set_value([]).run()
    at.text_input(key="ledger_search").input("污水").run()
    assert codes(at) == ["WZ-1"]
    at.text_input(key="ledger_search").input("").run()
    at.toggle(key="ledger_overdue").set_value(True).run()
    frame = at.dataframe[0].value
    assert codes(at) == ["WZ-1"] and frame["逾期天数"].iloc[0] == "5"
    assert frame["逾期/剩余"].iloc[0] == "逾期 5 天"


def test_paging_buttons(app, session):
    for i in range(55):
        make_item(session, code=f"P-{i:03d}", due_on=date(2030, 1, 1) + timedelta(days=i))
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_ledger(app, actor)
    assert len(codes(at)) == 50 and "第 1/2 页 · 共 55 条" in [c.value for c in at.caption]
    assert button(at, "ledger_prev_top").disabled and not button(at, "ledger_next_top").disabled
    assert not at.number_input      # no full-width page number box any more
    button(at, "ledger_next_top").click().run()
    assert codes(at) == ["P-050", "P-051", "P-052", "P-053", "P-054"]
    assert "第 2/2 页 · 共 55 条" in [c.value for c in at.caption]
    assert button(at, "ledger_next_bottom").disabled
    button(at, "ledger_prev_bottom").click().run()
    assert len(codes(at)) == 50 and codes(at)[0] == "P-000"


def test_a_short_result_has_one_pager_and_no_moves(app, session):
    make_item(session, code="ONLY")
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_ledger(app, actor)
    assert button(at, "ledger_prev_top").disabled and button(at, "ledger_next_top").disabled
    assert not [b for b in at.button if b.key == "ledger_next_bottom"]


def test_unit_sees_only_own_items(app, session):
    make_item(session, code="MINE")
    make_item(session, code="OTHER", district_id=district_id(session, "渝中区"),
              lead_unit_id=unit_id(session, "渝中区人民政府"))
    actor = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    session.commit()
    assert codes(open_ledger(app, actor)) == ["MINE"]


# ------------------------------------------------------------------ columns and tags

def test_working_columns_first_with_tags_and_the_whole_page_without_a_scroll_box(app, session):
    session.merge(Setting(key="due_soon_days", value="5"))
    make_item(session, code="A-LATE", due_on=TODAY - timedelta(days=12), status=Status.IN_PROGRESS,
              progress_percent=40, latest_progress="已完成管网排查，正在施工")
    make_item(session, code="B-SOON", due_on=TODAY + timedelta(days=3))
    make_item(session, code="C-LATER", due_on=TODAY + timedelta(days=6))
    make_item(session, code="D-DRAFT", due_on=TODAY + timedelta(days=2), status=Status.DRAFT)
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_ledger(app, actor)
    assert shown_columns(at) == WORKING
    frame = at.dataframe[0].value.set_index("编号")
    assert frame.loc["A-LATE", "逾期/剩余"] == "逾期 12 天"
    assert frame.loc["B-SOON", "逾期/剩余"] == "3 天内到期"          # the admin's 5 days
    assert frame.loc["C-LATER", "逾期/剩余"] == "剩余 6 天"
    assert frame.loc["D-DRAFT", "逾期/剩余"] == ""                      # not with a unit yet
    assert frame.loc["A-LATE", "状态"] == "● 整改中" and frame.loc["D-DRAFT", "状态"] == "● 待交办"
    assert frame.loc["A-LATE", "最近进展"] == "已完成管网排查，正在施工"
    assert frame.loc["A-LATE", "进度"] == 40
    styles = at.dataframe[0].proto.arrow_data.styler.styles     # overdue on red, due soon on amber
    assert "#fee2e2" in styles and "#fef3c7" in styles


def test_the_column_choice_is_kept_for_the_next_session_and_unknown_keys_are_ignored(app, session):
    make_item(session, code="X-1")
    actor = make_actor(session, Role.COORDINATOR)
    other = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_ledger(app, actor)
    at.multiselect(key="ledger_columns").set_value(["code", "status", "category", "due_on"]).run()
    assert shown_columns(at) == ["编号", "状态", "问题类别", "到期日"]
    again = open_ledger(app, actor)                         # a new session: a new sign-in
    assert shown_columns(again) == ["编号", "状态", "问题类别", "到期日"]
    assert shown_columns(open_ledger(app, other)) == WORKING   # someone else: their own (default)
    session.merge(UserPreference(user_id=other.id, key="ledger.columns",
                                 value=["code", "no_such_column", "district"]))
    session.commit()
    assert shown_columns(open_ledger(app, other)) == ["编号", "区县"]


def test_emptying_the_column_choice_keeps_the_last_one(app, session):
    make_item(session, code="X-1")
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_ledger(app, actor)
    at.multiselect(key="ledger_columns").set_value([]).run()
    assert shown_columns(at) == WORKING
    assert session.scalar(select(UserPreference.value).where(UserPreference.user_id == actor.id)) is None


def test_english_column_names(app, session):
    make_item(session, code="E-1", due_on=TODAY - timedelta(days=2))
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_ledger(app, actor, {"lang": "en"})
    assert shown_columns(at)[:4] == ["Number", "State", "Time left", "Progress"]
    assert at.dataframe[0].value["Time left"].iloc[0] == "2 d overdue"
    assert len(set(at.dataframe[0].value.columns)) == 15          # every column, each named once
    assert "Page 1/1 · 1 items" in [c.value for c in at.caption]


# ------------------------------------------------------------------ links from other pages

def test_a_link_sets_the_filter_clears_the_rest_and_leaves_the_address(app, session):
    yz = district_id(session, "渝中区")
    make_item(session, code="YZ-LATE", district_id=yz, lead_unit_id=unit_id(session, "渝中区人民政府"),
              status=Status.IN_PROGRESS, due_on=TODAY - timedelta(days=3), category=Category.AIR)
    make_item(session, code="YZ-OK", district_id=yz, lead_unit_id=unit_id(session, "渝中区人民政府"),
              status=Status.IN_PROGRESS, due_on=TODAY + timedelta(days=30), category=Category.AIR)
    make_item(session, code="WZ-LATE", status=Status.IN_PROGRESS, due_on=TODAY - timedelta(days=3))
    actor = make_actor(session, Role.LEADER)
    session.commit()
    at = open_ledger(app, actor)
    at.text_input(key="ledger_search").input("WZ").run()             # a kept filter
    at.switch_page("pages/ledger.py")
    for k, v in {"district": str(yz), "status": "in_progress,assigned", "overdue": "1",
                 "category": "air", "lang": "en"}.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception
    assert codes(at) == ["YZ-LATE"]
    assert at.text_input(key="ledger_search").value == ""
    assert at.multiselect(key="ledger_district").value == [yz]
    assert at.multiselect(key="ledger_status").value == [Status.IN_PROGRESS, Status.ASSIGNED]
    assert at.toggle(key="ledger_overdue").value is True
    assert dict(at.query_params) == {"lang": "en"}
    assert not at.warning


def test_a_link_to_closed_citywide_level_and_long_unresolved(app, session):
    make_item(session, code="CITY-DONE", district_id=None, status=Status.CLOSED,
              source_level=SourceLevel.CENTRAL)
    make_item(session, code="CITY-OPEN", district_id=None, source_level=SourceLevel.CITY)
    make_item(session, code="WZ-DONE", status=Status.CLOSED, source_level=SourceLevel.CENTRAL)
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_ledger(app, actor, {"district": "citywide", "closed": "1", "level": "central"})
    assert codes(at) == ["CITY-DONE"]
    assert at.toggle(key="ledger_closed").value is True and at.toggle(key="ledger_long").value is False
    at = open_ledger(app, actor, {"long": "1"})
    assert at.toggle(key="ledger_long").value is True and codes(at) == ["CITY-OPEN"]   # overdue long since


def test_unknown_link_values_are_ignored_with_a_warning(app, session):
    make_item(session, code="WZ-1", status=Status.IN_PROGRESS)
    make_item(session, code="WZ-2", status=Status.ASSIGNED)
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_ledger(app, actor, {"district": "99999", "status": "in_progress,bogus", "overdue": "yes"})
    assert codes(at) == ["WZ-1"]
    [warning] = at.warning
    assert all(bad in warning.value for bad in ("district=99999", "status=bogus", "overdue=yes"))
    assert not dict(at.query_params)
    at.run()                                                   # the warning was said once
    assert not at.warning and codes(at) == ["WZ-1"]


# ------------------------------------------------------------------ batch work on ticked rows

def drafts(session, n: int, **kw):
    return [make_item(session, code=f"D-{i}", status=Status.DRAFT, assigned_on=None,
                      due_on=TODAY + timedelta(days=60 + i), **kw) for i in range(n)]


def test_batch_assign_assigns_the_drafts_and_names_the_skipped(app, session):
    made = drafts(session, 3)
    make_item(session, code="Z-ASSIGNED", due_on=TODAY + timedelta(days=90))
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_ledger(app, actor)
    assert button(at, "ledger_batch_assign").disabled                     # nothing ticked yet
    tick(at, session, ["D-0", "D-1", "D-2", "Z-ASSIGNED"])
    assert "已选 4 条" in texts(at) and not button(at, "ledger_batch_assign").disabled
    button(at, "ledger_batch_assign").click().run()
    assert "以下 1 条不是待交办，将跳过：Z-ASSIGNED" in [w.value for w in at.warning]
    at.text_input(key="ledger_assign_doc").input("渝督改〔2026〕9号")
    [confirm] = [b for b in at.button if b.label == "确认交办 3 条"]
    confirm.click().run()
    assert not at.exception and not at.error
    assert statuses(session, *(i.id for i in made)) == [Status.ASSIGNED] * 3
    assert session.get(Item, made[0].id).assign_doc_no == "渝督改〔2026〕9号"
    assert "已交办 3 条任务" in [s.value for s in at.success]
    assert button(at, "ledger_batch_assign").disabled                     # the selection is cleared
    assert "已选" not in texts(at)
    assert session.scalar(select(AuditEntry.actor_id).where(
        AuditEntry.action == "item.assign", AuditEntry.entity_id == str(made[1].id))) == actor.id


def test_one_stale_item_assigns_nothing_and_is_named(app, session):
    made = drafts(session, 2)
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_ledger(app, actor)
    tick(at, session, ["D-0", "D-1"])
    button(at, "ledger_batch_assign").click().run()
    items.update_item(session, actor=SYSTEM, item_id=made[1].id, expected_version=made[1].version,
                      changes={"township": "龙都街道"})          # someone else saves meanwhile
    session.commit()
    [confirm] = [b for b in at.button if b.label == "确认交办 2 条"]
    confirm.click().run()
    assert "未交办任何任务" in errors(at) and "D-1" in errors(at) and "已被他人修改" in errors(at)
    assert "D-0" not in errors(at)
    assert statuses(session, *(i.id for i in made)) == [Status.DRAFT, Status.DRAFT]


def test_a_unit_user_sees_no_batch_moves_but_may_export_its_selection(app, session, deferred):
    make_item(session, code="MINE-1")
    make_item(session, code="MINE-2")
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    session.commit()
    at = open_ledger(app, unit)
    tick(at, session, ["MINE-2"])
    keys = [b.key for b in at.button]
    assert "ledger_batch_assign" not in keys and "ledger_batch_remind" not in keys
    assert "ledger_open" in keys
    name = f"台账_全市_所选1条_{TODAY.isoformat()}.xlsx"
    assert name in deferred
    from tests.pages.test_import_page import exported_codes
    assert exported_codes(deferred[name]()) == ["MINE-2"]


def test_a_viewer_sees_no_batch_buttons(app, session):
    make_item(session, code="V-1")
    viewer = make_actor(session, Role.VIEWER)
    session.commit()
    at = open_ledger(app, viewer)
    tick(at, session, ["V-1"])
    assert [b.key for b in at.button if b.key in ("ledger_batch_assign", "ledger_batch_remind")] == []
    assert not [b for b in at.get("download_button") if b.key == "ledger_export_selected"]


def test_ticking_one_row_offers_to_open_it(app, session):
    make_item(session, code="A-1", due_on=date(2030, 1, 1))
    second = make_item(session, code="A-2", due_on=date(2030, 2, 1))
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_ledger(app, actor)
    tick(at, session, ["A-2"])
    button(at, "ledger_open").click().run()
    assert at.title[0].value == "整改任务 A-2" and at.query_params["id"] == str(second.id)


def test_batch_remind_names_what_it_skipped(app, session):
    working = make_item(session, code="W-1", status=Status.IN_PROGRESS)
    make_item(session, code="W-DRAFT", status=Status.DRAFT, assigned_on=None)
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_ledger(app, actor)
    tick(at, session, ["W-1", "W-DRAFT"])
    button(at, "ledger_batch_remind").click().run()
    at.text_area(key="ledger_remind_note").input("请本周内报送进展").run()
    [confirm] = [b for b in at.button if b.label == "确认催办 2 条"]
    confirm.click().run()
    assert not at.exception
    assert "已催办 1 条任务" in [s.value for s in at.success]
    assert "W-DRAFT（尚未交办）" in " ".join(w.value for w in at.warning)
    assert session.scalars(select(ItemReminder.item_id)).all() == [working.id]


# ------------------------------------------------------------------ the export's name

def test_the_export_file_name_says_what_it_holds(app, session, deferred):
    wz = district_id(session, "万州区")
    make_item(session, code="WZ-1", status=Status.IN_PROGRESS)
    make_item(session, code="WZ-2", status=Status.ASSIGNED)
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    open_ledger(app, actor, {"district": str(wz), "status": "in_progress"})
    name = f"台账_万州区_整改中_{TODAY.isoformat()}.xlsx"
    assert name in deferred
    from tests.pages.test_import_page import exported_codes
    assert exported_codes(deferred[name]()) == ["WZ-1"]
    open_ledger(app, actor, {"district": f"{wz},{district_id(session, '渝中区')},citywide",
                                  "overdue": "1", "lang": "en"})
    assert f"ledger_3-districts_overdue_{TODAY.isoformat()}.xlsx" in deferred
    open_ledger(app, actor, {"status": "in_progress,assigned", "lang": "en"})
    assert f"ledger_citywide_2-states_{TODAY.isoformat()}.xlsx" in deferred
    open_ledger(app, actor, {"status": "in_progress", "lang": "en"})
    assert f"ledger_citywide_in-progress_{TODAY.isoformat()}.xlsx" in deferred
