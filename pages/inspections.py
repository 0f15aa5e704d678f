"""驻点与专项督察: stationed and special inspections — the list (a special one may be opened here
from clues found in daily or routine inspection), and one inspection (?id=) with the items it
follows, its visits and findings, the problems it found (new ledger items linked to it), and its
conclusion. Core checks every write again (core.supervision.inspections)."""

import streamlit as st

from core.domain import InspectionKind
from core.errors import NotFound, PermissionDenied
from core.supervision.inspection_views import inspection_detail, list_inspections
from ui.common import current_actor, data_as_of, db, t
from ui.forms import seen_version, show_error, show_flash
from ui.item_views import item_id_param
from ui.supervision_inspections import (
    clues_form,
    header,
    inspection_list,
    item_table,
    kind_picker,
    office_forms,
    records,
)

actor = current_actor()
inspection_id = item_id_param()   # ?id=
show_flash()

if inspection_id is None:
    st.title(t("inspections.title"))
    data_as_of()
    kind = kind_picker()
    with db() as session:
        rows = list_inspections(session, actor=actor,
                                kind=None if kind == "all" else InspectionKind(kind))
    clues_form(actor)
    if not rows:
        st.info(t("inspections.empty"))
        st.stop()
    inspection_list(rows, key=f"insp_list_{kind}")
    st.stop()

try:
    with db() as session:
        detail = inspection_detail(session, actor=actor, inspection_id=inspection_id)
except (PermissionDenied, NotFound) as exc:
    st.title(t("inspections.title"))
    show_error(exc)
    st.page_link("pages/inspections.py", label=t("inspections.back"), icon=":material/arrow_back:")
    st.stop()

seen = seen_version("inspection", inspection_id, detail.version)
st.page_link("pages/inspections.py", label=t("inspections.back"), icon=":material/arrow_back:")
header(detail)
if seen != detail.version:
    st.warning(t("inspection.changed_since"), icon=":material/sync_problem:")
left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(t("inspection.followed", n=len(detail.followed)))
    if detail.followed:
        item_table(detail.followed, key=f"insp_followed_{inspection_id}", reasons=True)
    st.subheader(t("inspection.found", n=detail.row.found))
    if detail.found:
        item_table(detail.found, key=f"insp_found_{inspection_id}", reasons=False)
with right:
    office_forms(actor, detail, seen)
    st.subheader(t("inspection.records", n=len(detail.records)))
    records(detail)
