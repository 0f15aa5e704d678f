"""台账: the filtered, sorted, paged ledger (closed items hidden by default)."""

from datetime import date

import pandas as pd
import streamlit as st

from core.domain import Category, Status
from core.ledger_query import list_items
from ui.common import current_actor, data_as_of, db, label, t
from ui.filters import ledger_filter, sort_choice

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
if page.total and page_no > page.pages:  # the filter shrank the result: back to its last page
    st.session_state["ledger_page"] = page.pages
    st.rerun()

st.caption(t("ledger.count", total=page.total, page=page.page, pages=page.pages))
if not page.rows:
    st.info(t("ledger.empty"))
    st.stop()
st.dataframe(pd.DataFrame({
    t("col.code"): [r.code for r in page.rows],
    t("col.district"): [r.district or t("district.citywide") for r in page.rows],
    t("col.lead_unit"): [r.lead_unit for r in page.rows],
    t("col.category"): [label(r.category, Category) for r in page.rows],
    t("col.description"): [r.description for r in page.rows],
    t("col.deadline"): [r.deadline_text for r in page.rows],
    t("col.due_on"): [r.due_on for r in page.rows],
    t("col.status"): [label(r.status, Status) for r in page.rows],
    t("col.progress"): [r.progress_percent for r in page.rows],
    t("col.latest_progress_on"): [r.latest_progress_on for r in page.rows],
    t("col.days_overdue"): [r.days_overdue or None for r in page.rows],
}), hide_index=True, key="ledger_table",
    column_config={t("col.progress"): st.column_config.ProgressColumn(min_value=0, max_value=100,
                                                                      format="%d%%")})
st.number_input(t("ledger.page"), min_value=1, max_value=page.pages, step=1, key="ledger_page")
