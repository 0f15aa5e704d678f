"""移送移交: the list with its filters and the flow chart; one referral (?id=) with its timeline,
items, files, the 移送书 and 回执, and the steps the reader may take now; a new referral (?new=1,
with ?item= when opened from an item). Units see only the referrals from or to their unit."""

from datetime import date

import streamlit as st

from core.access.permissions import can
from core.errors import NotFound, PermissionDenied
from core.referrals.moves import changes_since
from core.referrals.query import list_referrals, referral_detail, referral_flow
from ui import referral_views as views
from ui.common import current_actor, data_as_of, db, t
from ui.forms import (
    change_lines,
    form_generation,
    remember_version,
    reset_forms,
    seen_version,
    show_error,
    show_flash,
)
from ui.referral_actions import Ctx, action_panel
from ui.referral_form import record_form

PAGE_SIZE = 50
actor = current_actor()
today = date.today()
referral_id = views.referral_id_param()


def back() -> None:
    if st.button(t("referrals.back"), icon=":material/arrow_back:", key="ref_back", type="tertiary"):
        st.query_params.clear()
        st.rerun()


if st.query_params.get("new") and can(actor, "referral.record"):
    back()
    st.title(t("referrals.new_title"))
    item = st.query_params.get("item")
    record_form(actor, int(item) if item and item.isdigit() else None)
    st.stop()

if referral_id is not None:
    back()
    try:
        with db() as session:
            detail = referral_detail(session, actor=actor, referral_id=referral_id, today=today)
            seen = seen_version(views.SCOPE, referral_id, detail.version)
            changed = changes_since(session, referral_id, seen) if seen != detail.version else {}
    except (PermissionDenied, NotFound) as exc:
        st.title(t("referrals.title"))
        show_error(exc)
        st.stop()
    st.title(t("referrals.heading", code=detail.code))
    data_as_of()
    show_flash()
    if seen != detail.version:
        st.warning(t("referrals.changed_since", seen=seen, now=detail.version) + "\n\n"
                   + "\n".join(f"- {line}" for line in change_lines(changed)), icon=":material/sync_problem:")
        if st.button(t("item.reload"), icon=":material/refresh:", key="ref_reload"):
            remember_version(views.SCOPE, referral_id, detail.version)
            reset_forms(views.SCOPE, referral_id)
            st.rerun()
    views.detail_header(detail)
    views.documents_row(actor, detail)
    main, side = st.columns([3, 2], gap="large")
    with main:
        tabs = st.tabs([t("referrals.tab.case"), t("referrals.tab.items", n=len(detail.items)),
                        t("referrals.tab.steps", n=len(detail.steps)),
                        t("referrals.tab.files", n=len(detail.attachments))])
        with tabs[0]:
            views.detail_fields(detail)
        with tabs[1]:
            views.related_items(detail)
        with tabs[2]:
            views.steps_timeline(actor, detail)
        with tabs[3]:
            views.files_list(actor, detail)
    with side:
        st.subheader(t("referrals.actions"))
        action_panel(Ctx(actor, detail, seen, form_generation(views.SCOPE, referral_id)))
    st.stop()

st.title(t("referrals.title"))
data_as_of()
show_flash()
if can(actor, "referral.record"):
    if st.button(t("referrals.new"), icon=":material/add:", key="ref_new", type="primary"):
        st.query_params["new"] = "1"
        st.rerun()
with st.expander(t("ledger.filters"), expanded=False):
    flt = views.referral_filter(today)
page_no = st.session_state.get("referral_page", 1)
with db() as session:
    flow = referral_flow(session, actor=actor, flt=flt, today=today)
    page = list_referrals(session, actor=actor, flt=flt, today=today, page=page_no,
                          page_size=PAGE_SIZE)
if page.total and page_no > page.pages:
    st.session_state["referral_page"] = page.pages
    st.rerun()
views.flow_figures(flow)
views.flow_chart(flow)
st.caption(t("referrals.count", total=page.total, page=page.page, pages=page.pages))
if not page.rows:
    st.info(t("referrals.empty"))
    st.stop()
picked = views.referral_table(page)
if picked is not None:
    views.open_referral(picked)
st.caption(t("referrals.open_hint"))
st.number_input(t("ledger.page"), min_value=1, max_value=page.pages, step=1, key="referral_page",
                persist_state="session")
