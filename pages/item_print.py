"""一案一档: one item with its whole record, laid out for printing (to paper or to PDF from the
browser's print dialog): the fields by section, the units, the timeline (who / when / what /
why), the evidence with thumbnails, the linked interviews and referrals. Read with the same
permission as the item page (core.ledger.dossier), so an item out of a unit's scope is refused
here just as there."""

from datetime import date, datetime

import streamlit as st

from core.errors import NotFound, PermissionDenied
from core.ledger.dossier import item_dossier
from ui.common import current_actor, db, t
from ui.forms import show_error
from ui.item_views import (
    ITEM_PAGE,
    PRINT_CSS,
    dossier_html,
    dossier_thumbnails,
    item_id_param,
    print_button,
)

actor = current_actor()
item_id = item_id_param()
st.html(PRINT_CSS)


def back_link(readable: bool = True) -> None:
    """Back to the item; to the 台账 when there is no item to go back to (none given, or refused)."""
    if item_id is None or not readable:
        st.page_link("pages/ledger.py", label=t("item.back_ledger"), icon=":material/table_view:")
    else:
        st.page_link(ITEM_PAGE, label=t("print.back"), icon=":material/arrow_back:",
                     query_params={"id": str(item_id)})


if item_id is None:
    st.title(t("item_print.title"))
    back_link()
    st.info(t("print.pick"))
    st.stop()

try:
    with db() as session:
        dossier = item_dossier(session, actor=actor, item_id=item_id, today=date.today())
except (PermissionDenied, NotFound) as exc:
    st.title(t("item.title"))
    back_link(readable=False)
    show_error(exc)
    st.stop()

with st.container(horizontal=True, vertical_alignment="center", key="print_toolbar"):
    with st.container(width=140):
        print_button()
    back_link()
st.caption(t("print.hint"))
st.html(dossier_html(dossier.detail, dossier.timeline, dossier_thumbnails(actor, dossier.detail),
                     printed_by=actor.display_name or actor.username, printed_at=datetime.now()))
