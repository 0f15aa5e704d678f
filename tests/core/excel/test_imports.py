from datetime import date, datetime

import pytest
from sqlalchemy import func, select

import manage
from core.access.audit import ledger_revision
from core.access.permissions import SYSTEM
from core.domain import (
    AuditOutcome,
    Category,
    InspectionKind,
    ItemType,
    Role,
    SourceLevel,
    Stage,
    Status,
    UnitRole,
)
from core.errors import PermissionDenied, StaleEdit, ValidationFailed
from core.excel.import_writes import ItemUpdate, update_items
from core.excel.imports import import_ledger, preview_import
from db.models import AuditEntry, Item, ItemUnit, Transition
from tests.excel_samples import REAL_COLUMNS, SOURCE, build_workbook, realistic_ledger, realistic_rows
from tests.factories import district_id, make_actor, make_inspection, unit_id

FIRST_ROW = 5  # title, subtitle, two header rows


@pytest.fixture
def source(session):
    inspection = make_inspection(session, name=SOURCE, kind=InspectionKind.ROUTINE,
                                 level=SourceLevel.CENTRAL, round_no=2)
    session.commit()
    return inspection


def items_by_code(session) -> dict[str, Item]:
    session.expire_all()
    return {i.code: i for i in session.scalars(select(Item))}


def units_of(session, item: Item) -> set[tuple[int, UnitRole]]:
    return {(u, UnitRole(r)) for u, r in session.execute(
        select(ItemUnit.unit_id, ItemUnit.role).where(ItemUnit.item_id == item.id))}


def item_audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.entity == "item"))


def problems(exc_or_preview) -> set[tuple[int | None, str]]:
    found = getattr(exc_or_preview, "problems", None) or exc_or_preview.errors
    return {(p.row, p.column) for p in found}


def test_realistic_ledger_with_merged_headers_imports_every_field(session, source):
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    result = import_ledger(session, actor=coordinator, data=realistic_ledger(), inspection=SOURCE)
    session.commit()
    assert (result.created, result.changed, result.unchanged) == (9, 0, 0)
    got = items_by_code(session)
    assert sorted(got) == [f"ZY2-00{i}" for i in range(1, 10)]
    wanzhou, gov = district_id(session, "万州区"), unit_id(session, "万州区人民政府")
    first = got["ZY2-001"]
    assert (first.seq, first.inspection_id, first.inspection_kind, first.source_level) == \
        (1, source.id, InspectionKind.ROUTINE, SourceLevel.CENTRAL)
    assert (first.district_id, first.category, first.item_type) == \
        (wanzhou, Category.WATER, ItemType.FEEDBACK)
    assert first.description == "万州区部分城镇污水处理厂进水浓度偏低，管网雨污混流问题突出"
    assert (first.deadline_text, first.due_on, first.original_due_on, first.is_ongoing) == \
        ("2022年6月底前", date(2022, 6, 30), date(2022, 6, 30), False)
    assert (first.assigned_on, first.status, first.progress_percent, first.stage) == \
        (date(2022, 1, 15), Status.IN_PROGRESS, 40, Stage.SHORT)
    assert (first.responsible_leader, first.responsible_person, first.latest_progress) == \
        ("张某某", "李某", "已完成管网排查")
    assert (first.lead_unit_id, first.holder_unit_id) == (gov, gov)
    housing = unit_id(session, "重庆市住房和城乡建设委员会")
    assert units_of(session, first) == {(gov, UnitRole.LEAD), (gov, UnitRole.RESPONSIBLE),
                                        (housing, UnitRole.COOPERATING)}
    # rows 2 and 3 sit under the merged 区县 cell; "万州区" as a unit means its government
    second, third = got["ZY2-002"], got["ZY2-003"]
    assert second.district_id == third.district_id == wanzhou
    assert second.lead_unit_id == gov
    assert (second.deadline_text, second.due_on, second.status, second.progress_percent) == \
        ("立行立改", date(2022, 1, 15), Status.CLOSED, 100)
    assert (third.deadline_text, third.due_on, third.status, third.stage) == \
        ("2023-12-31", date(2023, 12, 31), Status.ASSIGNED, Stage.MEDIUM)  # a date cell
    shizhu = got["ZY2-004"]
    assert shizhu.district_id == district_id(session, "石柱土家族自治县")
    assert shizhu.lead_unit_id == unit_id(session, "石柱土家族自治县人民政府")
    assert shizhu.status == Status.SUBMITTED
    assert got["ZY2-005"].district_id == district_id(session, "万盛经开区")
    assert got["ZY2-005"].lead_unit_id == unit_id(session, "万盛经开区管委会")
    liangjiang = got["ZY2-006"]
    assert liangjiang.district_id == district_id(session, "两江新区")
    assert {u for u, r in units_of(session, liangjiang) if r == UnitRole.COOPERATING} == \
        {unit_id(session, "渝北区人民政府"), unit_id(session, "重庆市城市管理局")}
    citywide = got["ZY2-007"]
    assert citywide.district_id is None and citywide.lead_unit_id == unit_id(session, "重庆市生态环境局")
    assert (citywide.is_ongoing, citywide.due_on, citywide.stage) == (True, None, Stage.ONGOING)
    assert {u for u, r in units_of(session, citywide) if r == UnitRole.RESPONSIBLE} == {
        unit_id(session, n) for n in ("重庆市生态环境局", "重庆市水利局", "重庆市农业农村委员会")}
    hightech = got["ZY2-008"]
    assert hightech.district_id == district_id(session, "重庆高新区")
    assert (hightech.status, hightech.due_on, hightech.assigned_on) == (Status.DRAFT, date(2024, 6, 30), None)
    assert got["ZY2-009"].district_id == district_id(session, "彭水苗族土家族自治县")
    assert item_audit_count(session) == 9
    summary = session.scalars(select(AuditEntry).where(AuditEntry.entity == "ledger")).one()
    assert summary.after["created"] == 9 and summary.actor_id == coordinator.id
    assert ledger_revision(session)[0] >= 1


def test_preview_reports_columns_sections_and_counts_without_writing(session, source):
    preview = preview_import(session, actor=SYSTEM, data=realistic_ledger(), inspection=SOURCE)
    assert preview.ok and (preview.new, preview.changed, preview.unchanged) == (9, 0, 0)
    assert preview.header_rows == (3, 4)
    assert preview.columns["deadline"] == "完成时限" and preview.columns["lead_units"] == "牵头单位"
    assert preview.ignored_columns == ["备注"]
    assert preview.skipped_rows == [5, 9]  # the two section rows
    assert [r.row for r in preview.rows] == [6, 7, 8, 10, 11, 12, 13, 14, 15]
    assert list(preview.frame().columns) == ["Excel 行号", "编号", "处理", "变更"]
    assert session.scalar(select(func.count(Item.id))) == 0


def test_never_supervised_reads_as_no_supervision_level(session, source):
    columns = [(None, h) for h in ("问题来源", "编号", "所在区县", "问题", "问题分类", "责任部门", "时限要求",
                                   "督办级别")]
    base = {"问题来源": SOURCE, "所在区县": "江北", "问题": "餐饮油烟扰民", "问题分类": "大气",
            "责任部门": "江北区政府", "时限要求": "2023年上半年"}
    rows = [{**base, "编号": "N-1", "督办级别": "未督办"}, {**base, "编号": "N-2", "督办级别": "无"},
            {**base, "编号": "N-3", "督办级别": "重点督办"}]
    result = import_ledger(session, actor=SYSTEM, data=build_workbook(rows, columns=columns, title=None,
                                                                       subtitle=None))
    session.commit()
    assert result.created == 3
    found = items_by_code(session)
    assert (found["N-1"].supervision_level, found["N-2"].supervision_level) == (None, None)
    assert found["N-3"].supervision_level.value == "key"


def test_synonyms_single_header_row_and_a_source_column(session, source):
    columns = [(None, h) for h in ("问题来源", "编号", "所在区县", "问题", "问题分类", "责任部门", "时限要求",
                                   "问题类型", "督办级别", "进展日期", "整改阶段")]
    rows = [{"问题来源": SOURCE, "编号": "A-1", "所在区县": "江北", "问题": "餐饮油烟扰民",
             "问题分类": "大气", "责任部门": "江北区政府、江北区生态环境局", "时限要求": "2023年上半年",
             "问题类型": "信访件",
             "督办级别": "挂牌督办", "进展日期": "2023/5/6", "整改阶段": "中期"},
            {"问题来源": SOURCE, "编号": "A-2", "所在区县": "全市", "问题": "反馈问题", "问题分类": "水",
             "责任部门": "市水利局", "时限要求": "2023年12月31日", "问题类型": "反馈问题"}]
    data = build_workbook(rows, columns=columns, title=None, subtitle=None)
    result = import_ledger(session, actor=SYSTEM, data=data)
    session.commit()
    assert result.created == 2
    a1, a2 = items_by_code(session)["A-1"], items_by_code(session)["A-2"]
    assert (a1.district_id, a1.category, a1.item_type, a1.supervision_level.value, a1.stage) == \
        (district_id(session, "江北区"), Category.AIR, ItemType.PETITION, "listed", Stage.MEDIUM)
    assert (a1.due_on, a1.latest_progress_on, a1.status) == \
        (date(2023, 6, 30), date(2023, 5, 6), Status.DRAFT)
    assert a1.lead_unit_id == unit_id(session, "江北区人民政府")  # the first responsible unit leads
    assert units_of(session, a1) == {(unit_id(session, "江北区人民政府"), UnitRole.LEAD),
                                     (unit_id(session, "江北区人民政府"), UnitRole.RESPONSIBLE),
                                     (unit_id(session, "江北区生态环境局"), UnitRole.RESPONSIBLE)}
    assert (a2.district_id, a2.description, a2.inspection_id) == (None, "反馈问题", source.id)


def bad_rows() -> list[dict]:
    rows = realistic_rows(merged=False)
    rows[0]["区县"] = "万洲"                       # Excel row 5
    rows[1]["牵头单位"] = "市环保局"               # 6
    rows[2]["交办日期"] = "去年三月"               # 7
    rows[3]["完成时限"] = "尽快完成"               # 8
    rows[4]["问题描述"] = None                     # 9
    rows[5]["问题类别"] = "空气"                   # 10
    rows[6]["编号"] = "ZY2-001"                    # 11: repeats row 5
    rows[7]["状态"] = "完成了"                     # 12
    rows[8]["完成进度"] = "120%"                   # 13
    return rows


def test_bad_rows_import_nothing_and_each_is_named_by_row_and_column(session, source):
    data = build_workbook(bad_rows())
    with pytest.raises(ValidationFailed) as exc:
        import_ledger(session, actor=SYSTEM, data=data, inspection=SOURCE, filename="bad.xlsx")
    assert problems(exc.value) == {(5, "区县"), (6, "牵头单位"), (7, "交办日期"), (8, "完成时限"),
                                   (9, "问题描述"), (10, "问题类别"), (11, "编号"), (12, "状态"),
                                   (13, "完成进度")}
    text = {p.row: p.message for p in exc.value.problems}
    assert "万洲" in text[5] and "市环保局" in text[6] and "去年三月" in text[7]
    assert "尽快完成" in text[8] and "空气" in text[10] and "第 5 行" in text[11]
    assert "完成了" in text[12] and "120%" in text[13] and text[9] == "必填项为空"
    session.rollback()
    assert session.scalar(select(func.count(Item.id))) == 0
    refusal = session.scalars(select(AuditEntry).where(AuditEntry.action == "ledger.import")).one()
    assert refusal.outcome == AuditOutcome.REFUSED_INVALID and "bad.xlsx" in refusal.detail
    preview = preview_import(session, actor=SYSTEM, data=data, inspection=SOURCE)
    assert problems(preview) == problems(exc.value) and preview.count("invalid") == 9
    assert list(preview.frame()["处理"]) == ["有错误"] * 9


def test_missing_required_column_is_reported_once_with_its_rows(session, source):
    columns = tuple(c for c in REAL_COLUMNS if c[1] != "问题类别")
    with pytest.raises(ValidationFailed) as exc:
        import_ledger(session, actor=SYSTEM, inspection=SOURCE, data=build_workbook(
            realistic_rows(), columns=columns, merge_down={(0, "区县"): 3}))
    assert [(p.row, p.column) for p in exc.value.problems] == [(None, "问题类别")]
    assert "5–13" in exc.value.problems[0].message


def test_unreadable_file_and_a_sheet_without_ledger_header(session):
    preview = preview_import(session, actor=SYSTEM, data=b"PK\x03\x04 not really a workbook")
    assert problems(preview) == {(None, "文件")}
    other = build_workbook([{"姓名": "张三", "电话": "123"}], columns=[(None, "姓名"), (None, "年龄")])
    assert problems(preview_import(session, actor=SYSTEM, data=other)) == {(None, "表头")}


def test_reimporting_the_same_file_changes_nothing(session, source, monkeypatch):
    monkeypatch.setattr("core.excel.import_writes.ANALYZE_AFTER", 1)  # PostgreSQL: ANALYZE after bulk
    data = realistic_ledger()
    import_ledger(session, actor=SYSTEM, data=data, inspection=SOURCE)
    session.commit()
    versions = {c: i.version for c, i in items_by_code(session).items()}
    audits, revision = item_audit_count(session), ledger_revision(session)[0]
    result = import_ledger(session, actor=SYSTEM, data=data, inspection=SOURCE)
    session.commit()
    assert (result.created, result.changed, result.unchanged) == (0, 0, 9)
    assert {c: i.version for c, i in items_by_code(session).items()} == versions
    assert item_audit_count(session) == audits
    assert ledger_revision(session)[0] == revision
    assert session.scalar(select(func.count(Transition.id))) == 0


def test_changed_rows_update_their_items_and_new_rows_are_added(session, source):
    import_ledger(session, actor=SYSTEM, data=realistic_ledger(), inspection=SOURCE)
    session.commit()
    rows = realistic_rows()
    rows[0].update(整改进展="管网改造完成80%", 状态="待验收")
    rows[3]["配合单位"] = "市水利局、市林业局"
    rows.append(dict(rows[8], 序号=10, 编号="ZY2-010", 问题描述="新增问题", 状态="整改中"))
    data = build_workbook(rows, merge_down={(0, "区县"): 3})
    preview = preview_import(session, actor=SYSTEM, data=data, inspection=SOURCE)
    changed = {r.code: r.changes for r in preview.rows if r.action == "changed"}
    assert changed == {"ZY2-001": {"整改进展": ("已完成管网排查", "管网改造完成80%"),
                                   "状态": ("整改中", "待验收")},
                       "ZY2-004": {"配合单位": ("市水利局", "市水利局、市林业局")}}
    result = import_ledger(session, actor=SYSTEM, data=data, inspection=SOURCE)
    session.commit()
    assert (result.created, result.changed, result.unchanged) == (1, 2, 7)
    got = items_by_code(session)
    first = got["ZY2-001"]
    assert (first.version, first.status, first.latest_progress) == (2, Status.SUBMITTED, "管网改造完成80%")
    assert got["ZY2-002"].version == 1
    assert {u for u, r in units_of(session, got["ZY2-004"]) if r == UnitRole.COOPERATING} == \
        {unit_id(session, "重庆市水利局"), unit_id(session, "重庆市林业局")}
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == str(first.id))
                            .order_by(AuditEntry.id.desc())).first()
    assert entry.before == {"latest_progress": "已完成管网排查", "status": "in_progress"}
    assert entry.after == {"latest_progress": "管网改造完成80%", "status": "submitted", "version": 2}
    move = session.scalars(select(Transition).where(Transition.item_id == first.id)).one()
    assert (move.from_status, move.to_status) == (Status.IN_PROGRESS, Status.SUBMITTED)
    assert item_audit_count(session) == 9 + 1 + 2


def test_rows_without_code_are_keyed_by_source_and_seq(session, source):
    columns = tuple(c for c in REAL_COLUMNS if c[1] != "编号")
    rows = realistic_rows(merged=False)
    import_ledger(session, actor=SYSTEM, data=build_workbook(rows, columns=columns), inspection=SOURCE)
    session.commit()
    got = items_by_code(session)
    assert sorted(got) == [f"I{source.id:03d}-{n:05d}" for n in range(1, 10)]
    rows[4]["整改措施"] = "改为原位修复"
    result = import_ledger(session, actor=SYSTEM, data=build_workbook(rows, columns=columns),
                           inspection=SOURCE)
    assert (result.created, result.changed, result.unchanged) == (0, 1, 8)
    with pytest.raises(ValidationFailed) as exc:  # no 问题来源: neither a column nor the option
        import_ledger(session, actor=SYSTEM, data=build_workbook(rows[:2], columns=columns))
    assert problems(exc.value) == {(5, "问题来源"), (6, "问题来源")}


def test_repeated_seq_and_an_unknown_source_are_refused(session, source):
    columns = tuple(c for c in REAL_COLUMNS if c[1] != "编号")
    rows = realistic_rows(merged=False)[:3]
    rows[2]["序号"] = 1
    with pytest.raises(ValidationFailed) as exc:
        import_ledger(session, actor=SYSTEM, data=build_workbook(rows, columns=columns), inspection=SOURCE)
    assert problems(exc.value) == {(7, "序号")}
    with pytest.raises(ValidationFailed) as exc:
        import_ledger(session, actor=SYSTEM, data=realistic_ledger(), inspection="第九轮督察")
    assert (None, "问题来源") in problems(exc.value)


def test_dry_run_counts_but_writes_nothing(session, source):
    result = import_ledger(session, actor=SYSTEM, data=realistic_ledger(), inspection=SOURCE,
                           dry_run=True)
    session.commit()
    assert result.dry_run and result.created == 9
    assert session.scalar(select(func.count(Item.id))) == 0
    assert session.scalar(select(func.count(AuditEntry.id))) == 0


@pytest.mark.parametrize("role", [Role.UNIT, Role.VIEWER, Role.LEADER])
def test_only_coordinators_and_admins_import(session, source, role):
    actor = make_actor(session, role, unit_id=unit_id(session, "万州区人民政府"))
    session.commit()
    with pytest.raises(PermissionDenied):
        preview_import(session, actor=actor, data=realistic_ledger(), inspection=SOURCE)
    with pytest.raises(PermissionDenied):
        import_ledger(session, actor=actor, data=realistic_ledger(), inspection=SOURCE)
    session.rollback()
    assert session.scalar(select(func.count(Item.id))) == 0
    refusal = session.scalars(select(AuditEntry).where(AuditEntry.action == "ledger.import")).one()
    assert (refusal.outcome, refusal.actor_id) == (AuditOutcome.REFUSED_PERMISSION, actor.id)


def test_an_item_saved_between_check_and_write_is_a_stale_edit(session, source):
    import_ledger(session, actor=SYSTEM, data=realistic_ledger(), inspection=SOURCE)
    session.commit()
    item = items_by_code(session)["ZY2-001"]
    stale = ItemUpdate(item.id, item.code, seen_version=item.version + 1, changes={"measures": "x"})
    with pytest.raises(StaleEdit):
        update_items(session, actor=SYSTEM, updates=[stale], at=datetime.now())
    session.rollback()
    assert items_by_code(session)["ZY2-001"].measures != "x"


def test_command_line_import_exit_codes(session, source, database_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(realistic_ledger())
    bad.write_bytes(build_workbook(bad_rows()))
    assert manage.main(["import-ledger", str(bad), "--inspection", SOURCE]) == 2
    err = capsys.readouterr().err
    assert "未导入任何数据" in err and "第 13 行 · 完成进度" in err
    assert "第 5 行 · 区县：未知区县“万洲”" in err
    assert manage.main(["import-ledger", str(good), "--inspection", SOURCE, "--dry-run"]) == 0
    assert "将新增 9 条" in capsys.readouterr().out
    assert session.scalar(select(func.count(Item.id))) == 0
    assert manage.main(["import-ledger", str(good), "--inspection", SOURCE]) == 0
    assert "新增 9 条" in capsys.readouterr().out
    session.expire_all()
    assert session.scalar(select(func.count(Item.id))) == 9
    assert manage.main(["import-ledger", str(good), "--inspection", SOURCE]) == 0
    assert "未变 9 条" in capsys.readouterr().out
