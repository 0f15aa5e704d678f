"""Workbooks in the shapes published 整改任务清单 take (built with openpyxl; no binary files in the
repository): a title merged across, a note under it, a two-row header with merged groups, one
section per source ("一、…（N项）") whose 问题来源 cell is merged down the section, 序号 starting
again at 1 in every section, a totals row ("合计"), a blank row and a notes row at the bottom
("备注：…", not merged). `published_list` writes one; `hostile` variants feed the fuzzers.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

TITLE = "重庆市贯彻落实第三轮中央生态环境保护督察反馈意见整改任务清单"
NOTE = "注：本清单按问题来源分类，整改时限以市委、市政府审定的整改方案为准。"
CENTRAL = "第三轮中央生态环境保护督察"          # not in the database: the import must create it
SPECIAL = "2025年长江流域生态环境专项督察"
HEADER = ((None, "序号"), (None, "问题来源"), (None, "区县"), (None, "问题类别"), (None, "问题描述"),
          ("责任单位", "牵头单位"), ("责任单位", "责任单位"), (None, "整改目标"), (None, "整改措施"),
          (None, "整改时限"), ("整改情况", "整改进展"), ("整改情况", "完成进度"))

SECTIONS: dict[str, list[dict]] = {
    CENTRAL: [
        dict(区县="万州区", 问题类别="水", 问题描述="城镇污水管网雨污混流，旱季溢流", 牵头单位="万州区政府",
             责任单位="万州区生态环境局", 整改目标="管网混错接全部整改", 整改措施="一是排查；二是改造",
             整改时限="2026年6月底前", 整改进展="已完成排查", 完成进度=0.3),
        dict(区县="石柱县", 问题类别="生态", 问题描述="小水电站生态流量不达标", 牵头单位="石柱县",
             整改目标="生态流量在线监控全覆盖", 整改措施="安装泄放设施", 整改时限="2026年底前"),
        dict(区县="全市", 问题类别="大气", 问题描述="部分工业园区VOCs治理不到位", 牵头单位="市生态环境局",
             责任单位="市经济信息委", 整改目标="重点企业治理设施提标", 整改措施="开展专项执法",
             整改时限="长期坚持", 整改进展="持续推进", 完成进度=0.5),
    ],
    SPECIAL: [
        dict(区县="涪陵区", 问题类别="固废", 问题描述="长江岸线非法堆存建筑垃圾", 牵头单位="涪陵区政府",
             整改目标="堆存点全部清理", 整改措施="清运并复绿", 整改时限=datetime(2026, 3, 31)),
        dict(区县="两江新区", 问题类别="噪声", 问题描述="夜间施工噪声扰民", 牵头单位="两江新区管委会",
             整改目标="投诉明显下降", 整改措施="严格夜间施工审批", 整改时限="立行立改"),
    ],
}


def published_list(*, sections: dict[str, list[dict]] | None = None, with_source_column: bool = True,
                   totals: bool = True, notes: bool = True) -> bytes:
    """An .xlsx in the published shape; each section's 问题来源 is merged down its rows."""
    sections = sections if sections is not None else SECTIONS
    header = HEADER if with_source_column else tuple(h for h in HEADER if h[1] != "问题来源")
    wb = Workbook()
    ws = wb.active
    ws.title = "整改任务清单"
    width = len(header)
    last = get_column_letter(width)
    ws.append([TITLE])
    ws.merge_cells(f"A1:{last}1")
    ws.append([NOTE])
    ws.merge_cells(f"A2:{last}2")
    _header(ws, header, 3)
    total = 0
    numerals = "一二三四五六七八九十"
    for n, (source, rows) in enumerate(sections.items()):
        ws.append([f"{numerals[n]}、{source}反馈问题（{len(rows)}项）"])
        ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
        first = ws.max_row + 1
        for i, row in enumerate(rows, 1):   # 序号 starts again in every section
            values = {"序号": i, "问题来源": source if i == 1 else None, **row}
            ws.append([values.get(h) for _g, h in header])
            if isinstance(values.get("完成进度"), float):
                ws.cell(ws.max_row, [h for _g, h in header].index("完成进度") + 1).number_format = "0%"
        if with_source_column and len(rows) > 1:
            col = get_column_letter([h for _g, h in header].index("问题来源") + 1)
            ws.merge_cells(f"{col}{first}:{col}{ws.max_row}")
        total += len(rows)
    if totals:
        ws.append(["合计", None, None, None, f"共 {total} 项"])
    if notes:
        ws.append([])
        ws.append(["备注：1. 整改时限为“长期坚持”的每季度报送进展；2. 牵头单位对整改结果负总责。"])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _header(ws, header, row: int) -> None:
    ws.append([g or h for g, h in header])
    ws.append([h if g else None for g, h in header])
    i = 0
    while i < len(header):
        group, j = header[i][0], i
        while group and j + 1 < len(header) and header[j + 1][0] == group:
            j += 1
        a, b = get_column_letter(i + 1), get_column_letter(j + 1)
        ws.merge_cells(f"{a}{row}:{b}{row}" if group else f"{a}{row}:{a}{row + 1}")
        i = j + 1


def item_count(sections: dict[str, list[dict]] | None = None) -> int:
    return sum(len(rows) for rows in (sections if sections is not None else SECTIONS).values())
