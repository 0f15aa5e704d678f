"""Export of exactly the filtered ledger view, in the layout the import reads (so it round-trips).

The same `LedgerFilter` and `filter_condition` as the ledger page (a unit exports only its own
items; closed items only when the filter asks). The workbook is written streaming (openpyxl
write-only), a chunk of items at a time: a title row and a date/filter row merged across, two
header rows with 责任单位 and 整改进展 merged over their sub-columns, one row per item ordered by
问题来源, 序号, 编号, and a 版本 column so an import can refuse an edit made on an outdated copy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from core.access.permissions import Actor, require
from core.domain import Category, InspectionKind, SourceLevel, Status, SupervisionLevel, UnitRole
from core.errors import FieldProblem, ValidationFailed
from core.excel.import_values import Lookups, cell_value, clean_text, load_lookups
from core.excel.layout import COLUMNS, normalise_text, word_table
from core.i18n import ENUM_LABELS, translate
from core.ledger.query import LedgerFilter, filter_condition
from core.ledger.rules import load_rule_settings
from db.models import Item, ItemUnit

CHUNK = 2000
SHEET_TITLE = "整改台账"
HEAD_ROW = 3              # the two header rows are 3 and 4; items start on row 5
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ITEM_COLUMNS = (Item.id, Item.code, Item.seq, Item.inspection_id, Item.item_type, Item.assign_doc_no,
                 Item.assigned_on, Item.district_id, Item.township, Item.category, Item.description,
                 Item.lead_unit_id, Item.responsible_leader, Item.responsible_person,
                 Item.contact_phone, Item.target, Item.measures, Item.deadline_text, Item.stage,
                 Item.supervision_level, Item.latest_progress, Item.latest_progress_on,
                 Item.progress_percent, Item.status, Item.delay_reason, Item.closed_on,
                 Item.close_doc_no, Item.version)
_ROLE_FIELDS = {"lead_units": UnitRole.LEAD, "resp_units": UnitRole.RESPONSIBLE,
                "coop_units": UnitRole.COOPERATING}
_THIN = Side(style="thin", color="808080")


def export_ledger(session: Session, *, actor: Actor, flt: LedgerFilter, today: date,
                  item_ids: Sequence[int] | None = None) -> bytes:
    """The items `flt` selects for this actor (a unit: only its own) as .xlsx bytes in the import's
    layout, ordered by 问题来源, 序号, 编号; `today` dates the sheet and the overdue filter, and a
    久拖不决 filter uses the admin's thresholds (as the 台账 does). With `item_ids` (rows ticked in
    the 台账), just those of them the filter selects. Raises PermissionDenied (role may not export)."""
    require(actor, "ledger.export")
    cond = filter_condition(flt, actor=actor, today=today, rules=load_rule_settings(session))
    if item_ids is not None:
        cond = and_(cond, Item.id.in_(list(item_ids)))
    ids = session.scalars(select(Item.id).where(cond)
                          .order_by(Item.inspection_id, Item.seq, Item.code)).all()
    lk = load_lookups(session)
    filters = describe_filter(flt, lk)
    if item_ids is not None:
        filters = translate("export.selected", "zh", count=len(ids), filters=filters)
    return ledger_workbook(session, ids=ids, lookups=lk, subtitle=translate(
        "export.subtitle", "zh", today=today.isoformat(), count=len(ids), filters=filters))


@dataclass(frozen=True)
class ExtraColumn:
    """A column written after the layout's own (the import ignores it): header, width, value by
    item id."""

    header: str
    width: int
    values: dict[int, object]


def ledger_workbook(session: Session, *, ids: Sequence[int], subtitle: str, lookups: Lookups,
                    extra: Sequence[ExtraColumn] = (), title: str | None = None) -> bytes:
    """The items `ids`, in this order, as .xlsx bytes in the ledger layout (title, subtitle, two
    header rows), with `extra` columns after it. The caller has checked the actor's permission
    and scope: every id given is written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    _write_head(ws, subtitle=subtitle, extra=extra, title=title)
    for start in range(0, len(ids), CHUNK):
        for values in _item_rows(session, list(ids[start:start + CHUNK])):
            row = [_literal(ws, _cell(lookups, col.field, values)) for col in COLUMNS]
            ws.append(row + [_literal(ws, x.values.get(values["id"])) for x in extra])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _styled(ws, value, *, size: int = 11, boxed: bool = True) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True, size=size)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if boxed:
        cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    return cell


def _write_head(ws, *, subtitle: str, extra: Sequence[ExtraColumn] = (),
                title: str | None = None) -> None:
    """Title and subtitle rows merged across; two header rows: a group over its sub-columns,
    single headers merged down (so are the extra columns' headers)."""
    width = len(COLUMNS)
    for i, col in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    for i, x in enumerate(extra, width + 1):
        ws.column_dimensions[get_column_letter(i)].width = x.width
    ws.append([_styled(ws, title or translate("export.title", "zh"), size=16, boxed=False)])
    ws.append([subtitle])
    ws.append([_styled(ws, col.group or col.header) for col in COLUMNS]
              + [_styled(ws, x.header) for x in extra])
    ws.append([_styled(ws, col.header if col.group else None) for col in COLUMNS]
              + [_styled(ws, None) for _ in extra])
    full = get_column_letter(width + len(extra))
    ranges = [f"A1:{full}1", f"A2:{full}2"]
    ranges += [f"{get_column_letter(i)}{HEAD_ROW}:{get_column_letter(i)}{HEAD_ROW + 1}"
               for i in range(width + 1, width + len(extra) + 1)]
    i = 0
    while i < width:
        j = i
        while COLUMNS[i].group and j + 1 < width and COLUMNS[j + 1].group == COLUMNS[i].group:
            j += 1
        rows = (HEAD_ROW, HEAD_ROW) if COLUMNS[i].group else (HEAD_ROW, HEAD_ROW + 1)
        if (i, rows[0]) != (j, rows[1]):
            ranges.append(f"{get_column_letter(i + 1)}{rows[0]}:{get_column_letter(j + 1)}{rows[1]}")
        i = j + 1
    for ref in ranges:
        ws.merged_cells.add(CellRange(ref))


def _item_rows(session: Session, ids: list[int]) -> list[dict]:
    """The items with these ids, in this order, each with its units by role (lead unit first)."""
    found = {r["id"]: dict(r) for r in session.execute(
        select(*_ITEM_COLUMNS).where(Item.id.in_(ids))).mappings()}
    for values in found.values():
        values.update({f: [values["lead_unit_id"]] if f == "lead_units" and values["lead_unit_id"]
                       else [] for f in _ROLE_FIELDS})
    by_role = {role: f for f, role in _ROLE_FIELDS.items()}
    for item_id, unit_id, role in session.execute(
            select(ItemUnit.item_id, ItemUnit.unit_id, ItemUnit.role)
            .where(ItemUnit.item_id.in_(ids)).order_by(ItemUnit.item_id, ItemUnit.unit_id)):
        units = found[item_id][by_role[UnitRole(role)]]
        if unit_id not in units:
            units.append(unit_id)
    return [found[i] for i in ids]


def _cell(lk: Lookups, column_field: str, values: dict):
    if column_field in _ROLE_FIELDS:
        return cell_value(lk, "units", values[column_field])
    if column_field == "district":
        return cell_value(lk, "district", values["district_id"])
    if column_field == "inspection":
        return cell_value(lk, "inspection", values["inspection_id"])
    if column_field == "deadline":
        text = values["deadline_text"]
        return date.fromisoformat(text) if text and _ISO_DAY.fullmatch(text) else text
    value = cell_value(lk, column_field, values[column_field])
    return clean_text(value) if isinstance(value, str) else value


def _literal(ws, value):
    """Text starting with "=" stays text (openpyxl would write a formula: wrong, and unsafe)."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


# ---------------------------------------------------------------- filters named in words

def describe_filter(flt: LedgerFilter, lk: Lookups) -> str:
    """The filter in words for the sheet's subtitle (Chinese, like the layout)."""
    parts = []
    if flt.district_ids:
        parts.append("区县=" + "、".join(cell_value(lk, "district", d) for d in flt.district_ids))
    if flt.unit_id is not None:
        parts.append("单位=" + str(cell_value(lk, "units", [flt.unit_id])))
    if flt.inspection_id is not None:
        parts.append("问题来源=" + str(cell_value(lk, "inspection", flt.inspection_id)))
    for name, values in (("来源层级", flt.levels), ("督察类型", flt.kinds), ("问题类别", flt.categories),
                         ("状态", flt.statuses), ("类型", flt.item_types)):
        if values:
            parts.append(f"{name}=" + "、".join(ENUM_LABELS[type(v)][v.value][0] for v in values))
    if flt.supervision_levels:
        parts.append("督办级别=" + "、".join(
            "未督办" if v is None else ENUM_LABELS[SupervisionLevel][v.value][0]
            for v in flt.supervision_levels))
    if flt.reasons:
        parts.append("久拖不决情形=" + "、".join(translate(f"reason.name.{r.value}", "zh")
                                             for r in flt.reasons))
    parts += [label for flag, label in ((flt.overdue_only, "仅逾期"), (flt.include_closed, "含已销号"),
                                        (flt.long_unresolved_only and not flt.reasons, "仅久拖不决"))
              if flag]
    if flt.search.strip():
        parts.append(f"搜索“{flt.search.strip()}”")
    return "；".join(parts) or translate("export.no_filter", "zh")


def _words(enum) -> dict[str, object]:
    words = {normalise_text(code): enum(code) for code in enum}
    for code, (zh, _en) in ENUM_LABELS[enum].items():
        words[normalise_text(zh)] = enum(code)
        words[normalise_text(zh.removesuffix("督察").removesuffix("级"))] = enum(code)
    return words


def _resolve(words: dict, given: list[str], column: str, problems: list, allowed: list[str]) -> tuple:
    found = []
    for text in given:
        value = words.get(normalise_text(text), _MISSING)
        if value is _MISSING:
            problems.append(FieldProblem(None, column, translate(
                "export.err.unknown", "zh", text=text, allowed="、".join(allowed))))
        else:
            found.append(value)
    return tuple(dict.fromkeys(found))


_MISSING = object()


def ledger_filter_from_words(session: Session, *, districts: list[str] = (),
                             statuses: list[str] = (), levels: list[str] = (),
                             kinds: list[str] = (), categories: list[str] = (),
                             overdue: bool = False, include_closed: bool = False,
                             search: str = "") -> LedgerFilter:
    """A LedgerFilter from names as people write them (区县 incl. 全市, Chinese labels or codes);
    raises ValidationFailed naming every word it does not know."""
    lk = load_lookups(session)
    problems: list[FieldProblem] = []
    district_ids = _resolve(lk.districts, list(districts), "区县", problems,
                            ["全市", *lk.district_names.values()])
    spec = ((statuses, "状态", word_table("status"), Status),
            (levels, "来源层级", _words(SourceLevel), SourceLevel),
            (kinds, "督察类型", _words(InspectionKind), InspectionKind),
            (categories, "问题类别", word_table("category"), Category))
    chosen = [_resolve(words, list(given), column, problems,
                       [ENUM_LABELS[enum][m.value][0] for m in enum])
              for given, column, words, enum in spec]
    if problems:
        raise ValidationFailed(problems)
    return LedgerFilter(district_ids=district_ids, statuses=chosen[0], levels=chosen[1],
                        kinds=chosen[2], categories=chosen[3], overdue_only=overdue,
                        include_closed=include_closed, search=search)
