"""The holiday file (core.calendar.holiday_file) and `manage.py holidays import FILE / list YEAR`:
the shapes a person types are read; each malformed shape is refused naming its row and column,
and nothing changes."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

import manage
from core.access.audit import entries_for
from core.calendar.holiday_file import read_holiday_file, template_csv
from core.calendar.holidays import load_overrides, year_versions
from core.errors import ValidationFailed
from db.engine import session_scope


def csv(text: str, encoding: str = "utf-8-sig") -> bytes:
    return text.encode(encoding)


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def days(entries) -> list[tuple[date, bool, str | None, int]]:
    return [(e.day, e.is_workday, e.name, e.row) for e in entries]


def refused(data: bytes, name: str = "节假日.csv") -> list[tuple[int | None, str]]:
    with pytest.raises(ValidationFailed) as raised:
        read_holiday_file(data, name)
    return [(p.row, p.column) for p in raised.value.problems]


def test_every_date_shape_a_person_types_is_read():
    data = csv("日期,类型,名称\n2027-01-01,休,元旦\n2027/2/6,放假,春节\n2027年2月7日,休,春节\n"
               "2027.2.8,假,\n20270213,班,春节调休\n 2027 年 9 月 26 日 ,上班,国庆调休\n")
    assert days(read_holiday_file(data, "2027.csv")) == [
        (date(2027, 1, 1), False, "元旦", 2), (date(2027, 2, 6), False, "春节", 3),
        (date(2027, 2, 7), False, "春节", 4), (date(2027, 2, 8), False, None, 5),
        (date(2027, 2, 13), True, "春节调休", 6), (date(2027, 9, 26), True, "国庆调休", 7)]


@pytest.mark.parametrize("span", ["2027年10月1日至7日", "2027-10-01~2027-10-07", "2027/10/1 到 10/7",
                                  "2027年10月1日—2027年10月7日"])
def test_a_span_as_the_notice_writes_it_gives_each_day(span):
    entries = read_holiday_file(csv(f"日期,类型,名称\n{span},休,国庆节\n"), "a.csv")
    assert [e.day for e in entries] == [date(2027, 10, d) for d in range(1, 8)]
    assert {e.row for e in entries} == {2}


def test_gbk_csv_as_excel_saves_it_on_chinese_windows():
    data = csv("日期,类型,名称\r\n2027年1月1日,休,元旦\r\n", encoding="gbk")
    assert days(read_holiday_file(data, "节假日.CSV")) == [(date(2027, 1, 1), False, "元旦", 2)]


def test_english_headers_extra_columns_and_blank_rows():
    data = csv("\n序号,Date,Type,Name,备注\n1,2027-01-01,holiday,New Year,x\n,,,,\n2,2027-02-13,workday,,\n")
    assert days(read_holiday_file(data, "a.csv")) == [(date(2027, 1, 1), False, "New Year", 3),
                                                     (date(2027, 2, 13), True, None, 5)]


def test_xlsx_with_date_cells_and_text_cells():
    data = xlsx([["2027年节假日安排"], [], ["日期", "类型", "名称"],
                 [datetime(2027, 1, 1), "休", "元旦"], ["2027年2月13日", "班", "春节调休"],
                 [20270214, "休", None]])
    assert days(read_holiday_file(data, "2027.xlsx")) == [
        (date(2027, 1, 1), False, "元旦", 4), (date(2027, 2, 13), True, "春节调休", 5),
        (date(2027, 2, 14), False, None, 6)]


def test_the_template_reads_back():
    entries = read_holiday_file(template_csv(), "模板.csv")
    assert len(entries) == 9 and entries[-1].is_workday


@pytest.mark.parametrize(("text", "problems"), [
    ("日期,类型\n2027-02-30,休\n", [(2, "日期")]),                    # no such day
    ("日期,类型\n明年元旦,休\n", [(2, "日期")]),                       # not a date
    ("日期,类型\n2027-01-01,调\n", [(2, "类型")]),                      # neither 休 nor 班
    ("日期,类型\n2027-01-01,\n", [(2, "类型")]),                        # type missing
    ("日期,类型\n2027-01-06,班\n", [(2, "类型")]),                      # 班 on a Wednesday
    ("日期,类型,名称\n2027-01-01,休," + "节" * 41 + "\n", [(2, "名称")]),  # name too long
    ("日期,类型\n2027年10月7日至1日,休\n", [(2, "日期")]),               # span backwards
    ("日期,类型\n2027-10-01~2027-12-01,休\n", [(2, "日期")]),            # span too long
    ("日期,名称\n2027-01-01,元旦\n", [(1, "类型")]),                     # column missing
    ("名称\n元旦\n", [(1, "日期"), (1, "类型")]),
    ("日期,类型\n", [(None, "日期")]),                                  # no days
    ("", [(None, "日期")]),
    ("日期,类型\n2150-01-01,休\n", [(2, "日期")]),                       # year out of range
    ("日期,类型\n2027-01-01,休\nxx,休\n2027-01-02,yy\n", [(3, "日期"), (4, "类型")]),  # all named
])
def test_each_malformed_shape_is_refused_naming_row_and_column(text, problems):
    assert refused(csv(text)) == problems


def test_other_files_are_refused_whole():
    assert refused(b"%PDF-1.7", "节假日.pdf") == [(None, "文件")]
    assert refused(b"PK\x03\x04 not a zip", "节假日.xlsx") == [(None, "文件")]
    assert refused(csv("日期,类型\n" + "2027-01-01,休\n" * 2001)) == [(None, "文件")]


# --- manage.py holidays ---------------------------------------------------------------------

@pytest.fixture
def cli(database_url, monkeypatch):
    monkeypatch.setenv("LEDGER_DATABASE_URL", database_url)
    return database_url


def test_import_then_list(cli, tmp_path, capsys):
    path = tmp_path / "2027年节假日.csv"
    path.write_bytes(csv("日期,类型,名称\n2027年1月1日,休,元旦\n2027年10月1日至7日,休,国庆节\n"
                         "2027/9/26,班,国庆调休\n"))
    assert manage.main(["holidays", "import", str(path), "--dry-run"]) == 0
    assert "2027 年（试运行）：将新增 9 天" in capsys.readouterr().out
    with session_scope(cli) as session:
        assert load_overrides(session) == {}
    assert manage.main(["holidays", "import", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "2027 年：新增 9 天、修改 0 天、删除 0 天，0 天不变（第 1 版）"]
    assert manage.main(["holidays", "list", "2027"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2027 年：按录入的节假日（chinese-calendar 尚未收录）"
    assert lines[1].startswith("第 1 版，") and lines[1].endswith("由 system 录入 2027年节假日.csv")
    assert lines[2:5] == ["2027-01-01\t周五\t休\t元旦", "2027-09-26\t周日\t班\t国庆调休",
                          "2027-10-01\t周五\t休\t国庆节"]
    assert lines[-1] == "共录入放假 8 天、调休上班 1 天"
    with session_scope(cli) as session:
        [entry] = entries_for(session, "holiday_year", 2027)
        assert (entry.action, entry.actor_name, entry.detail) == ("holiday.import", "system",
                                                                  "2027年节假日.csv")


def test_list_of_a_year_nobody_entered(cli, capsys):
    assert manage.main(["holidays", "list", "2026"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "2026 年：按国家法定节假日安排（chinese-calendar 已收录）", "共录入放假 0 天、调休上班 0 天"]
    assert manage.main(["holidays", "list", "2030"]) == 0
    assert "按周一至周五计算，相关期限为暂定" in capsys.readouterr().out


def test_a_bad_file_exits_2_naming_rows_and_changes_nothing(cli, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv("日期,类型,名称\n2027-01-01,休,元旦\n2027-02-30,休,春节\n2027-01-01,休,重复\n"))
    assert manage.main(["holidays", "import", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "导入失败，未作任何修改：共 1 处错误"
    assert err[1].startswith("第 3 行 · 日期：无法识别的日期“2027-02-30”")
    path.write_bytes(csv("日期,类型,名称\n2027-01-01,休,元旦\n2027-01-01,休,重复\n"))
    assert manage.main(["holidays", "import", str(path)]) == 2
    assert "第 3 行 · 日期：2027-01-01 重复（另见第 2 行）" in capsys.readouterr().err
    with session_scope(cli) as session:
        assert load_overrides(session) == {} and year_versions(session, [2027]) == {2027: 0}
