from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

import manage
from core.access.permissions import SYSTEM
from core.domain import Category, Role, Status, UnitRole
from core.errors import PermissionDenied, ValidationFailed
from core.excel.exports import export_ledger, ledger_filter_from_words
from core.excel.imports import import_ledger, preview_import
from core.ledger import items
from core.ledger.query import LedgerFilter
from db.models import AuditEntry, Item
from tests.excel_samples import SOURCE, edit_cell, realistic_ledger
from tests.factories import district_id, make_actor, make_inspection, make_item, unit_id

TODAY = date(2024, 7, 1)
ALL = LedgerFilter(include_closed=True)


@pytest.fixture
def ledger(session):
    """The realistic ledger imported, plus items made the other ways a ledger fills up."""
    make_inspection(session, name=SOURCE)
    session.commit()
    import_ledger(session, actor=SYSTEM, data=realistic_ledger(), inspection=SOURCE)
    fuling = unit_id(session, "涪陵区人民政府")
    make_item(session, district_id=district_id(session, "涪陵区"), lead_unit_id=fuling,
              description="  带空格的描述\x07\n第二行  ", township="李渡街道", contact_phone="023-72222222",
              deadline_text="2025年12月底前", due_on=date(2026, 3, 31), extension_count=1,
              measures="=HYPERLINK(\"http://example.com\")", latest_progress="+30%，-10 吨",
              units={fuling: UnitRole.LEAD, unit_id(session, "重庆市水利局"): UnitRole.LEAD,
                     unit_id(session, "涪陵区生态环境局"): UnitRole.RESPONSIBLE})
    make_item(session, deadline_text=None, due_on=None, status=Status.CLOSED,
              closed_on=date(2024, 5, 1), close_doc_no="渝督办〔2024〕3号",
              units={unit_id(session, "万州区生态环境局"): UnitRole.RESPONSIBLE})
    session.commit()
    return session


def sheet(data: bytes):
    return load_workbook(BytesIO(data)).active


def codes_in(data: bytes) -> list[str]:
    return [r[1] for r in sheet(data).iter_rows(min_row=5, values_only=True)]


def test_export_has_the_ledger_layout(ledger):
    ws = sheet(export_ledger(ledger, actor=SYSTEM, flt=ALL, today=TODAY))
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:AC1", "A2:AC2", "K3:M3", "V3:X3", "A3:A4", "J3:J4", "AC3:AC4"} <= merged
    assert ws["A1"].value == "重庆市生态环境保护督察整改台账"
    assert ws["A2"].value.startswith("数据截至 2024-07-01") and "共 11 项" in ws["A2"].value
    assert [ws.cell(3, c).value for c in (1, 10, 11)] == ["序号", "问题描述", "责任单位"]
    assert [ws.cell(4, c).value for c in (11, 12, 13, 22)] == ["牵头单位", "责任单位", "配合单位", "进展情况"]
    row = {ws.cell(4, c).value or ws.cell(3, c).value: ws.cell(5, c).value for c in range(1, 30)}
    assert (row["编号"], row["区县"], row["问题类别"], row["状态"], row["完成进度（%）"]) == \
        ("ZY2-001", "万州区", "水", "整改中", 40)
    assert row["交办日期"] == datetime(2022, 1, 15) and ws.cell(5, 6).is_date
    third = {ws.cell(4, c).value or ws.cell(3, c).value: ws.cell(7, c).value for c in range(1, 30)}
    assert third["整改时限"] == datetime(2023, 12, 31)  # a date deadline goes back as a date cell
    formula_like = [c for row in ws.iter_rows(min_row=5) for c in row if c.data_type == "f"]
    assert formula_like == []  # text starting with "=" is written as text, never as a formula


def test_export_is_exactly_the_filtered_view_in_the_actors_scope(ledger):
    open_items = codes_in(export_ledger(ledger, actor=SYSTEM, flt=LedgerFilter(), today=TODAY))
    assert "ZY2-002" not in open_items and len(open_items) == 9  # closed ones left out by default
    wanzhou = LedgerFilter(district_ids=(district_id(ledger, "万州区"),), include_closed=True)
    in_wanzhou = codes_in(export_ledger(ledger, actor=SYSTEM, flt=wanzhou, today=TODAY))
    assert in_wanzhou[:3] == ["ZY2-001", "ZY2-002", "ZY2-003"] and len(in_wanzhou) == 4
    citywide = LedgerFilter(district_ids=(None,))
    assert codes_in(export_ledger(ledger, actor=SYSTEM, flt=citywide, today=TODAY)) == ["ZY2-007"]
    water = LedgerFilter(categories=(Category.WATER,), statuses=(Status.IN_PROGRESS,))
    assert codes_in(export_ledger(ledger, actor=SYSTEM, flt=water, today=TODAY)) == ["ZY2-001"]
    overdue = codes_in(export_ledger(ledger, actor=SYSTEM, flt=LedgerFilter(overdue_only=True), today=TODAY))
    assert "ZY2-001" in overdue and "ZY2-007" not in overdue  # 长期坚持 is never overdue
    unit = make_actor(ledger, Role.UNIT, unit_id=unit_id(ledger, "重庆市水利局"))
    mine = codes_in(export_ledger(ledger, actor=unit, flt=ALL, today=TODAY))
    assert sorted(mine) == sorted(["ZY2-004", "ZY2-007", mine[-1]]) and mine[-1].startswith("T-")


def test_viewers_may_not_export(ledger):
    with pytest.raises(PermissionDenied):
        export_ledger(ledger, actor=make_actor(ledger, Role.VIEWER), flt=ALL, today=TODAY)


def test_export_then_import_round_trips_without_a_change(ledger):
    versions = dict(ledger.execute(select(Item.code, Item.version)).all())
    result = import_ledger(ledger, actor=SYSTEM, data=export_ledger(ledger, actor=SYSTEM, flt=ALL,
                                                                     today=TODAY))
    ledger.commit()
    assert (result.created, result.changed, result.unchanged) == (0, 0, 11)
    assert dict(ledger.execute(select(Item.code, Item.version)).all()) == versions


def test_one_edited_cell_imports_as_exactly_that_change_with_an_audit_row(ledger):
    data = export_ledger(ledger, actor=SYSTEM, flt=ALL, today=TODAY)
    row = 5 + codes_in(data).index("ZY2-004")
    edited = edit_cell(data, row=row, header="进展情况", value="电站已加装生态流量监测设施")
    preview = preview_import(ledger, actor=SYSTEM, data=edited)
    assert [(r.code, r.changes) for r in preview.rows if r.action != "unchanged"] == \
        [("ZY2-004", {"进展情况": (None, "电站已加装生态流量监测设施")})]
    result = import_ledger(ledger, actor=SYSTEM, data=edited)
    ledger.commit()
    assert (result.changed, result.unchanged, result.changed_codes) == (1, 10, ["ZY2-004"])
    item = ledger.scalars(select(Item).where(Item.code == "ZY2-004")).one()
    assert (item.latest_progress, item.version) == ("电站已加装生态流量监测设施", 2)
    entry = ledger.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(item.id))
                           .order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.before, entry.after) == (
        "ledger.import", {"latest_progress": None},
        {"latest_progress": "电站已加装生态流量监测设施", "version": 2})


def test_an_edit_on_an_outdated_export_is_refused_as_stale(ledger):
    data = export_ledger(ledger, actor=SYSTEM, flt=ALL, today=TODAY)
    item = ledger.scalars(select(Item).where(Item.code == "ZY2-005")).one()
    items.update_item(ledger, actor=SYSTEM, item_id=item.id, expected_version=item.version,
                      changes={"measures": "同事改过的措施"})
    ledger.commit()
    row = 5 + codes_in(data).index("ZY2-005")
    # The old copy would put back the old 整改措施: refused, naming the row; other rows are fine.
    for stale in (data, edit_cell(data, row=row, header="责任人", value="王某")):
        with pytest.raises(ValidationFailed) as exc:
            import_ledger(ledger, actor=SYSTEM, data=stale)
        assert [(p.row, p.column) for p in exc.value.problems] == [(row, "版本（勿改）")]
        assert "ZY2-005" in exc.value.problems[0].message
        ledger.rollback()
    assert ledger.scalars(select(Item.measures).where(Item.code == "ZY2-005")).one() == "同事改过的措施"
    fresh = export_ledger(ledger, actor=SYSTEM, flt=ALL, today=TODAY)
    result = import_ledger(ledger, actor=SYSTEM, data=edit_cell(fresh, row=row, header="责任人",
                                                                 value="王某"))
    assert result.changed_codes == ["ZY2-005"]


def test_filter_from_words_names_every_unknown_word(session):
    flt = ledger_filter_from_words(session, districts=["万州", "全市", "石柱县"], statuses=["整改中"],
                                   levels=["中央"], kinds=["例行"], categories=["大气污染"])
    assert flt.district_ids == (district_id(session, "万州区"), None,
                                district_id(session, "石柱土家族自治县"))
    assert (flt.statuses, flt.levels[0].value, flt.kinds[0].value, flt.categories) == \
        ((Status.IN_PROGRESS,), "central", "routine", (Category.AIR,))
    with pytest.raises(ValidationFailed) as exc:
        ledger_filter_from_words(session, districts=["万洲"], statuses=["完成"], categories=["空气"])
    assert [p.column for p in exc.value.problems] == ["区县", "状态", "问题类别"]


def test_command_line_export_takes_the_filters(ledger, database_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    path = tmp_path / "wanzhou.xlsx"
    assert manage.main(["export-ledger", str(path), "--district", "万州", "--district", "全市",
                        "--include-closed", "--today", "2024-07-01"]) == 0
    assert "已导出 5 项任务" in capsys.readouterr().out
    assert codes_in(path.read_bytes())[:3] == ["ZY2-001", "ZY2-002", "ZY2-003"]
    assert len(codes_in(path.read_bytes())) == 5
    assert manage.main(["export-ledger", str(path), "--district", "万洲"]) == 2
    assert "万洲" in capsys.readouterr().err
    assert manage.main(["import-ledger", str(path)]) == 0
    assert "未变 5 条" in capsys.readouterr().out
    assert ledger.scalar(select(func.count(Item.id))) == 11
