"""Ledgers in the shape of published 整改任务清单: a 问题来源 naming an inspection the database does
not have is refused row by row with what the import would create, and imports once confirmed
(creating or matching the inspection by name, kind and level inferred from the name and
overridable); 序号 starting again per section, totals and notes rows are understood."""

import pytest
from sqlalchemy import func, select

import manage
from core.access.permissions import SYSTEM
from core.domain import InspectionKind, Role, SourceLevel
from core.errors import PermissionDenied, ValidationFailed
from core.excel.imports import import_ledger, preview_import
from core.excel.sources import infer_inspection
from db.models import AuditEntry, Inspection, Item
from tests.factories import make_actor
from tests.published_samples import CENTRAL, SECTIONS, SPECIAL, item_count, published_list


def inspections(session) -> dict[str, Inspection]:
    session.expire_all()
    return {i.name: i for i in session.scalars(select(Inspection))}


@pytest.mark.parametrize("name, kind, level, round_no", [
    ("第三轮中央生态环境保护督察", InspectionKind.ROUTINE, SourceLevel.CENTRAL, 3),
    ("中央生态环境保护督察“回头看”", InspectionKind.ROUTINE, SourceLevel.CENTRAL, None),
    ("2025年长江流域生态环境专项督察", InspectionKind.SPECIAL, SourceLevel.CITY, None),
    ("生态环境部长江经济带警示片", InspectionKind.SPECIAL, SourceLevel.MINISTRY, None),
    ("市级驻点督察（渝东南）", InspectionKind.STATIONED, SourceLevel.CITY, None),
    ("2026年度市级日常督察", InspectionKind.DAILY, SourceLevel.CITY, None),
])
def test_kind_and_level_are_inferred_from_the_name_and_said_why(name, kind, level, round_no):
    draft = infer_inspection(name)
    assert (draft.kind, draft.level, draft.round_no) == (kind, level, round_no)
    assert draft.reasons   # what the guess rests on, shown to the user


def test_an_unknown_source_is_refused_row_by_row_and_the_preview_says_what_it_would_create(session):
    data = published_list()
    preview = preview_import(session, actor=SYSTEM, data=data)
    assert sorted(d.name for d in preview.new_inspections) == sorted([CENTRAL, SPECIAL])
    refused_rows = {p.row for p in preview.errors}
    assert len(refused_rows) == item_count() and None not in refused_rows
    assert all("问题来源" == p.column for p in preview.errors)
    assert all("确认" in p.message for p in preview.errors)
    with pytest.raises(ValidationFailed):
        import_ledger(session, actor=SYSTEM, data=data)
    assert session.scalar(select(func.count()).select_from(Item)) == 0


def test_confirmed_it_imports_and_creates_the_inspections_once(session):
    coordinator = make_actor(session, Role.COORDINATOR)
    session.commit()
    data = published_list()
    result = import_ledger(session, actor=coordinator, data=data, create_inspections=True)
    session.commit()
    assert result.created == item_count() and result.sheet == "整改任务清单"
    found = inspections(session)
    assert (found[CENTRAL].kind, found[CENTRAL].level, found[CENTRAL].round_no) == (
        InspectionKind.ROUTINE, SourceLevel.CENTRAL, 3)
    assert found[SPECIAL].kind is InspectionKind.SPECIAL
    per_source = dict(session.execute(select(Inspection.name, func.count(Item.id))
                                      .join(Item, Item.inspection_id == Inspection.id)
                                      .group_by(Inspection.name)).all())
    assert per_source == {name: len(rows) for name, rows in SECTIONS.items()}
    assert session.query(AuditEntry).filter_by(action="inspection.create").count() == 2
    again = import_ledger(session, actor=coordinator, data=data)   # matched by name now
    assert (again.created, again.changed, again.unchanged) == (0, 0, item_count())


def test_the_user_can_correct_the_inferred_kind_and_level(session):
    import_ledger(session, actor=SYSTEM, data=published_list(), create_inspections=True,
                  inspection_choices={SPECIAL: (InspectionKind.STATIONED, SourceLevel.MINISTRY)})
    found = inspections(session)[SPECIAL]
    assert (found.kind, found.level) == (InspectionKind.STATIONED, SourceLevel.MINISTRY)


def test_totals_notes_and_section_rows_are_skipped_not_refused(session):
    preview = preview_import(session, actor=SYSTEM, data=published_list(), lang="zh")
    skipped = set(preview.skipped_rows)
    sheet_rows = 4 + len(SECTIONS) + item_count()      # title, note, two header rows, sections, items
    assert {sheet_rows + 1, sheet_rows + 3} <= skipped  # 合计, 备注
    assert len(skipped) == len(SECTIONS) + 2


def test_seq_starting_again_per_section_of_one_source(session):
    by_district = {"万州区问题": SECTIONS[CENTRAL][:2],
                   "其他区县问题": SECTIONS[CENTRAL][1:] + SECTIONS[SPECIAL]}
    data = published_list(sections=by_district, with_source_column=False)
    result = import_ledger(session, actor=SYSTEM, data=data, inspection=CENTRAL, create_inspections=True)
    assert result.created == 6
    seqs = sorted(session.scalars(select(Item.seq)))
    assert seqs == [1, 2, 3, 4, 5, 6]                    # numbered through the sheet
    again = import_ledger(session, actor=SYSTEM, data=data, inspection=CENTRAL)
    assert (again.created, again.unchanged) == (0, 6)


def test_without_a_source_the_rows_are_refused_naming_the_column(session):
    data = published_list(with_source_column=False)
    with pytest.raises(ValidationFailed) as exc:
        import_ledger(session, actor=SYSTEM, data=data, create_inspections=True)
    assert {p.column for p in exc.value.problems} == {"问题来源"}
    assert len({p.row for p in exc.value.problems}) == item_count()


def test_only_coordinators_and_admins_create_inspections(session):
    viewer = make_actor(session, Role.VIEWER)
    session.commit()
    with pytest.raises(PermissionDenied):
        import_ledger(session, actor=viewer, data=published_list(), create_inspections=True)
    assert inspections(session) == {}


def test_command_line_with_and_without_inspection(session, database_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    path = tmp_path / "清单.xlsx"
    path.write_bytes(published_list())
    assert manage.main(["import-ledger", str(path)]) == 2
    err = capsys.readouterr().err
    assert CENTRAL in err and "--create-inspections" in err and "Traceback" not in err
    assert manage.main(["import-ledger", str(path), "--create-inspections", "--dry-run"]) == 0
    assert manage.main(["import-ledger", str(path), "--create-inspections"]) == 0
    assert f"{item_count()}" in capsys.readouterr().out
    plain = tmp_path / "无来源.xlsx"
    plain.write_bytes(published_list(sections={"一区": SECTIONS[SPECIAL]}, with_source_column=False))
    assert manage.main(["import-ledger", str(plain), "--inspection", "新的专项督察"]) == 2
    assert manage.main(["import-ledger", str(plain), "--inspection", "新的专项督察",
                        "--create-inspections", "--inspection-kind", "special"]) == 0
    assert inspections(session)["新的专项督察"].kind is InspectionKind.SPECIAL
