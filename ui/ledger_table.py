"""The ledger table as the 台账 and the map pages show it: core.ledger.query.ItemRow rows as a frame,
and how its columns read; and the 台账's controls around it (paging, the column choice, the bar
that works on the rows ticked).

The frame holds every column (the data a test or an export reads); which of them the 台账 shows,
and in which order, is the reader's choice (`COLUMNS` keys, kept per user by
core.access.preferences), passed to st.dataframe as `column_order`. State and deadline read as
coloured tags ("● 整改中", "逾期 12 天" on red, "3 天内到期" on amber: `ledger_styled`) so overdue
and due-soon rows stand out. (No emoji: the grid is drawn on a canvas, and the machines here
have no emoji font, so they showed as empty boxes.)"""

from __future__ import annotations

import zlib
from datetime import date

import pandas as pd
import streamlit as st

from core import i18n
from core.access.permissions import Actor, can
from core.access.preferences import LEDGER_COLUMN_KEYS, LEDGER_COLUMNS, get_preference, set_preference
from core.domain import Category, Status
from core.errors import LedgerError
from core.ledger.action_queue import WORKING
from core.ledger.batch import BatchRefused, assign_items
from core.ledger.query import LedgerFilter
from core.ledger.reminders import remind_items
from ui import supervision
from ui.common import db, label, lang, t
from ui.downloads import XLSX, ledger_export, ledger_file_name
from ui.forms import flash, in_language, joined, show_error
from ui.item_views import open_item
from ui.text import EMPTY, cells, plain

# column key → catalogue label; the order is the table's when all are shown
COLUMNS: dict[str, str] = {
    "code": "col.code", "status": "col.status", "due_state": "col.due_state", "progress": "col.progress",
    "latest": "col.latest_text", "lead_unit": "col.lead_unit", "district": "col.district",
    "description": "col.description", "category": "col.category", "deadline": "col.deadline",
    "due_on": "col.due_on", "days_overdue": "col.days_overdue", "latest_on": "col.latest_on",
    "supervision": "col.supervision_level", "inspection_mark": "col.inspection_mark",
}
assert tuple(COLUMNS) == LEDGER_COLUMN_KEYS, "core.access.preferences knows the same columns"
# what a reader sees before choosing: the working columns first, the long description last
DEFAULT_COLUMNS = ("code", "status", "due_state", "progress", "latest", "lead_unit", "district",
                   "description")
STATUS_COLOUR = {Status.DRAFT: "#6b7280", Status.ASSIGNED: "#1d4ed8", Status.IN_PROGRESS: "#c2410c",
                 Status.SUBMITTED: "#7e22ce", Status.NOTICE: "#047857", Status.CLOSED: "#15803d"}
DUE_STYLE = {"overdue": "color: #b91c1c; background-color: #fee2e2; font-weight: 600",
             "soon": "color: #92400e; background-color: #fef3c7"}
LATEST_CHARS = 80


def status_tag(status: Status) -> str:
    return f"● {label(Status(status))}"


def due_kind(row, *, today: date, soon_days: int) -> str | None:
    """"overdue", "soon" (due within the admin's due-soon window, today included), "left", "ongoing",
    or None when the item is not being worked on (待交办, 待验收, 公示中, 已销号) or has no date."""
    if row.is_ongoing:
        return "ongoing"
    if row.days_overdue:
        return "overdue"
    if row.due_on is None or Status(row.status) not in WORKING:
        return None
    return "soon" if (row.due_on - today).days <= soon_days else "left"


def due_tag(row, *, today: date, soon_days: int) -> str:
    """"逾期 12 天", "3 天内到期", "今日到期", "剩余 40 天", "长期坚持", or "" (see `due_kind`)."""
    kind = due_kind(row, today=today, soon_days=soon_days)
    left = None if row.due_on is None else (row.due_on - today).days
    if kind == "overdue":
        return t("tag.overdue", n=row.days_overdue)
    if kind == "soon":
        return t("tag.due_today") if left <= 0 else t("tag.due_soon", n=left)
    if kind == "left":
        return t("tag.left", n=left)
    return t("tag.ongoing") if kind == "ongoing" else ""


def ledger_styled(frame: pd.DataFrame, rows, *, today: date, soon_days: int):
    """The frame with its tags coloured: the state in its colour, overdue on red, due soon on amber."""
    status, due = t(COLUMNS["status"]), t(COLUMNS["due_state"])
    status_css = [f"color: {STATUS_COLOUR[Status(r.status)]}" for r in rows]
    due_css = [DUE_STYLE.get(due_kind(r, today=today, soon_days=soon_days), "") for r in rows]

    def css(column: pd.Series) -> list[str]:
        if column.name == status:
            return status_css
        return due_css if column.name == due else [""] * len(column)
    return frame.style.apply(css, subset=[c for c in (status, due) if c in frame.columns])


def _latest(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= LATEST_CHARS else text[:LATEST_CHARS - 1] + "…"


def ledger_frame(rows, *, district: bool = True, latest_report: bool = True,
                 marks: dict | None = None, today: date | None = None,
                 soon_days: int = 7) -> pd.DataFrame:
    """The ledger table of core.ledger.query.ItemRow rows, as the 台账 and map pages show it
    (columns as in `COLUMNS`); without `district` or `latest_report` those columns are left out;
    with `marks` (core.supervision.inspections.under_way_marks), a column linking the items
    followed by an inspection under way to it ("驻点督察中"). `today` and `soon_days` (the
    admin's due_soon_days) word the 逾期/剩余 tag."""
    today = today or date.today()
    values = {
        "code": [r.code for r in rows],
        "status": [status_tag(r.status) for r in rows],
        "due_state": [due_tag(r, today=today, soon_days=soon_days) for r in rows],
        "progress": [r.progress_percent for r in rows],
        "latest": [_latest(r.latest_progress) for r in rows] if latest_report else None,
        "lead_unit": [r.lead_unit for r in rows],
        "district": [r.district or t("district.citywide") for r in rows] if district else None,
        "description": [r.description for r in rows],
        "category": [label(r.category, Category) for r in rows],
        "deadline": [r.deadline_text for r in rows],
        "due_on": cells(r.due_on for r in rows),            # "—", never "None", for no date
        "days_overdue": [str(r.days_overdue) if r.days_overdue else EMPTY for r in rows],
        "latest_on": cells(r.latest_progress_on for r in rows) if latest_report else None,
        "supervision": [supervision.level_text(r.supervision_level) for r in rows],
        "inspection_mark": ([supervision.mark_link(marks.get(r.id)) for r in rows]
                            if marks is not None else None),
    }
    kept = {t(COLUMNS[k]): v for k, v in values.items() if v is not None}
    assert len(kept) == sum(v is not None for v in values.values()), "two columns share a name"
    return pd.DataFrame(kept)


def column_labels(keys) -> list[str]:
    """The frame's column names of these column keys (what st.dataframe's column_order takes)."""
    return [t(COLUMNS[k]) for k in keys if k in COLUMNS]


def ledger_column_config() -> dict:
    """Progress shown as a bar, 0–100 %; the inspection mark as a link to the inspection; the
    narrow working columns sized to their tags, the description given the room that is left."""
    return {t("col.progress"): st.column_config.ProgressColumn(min_value=0, max_value=100,
                                                               format="%d%%", width=80),
            t("col.inspection_mark"): supervision.mark_column(),
            t("col.code"): st.column_config.TextColumn(width=135),
            t("col.status"): st.column_config.TextColumn(width=95 if lang() == "zh" else 130),
            t("col.due_state"): st.column_config.TextColumn(width=105),
            t("col.latest_text"): st.column_config.TextColumn(width=180),
            t("col.lead_unit"): st.column_config.TextColumn(width=120),
            t("col.district"): st.column_config.TextColumn(width=80),
            t("col.description"): st.column_config.TextColumn(width=320)}


# ------------------------------------------------------------------ the 台账's controls

PAGE_KEY = "ledger_page"
COLUMNS_KEY = "ledger_columns"          # the column choice widget
SAVED_KEY = "ledger_columns_saved"      # what is stored for the user (restored if emptied)
SEEN_KEY = "ledger_seen"                # item id → version, as the previous run drew them
GEN_KEY = "ledger_table_gen"            # bumped to clear the table's selection
PANEL_KEY = "ledger_batch"              # the batch form open: "assign" | "remind" | None


def _go(page_no: int) -> None:
    st.session_state[PAGE_KEY] = page_no


def pager(page, *, key: str) -> None:
    """"‹ 上一页  第 2/13 页 · 共 612 条  下一页 ›" on one line."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.button(t("ledger.prev"), key=f"ledger_prev_{key}", icon=":material/chevron_left:",
                  disabled=page.page <= 1, on_click=_go, args=(page.page - 1,))
        st.caption(t("ledger.pager", page=page.page, pages=page.pages, total=page.total),
                   width="content")
        st.button(t("ledger.next"), key=f"ledger_next_{key}", icon=":material/chevron_right:",
                  disabled=page.page >= page.pages, on_click=_go, args=(page.page + 1,))


def _in_order(keys) -> list[str]:
    return [k for k in COLUMNS if k in set(keys)]


def _save_columns(actor: Actor, keys: list[str]) -> None:
    try:
        with db() as session:
            set_preference(session, actor=actor, key=LEDGER_COLUMNS, value=keys)
    except LedgerError as exc:
        st.toast(in_language(str(exc)), icon=":material/error:")
        return
    st.session_state[SAVED_KEY] = keys


def _columns_changed(actor: Actor) -> None:
    chosen = _in_order(st.session_state.get(COLUMNS_KEY) or [])
    if not chosen:
        st.session_state[COLUMNS_KEY] = list(st.session_state.get(SAVED_KEY) or DEFAULT_COLUMNS)
        st.toast(t("ledger.columns_empty"), icon=":material/info:")
        return
    st.session_state[COLUMNS_KEY] = chosen
    _save_columns(actor, chosen)


def _columns_reset(actor: Actor) -> None:
    st.session_state[COLUMNS_KEY] = list(DEFAULT_COLUMNS)
    _save_columns(actor, list(DEFAULT_COLUMNS))


def column_choice(actor: Actor) -> list[str]:
    """The column keys the reader shows, in the table's order: their stored choice (read once a
    session), else DEFAULT_COLUMNS; a popover changes and stores it."""
    if COLUMNS_KEY not in st.session_state:
        with db() as session:
            stored = get_preference(session, actor=actor, key=LEDGER_COLUMNS)
        st.session_state[SAVED_KEY] = stored
        st.session_state[COLUMNS_KEY] = _in_order(stored or DEFAULT_COLUMNS)
    with st.popover(t("ledger.columns"), icon=":material/view_column:", width="stretch"):
        st.multiselect(t("ledger.columns_pick"), list(COLUMNS), key=COLUMNS_KEY,
                       format_func=lambda k: t(COLUMNS[k]), on_change=_columns_changed, args=(actor,))
        st.button(t("ledger.columns_reset"), key="ledger_columns_reset", on_click=_columns_reset,
                  args=(actor,), icon=":material/restart_alt:")
    return _in_order(st.session_state[COLUMNS_KEY]) or list(DEFAULT_COLUMNS)


def seen_versions(rows) -> dict[int, int]:
    """Each row's version as the reader saw it (drawn by the previous run; a row new on screen:
    as now), and remember this run's for the next."""
    before = st.session_state.get(SEEN_KEY, {})
    st.session_state[SEEN_KEY] = {r.id: r.version for r in rows}
    return {r.id: before.get(r.id, r.version) for r in rows}


def table_key(rows) -> str:
    """The table's widget key: another page, filter or a finished batch gives other rows or a new
    generation, and so a clean selection (ticks never carry over to rows they did not mean)."""
    ids = ",".join(str(r.id) for r in rows)
    return f"ledger_table_{st.session_state.get(GEN_KEY, 0)}_{zlib.crc32(ids.encode()):08x}"


def _clear_selection() -> None:
    st.session_state[GEN_KEY] = st.session_state.get(GEN_KEY, 0) + 1
    st.session_state[PANEL_KEY] = None


def _open_panel(name: str | None) -> None:
    st.session_state[PANEL_KEY] = name


def batch_bar(actor: Actor, selected, *, seen: dict[int, int], flt: LedgerFilter, today: date) -> None:
    """What can be done with the rows ticked, for this role: open one, 交办 the drafts among them,
    催办 them, export just them; and the form of the batch move chosen. Shown (its buttons off)
    before anything is ticked too, so that a first tick does not push the rows down under the
    pointer."""
    none = not selected
    with st.container(border=True):
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            if none:
                st.caption(t("ledger.hint"), width="content")
            else:
                st.markdown(f"**{t('batch.selected', n=len(selected))}**", width="content")
            if len(selected) == 1:
                if st.button(t("batch.open", code=selected[0].code), key="ledger_open",
                             icon=":material/open_in_new:", type="primary"):
                    open_item(selected[0].id)
            if can(actor, "item.assign"):
                st.button(t("batch.assign"), key="ledger_batch_assign", icon=":material/assignment_ind:",
                          on_click=_open_panel, args=("assign",), disabled=none)
            if can(actor, "item.remind"):
                st.button(t("batch.remind"), key="ledger_batch_remind", icon=":material/campaign:",
                          on_click=_open_panel, args=("remind",), disabled=none)
            if can(actor, "ledger.export"):
                ids = [r.id for r in selected]
                st.download_button(t("batch.export"), key="ledger_export_selected",
                                   data=ledger_export(actor, flt, today, item_ids=ids), mime=XLSX,
                                   file_name=ledger_file_name(flt, today, selected=len(ids)),
                                   icon=":material/download:", on_click="ignore", disabled=none)
            if not none:
                st.button(t("batch.clear"), key="ledger_batch_clear", icon=":material/close:",
                          on_click=_clear_selection, type="tertiary")
        panel = None if none else st.session_state.get(PANEL_KEY)
        if panel == "assign" and can(actor, "item.assign"):
            _assign_panel(actor, selected, seen=seen, today=today)
        elif panel == "remind" and can(actor, "item.remind"):
            _remind_panel(actor, selected, today=today)


def _assign_panel(actor: Actor, selected, *, seen: dict[int, int], today: date) -> None:
    drafts = [r for r in selected if Status(r.status) is Status.DRAFT]
    others = [r for r in selected if Status(r.status) is not Status.DRAFT]
    st.markdown(f"**{t('batch.assign_title', n=len(drafts))}**")
    if others:
        st.warning(t("batch.skipped", n=len(others), codes=plain(joined(r.code for r in others))),
                   icon=":material/skip_next:")
    if not drafts:
        st.info(t("batch.assign_none"))
        st.button(t("batch.cancel"), key="ledger_assign_cancel", on_click=_open_panel, args=(None,))
        return
    with st.form("ledger_assign_form", border=False):
        c1, c2 = st.columns(2)
        day = c1.date_input(t("move.field.assigned_on"), value=today, max_value=today,
                            key="ledger_assign_on")
        doc_no = c2.text_input(t("move.field.assign_doc_no"), key="ledger_assign_doc")
        with st.container(horizontal=True):
            confirm = st.form_submit_button(t("batch.assign_confirm", n=len(drafts)), type="primary")
            cancel = st.form_submit_button(t("batch.cancel"))
    if cancel:
        _open_panel(None)
        st.rerun()
    if confirm:
        _assign(actor, {r.id: seen.get(r.id, r.version) for r in drafts}, day, doc_no)


def _assign(actor: Actor, items: dict[int, int], day: date, doc_no: str) -> None:
    try:
        with db() as session:
            assigned = assign_items(session, actor=actor, items=items, assigned_on=day,
                                    assign_doc_no=doc_no)
    except BatchRefused as exc:
        lines = [f"- **{plain(r.code)}**：{plain(in_language(r.reason))}" for r in exc.refusals]
        st.error(t("batch.refused") + "\n\n" + "\n".join(lines), icon=":material/block:")
        return
    except LedgerError as exc:
        show_error(exc)
        return
    flash(t("batch.assigned", n=len(assigned)))
    _clear_selection()
    st.rerun()


def _skip_text(key: str) -> str:
    return t(key) if key in i18n.CATALOGUE else key


def _remind_panel(actor: Actor, selected, *, today: date) -> None:
    st.markdown(f"**{t('batch.remind_title', n=len(selected))}**")
    with st.form("ledger_remind_form", border=False):
        note = st.text_area(t("batch.remind_note"), key="ledger_remind_note", height=80)
        with st.container(horizontal=True):
            confirm = st.form_submit_button(t("batch.remind_confirm", n=len(selected)), type="primary")
            cancel = st.form_submit_button(t("batch.cancel"))
    if cancel:
        _open_panel(None)
        st.rerun()
    if not confirm:
        return
    try:
        with db() as session:
            result = remind_items(session, actor=actor, item_ids=[r.id for r in selected], note=note,
                                  today=today)
    except LedgerError as exc:
        show_error(exc)
        return
    codes = {r.id: r.code for r in selected}
    if result.reminded:
        st.success(t("batch.reminded", n=len(result.reminded)), icon=":material/campaign:")
    if result.skipped:
        lines = joined(f"{codes.get(i, i)}（{_skip_text(why)}）" for i, why in result.skipped.items())
        st.warning(t("batch.remind_skipped", n=len(result.skipped), lines=plain(lines)))
