"""The ledger's Excel layout (台账): its columns by name, its words, and how a sheet is read.

Real ledgers put a merged title row (sometimes a date row) above TWO header rows: a group such
as 责任单位 spans 牵头单位/责任单位/配合单位, and single headers are merged vertically. Columns
are found by name (with the synonyms ledgers use), never by position; merged data cells hold a
value only in their top-left cell, which applies to the whole range. The export writes this same
layout, so export → edit in Excel → import round-trips.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from io import BytesIO

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from core import domain as d
from core.excel.safety import Limits, SheetError, check_workbook
from core.i18n import ENUM_LABELS

HEADER_SCAN_ROWS = 15   # the header must start within the first rows of a sheet
MIN_KNOWN_HEADERS = 3   # a row naming at least this many known columns is the header


@dataclass(frozen=True)
class Column:
    """One ledger column: `field` (what core.excel.imports fills), the header the export writes, the
    kind of cell it holds, the other names ledgers give it, and its group in the two-row header."""

    field: str
    header: str
    kind: str   # text, int, date, percent, district, units, choice, deadline, inspection, version
    synonyms: tuple[str, ...] = ()
    group: str | None = None
    max_len: int | None = None
    width: int = 12


COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", "int", ("序",), width=6),
    Column("code", "编号", "text", ("问题编号", "任务编号"), max_len=40, width=14),
    Column("inspection", "问题来源", "inspection", ("来源", "督察名称"), width=24),
    Column("item_type", "类型", "choice", ("问题类型",), width=10),
    Column("assign_doc_no", "交办文号", "text", ("文号",), max_len=60, width=16),
    Column("assigned_on", "交办日期", "date", ("交办时间",)),
    Column("district", "区县", "district", ("所在区县", "所属区县", "地区"), width=10),
    Column("township", "乡镇（街道）", "text", ("乡镇街道", "街道"), max_len=60),
    Column("category", "问题类别", "choice", ("类别", "问题分类"), width=8),
    Column("description", "问题描述", "text",
           ("问题", "反馈问题", "问题内容", "存在问题", "主要问题", "问题情况"), width=40),
    Column("lead_units", "牵头单位", "units", ("牵头部门",), group="责任单位", width=16),
    Column("resp_units", "责任单位", "units", ("责任部门", "整改责任单位"), group="责任单位",
           width=20),
    Column("coop_units", "配合单位", "units", ("配合部门", "协办单位"), group="责任单位", width=20),
    Column("responsible_leader", "责任领导", "text", ("牵头领导",), max_len=60, width=10),
    Column("responsible_person", "责任人", "text", ("具体责任人",), max_len=60, width=10),
    Column("contact_phone", "联系电话", "text", ("电话", "联系方式"), max_len=40, width=14),
    Column("target", "整改目标", "text", (), width=30),
    Column("measures", "整改措施", "text", ("措施",), width=40),
    Column("deadline", "整改时限", "deadline",
           ("完成时限", "时限要求", "时限", "完成时间", "整改期限"), max_len=60, width=14),
    Column("stage", "阶段", "choice", ("整改阶段",), width=8),
    Column("supervision_level", "督办级别", "choice", ("督办",), width=10),
    Column("latest_progress", "进展情况", "text",
           ("整改进展", "最新进展", "整改情况", "整改进展情况"), group="整改进展", width=40),
    Column("latest_progress_on", "进展日期", "date", ("进展时间",), group="整改进展"),
    Column("progress_percent", "完成进度（%）", "percent", ("进度", "整改进度"), group="整改进展",
           width=8),
    Column("status", "状态", "choice", ("整改状态", "办理状态", "当前状态"), width=8),
    Column("delay_reason", "滞后原因", "text", ("未完成原因",), width=20),
    Column("closed_on", "销号日期", "date", ("销号时间",)),
    Column("close_doc_no", "销号文号", "text", (), max_len=60, width=16),
    Column("version", "版本（勿改）", "version", ("版本号",), width=8),
)
BY_FIELD = {c.field: c for c in COLUMNS}

# Words a cell may hold for each coded column: the catalogue's Chinese labels, the codes, and
# the variants ledgers write. The export writes the label.
_ENUMS: dict[str, type[StrEnum]] = {"item_type": d.ItemType, "category": d.Category,
                                    "stage": d.Stage, "supervision_level": d.SupervisionLevel,
                                    "status": d.Status}
_EXTRA_WORDS: dict[str, dict[str, str]] = {
    "item_type": {"信访举报件": "petition", "信访": "petition", "信访举报": "petition",
                  "日常发现": "daily", "约谈": "interview", "警示片": "warning"},
    "category": {"水污染": "water", "水环境": "water", "水生态": "water", "大气污染": "air",
                 "土壤污染": "soil", "固体废物": "solid", "固废污染": "solid", "噪声污染": "noise",
                 "噪音": "noise", "生态破坏": "ecology", "生态保护": "ecology",
                 "自然保护区": "protected", "辐射安全": "radiation", "其它": "other"},
    "stage": {"短期整改": "short", "中期整改": "medium", "长期整改": "long"},
    "supervision_level": {"重点": "key", "挂牌": "listed", "一般督办": "normal"},
    "status": {"未交办": "draft", "正在整改": "in_progress", "整改推进中": "in_progress",
               "待销号": "notice", "已验收": "notice", "完成销号": "closed"},
}


def enum_of(column_field: str) -> type[StrEnum]:
    return _ENUMS[column_field]


def word_table(column_field: str) -> dict[str, StrEnum]:
    """Normalised word → code for a coded column (labels, codes and ledger variants)."""
    enum = _ENUMS[column_field]
    words = {normalise_text(code): enum(code) for code in enum}
    words.update({normalise_text(zh): enum(code) for code, (zh, _en) in ENUM_LABELS[enum].items()})
    words.update({normalise_text(w): enum(code) for w, code in _EXTRA_WORDS[column_field].items()})
    return words


def word_for(value: StrEnum | str | None) -> str | None:
    """The Chinese label the export writes for a code (None stays None)."""
    if value is None:
        return None
    for enum in _ENUMS.values():
        if isinstance(value, enum):
            return ENUM_LABELS[enum][value.value][0]
    raise ValueError(f"not a ledger code: {value!r}")


# ---------------------------------------------------------------- names

_PAREN = re.compile(r"[(\[【][^)\]】]*[)\]】]")


def normalise_text(value) -> str:
    """A cell's text for matching: NFKC (full-width → ASCII), no whitespace at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def normalise_header(value) -> str:
    """A header for matching: like normalise_text, minus bracketed notes and */: marks
    ("完成进度（%）" → "完成进度", "问题描述*" → "问题描述")."""
    return _PAREN.sub("", normalise_text(value)).strip("*:")


def _header_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for col in COLUMNS:
        for name in (col.header, *col.synonyms):
            index[normalise_header(name)] = col.field
    return index


HEADER_INDEX = _header_index()
GROUP_NAMES = frozenset(normalise_header(c.group) for c in COLUMNS if c.group)


# ---------------------------------------------------------------- reading a sheet

@dataclass(frozen=True)
class SheetColumn:
    field: str
    index: int       # 1-based column number in the sheet
    header: str      # the (leaf) header as written, whitespace removed


@dataclass
class RawSheet:
    """A sheet's mapped cells: `rows` holds (Excel row number, values in `columns` order)."""

    title: str
    header_rows: tuple[int, ...]
    columns: list[SheetColumn]
    ignored: list[str] = field(default_factory=list)               # unknown headers
    duplicates: list[tuple[SheetColumn, SheetColumn]] = field(default_factory=list)
    rows: list[tuple[int, list]] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)               # section / note rows

    def position(self, column_field: str) -> int | None:
        """Index of a field within each row's values, or None if the sheet lacks the column."""
        for i, col in enumerate(self.columns):
            if col.field == column_field:
                return i
        return None


def read_ledger_sheet(data: bytes, *, max_bytes: int | None = None) -> RawSheet:
    """The first sheet (active one first) with a ledger header, read with openpyxl (not
    read-only: merged ranges and number formats must be exact) once core.excel.safety has bounded
    what that costs; raises SheetError, for every malformed file (a parser's own exception, a bad
    zip, an XML error) one readable message, never a traceback."""
    check_workbook(data, Limits(max_bytes=max_bytes) if max_bytes else None)
    try:
        wb = load_workbook(BytesIO(data), data_only=True)
    except MemoryError:
        raise SheetError("too_many_cells", limit="—") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl on untrusted bytes raises anything at all
        raise SheetError("unreadable", detail=type(exc).__name__) from None
    try:
        return _first_ledger_sheet(wb)
    except SheetError:
        raise
    except Exception as exc:  # noqa: BLE001 - a sheet openpyxl loaded but cannot describe
        raise SheetError("unreadable", detail=type(exc).__name__) from None
    finally:
        wb.close()


def _first_ledger_sheet(wb) -> RawSheet:
    sheets = [wb.active, *(ws for ws in wb.worksheets if ws is not wb.active)]
    for ws in sheets:
        if not isinstance(ws, Worksheet):   # a chartsheet has no cells
            continue
        header = _find_header(ws)
        if header is not None:
            return _read_rows(ws, header)
    raise SheetError("no_header", rows=HEADER_SCAN_ROWS)


def _width(ws: Worksheet, last_row: int) -> int:
    """The last column holding a value in the first rows: the real width, not the declared one
    (a stray cell at XFD makes ws.max_column 16,384)."""
    return max((c for (r, c), cell in ws._cells.items() if r <= last_row and cell.value is not None),
               default=1)


def _merged_top_left(ws: Worksheet, last_row: int, width: int) -> dict[tuple[int, int], object]:
    """(row, col) → value of the merged range's top-left cell, for ranges starting ≤ last_row,
    clipped to `width` columns."""
    filled: dict[tuple[int, int], object] = {}
    for rng in ws.merged_cells.ranges:
        if rng.min_row > last_row or rng.min_col > width:
            continue
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, min(rng.max_row, last_row) + 1):
            for c in range(rng.min_col, min(rng.max_col, width) + 1):
                filled[(r, c)] = value
    return filled


def _head_grid(ws: Worksheet) -> list[list]:
    """The first HEADER_SCAN_ROWS + 1 rows with merged values spread over their ranges."""
    last = HEADER_SCAN_ROWS + 1
    width = _width(ws, last)
    filled = _merged_top_left(ws, last, width)
    grid = [list(r) + [None] * (width - len(r))
            for r in ws.iter_rows(min_row=1, max_row=last, max_col=width, values_only=True)]
    for (r, c), value in filled.items():
        if r <= len(grid):
            grid[r - 1][c - 1] = value
    return grid


def _known(value) -> bool:
    return value is not None and normalise_header(value) in HEADER_INDEX


def _find_header(ws: Worksheet) -> _Header | None:
    grid = _head_grid(ws)
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        if sum(_known(v) for v in row) >= MIN_KNOWN_HEADERS:
            below = grid[i + 1] if i + 1 < len(grid) else []
            two = _is_second_header(ws, i + 1, row, below)
            return _Header(i + 1, two, row, below if two else [None] * len(row))
    return None


def _is_second_header(ws: Worksheet, row_no: int, top: list, below: list) -> bool:
    """The row under the header is a second header row when a header is merged down into it, or
    when it names known columns under group (or unknown, or blank) parents. A known leaf above a
    known word is not enough: a data cell "反馈问题" under 类型 is data, not a header."""
    if any(rng.min_row == row_no and rng.max_row > row_no for rng in ws.merged_cells.ranges):
        return True
    children = 0
    for t, b in zip(top, below, strict=False):
        if not _known(b) or (t is not None and normalise_header(t) == normalise_header(b)):
            continue
        if t is None or normalise_header(t) in GROUP_NAMES or not _known(t):
            children += 1
    return children >= 2


@dataclass(frozen=True)
class _Header:
    row: int
    two_rows: bool
    top: list
    below: list


def _leaf(top, below) -> str | None:
    """The column's own header as written (whitespace removed): the lower one under a group."""
    if below is not None and str(below).strip() and (
            top is None or normalise_header(below) != normalise_header(top)):
        return re.sub(r"\s+", "", str(below))
    return re.sub(r"\s+", "", str(top)) if top is not None and str(top).strip() else None


def _map_columns(header: _Header) -> tuple[list[SheetColumn], list[str], list]:
    columns: list[SheetColumn] = []
    ignored: list[str] = []
    duplicates: list[tuple[SheetColumn, SheetColumn]] = []
    seen: dict[str, SheetColumn] = {}
    for i, (top, below) in enumerate(zip(header.top, header.below, strict=True), 1):
        leaf = _leaf(top, below)
        if leaf is None:
            continue
        name = HEADER_INDEX.get(normalise_header(leaf))
        if name is None:
            ignored.append(leaf)
            continue
        col = SheetColumn(name, i, leaf)
        if name in seen:
            duplicates.append((seen[name], col))
        else:
            seen[name] = col
            columns.append(col)
    return columns, ignored, duplicates


# A row that only titles or annotates (一、… / （二）… / 注： / 备注 / 说明 / 填表人), or totals (合计 …,
# whatever the other cells say, e.g. "共 35 项" under 问题描述).
NOTE_ROW = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|注[:：]|"
                      r"备\s*注|说\s*明|填表(?:人|说明|日期)|审核人)")
TOTAL_ROW = re.compile(r"^\s*(?:合\s*计|小\s*计|总\s*计|共\s*计)")


def _data_rows(ws: Worksheet, first: int, columns: list[SheetColumn]) -> dict[int, list]:
    """Row number → values of the mapped columns, for the rows at or below `first` that hold a
    cell in one of them. Walks the cells present only, never the declared extent."""
    where = {c.index: i for i, c in enumerate(columns)}
    rows: dict[int, list] = {}
    for (r, c), cell in ws._cells.items():
        if r >= first and c in where and cell.value is not None:
            rows.setdefault(r, [None] * len(columns))[where[c]] = cell.value
    return dict(sorted(rows.items()))


def _is_note(row: list, columns: list[SheetColumn]) -> bool:
    """序号 (or, without it, the first cell) holds a section title, a total or a note, and the row
    describes no problem."""
    fields = [c.field for c in columns]
    first = next((v for v in row if v is not None and str(v).strip()), None)
    seq = row[fields.index("seq")] if "seq" in fields else first
    described = "description" in fields and row[fields.index("description")] not in (None, "")
    if not isinstance(seq, str):
        return False
    return TOTAL_ROW.match(seq) is not None or (NOTE_ROW.match(seq) is not None and not described)


def _read_rows(ws: Worksheet, header: _Header) -> RawSheet:
    columns, ignored, duplicates = _map_columns(header)
    first = header.row + (2 if header.two_rows else 1)
    sheet = RawSheet(ws.title, (header.row, header.row + 1) if header.two_rows else (header.row,),
                     columns, ignored, duplicates)
    values = _data_rows(ws, first, columns)
    section = _spread_merged(ws, first, columns, values)
    _percent_cells(ws, columns, values)
    for row_no, row in values.items():
        if row_no in section or _is_note(row, columns):
            sheet.skipped.append(row_no)
        elif any(v is not None and (not isinstance(v, str) or v.strip()) for v in row):
            sheet.rows.append((row_no, [v.date() if isinstance(v, datetime) else v for v in row]))
    return sheet


def _spread_merged(ws: Worksheet, first: int, columns: list[SheetColumn], values: dict[int, list]) -> set:
    """Copy each merged data range's value into its mapped cells on the rows that have data; return
    the row numbers that are section or note rows (one row merged across most of the sheet)."""
    where = {c.index: i for i, c in enumerate(columns)}
    section: set[int] = set()
    wide = max(3, len(columns) // 2)
    for rng in ws.merged_cells.ranges:
        if rng.max_row < first:
            continue
        if rng.min_row == rng.max_row and rng.max_col - rng.min_col + 1 >= wide:
            section.add(rng.min_row)
            continue
        mapped = [where[c] for c in where if rng.min_col <= c <= rng.max_col]
        if not mapped:
            continue
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in (r for r in values if max(rng.min_row, first) <= r <= rng.max_row):
            for i in mapped:
                values[r][i] = value
    return section


def _percent_cells(ws: Worksheet, columns: list[SheetColumn], values: dict[int, list]) -> None:
    """A percent column's numbers formatted as "%" hold fractions (0.4 shown as 40%): scale them."""
    for i, col in enumerate(columns):
        if BY_FIELD[col.field].kind != "percent":
            continue
        for row_no, row in values.items():
            v = row[i]
            if isinstance(v, (int, float)) and not isinstance(v, bool) \
                    and "%" in ws.cell(row_no, col.index).number_format:
                row[i] = v * 100
