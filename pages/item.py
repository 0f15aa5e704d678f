"""整改任务详情: every field, the units, the timeline with evidence, linked interviews and
referrals, and the actions the reader may take now (core decides again on every save)."""

from datetime import date

import streamlit as st

from core.access.permissions import can
from core.errors import NotFound, PermissionDenied
from core.ledger.items import changes_since
from core.ledger.timeline import item_detail, item_timeline
from core.reference_data import list_units
from ui.common import current_actor, data_as_of, db, t
from ui.forms import (
    change_lines,
    forget_version,
    form_generation,
    remember_version,
    reset_forms,
    seen_version,
    show_error,
    show_flash,
)
from ui.item_actions import Ctx, action_panel
from ui.item_views import (
    SCOPE,
    detail_sections,
    evidence_list,
    item_figures,
    item_id_param,
    item_summary,
    linked_records,
    print_link,
    timeline,
)
from ui.nav import page_paths_for
from ui.referral_links import new_referral_from_item
from ui.supervision import item_panel as supervision_panel

actor = current_actor()
item_id = item_id_param()


def back_links() -> None:
    if "pages/my_actions.py" in page_paths_for(actor.role):
        st.page_link("pages/my_actions.py", label=t("item.back_todo"), icon=":material/checklist:")
    st.page_link("pages/ledger.py", label=t("item.back_ledger"), icon=":material/table_view:")


if item_id is None:
    st.title(t("item.title"))
    with st.container(horizontal=True):
        back_links()
    st.info(t("item.pick"))
    st.stop()

try:
    with db() as session:
        detail = item_detail(session, actor=actor, item_id=item_id, today=date.today())
        entries = item_timeline(session, actor=actor, item_id=item_id)
        units = {u.id: u.short_name for u in list_units(session)}
        seen = seen_version(SCOPE, item_id, detail.version)
        changed = changes_since(session, item_id, seen) if seen != detail.version else {}
except (PermissionDenied, NotFound) as exc:
    st.title(t("item.title"))
    with st.container(horizontal=True):
        back_links()
    show_error(exc)
    st.stop()

with st.container(horizontal=True, vertical_alignment="center"):
    back_links()
    if st.button(t("item.reload"), icon=":material/refresh:", key="item_reload", type="tertiary"):
        remember_version(SCOPE, item_id, detail.version)
        reset_forms(SCOPE, item_id)
        st.rerun()
    if can(actor, "item.edit") and st.button(t("item.edit"), icon=":material/edit:", key="item_edit",
                                             type="tertiary"):
        forget_version("form", item_id)
        st.switch_page("pages/item_form.py", query_params={"id": str(item_id)})
    if can(actor, "referral.record") and st.button(t("item.refer"), icon=":material/gavel:",
                                                   key="item_refer", type="tertiary"):
        new_referral_from_item(item_id)
    print_link(item_id)
st.title(t("item.heading", code=detail.code))
data_as_of()
show_flash()
if seen != detail.version:
    st.warning(t("item.changed_since", seen=seen, now=detail.version) + "\n\n"
               + "\n".join(f"- {line}" for line in change_lines(changed, units)),
               icon=":material/sync_problem:")

item_figures(detail)
main, side = st.columns([3, 2], gap="large")
with main:
    item_summary(detail)
    supervision_panel(actor, item_id)   # 驻点督察中, 督办 notices
    tabs = st.tabs([t("item.tab.timeline", n=len(entries)), t("item.tab.detail"),
                    t("item.tab.evidence", n=len(detail.attachments)),
                    t("item.tab.links", n=len(detail.interviews) + len(detail.referrals))])
    with tabs[0]:
        timeline(actor, entries)
    with tabs[1]:
        detail_sections(detail)
    with tabs[2]:
        evidence_list(actor, detail)
    with tabs[3]:
        linked_records(detail)
with side:
    st.subheader(t("item.actions"))
    action_panel(Ctx(actor, detail, seen, units, form_generation(SCOPE, item_id)))
