"""The ledger filter widgets: one LedgerFilter from one set of widgets, shared by table, map and
download. Choices come from core; widget state lives in session_state under `prefix`, kept for
the session (PERSIST), so the filter is still there after opening an item and coming back."""

from __future__ import annotations

import streamlit as st

from core.domain import Category, InspectionKind, ItemType, SourceLevel, Status, SupervisionLevel
from core.ledger.query import SORTS, LedgerFilter, Sort, inspection_choices
from core.reference_data import list_districts, list_units
from ui.common import db, label, t

CITYWIDE = -1  # widget stand-in for "全市" (district None)
UNSUPERVISED = "none"  # widget stand-in for "未督办" (supervision level None)
PERSIST = "session"


def _multi(title_key: str, options, key: str, fmt=label):
    return tuple(st.multiselect(t(title_key), list(options), format_func=fmt, key=key,
                                placeholder=t("ledger.any"), persist_state=PERSIST))


def ledger_filter(prefix: str = "ledger") -> LedgerFilter:
    """Render the filter widgets and return what they say."""
    with db() as session:
        districts = {d.id: d.name for d in list_districts(session)}
        units = {u.id: u.short_name for u in list_units(session)}
        inspections = dict(inspection_choices(session))
    districts[CITYWIDE] = t("district.citywide")
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        picked = _multi("ledger.district", districts, f"{prefix}_district", fmt=districts.get)
        statuses = _multi("ledger.status", Status, f"{prefix}_status")
    with c2:
        unit = st.selectbox(t("ledger.unit"), [None, *units], key=f"{prefix}_unit",
                            format_func=lambda i: t("ledger.any") if i is None else units[i],
                            persist_state=PERSIST)
        categories = _multi("ledger.category", Category, f"{prefix}_category")
    with c3:
        levels = _multi("ledger.level", SourceLevel, f"{prefix}_level")
        kinds = _multi("ledger.kind", InspectionKind, f"{prefix}_kind")
    with c4:
        inspection = st.selectbox(t("ledger.inspection"), [None, *inspections], key=f"{prefix}_insp",
                                  format_func=lambda i: t("ledger.any") if i is None else inspections[i],
                                  persist_state=PERSIST)
        item_types = _multi("ledger.item_type", ItemType, f"{prefix}_type")
    s1, s2 = st.columns([3, 1])
    search = s1.text_input(t("ledger.search"), key=f"{prefix}_search", persist_state=PERSIST)
    with s2:
        supervision = _multi("ledger.supervision_level", [*SupervisionLevel, UNSUPERVISED],
                             f"{prefix}_supervision", fmt=supervision_label)
    t1, t2, t3 = st.columns(3)
    return LedgerFilter(
        district_ids=tuple(None if d == CITYWIDE else d for d in picked), unit_id=unit,
        inspection_id=inspection, levels=levels, kinds=kinds, item_types=item_types,
        categories=categories, statuses=statuses, search=search,
        supervision_levels=tuple(None if v == UNSUPERVISED else SupervisionLevel(v) for v in supervision),
        include_closed=t1.toggle(t("ledger.include_closed"), key=f"{prefix}_closed", persist_state=PERSIST),
        overdue_only=t2.toggle(t("ledger.overdue_only"), key=f"{prefix}_overdue", persist_state=PERSIST),
        long_unresolved_only=t3.toggle(t("ledger.long_only"), key=f"{prefix}_long", persist_state=PERSIST))


def supervision_label(value) -> str:
    return t("supervision.level.none") if value == UNSUPERVISED else label(SupervisionLevel(value))


def sort_choice(prefix: str = "ledger") -> Sort:
    c1, c2 = st.columns([3, 1])
    key = c1.selectbox(t("ledger.sort"), list(SORTS), format_func=lambda k: t(f"sort.{k}"),
                       key=f"{prefix}_sort", persist_state=PERSIST)
    return Sort(key, c2.toggle(t("ledger.descending"), key=f"{prefix}_desc", persist_state=PERSIST))
