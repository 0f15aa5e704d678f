"""Workbooks shaped like real 台账 files, built with openpyxl (no binary files in the repository).

A real ledger: a title row merged across, a subtitle/date row, then TWO header rows where a group
("责任单位") spans its sub-columns and single headers are merged down; 序号 numbering; district
names in short forms; "全市" for citywide items; deadlines as text or date cells; merged data cells
(a district spanning several rows) holding a value only in their top-left cell; section rows
("一、…") merged across. `build_workbook` writes one (write-only, so 50,000 rows are quick).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

TITLE = "重庆市贯彻落实第二轮中央生态环境保护督察报告整改方案整改任务清单"
SUBTITLE = "填报单位：市督察办（盖章）　　　　截至日期：2024年6月30日"
SOURCE = "第二轮中央生态环境保护督察"

# (group or None, header) in the order a real ledger has them — not the export's order.
REAL_COLUMNS: tuple[tuple[str | None, str], ...] = (
    (None, "序号"), (None, "编号"), (None, "区县"), (None, "问题类别"), (None, "问题描述"),
    ("责任单位", "牵头单位"), ("责任单位", "责任单位"), ("责任单位", "配合单位"),
    (None, "责任领导"), (None, "责任人"), (None, "整改目标"), (None, "整改措施"),
    (None, "完成时限"), (None, "交办日期"),
    ("整改情况", "整改进展"), ("整改情况", "完成进度"), (None, "状态"), (None, "备注"),
)


def build_workbook(rows: Iterable[dict], *, columns=REAL_COLUMNS, title: str | None = TITLE,
                   subtitle: str | None = SUBTITLE, merge_down: dict[tuple[int, str], int] | None = None,
                   sections: dict[int, str] | None = None, percent_format: str = "0%") -> bytes:
    """An .xlsx ledger: `rows` are dicts keyed by header; `merge_down[(i, header)] = n` merges that
    cell of data row i over n rows (only the top one keeps its value); `sections[i]` puts a section
    row merged across before data row i. Floats under 完成进度 get `percent_format`."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("整改任务清单")
    width, merges, r = len(columns), [], 0
    for text in (title, subtitle):
        if text is not None:
            ws.append([text])
            r += 1
            merges.append(f"A{r}:{get_column_letter(width)}{r}")
    merges += _header(ws, columns, r + 1)
    r += 2
    merge_down, sections = merge_down or {}, sections or {}
    covered: set[tuple[int, str]] = set()
    for i, row in enumerate(rows):
        if i in sections:
            ws.append([sections[i]])
            r += 1
            merges.append(f"A{r}:{get_column_letter(width)}{r}")
        r += 1
        ws.append([_value(ws, row.get(h), h, percent_format, (i, h) in covered) for _g, h in columns])
        for c, (_g, h) in enumerate(columns, 1):
            if (i, h) in merge_down:
                n = merge_down[(i, h)]
                merges.append(f"{get_column_letter(c)}{r}:{get_column_letter(c)}{r + n - 1}")
                covered.update((i + k, h) for k in range(1, n))
    for ref in merges:  # straight into the set: MultiCellRange.add is quadratic in the ranges
        ws.merged_cells.ranges.add(CellRange(ref))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _header(ws, columns, first: int) -> list[str]:
    ws.append([g or h for g, h in columns])
    ws.append([h if g else None for g, h in columns])
    merges, i = [], 0
    while i < len(columns):
        group, j = columns[i][0], i
        while group and j + 1 < len(columns) and columns[j + 1][0] == group:
            j += 1
        a, b = get_column_letter(i + 1), get_column_letter(j + 1)
        merges.append(f"{a}{first}:{b}{first}" if group else f"{a}{first}:{a}{first + 1}")
        i = j + 1
    return merges


def _value(ws, value, header: str, percent_format: str, covered: bool):
    if covered:
        return None
    if header == "完成进度" and isinstance(value, float):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = percent_format
        return cell
    return value


def realistic_rows(*, merged: bool = True) -> list[dict]:
    """Nine items as a real ledger writes them; with `merged`, rows 1–2 leave 区县 to the merged
    cell of row 0 (build with merge_down={(0, "区县"): 3}), else they repeat it."""
    rows = _rows()
    if not merged:
        rows[1]["区县"] = rows[2]["区县"] = rows[0]["区县"]
    return rows


def _rows() -> list[dict]:
    base = dict(责任领导="张某某", 责任人="李某", 整改目标="问题整改到位，长效机制建立",
                整改措施="一是开展排查；二是制定方案；三是落实整改")
    return [
        dict(base, 序号=1, 编号="ZY2-001", 区县="万州", 问题类别="水",
             问题描述="万州区部分城镇污水处理厂进水浓度偏低，管网雨污混流问题突出",
             牵头单位="万州区政府", 责任单位="万州区人民政府", 配合单位="市住房城乡建委",
             完成时限="2022年6月底前", 交办日期=datetime(2022, 1, 15), 整改进展="已完成管网排查",
             完成进度=0.4, 状态="整改中", 备注="重点"),
        dict(base, 序号=2, 编号="ZY2-002", 问题类别="大气", 问题描述="某水泥厂无组织排放问题突出",
             牵头单位="万州区", 责任单位="万州区生态环境局", 完成时限="立行立改",
             交办日期=datetime(2022, 1, 15), 整改进展="已完成整改并销号", 完成进度=1.0, 状态="已销号"),
        dict(base, 序号=3, 编号="ZY2-003", 问题类别="固废", 问题描述="建筑垃圾消纳场选址不当",
             牵头单位="万州区人民政府", 完成时限=datetime(2023, 12, 31), 交办日期=datetime(2022, 1, 15)),
        dict(base, 序号=4, 编号="ZY2-004", 区县="石柱县", 问题类别="生态", 问题描述="小水电生态流量泄放不足",
             牵头单位="石柱县", 配合单位="市水利局", 完成时限="2022年12月底前",
             交办日期=datetime(2022, 2, 1), 状态="待验收"),
        dict(base, 序号=5, 编号="ZY2-005", 区县="綦江区（万盛经开区）", 问题类别="土壤",
             问题描述="历史遗留煤矸石堆场渗滤液污染土壤", 牵头单位="万盛经开区管委会",
             完成时限="2023年底前", 交办日期=datetime(2022, 2, 1)),
        dict(base, 序号=6, 编号="ZY2-006", 区县="两江新区", 问题类别="噪声", 问题描述="工地夜间施工噪声扰民",
             牵头单位="两江新区管委会", 配合单位="渝北区政府、市城市管理局", 完成时限="2023年6月30日",
             交办日期=datetime(2022, 2, 1), 状态="整改中"),
        dict(base, 序号=7, 编号="ZY2-007", 区县="全市", 问题类别="水", 问题描述="长江干流岸线违规占用问题",
             牵头单位="市生态环境局", 责任单位="市生态环境局、市水利局、市农业农村委",
             完成时限="长期坚持", 交办日期=datetime(2022, 1, 15)),
        dict(base, 序号=8, 编号="ZY2-008", 区县="高新区", 问题类别="其他",
             问题描述="园区环境风险防控体系不健全",
             牵头单位="重庆高新区管委会", 完成时限="2024年第二季度", 交办日期=None, 状态=None),
        dict(base, 序号=9, 编号="ZY2-009", 区县="彭水县", 问题类别="自然保护地",
             问题描述="自然保护区缓冲区内违规建设旅游设施", 牵头单位="彭水苗族土家族自治县人民政府",
             完成时限="2024年6月底前", 交办日期=datetime(2023, 3, 1), 状态="整改中"),
    ]


def realistic_ledger() -> bytes:
    """The nine realistic rows with the district merged over rows 0–2 and a section row before 3."""
    return build_workbook(realistic_rows(), merge_down={(0, "区县"): 3},
                          sections={0: "一、万州区问题", 3: "二、其他区县及全市问题"})


def edit_cell(data: bytes, *, row: int, header: str, value, header_row: int = 4) -> bytes:
    """The workbook with one cell changed, found by its column's header (as Excel would save it)."""
    wb = load_workbook(BytesIO(data))
    ws = wb.active
    for c in range(1, ws.max_column + 1):
        names = {ws.cell(header_row - 1, c).value, ws.cell(header_row, c).value}
        if header in names:
            ws.cell(row, c).value = value
            break
    else:
        raise KeyError(header)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def today() -> date:
    return date(2024, 7, 1)
