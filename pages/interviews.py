"""约谈: the interviews list (filtered, paged in SQL), one interview (?id=) with its timeline and the
actions the reader may take, and the 登记约谈 form (?new=1, coordinators and admins;
ui.interview_form)."""

from datetime import date

import streamlit as st

from core.access.permissions import can
from core.errors import NotFound, PermissionDenied
from core.interviews.access import changes_since
from core.interviews.query import interview_detail, list_interviews
from ui.common import current_actor, data_as_of, db, t
from ui.forms import (
    form_generation,
    remember_version,
    reset_forms,
    seen_version,
    show_error,
    show_flash,
)
from ui.interview_actions import Ctx, action_panel, field_label
from ui.interview_form import record_page
from ui.interview_views import (
    PAGE,
    SCOPE,
    detail_tabs,
    figures,
    interview_filter,
    interview_frame,
    open_interview,
    plan_state_metrics,
    warnings,
)
from ui.item_views import item_id_param

PAGE_SIZE = 50
actor = current_actor()
interview_id = item_id_param()
today = date.today()


def listing() -> None:
    st.title(t("interviews.title"))
    data_as_of()
    if can(actor, "interview.record") and st.button(t("interviews.new"), icon=":material/add:",
                                                    type="primary", key="iv_new"):
        st.switch_page(PAGE, query_params={"new": "1"})
    with st.expander(t("ledger.filters"), expanded=False):
        flt = interview_filter(actor)
    number = st.session_state.get("iv_page", 1)
    with db() as session:
        page = list_interviews(session, actor=actor, flt=flt, today=today, page=number,
                               page_size=PAGE_SIZE)
    plan_state_metrics(page)
    st.caption(t("interviews.count", total=page.total, page=page.page, pages=page.pages))
    if not page.rows:
        st.info(t("interviews.empty"))
        return
    picked = st.dataframe(interview_frame(page), hide_index=True, key="iv_table", on_select="rerun",
                          selection_mode="single-row")
    if picked.selection.rows:
        open_interview(page.rows[picked.selection.rows[0]].id)
    st.caption(t("interviews.open_hint"))
    st.number_input(t("ledger.page"), min_value=1, max_value=page.pages, step=1, key="iv_page",
                    persist_state="session")


def detail(interview_id: int) -> None:
    try:
        with db() as session:
            found = interview_detail(session, actor=actor, interview_id=interview_id, today=today)
            seen = seen_version(SCOPE, interview_id, found.version)
            changed = changes_since(session, interview_id, seen) if seen != found.version else {}
    except (PermissionDenied, NotFound) as exc:
        st.title(t("interviews.title"))
        st.page_link(PAGE, label=t("interviews.back"), icon=":material/arrow_back:")
        show_error(exc)
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        st.page_link(PAGE, label=t("interviews.back"), icon=":material/arrow_back:")
        if st.button(t("item.reload"), icon=":material/refresh:", key="iv_reload", type="tertiary"):
            remember_version(SCOPE, interview_id, found.version)
            reset_forms(SCOPE, interview_id)
            st.rerun()
    st.title(t("interviews.heading", code=found.code, unit=found.unit))
    data_as_of()
    show_flash()
    if changed:
        st.warning(t("interviews.changed_since") + "\n\n" + "\n".join(
            f"- {field_label(k)}" for k in changed), icon=":material/sync_problem:")
    warnings(found, can(actor, "settings.manage"))
    figures(found)
    main, side = st.columns([3, 2], gap="large")
    with main:
        detail_tabs(actor, found)
    with side:
        st.subheader(t("item.actions"))
        action_panel(Ctx(actor, found, seen, form_generation(SCOPE, interview_id)))


if st.query_params.get("new") and can(actor, "interview.record"):
    record_page(actor)
elif interview_id is not None:
    detail(interview_id)
else:
    listing()
