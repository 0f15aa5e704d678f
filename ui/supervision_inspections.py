"""The stationed and special inspections page's parts: the list, one inspection (its fields, the
items it follows, its records and the items it found), and the office's forms: open a special
inspection from clues, record a visit or finding, enter a problem found into the ledger, conclude.
Every write goes to core.supervision.inspections; refusals are explained, nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from core.access.permissions import Actor, can
from core.domain import Category, FollowUpKind, InspectionKind, InspectionState, ItemType, Stage
from core.ledger.rules import Reason
from core.reference_data import list_districts, list_units
from core.supervision.inspection_views import FollowedItem, InspectionDetail, InspectionRow, clue_sources
from core.supervision.inspections import (
    conclude_inspection,
    open_inspection,
    record_follow_up,
    record_found_item,
)
from ui.common import db, label, t
from ui.forms import attempt, flash, forget_version
from ui.item_views import open_item
from ui.supervision import open_inspection as open_page
from ui.supervision import reason_name
from ui.text import plain

KINDS = ("all", InspectionKind.STATIONED.value, InspectionKind.SPECIAL.value)
CITYWIDE = -1


def state_text(state: InspectionState | None) -> str:
    return label(state) if state else "—"


def inspection_list(rows: list[InspectionRow], key: str) -> None:
    frame = pd.DataFrame({
        t("inspection.field.name"): [r.name for r in rows],
        t("inspection.field.kind"): [label(r.kind) for r in rows],
        t("inspection.col.state"): [state_text(r.state) for r in rows],
        t("inspection.field.team"): [r.team for r in rows],
        t("inspection.col.where"): [r.place or r.subject for r in rows],
        t("inspection.field.started_on"): [r.started_on for r in rows],
        t("inspection.field.ended_on"): [r.ended_on for r in rows],
        t("inspection.col.followed"): [r.followed for r in rows],
        t("inspection.col.records"): [r.records for r in rows],
        t("inspection.col.found"): [r.found for r in rows]})
    picked = st.dataframe(frame, hide_index=True, key=key, on_select="rerun", selection_mode="single-row")
    if picked.selection.rows:
        open_page(rows[picked.selection.rows[0]].id)


def kind_picker() -> str:
    return st.segmented_control(t("inspection.field.kind"), KINDS, default="all", required=True,
                                format_func=lambda k: t("ledger.any") if k == "all"
                                else label(InspectionKind(k)), key="insp_kind")


def _run(write: Callable, message: str, inspection_id: int | None = None) -> None:
    def go() -> None:
        with db() as session:
            write(session)
    if attempt(go):
        if inspection_id:
            forget_version("inspection", inspection_id)
        flash(message)
        st.rerun()


def clues_form(actor: Actor) -> None:
    """A special inspection opened from clues found in a daily or routine inspection."""
    if not can(actor, "inspection.open"):
        return
    with db() as session:
        origins = dict(clue_sources(session))
    today = date.today()
    with st.expander(t("inspection.open_special")), st.form("special_from_clues"):
        origin = st.selectbox(t("inspection.field.origin"), list(origins), format_func=origins.get,
                              index=None, key="clue_origin", placeholder=t("item_form.choose"))
        clues = st.text_area(t("inspection.field.clues"), key="clue_text")
        name = st.text_input(t("inspection.field.name"), key="clue_name",
                             placeholder=t("inspection.name_placeholder.special", year=today.year))
        subject = st.text_area(t("inspection.field.subject"), key="clue_subject")
        c1, c2, c3 = st.columns(3)
        team = c1.text_input(t("inspection.field.team"), key="clue_team")
        start = c2.date_input(t("inspection.field.started_on"), value=today, key="clue_start")
        end = c3.date_input(t("inspection.field.planned_end"), value=today + timedelta(days=45),
                            key="clue_end")
        if st.form_submit_button(t("inspection.open_special"), type="primary"):
            _run(lambda s: open_inspection(s, actor=actor, kind=InspectionKind.SPECIAL, name=name,
                                           subject=subject, team=team, started_on=start, ended_on=end,
                                           origin_inspection_id=origin, clues=clues),
                 t("inspection.opened", name=name, n=0))


# ---------------------------------------------------------------- one inspection

def header(d: InspectionDetail) -> None:
    r = d.row
    st.title(r.name)
    cols = st.columns(5)
    cols[0].metric(t("inspection.field.kind"), label(r.kind))
    cols[1].metric(t("inspection.col.state"), state_text(r.state))
    cols[2].metric(t("inspection.field.started_on"), r.started_on.isoformat() if r.started_on else "—")
    end = "inspection.field.planned_end" if r.state == InspectionState.OPEN else "inspection.field.ended_on"
    cols[3].metric(t(end), r.ended_on.isoformat() if r.ended_on else "—")
    cols[4].metric(t("inspection.col.followed"), r.followed)
    lines = [(t("inspection.field.team"), r.team), (t("inspection.field.place"), r.place),
             (t("inspection.field.subject"), r.subject), (t("inspection.field.origin"), d.origin),
             (t("inspection.field.clues"), d.clues), (t("inspection.field.conclusion"), d.conclusion),
             (t("inspection.field.finding"), d.finding)]
    st.markdown("  \n".join(f"**{k}**：{plain(v)}" for k, v in lines if v))


def items_frame(items: list[FollowedItem], *, reasons: bool) -> pd.DataFrame:
    frame = {t("col.code"): [i.code for i in items],
             t("col.district"): [i.district or t("district.citywide") for i in items],
             t("col.status"): [label(i.status) for i in items]}
    if reasons:
        frame[t("inspection.col.reasons_then")] = [
            t("list.sep").join(reason_name(Reason(r)) for r in i.reasons) for i in items]
    frame[t("col.description")] = [i.description for i in items]
    return pd.DataFrame(frame)


def item_table(items: list[FollowedItem], key: str, *, reasons: bool) -> None:
    picked = st.dataframe(items_frame(items, reasons=reasons), hide_index=True, key=key,
                          on_select="rerun", selection_mode="single-row")
    if picked.selection.rows:
        open_item(items[picked.selection.rows[0]].id)


def records(d: InspectionDetail) -> None:
    if not d.records:
        st.info(t("inspection.no_records"))
    for r in d.records:
        with st.container(border=True):
            about = f" · {plain(r.item_code)}" if r.item_code else ""
            place = f" · {plain(r.place)}" if r.place else ""
            st.markdown(f"**{label(r.kind)}** · {r.recorded_on.isoformat()}{place}{about}")
            st.markdown(plain(r.text))
            if r.by:
                st.caption(plain(r.by))


# ---------------------------------------------------------------- forms while under way

def follow_up_form(actor: Actor, d: InspectionDetail) -> None:
    items = {i.id: f"{i.code} {i.description[:24]}" for i in d.followed}
    with st.expander(t("inspection.add_record"), expanded=True), st.form(f"record_{d.row.id}"):
        c1, c2 = st.columns(2)
        kind = c1.selectbox(t("inspection.field.record_kind"), list(FollowUpKind), format_func=label,
                            key=f"rec_kind_{d.row.id}")
        day = c2.date_input(t("inspection.field.recorded_on"), value=date.today(),
                            max_value=date.today(), key=f"rec_day_{d.row.id}")
        item = c1.selectbox(t("inspection.field.item"), [None, *items], key=f"rec_item_{d.row.id}",
                            format_func=lambda i: t("inspection.whole") if i is None else items[i])
        place = c2.text_input(t("inspection.field.place"), key=f"rec_place_{d.row.id}")
        text = st.text_area(t("inspection.field.text"), key=f"rec_text_{d.row.id}")
        if st.form_submit_button(t("inspection.add_record"), type="primary"):
            _run(lambda s: record_follow_up(s, actor=actor, inspection_id=d.row.id, kind=kind,
                                            recorded_on=day, text=text, place=place, item_id=item),
                 t("inspection.recorded"))


def found_item_form(actor: Actor, d: InspectionDetail) -> None:
    """A problem the inspection found, entered into the ledger as a new item (待交办)."""
    with db() as session:
        districts = {CITYWIDE: t("district.citywide"), **{x.id: x.name for x in list_districts(session)}}
        units = {u.id: u.short_name for u in list_units(session)}
    k = f"found_{d.row.id}"
    with st.expander(t("inspection.add_found")), st.form(k):
        description = st.text_area(t("item.field.description"), key=f"{k}_desc")
        c1, c2, c3 = st.columns(3)
        category = c1.selectbox(t("item.field.category"), list(Category), format_func=label,
                                index=None, key=f"{k}_cat", placeholder=t("item_form.choose"))
        district = c2.selectbox(t("item.field.district_id"), list(districts), format_func=districts.get,
                                index=None, key=f"{k}_district", placeholder=t("item_form.choose"))
        lead = c3.selectbox(t("item.field.lead_unit_id"), list(units), format_func=units.get,
                            index=None, key=f"{k}_lead", placeholder=t("item_form.choose"))
        deadline = c1.text_input(t("item.field.deadline"), key=f"{k}_deadline",
                                 help=t("item_form.deadline_help"))
        stage = c2.selectbox(t("item.field.stage"), list(Stage), format_func=label, index=None,
                             key=f"{k}_stage", placeholder=t("item_form.choose"))
        item_type = c3.selectbox(t("item.field.item_type"), list(ItemType), format_func=label,
                                 index=list(ItemType).index(ItemType.DAILY), key=f"{k}_type")
        if st.form_submit_button(t("inspection.add_found"), type="primary"):
            values = dict(description=description, category=category, lead_unit_id=lead,
                          district_id=None if district in (None, CITYWIDE) else district,
                          deadline=deadline, stage=stage, item_type=item_type)
            _run(lambda s: record_found_item(s, actor=actor, inspection_id=d.row.id, values=values),
                 t("inspection.found_saved"))


def conclude_form(actor: Actor, d: InspectionDetail, seen: int) -> None:
    special = d.row.kind is InspectionKind.SPECIAL
    with st.expander(t("inspection.conclude")), st.form(f"conclude_{d.row.id}"):
        day = st.date_input(t("inspection.field.ended_on"), value=date.today(), max_value=date.today(),
                            key=f"end_day_{d.row.id}")
        conclusion = st.text_area(t("inspection.field.conclusion"), key=f"end_conclusion_{d.row.id}")
        finding = st.text_area(t("inspection.field.finding") + ("" if special else t("inspection.optional")),
                               key=f"end_finding_{d.row.id}", help=t("inspection.finding_help"))
        if st.form_submit_button(t("inspection.conclude"), type="primary"):
            _run(lambda s: conclude_inspection(s, actor=actor, inspection_id=d.row.id,
                                               expected_version=seen, ended_on=day,
                                               conclusion=conclusion, finding=finding),
                 t("inspection.concluded"), d.row.id)


def office_forms(actor: Actor, d: InspectionDetail, seen: int) -> None:
    if d.row.state != InspectionState.OPEN or not can(actor, "inspection.follow_up"):
        return
    follow_up_form(actor, d)
    found_item_form(actor, d)
    conclude_form(actor, d, seen)
