"""台账: the filtered, sorted, paged ledger (closed items hidden by default); a row opens the item,
and the Excel download holds exactly the filtered view (the same LedgerFilter drives both)."""

from datetime import date

import streamlit as st

from core.access.permissions import can
from core.ledger.query import list_items
from core.supervision.inspection_views import under_way_marks
from ui.common import current_actor, data_as_of, db, t
from ui.downloads import XLSX, ledger_export
from ui.filters import ledger_filter, sort_choice
from ui.item_views import open_item
from ui.ledger_table import ledger_column_config, ledger_frame

PAGE_SIZE = 50

actor = current_actor()
st.title(t("ledger.title"))
data_as_of()
with st.expander(t("ledger.filters"), expanded=True):
    flt = ledger_filter()
    sort = sort_choice()
page_no = st.session_state.get("ledger_page", 1)
with db() as session:
    page = list_items(session, actor=actor, flt=flt, sort=sort, today=date.today(),
                      page=page_no, page_size=PAGE_SIZE)
    marks = under_way_marks(session, [r.id for r in page.rows])   # 驻点督察中
if page.total and page_no > page.pages:  # the filter shrank the result: back to its last page
    st.session_state["ledger_page"] = page.pages
    st.rerun()

head = st.columns([3, 2, 1])
head[0].caption(t("ledger.count", total=page.total, page=page.page, pages=page.pages))
if can(actor, "ledger.export") and page.total:
    head[1].download_button(t("ledger.export", total=page.total), key="ledger_export",
                            data=ledger_export(actor, flt, date.today()), mime=XLSX,
                            file_name=t("ledger.export_file", day=date.today().isoformat()),
                            icon=":material/download:", on_click="ignore")
if can(actor, "item.create"):
    head[2].page_link("pages/item_form.py", label=t("ledger.new_item"), icon=":material/note_add:")
if not page.rows:
    st.info(t("ledger.empty"))
    st.stop()
picked = st.dataframe(ledger_frame(page.rows, marks=marks), hide_index=True, key="ledger_table",
                      on_select="rerun", selection_mode="single-row",
                      column_config=ledger_column_config())
if picked.selection.rows:
    open_item(page.rows[picked.selection.rows[0]].id)
st.caption(t("ledger.open_hint"))
st.number_input(t("ledger.page"), min_value=1, max_value=page.pages, step=1, key="ledger_page",
                persist_state="session")
