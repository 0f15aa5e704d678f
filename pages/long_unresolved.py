"""久拖不决 (coordinators, admins; leaders read): the flagged items of a filter, most severe first,
with their reasons, counted by reason, district and unit; the Excel download is exactly this view.
Ticking rows leads in one step to a 督办 notice, a stationed or a special inspection.

Unit users have no such page: the list spans every unit, and each unit sees its own flagged items
in 我的待办 (core.ledger.action_queue) and on the 台账 (仅久拖不决)."""

from datetime import date

import streamlit as st

from core.access.permissions import can
from core.supervision.inspection_views import under_way_marks
from ui.common import current_actor, data_as_of, db, t
from ui.forms import show_flash
from ui.supervision_flagged import (
    by_place_charts,
    export_button,
    flagged_filter,
    flagged_table,
    flagged_view,
    reason_metrics,
    rule_caption,
)
from ui.supervision_forms import generation, selection_actions

PAGE_SIZE = 50

actor = current_actor()
today = date.today()
st.title(t("long_unresolved.title"))
data_as_of()
show_flash()
with st.expander(t("ledger.filters"), expanded=True):
    flt = flagged_filter()
page_no = st.session_state.get("lu_page", 1)
# the thresholds in force, read once: every figure below uses the same (cached per revision)
rules, counts, page = flagged_view(actor, flt, today, page_no, PAGE_SIZE)
with db() as session:
    marks = under_way_marks(session, [r.id for r in page.rows])
if counts.total and page_no > counts.pages(PAGE_SIZE):   # a narrower filter: back to its last page
    st.session_state["lu_page"] = counts.pages(PAGE_SIZE)
    st.rerun()

rule_caption(rules)
reason_metrics(counts)
if not counts.total:
    st.info(t("long_unresolved.empty"))
    st.stop()
by_place_charts(counts)

head = st.columns([3, 2])
head[0].caption(t("ledger.count", total=counts.total, page=page_no, pages=counts.pages(PAGE_SIZE)))
if can(actor, "ledger.export"):
    export_button(actor, flt, today, counts.total, head[1])
picked = flagged_table(page.rows, marks, key=f"lu_table_{page_no}_{generation()}")
st.number_input(t("ledger.page"), min_value=1, max_value=counts.pages(PAGE_SIZE), step=1,
                key="lu_page", persist_state="session")
selection_actions(actor, picked)
