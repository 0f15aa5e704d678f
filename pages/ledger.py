"""台账: the filtered, sorted, paged ledger (closed items hidden by default), everyday work first.

The working columns come first and the reader picks which columns show (kept per user,
core.access.preferences); state and deadline read as tags; a page of rows shows whole, without a
scroll box of its own. Rows ticked in the table are worked on together (ui.ledger_table.batch_bar: 交办,
催办, export of just them, opening one). Other pages link in with query parameters
(ui.filters.LINK_PARAMS). The Excel download holds exactly the filtered view (the same
LedgerFilter drives both), its file name saying what it holds."""

from datetime import date

import streamlit as st

from core.access.permissions import can
from core.ledger.query import list_items
from core.ledger.rules import load_rule_settings
from core.supervision.inspection_views import under_way_marks
from ui.common import current_actor, data_as_of, db, t
from ui.downloads import XLSX, ledger_export, ledger_file_name
from ui.filters import active_filters, apply_link, ledger_filter, sort_choice
from ui.forms import show_flash
from ui.ledger_table import (
    batch_bar,
    column_choice,
    column_labels,
    ledger_column_config,
    ledger_frame,
    ledger_styled,
    pager,
    seen_versions,
    table_key,
)

PAGE_SIZE = 50

actor = current_actor()
today = date.today()
st.title(t("ledger.title"))
data_as_of()
show_flash()
apply_link()
active = active_filters()
with st.expander(t("ledger.filters_on", n=active) if active else t("ledger.filters"),
                 icon=":material/filter_list:"):
    flt = ledger_filter()
    sort = sort_choice()
page_no = st.session_state.get("ledger_page", 1)
with db() as session:
    page = list_items(session, actor=actor, flt=flt, sort=sort, today=today,
                      page=page_no, page_size=PAGE_SIZE)
    marks = under_way_marks(session, [r.id for r in page.rows])   # 驻点督察中
    soon_days = load_rule_settings(session).due_soon_days
if page.total and page_no > page.pages:  # the filter shrank the result: back to its last page
    st.session_state["ledger_page"] = page.pages
    st.rerun()

head = st.columns([5, 2, 3, 2], vertical_alignment="center")
with head[0]:
    pager(page, key="top")
with head[1]:
    shown = column_choice(actor)
if can(actor, "ledger.export") and page.total:
    head[2].download_button(t("ledger.export_short", total=page.total), key="ledger_export",
                            help=t("ledger.export", total=page.total),
                            data=ledger_export(actor, flt, today), mime=XLSX,
                            file_name=ledger_file_name(flt, today),
                            icon=":material/download:", on_click="ignore", width="stretch")
if can(actor, "item.create"):
    head[3].page_link("pages/item_form.py", label=t("ledger.new_item"), icon=":material/note_add:")
if not page.rows:
    st.info(t("ledger.empty"))
    st.stop()
seen = seen_versions(page.rows)
bar = st.container()   # above the table, always there (a tick must not move the rows): the batch bar
frame = ledger_frame(page.rows, marks=marks, today=today, soon_days=soon_days)
picked = st.dataframe(ledger_styled(frame, page.rows, today=today, soon_days=soon_days),
                      hide_index=True, key=table_key(page.rows), on_select="rerun",
                      selection_mode="multi-row", height="content",
                      column_order=column_labels(shown), column_config=ledger_column_config())
selected = [page.rows[i] for i in picked.selection.rows if i < len(page.rows)]
with bar:
    batch_bar(actor, selected, seen=seen, flt=flt, today=today)
if page.pages > 1:
    pager(page, key="bottom")
