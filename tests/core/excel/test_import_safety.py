"""Malformed and hostile workbooks: each becomes one clear message (never a traceback), nothing is
written, and none can make the server read gigabytes: a stray cell at XFD1048576 is read in a few
MB, a zip bomb and a DTD are refused before openpyxl sees them."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

import manage
from core.access.permissions import SYSTEM
from core.errors import ValidationFailed
from core.excel.imports import import_ledger, preview_import
from core.excel.layout import SheetError, read_ledger_sheet
from core.excel.safety import MB, Limits, check_workbook
from tests.excel_samples import realistic_ledger

SHEET = "xl/worksheets/sheet1.xml"


def rewrite(data: bytes, part: str, change) -> bytes:
    """The workbook with one part replaced by change(old bytes)."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, change(body) if info.filename == part else body)
    return out.getvalue()


def far_cell() -> bytes:
    """A small ledger plus one cell at XFD1048576 (the last cell Excel has)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "问题描述", "区县", "问题类别", "整改时限", "牵头单位"])
    ws.append([1, "排污口整治", "万州", "水", "2026年底前", "万州区政府"])
    ws["XFD1048576"] = "x"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def bomb(unpacked_mb: int = 40) -> bytes:
    """A valid-looking workbook whose sheet unpacks to `unpacked_mb` MB of spaces (~1000-fold)."""
    def pad(body: bytes) -> bytes:
        return body.replace(b"<sheetData>", b"<sheetData>" + b" " * (unpacked_mb * MB), 1)
    return rewrite(realistic_ledger(), SHEET, pad)


HOSTILE = {
    "not a zip": b"\x00\x01 this is no workbook" * 10,
    "truncated zip": realistic_ledger()[:3000],
    "xml parse error": rewrite(realistic_ledger(), SHEET, lambda b: b[: len(b) // 2]),
    "dtd": rewrite(realistic_ledger(), SHEET, lambda b: (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        + b.split(b"?>", 1)[-1])),
    "zip bomb": bomb(),
    "wrong content in a part": rewrite(realistic_ledger(), "xl/workbook.xml", lambda b: b"<nonsense/>"),
    "empty": b"",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_every_malformed_file_is_one_clear_message(session, case):
    preview = preview_import(session, actor=SYSTEM, data=HOSTILE[case])
    assert len(preview.errors) == 1 and preview.errors[0].row is None
    assert preview.errors[0].column in ("文件", "表头")
    with pytest.raises(ValidationFailed) as exc:
        import_ledger(session, actor=SYSTEM, data=HOSTILE[case])
    assert len(exc.value.problems) == 1


def test_a_zip_bomb_and_a_dtd_are_refused_before_parsing():
    with pytest.raises(SheetError) as exc:
        check_workbook(HOSTILE["zip bomb"])
    assert exc.value.key == "zip_bomb"
    with pytest.raises(SheetError) as exc:
        check_workbook(HOSTILE["dtd"])
    assert exc.value.key == "xml_dtd"


@pytest.mark.parametrize("limits, key", [
    (Limits(max_bytes=1000), "too_big"), (Limits(max_cells=50), "too_many_cells"),
    (Limits(max_unpacked=10_000), "too_large_unpacked"), (Limits(max_parts=3), "too_many_parts"),
])
def test_each_limit_names_itself(limits, key):
    with pytest.raises(SheetError) as exc:
        check_workbook(realistic_ledger(), limits)
    assert exc.value.key == key


def test_a_realistic_ledger_is_well_within_the_limits():
    check_workbook(realistic_ledger())


def test_a_cell_at_xfd1048576_is_read_in_little_memory_and_time():
    data = far_cell()
    tracemalloc.start()
    try:
        sheet = read_ledger_sheet(data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [number for number, _values in sheet.rows] == [2]
    assert peak < 20 * MB          # it took more than 5 GB before


def test_the_command_line_says_it_in_one_line(database_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    for case in ("xml parse error", "zip bomb"):
        path = tmp_path / "坏.xlsx"
        path.write_bytes(HOSTILE[case])
        assert manage.main(["import-ledger", str(path)]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 2
    monkeypatch.setenv("LEDGER_IMPORT_MAX_MB", "0.001")
    assert manage.main(["import-ledger", str(path)]) == 2
    assert "文件过大" in capsys.readouterr().err


def test_a_number_too_large_for_the_database_is_refused_by_cell(session):
    """The fuzzer's 序号 9.2e18 overflowed SQLite's and PostgreSQL's INTEGER before."""
    from tests.published_samples import SECTIONS, published_list
    source = "第三轮中央生态环境保护督察"
    rows = [dict(SECTIONS[source][0], 序号=9.223372036854776e18)]
    preview = preview_import(session, actor=SYSTEM, data=published_list(sections={source: rows}),
                             create_inspections=True)
    assert [(p.column, "超出范围" in p.message) for p in preview.errors] == [("序号", True)]
