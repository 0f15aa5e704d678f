"""Excel in and out through AppTest: the import page previews every row and every problem (by Excel
row and column) before anything is written, and imports all or nothing; the ledger page's
download holds exactly the filtered view on screen; a ledger row opens its item."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from streamlit.runtime.media_file_manager import MediaFileManager

from core.domain import InspectionKind, Role, SourceLevel
from db.models import Item
from tests.excel_samples import SOURCE, build_workbook, realistic_ledger, realistic_rows
from tests.factories import district_id, make_actor, make_inspection, make_item, unit_id
from tests.pages.page_helpers import labels, open_page, press, texts

IMPORT = "pages/import_ledger.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def coordinator(session):
    make_inspection(session, name=SOURCE, kind=InspectionKind.ROUTINE, level=SourceLevel.CENTRAL)
    actor = make_actor(session, Role.COORDINATOR)
    session.commit()
    return actor


def item_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Item.id)))


def upload(at, data: bytes, name: str = "台账.xlsx", source: str | None = SOURCE):
    uploader = next(u for u in at.file_uploader if u.key.startswith("import_file_"))
    uploader.set_value((name, data, XLSX))
    at.selectbox(key="import_inspection").set_value(source)
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# ------------------------------------------------------------------ import

def test_preview_then_confirm_imports_every_row(app, session, coordinator):
    at = open_page(app, coordinator, IMPORT)
    assert at.title[0].value == "导入 Excel 台账"
    upload(at, realistic_ledger())
    assert metrics(at) == {"新增": "9", "修改": "0", "未变": "0", "错误": "0"}
    assert "跳过的分组/说明行：5、9" in texts(at) and "未识别、将忽略的列：备注" in texts(at)
    rows = at.dataframe[0].value
    assert list(rows["Excel 行号"]) == [6, 7, 8, 10, 11, 12, 13, 14, 15]
    assert item_count(session) == 0                      # a preview writes nothing
    press(at, "确认导入")
    assert item_count(session) == 9
    assert [s.value for s in at.success][0].startswith("导入完成（工作表“整改任务清单”）：新增 9 条")
    assert all(u.value in (None, []) for u in at.file_uploader)   # a fresh uploader after the import


def test_a_file_with_bad_rows_lists_each_problem_and_offers_no_import(app, session, coordinator):
    rows = realistic_rows(merged=False)
    rows[0]["区县"] = "万洲"
    rows[3]["完成时限"] = "尽快完成"
    at = open_page(app, coordinator, IMPORT)
    upload(at, build_workbook(rows))
    assert metrics(at)["错误"] == "2"
    assert "发现 2 处错误：请在 Excel 中修正后重新上传。未导入任何数据。" in [e.value for e in at.error]
    problems = at.dataframe[0].value
    assert [(r, c) for r, c in zip(problems["Excel 行号"], problems["列"], strict=True)] == [
        (5, "区县"), (8, "完成时限")]
    assert "万洲" in problems["问题"].iloc[0] and "尽快完成" in problems["问题"].iloc[1]
    assert "确认导入" not in labels(at)
    assert item_count(session) == 0


def test_an_unreadable_file_is_explained(app, session, coordinator):
    at = open_page(app, coordinator, IMPORT)
    upload(at, b"PK\x03\x04 not a workbook", name="坏文件.xlsx")
    problems = at.dataframe[0].value
    assert list(problems["列"]) == ["文件"] and "无法读取文件" in problems["问题"].iloc[0]
    assert "确认导入" not in labels(at)


def test_reimporting_the_same_file_has_nothing_to_do(app, session, coordinator):
    at = open_page(app, coordinator, IMPORT)
    upload(at, realistic_ledger())
    press(at, "确认导入")
    upload(at, realistic_ledger())
    assert metrics(at) == {"新增": "0", "修改": "0", "未变": "9", "错误": "0"}
    assert "与台账相比没有任何变化，无需导入。" in texts(at) and "确认导入" not in labels(at)


def test_confirming_after_the_ledger_changed_is_checked_again(app, session, coordinator):
    """The preview was right when shown; a colleague imported the same rows before the confirm:
    the page previews again on the changed ledger, and nothing is created twice."""
    at = open_page(app, coordinator, IMPORT)
    upload(at, realistic_ledger())
    other = open_page(app, coordinator, IMPORT)
    upload(other, realistic_ledger())
    press(other, "确认导入")
    press(at, "确认导入")
    assert item_count(session) == 9
    assert "与台账相比没有任何变化，无需导入。" in texts(at)


# ------------------------------------------------------------------ export and opening items from the ledger

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


def exported_codes(data: bytes) -> list[str]:
    sheet = load_workbook(BytesIO(data), read_only=True).active
    header = [c for c in next(sheet.iter_rows(min_row=3, max_row=3, values_only=True))]
    column = header.index("编号")
    return [row[column] for row in sheet.iter_rows(min_row=5, values_only=True) if row[column]]


def test_the_download_holds_exactly_the_filtered_view(app, session, deferred):
    make_item(session, code="WZ-1", description="污水直排")
    make_item(session, code="WZ-2", description="扬尘")
    make_item(session, code="YZ-1", description="污水管网", district_id=district_id(session, "渝中区"),
              lead_unit_id=unit_id(session, "渝中区人民政府"))
    leader = make_actor(session, Role.LEADER)
    session.commit()
    at = open_page(app, leader, "pages/ledger.py")
    at.text_input(key="ledger_search").input("污水").run()
    on_screen = list(at.dataframe[0].value["编号"])
    assert sorted(on_screen) == ["WZ-1", "YZ-1"]
    [button] = [b for b in at.get("download_button") if b.key == "ledger_export"]
    assert button.label == "导出 Excel（2 条）"
    name = f"台账_全市_{date.today().isoformat()}.xlsx"     # what it holds: districts, states, day
    assert sorted(exported_codes(deferred[name]())) == sorted(on_screen)


def test_a_unit_downloads_only_its_own_items_and_a_viewer_gets_no_download(app, session, deferred):
    make_item(session, code="MINE")
    make_item(session, code="OTHER", district_id=district_id(session, "渝中区"),
              lead_unit_id=unit_id(session, "渝中区人民政府"))
    unit = make_actor(session, Role.UNIT, unit_id=unit_id(session, "万州区人民政府"))
    viewer = make_actor(session, Role.VIEWER)
    session.commit()
    open_page(app, unit, "pages/ledger.py")
    assert exported_codes(deferred[f"台账_全市_{date.today().isoformat()}.xlsx"]()) == ["MINE"]
    at = open_page(app, viewer, "pages/ledger.py")
    assert not [b for b in at.get("download_button") if b.key == "ledger_export"]


def tick(at, row: int) -> None:
    """Tick one row of the 台账 (several may be ticked for batch work), then 打开 it."""
    at.session_state[at.dataframe[0].key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    at.button(key="ledger_open").click().run()
    assert not at.exception, at.exception


def test_ticking_a_ledger_row_opens_the_item(app, session):
    make_item(session, code="A-1", due_on=date(2030, 1, 1))
    second = make_item(session, code="A-2", due_on=date(2030, 2, 1))
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, "pages/ledger.py")
    tick(at, 1)
    assert at.title[0].value == "整改任务 A-2" and at.query_params["id"] == str(second.id)


def test_the_filter_is_still_there_after_opening_an_item_and_coming_back(app, session):
    make_item(session, code="WZ-1", description="污水直排")
    make_item(session, code="WZ-2", description="扬尘")
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    at = open_page(app, coordinator, "pages/ledger.py")
    at.text_input(key="ledger_search").input("污水").run()
    tick(at, 0)
    assert at.title[0].value == "整改任务 WZ-1"
    at.switch_page("pages/ledger.py").run()             # 返回台账
    assert at.text_input(key="ledger_search").value == "污水"
    assert list(at.dataframe[0].value["编号"]) == ["WZ-1"]
