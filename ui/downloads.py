"""Downloads generated when clicked (st.download_button's deferred data), not on every rerun, and
file names that say what they hold."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date

from core.access.permissions import Actor
from core.excel.exports import export_ledger
from core.ledger.query import LedgerFilter
from core.reference_data import list_districts
from ui.common import db, label, t

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
NAME_CHARS = 100     # the name before ".xlsx", well under every file system's limit


def ledger_export(actor: Actor, flt: LedgerFilter, today: date,
                  item_ids: Sequence[int] | None = None) -> Callable[[], bytes]:
    """The workbook of exactly this filter for this actor (with `item_ids`: just those rows of it),
    written when the user clicks (the filter is the one the table on screen was drawn from in the
    same run)."""
    ids = None if item_ids is None else list(item_ids)

    def build() -> bytes:
        with db() as session:
            return export_ledger(session, actor=actor, flt=flt, today=today, item_ids=ids)
    return build


def safe_name(text: str) -> str:
    """`text` usable as a file name everywhere: no path separators, reserved or control
    characters, no spaces (a hyphen instead), not starting with a dot."""
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"\s+", "-", text.strip())
    return re.sub(r"-{2,}", "-", text).strip(".-") or "ledger"


def ledger_file_name(flt: LedgerFilter, today: date, *, selected: int | None = None) -> str:
    """What the export holds, in the user's language: "台账_万州区_整改中_2026-12-02.xlsx",
    "ledger_3-districts_overdue_2026-12-02.xlsx", "台账_全市_所选12条_2026-12-02.xlsx". Districts:
    one by name, several counted, none (or just the city's own items) "全市"; states: one by name,
    several counted, none left out; the overdue and 久拖不决 filters named."""
    if len(flt.district_ids) == 1 and flt.district_ids[0] is not None:
        with db() as session:
            names = {d.id: d.name for d in list_districts(session)}
        where = names.get(flt.district_ids[0], t("district.citywide"))
    elif len(flt.district_ids) > 1:
        where = t("export_name.districts", n=len(flt.district_ids))
    else:
        where = t("district.citywide")
    parts = [t("export_name.prefix"), where]
    if len(flt.statuses) == 1:
        parts.append(label(flt.statuses[0]))
    elif flt.statuses:
        parts.append(t("export_name.statuses", n=len(flt.statuses)))
    if flt.overdue_only:
        parts.append(t("export_name.overdue"))
    if flt.long_unresolved_only:
        parts.append(t("export_name.long"))
    if selected is not None:
        parts.append(t("export_name.selected", n=selected))
    stem = safe_name("_".join(parts)).lower()[:NAME_CHARS]     # "In progress" → "in-progress"
    return f"{stem}_{today.isoformat()}.xlsx"
