"""The ledger filter widgets: one LedgerFilter from one set of widgets, shared by table, map and
download. Choices come from core; widget state lives in session_state under `prefix`, kept for
the session (PERSIST), so the filter is still there after opening an item and coming back.

Other pages (总览, the map) link into the filtered 台账 with query parameters — `LINK_PARAMS`:
`district` (a district id or `citywide`), `status` (Status codes, comma-separated), `level`
(SourceLevel), `category` (Category), `overdue=1`, `long=1`, `closed=1`. When any is present
the filter is set from them alone (the kept filter and the other widgets are cleared), and they
are taken out of the address (`lang` stays); a value not understood is named in a warning."""

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


LINK_PARAMS = ("district", "status", "level", "category", "overdue", "long", "closed")
MULTI = ("district", "status", "category", "level", "kind", "type", "supervision")  # widget key suffixes
FLAGS = {"overdue": "overdue", "long": "long", "closed": "closed"}  # parameter → toggle key suffix


def _codes(raw: str, enum, unknown: list[str], name: str) -> list:
    known = []
    for part in (p.strip() for p in raw.split(",")):
        if part in {m.value for m in enum}:
            known.append(enum(part))
        elif part:
            unknown.append(f"{name}={part}")
    return known


def _district_values(raw: str, districts: dict, unknown: list[str]) -> list[int]:
    known = []
    for part in (p.strip() for p in raw.split(",")):
        if part == "citywide":
            known.append(CITYWIDE)
        elif part.isdigit() and int(part) in districts:
            known.append(int(part))
        elif part:
            unknown.append(f"district={part}")
    return known


def apply_link(prefix: str = "ledger") -> None:
    """Set the filter from a link's query parameters (see the module docstring), drop them from
    the address and warn about what was not understood. Without such parameters: nothing."""
    params = {k: st.query_params.get(k, "") for k in LINK_PARAMS if k in st.query_params}
    if not params:
        return
    with db() as session:
        districts = {d.id: d.name for d in list_districts(session)}
    unknown: list[str] = []
    state = {f"{prefix}_{k}": [] for k in MULTI}
    state.update({f"{prefix}_unit": None, f"{prefix}_insp": None, f"{prefix}_search": ""})
    state.update({f"{prefix}_{v}": False for v in FLAGS.values()})
    state[f"{prefix}_district"] = _district_values(params.get("district", ""), districts, unknown)
    for name, enum in (("status", Status), ("level", SourceLevel), ("category", Category)):
        state[f"{prefix}_{name}"] = _codes(params.get(name, ""), enum, unknown, name)
    for name, suffix in FLAGS.items():
        if name in params:
            if params[name] in ("1", "0"):
                state[f"{prefix}_{suffix}"] = params[name] == "1"
            else:
                unknown.append(f"{name}={params[name]}")
    st.session_state.update(state)
    st.session_state[f"{prefix}_page"] = 1
    for name in params:
        del st.query_params[name]
    if unknown:
        st.warning(t("ledger.link_unknown", what=t("list.sep").join(unknown)), icon=":material/link_off:")


def ledger_filter(prefix: str = "ledger") -> LedgerFilter:
    """Render the filter widgets and return what they say (first taking a link's query
    parameters, when it has any, as the filter)."""
    with db() as session:
        districts = {d.id: d.name for d in list_districts(session)}
        units = {u.id: u.short_name for u in list_units(session)}
        inspections = dict(inspection_choices(session))
    apply_link(prefix)
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


def active_filters(prefix: str = "ledger") -> int:
    """How many filter widgets hold something (what the collapsed filter's title counts)."""
    keys = [f"{prefix}_{k}" for k in (*MULTI, "unit", "insp", "search", *FLAGS.values())]
    return sum(bool(st.session_state.get(k)) for k in keys)


def supervision_label(value) -> str:
    return t("supervision.level.none") if value == UNSUPERVISED else label(SupervisionLevel(value))


def sort_choice(prefix: str = "ledger") -> Sort:
    c1, c2 = st.columns([3, 1])
    key = c1.selectbox(t("ledger.sort"), list(SORTS), format_func=lambda k: t(f"sort.{k}"),
                       key=f"{prefix}_sort", persist_state=PERSIST)
    return Sort(key, c2.toggle(t("ledger.descending"), key=f"{prefix}_desc", persist_state=PERSIST))
