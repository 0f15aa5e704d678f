"""督办通知: the list (a unit user: the notices addressed to its unit), and one notice (?id=) with
its items, each unit's response, the escalations; the unit answers here, a coordinator escalates
or lifts. Core checks every write again (core.supervision.notices)."""

from datetime import date

import streamlit as st

from core.errors import NotFound, PermissionDenied
from core.supervision.notice_views import list_notices, notice_detail
from ui.common import current_actor, data_as_of, db, t
from ui.forms import seen_version, show_error, show_flash
from ui.item_views import item_id_param
from ui.supervision_notices import (
    escalations,
    header,
    items_table,
    notice_list,
    office_forms,
    reload_button,
    response_form,
    responses,
    show_picker,
)

PAGE_SIZE = 50

actor = current_actor()
today = date.today()
notice_id = item_id_param()   # ?id=
show_flash()

if notice_id is None:
    st.title(t("notices.title"))
    data_as_of()
    show = show_picker()
    page_no = st.session_state.get("notice_page", 1)
    with db() as session:
        page = list_notices(session, actor=actor, today=today, show=show, page=page_no,
                            page_size=PAGE_SIZE)
    st.caption(t("ledger.count", total=page.total, page=page.page, pages=page.pages))
    if not page.rows:
        st.info(t("notices.empty"))
        st.stop()
    notice_list(page.rows, today, key=f"notice_list_{show}_{page_no}")
    st.number_input(t("ledger.page"), min_value=1, max_value=page.pages, step=1, key="notice_page")
    st.stop()

try:
    with db() as session:
        detail = notice_detail(session, actor=actor, notice_id=notice_id, today=today)
except (PermissionDenied, NotFound) as exc:
    st.title(t("notices.title"))
    show_error(exc)
    st.page_link("pages/notices.py", label=t("notices.back"), icon=":material/arrow_back:")
    st.stop()

seen = seen_version("notice", notice_id, detail.notice.version)
with st.container(horizontal=True, vertical_alignment="center"):
    st.page_link("pages/notices.py", label=t("notices.back"), icon=":material/arrow_back:")
    reload_button(notice_id, detail.notice.version)
header(detail, today)
if seen != detail.notice.version:
    st.warning(t("notice.changed_since"), icon=":material/sync_problem:")
left, right = st.columns([3, 2], gap="large")
with left:
    items_table(detail, key=f"notice_items_{notice_id}")
    escalations(detail)
with right:
    responses(actor, detail)
    response_form(actor, detail)
    office_forms(actor, detail, seen)
