"""Reading a year's holidays from the file the office keeps: CSV or XLSX, one day (or one span of
days) per row, read all or nothing.

Columns (first non-empty row is the header; other columns are ignored):
    日期  2027-10-01, 2027/10/1, 2027.10.1, 2027年10月1日, 20271001, an Excel date cell, or a span
          as the State Council notice writes it: 2027年10月1日至7日, 2027-10-01~2027-10-07
    类型  休 (放假, 假, 节假日, holiday, off) or 班 (上班, 补班, 调休上班, workday, work)
    名称  optional, e.g. 国庆节 (at most 40 characters)
English headers (date, type, name) are accepted too. CSV may be UTF-8 (with or without the BOM
Excel writes) or GB18030/GBK, as Excel saves CSV on a Chinese Windows. Every bad row is named
with its row number (as the spreadsheet shows it) and column; a file with any is refused whole.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime, timedelta

from core.calendar.holidays import (
    COLUMN_DAY,
    COLUMN_KIND,
    COLUMN_NAME,
    HolidayEntry,
    check_entry,
)
from core.errors import FieldProblem, ValidationFailed
from core.messages import say, zh

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_SPAN = 31                      # days in one row's span
HEADER_SEARCH = 20                 # rows looked at for the header (a title may come first)
MAX_UNPACKED = 50 * 1024 * 1024    # an XLSX whose parts unpack larger is refused unread
HEADERS = {COLUMN_DAY: ("日期", "date", "day"), COLUMN_KIND: ("类型", "type", "kind", "休/班"),
           COLUMN_NAME: ("名称", "name", "节日", "说明")}
OFF = ("休", "放假", "假", "休息", "节假日", "假日", "holiday", "off", "rest")
ON = ("班", "上班", "补班", "调休上班", "工作日", "workday", "work")
_ONE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_END = re.compile(r"(?:(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*)?(\d{1,2})\s*日?")
_SPAN = re.compile(r"\s*(?:至|到|~|～|—|–)\s*")

TEMPLATE = ("日期,类型,名称\n2027年1月1日,休,元旦\n2027年10月1日至7日,休,国庆节\n"
            "2027/9/26,班,国庆节调休上班\n")


def template_csv() -> bytes:
    """An example file (UTF-8 with BOM, so Excel opens it in Chinese) showing each accepted shape."""
    return ("\ufeff" + TEMPLATE).encode("utf-8")


def read_holiday_file(data: bytes, filename: str) -> list[HolidayEntry]:
    """The days of a CSV or XLSX holiday file, each with its row; raises ValidationFailed naming
    every bad row and column (row None: the file as a whole)."""
    rows = _rows(data, filename)
    header_at, columns = _header(rows)
    problems: list[FieldProblem] = []
    entries: list[HolidayEntry] = []
    for number, cells in rows[header_at + 1:]:
        values = {col: cells[i] if i < len(cells) else None for col, i in columns.items()}
        if all(_blank(v) for v in values.values()):
            continue
        entries += _entries(number, values, problems)
    if problems:
        raise ValidationFailed(problems)
    if not entries:
        raise ValidationFailed([FieldProblem(None, COLUMN_DAY, say("err.holiday_file_empty"))])
    return entries


def _refuse(message_key: str, **values) -> ValidationFailed:
    return ValidationFailed([FieldProblem(None, zh("holiday_file.file"), say(message_key, **values))])


def _rows(data: bytes, filename: str) -> list[tuple[int, list]]:
    if len(data) > MAX_BYTES:
        raise _refuse("err.file_too_big", size=f"{len(data) / 1024 / 1024:.1f}",
                      limit=f"{MAX_BYTES / 1024 / 1024:g}")
    kind = filename.rpartition(".")[2].lower()
    if kind == "xlsx":
        return _xlsx_rows(data)
    if kind in ("csv", "txt"):
        return _csv_rows(data)
    raise _refuse("err.file_type", ext=kind or "?", allowed="csv、xlsx")


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes nearly any bytes, so this is a file that is not text at all
        raise _refuse("err.file_content", ext="csv")
    rows = []
    for n, row in enumerate(csv.reader(io.StringIO(text)), 1):
        if n > MAX_ROWS + 1:
            raise _refuse("err.holiday_rows", n=MAX_ROWS)
        rows.append((n, row))
    return rows


def _xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    import openpyxl
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNPACKED:
                raise _refuse("err.file_content", ext="xlsx")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _refuse("err.file_content", ext="xlsx") from exc
    try:
        sheet = book.worksheets[0]
        rows = []
        for n, values in enumerate(sheet.iter_rows(values_only=True), 1):
            if n > MAX_ROWS + 1:
                raise _refuse("err.holiday_rows", n=MAX_ROWS)
            rows.append((n, list(values)))
        return rows
    finally:
        book.close()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _columns(cells: list) -> dict[str, int]:
    names = [str(c).strip().lower() if c is not None else "" for c in cells]
    return {col: names.index(alias) for col, aliases in HEADERS.items()
            for alias in aliases if alias in names}


def _header(rows: list[tuple[int, list]]) -> tuple[int, dict[str, int]]:
    """Index of the header row in `rows` (the first naming 日期, within HEADER_SEARCH rows: a
    title may stand above it), and column → cell index."""
    filled = [(at, number, cells) for at, (number, cells) in enumerate(rows[:HEADER_SEARCH])
              if not all(_blank(c) for c in cells)]
    if not filled:
        raise ValidationFailed([FieldProblem(None, COLUMN_DAY, say("err.holiday_file_empty"))])
    at, number, cells = next((f for f in filled if COLUMN_DAY in _columns(f[2])), filled[0])
    columns = _columns(cells)
    missing = [col for col in (COLUMN_DAY, COLUMN_KIND) if col not in columns]
    if missing:
        raise ValidationFailed([FieldProblem(number, col, say("err.holiday_column_missing"))
                                for col in missing])
    return at, columns


def _entries(row: int, values: dict, problems: list[FieldProblem]) -> list[HolidayEntry]:
    days = _days(values[COLUMN_DAY], row, problems)
    flag = _kind(values[COLUMN_KIND], row, problems)
    name = values.get(COLUMN_NAME)
    name = None if _blank(name) else str(name)
    if days is None or flag is None:
        return []
    entries = [check_entry(day, flag, name, row=row, problems=problems) for day in days]
    return [e for e in entries if e is not None]


def _kind(value, row: int, problems: list[FieldProblem]) -> bool | None:
    text = "" if value is None else str(value).strip().lower()
    if text in OFF:
        return False
    if text in ON:
        return True
    problems.append(FieldProblem(row, COLUMN_KIND, say("err.holiday_kind",
                                                       value=text or say("holiday_file.blank"))))
    return None


def _days(value, row: int, problems: list[FieldProblem]) -> list[date] | None:
    """One day or a span of days from a cell; None (with a problem) if it is not one."""
    if isinstance(value, datetime):
        return [value.date()]
    if isinstance(value, date):
        return [value]
    text = "" if value is None else str(value).strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(int(value))
    parts = _SPAN.split(text, maxsplit=1)
    try:
        start = _date(parts[0])
        if len(parts) == 1:
            return [start]
        end = _end(parts[1], start)
    except ValueError:
        problems.append(FieldProblem(row, COLUMN_DAY, say("err.holiday_date",
                                                          value=text or say("holiday_file.blank"))))
        return None
    if not start <= end <= start + timedelta(days=MAX_SPAN - 1):
        problems.append(FieldProblem(row, COLUMN_DAY, say("err.holiday_span", value=text, n=MAX_SPAN)))
        return None
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _date(text: str) -> date:
    """A whole date in any accepted shape; ValueError otherwise (also for 2027-02-30)."""
    match = _ONE.fullmatch(text) or _COMPACT.fullmatch(text)
    if not match:
        raise ValueError(text)
    return date(*(int(g) for g in match.groups()))


def _end(text: str, start: date) -> date:
    """The end of a span; year and month may be left out ("2027年10月1日至7日")."""
    match = _END.fullmatch(text.strip())
    if not match:
        return _date(text.strip())
    year, month, day = match.groups()
    return date(int(year or start.year), int(month or start.month), int(day))
