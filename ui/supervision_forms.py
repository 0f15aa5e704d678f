"""From a selection of flagged items, one step to a 督办 notice, a stationed inspection or a special
inspection: each a form that calls one core write (core.supervision.notices.issue_notice,
core.supervision.inspections.open_inspection); core checks everything again and a refusal is
explained here with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import streamlit as st

from core.access.permissions import Actor, can
from core.domain import InspectionKind, SupervisionLevel
from core.supervision.flagged import FlaggedRow
from core.supervision.inspections import open_inspection
from core.supervision.notices import issue_notice
from ui.common import db, label, t
from ui.forms import attempt, flash, joined

ACTIONS = {"notice": "notice.issue", "stationed": "inspection.open", "special": "inspection.open"}
GEN_KEY = "lu_gen"      # bumped after a write: the table's selection and the forms start afresh


def generation() -> int:
    return st.session_state.get(GEN_KEY, 0)


def _done(message: str) -> None:
    flash(message)
    st.session_state[GEN_KEY] = generation() + 1
    st.rerun()


def _write(write: Callable, message: Callable[[object], str]) -> None:
    result = {}

    def run() -> None:
        with db() as session:
            result["text"] = message(write(session))

    if attempt(run):
        _done(result["text"])


def selection_actions(actor: Actor, rows: list[FlaggedRow]) -> None:
    """What the actor may do with the ticked rows: choose, fill in, submit."""
    allowed = [a for a, rule in ACTIONS.items() if can(actor, rule)]
    if not allowed:
        return
    if not rows:
        st.caption(t("long_unresolved.tick_hint"))
        return
    st.markdown(f"**{t('long_unresolved.selected', n=len(rows), codes=joined(r.code for r in rows))}**")
    action = st.segmented_control(t("long_unresolved.action"), allowed, required=True,
                                  default=allowed[0], format_func=lambda a: t(f"long_unresolved.do.{a}"),
                                  key=f"lu_action_{generation()}")
    {"notice": notice_form, "stationed": stationed_form, "special": special_form}[action](actor, rows)


def notice_form(actor: Actor, rows: list[FlaggedRow]) -> None:
    today, k = date.today(), f"lu_notice_{generation()}"
    with st.form(k):
        c1, c2, c3 = st.columns(3)
        level = c1.selectbox(t("notice.field.level"), list(SupervisionLevel), format_func=label,
                             index=2, key=f"{k}_level")
        doc_no = c2.text_input(t("notice.field.doc_no"), key=f"{k}_doc",
                               placeholder=t("notice.doc_placeholder", year=today.year))
        issued_on = c3.date_input(t("notice.field.issued_on"), value=today, max_value=today,
                                  key=f"{k}_issued")
        due_on = c1.date_input(t("notice.field.due_on"), value=today + timedelta(days=15),
                               key=f"{k}_due")
        content = st.text_area(t("notice.field.content"), key=f"{k}_content",
                               placeholder=t("notice.content_placeholder"))
        submitted = st.form_submit_button(t("long_unresolved.do.notice"), type="primary",
                                          icon=":material/campaign:")
    if submitted:
        _write(lambda s: issue_notice(s, actor=actor, item_ids=[r.id for r in rows], level=level,
                                      doc_no=doc_no, issued_on=issued_on, due_on=due_on,
                                      content=content),
               lambda n: t("notice.issued", doc=n.doc_no, n=len(rows), level=label(n.level)))


def stationed_form(actor: Actor, rows: list[FlaggedRow]) -> None:
    today, k = date.today(), f"lu_stationed_{generation()}"
    with st.form(k):
        c1, c2 = st.columns(2)
        team = c1.text_input(t("inspection.field.team"), key=f"{k}_team")
        place = c2.text_input(t("inspection.field.place"), key=f"{k}_place")
        name = c1.text_input(t("inspection.field.name"), key=f"{k}_name",
                             placeholder=t("inspection.name_placeholder.stationed", year=today.year))
        c3, c4 = c2.columns(2)
        started_on = c3.date_input(t("inspection.field.started_on"), value=today, key=f"{k}_start")
        ended_on = c4.date_input(t("inspection.field.planned_end"), value=today + timedelta(days=30),
                                 key=f"{k}_end")
        submitted = st.form_submit_button(t("long_unresolved.do.stationed"), type="primary",
                                          icon=":material/groups:")
    if submitted:
        _write(lambda s: open_inspection(s, actor=actor, kind=InspectionKind.STATIONED, name=name,
                                         team=team, place=place, started_on=started_on,
                                         ended_on=ended_on, item_ids=[r.id for r in rows]),
               lambda i: t("inspection.opened", name=i.name, n=len(rows)))


def special_form(actor: Actor, rows: list[FlaggedRow]) -> None:
    today, k = date.today(), f"lu_special_{generation()}"
    with st.form(k):
        name = st.text_input(t("inspection.field.name"), key=f"{k}_name",
                             placeholder=t("inspection.name_placeholder.special", year=today.year))
        subject = st.text_area(t("inspection.field.subject"), key=f"{k}_subject",
                               placeholder=t("inspection.subject_placeholder"))
        c1, c2, c3 = st.columns(3)
        team = c1.text_input(t("inspection.field.team"), key=f"{k}_team")
        started_on = c2.date_input(t("inspection.field.started_on"), value=today, key=f"{k}_start")
        ended_on = c3.date_input(t("inspection.field.planned_end"), value=today + timedelta(days=45),
                                 key=f"{k}_end")
        submitted = st.form_submit_button(t("long_unresolved.do.special"), type="primary",
                                          icon=":material/manage_search:")
    if submitted:
        _write(lambda s: open_inspection(s, actor=actor, kind=InspectionKind.SPECIAL, name=name,
                                         subject=subject, team=team, started_on=started_on,
                                         ended_on=ended_on, item_ids=[r.id for r in rows]),
               lambda i: t("inspection.opened", name=i.name, n=len(rows)))
