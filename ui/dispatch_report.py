"""A responsible unit's part of a 季调度 round: its items and their state, and one form to report
progress on several of them at once (core.dispatch.reports.report_round).

Each item's version is the one the unit first saw (ui.forms.seen_version), so a colleague's
change in between is refused and explained instead of overwritten. Only items with a progress
text are reported; the others are left for later.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.access.permissions import Actor
from core.dispatch import reports
from core.dispatch.reports import RoundEntry, RoundItem
from core.dispatch.rounds import Round
from core.errors import FieldProblem, LedgerError, ValidationFailed
from core.formatting import format_count
from ui.common import db, label, lang, t
from ui.forms import flash, forget_version, form_generation, reset_forms, seen_version, show_error
from ui.text import plain

SCOPE = "dispatch"
PAGE_SIZE = 10


def unit_part(actor: Actor, rnd: Round, today: date) -> None:
    """The unit's own figures, the report form (while the round is open), and its items."""
    with db() as session:
        total, outstanding = reports.unit_items(session, actor=actor, round_id=rnd.id, today=today,
                                                outstanding_only=True, limit=PAGE_SIZE,
                                                offset=_offset())
        _, everything = reports.unit_items(session, actor=actor, round_id=rnd.id, today=today)
    reported = sum(1 for r in everything if r.reported_at)
    cols = st.columns(3)
    cols[0].metric(t("dispatch.unit.items"), format_count(rnd.items, lang()))
    cols[1].metric(t("dispatch.unit.reported"), format_count(reported, lang()))
    cols[2].metric(t("dispatch.unit.outstanding"), format_count(total, lang()))
    if not rnd.is_open:
        st.info(t("dispatch.unit.closed"), icon=":material/lock:")
    elif total:
        report_form(actor, rnd, outstanding, total)
    else:
        st.success(t("dispatch.unit.all_done"), icon=":material/task_alt:")
    st.subheader(t("dispatch.unit.list"))
    st.dataframe(items_frame(everything), hide_index=True, key="dispatch_my_items")


def _offset() -> int:
    return (st.session_state.get("dispatch_page", 1) - 1) * PAGE_SIZE


def report_form(actor: Actor, rnd: Round, rows: list[RoundItem], total: int) -> None:
    st.subheader(t("dispatch.unit.form", n=total))
    st.caption(t("dispatch.unit.form_hint", report_by=rnd.report_by.isoformat()))
    gen = form_generation(SCOPE, rnd.id)
    seen = {r.item_id: seen_version(SCOPE, r.item_id, r.version) for r in rows}
    with st.form(f"dispatch_report_{rnd.id}_{gen}"):
        filled = {}
        for r in rows:
            with st.container(border=True):
                st.markdown(f"**{plain(r.code)}** · {label(r.status)}"
                            + (f" · {t('dispatch.unit.due', day=r.due_on.isoformat())}" if r.due_on else ""))
                st.caption(plain(r.description))
                c1, c2 = st.columns([1, 4])
                percent = c1.number_input(t("dispatch.field.percent"), min_value=0, max_value=100,
                                          value=r.percent, step=5, key=f"dr_pct_{r.item_id}_{gen}")
                text = c2.text_area(t("dispatch.field.text"), key=f"dr_text_{r.item_id}_{gen}",
                                    height=68, placeholder=t("dispatch.unit.text_hint"))
                filled[r.item_id] = (percent, text)
        submitted = st.form_submit_button(t("dispatch.unit.submit"), type="primary")
    if total > PAGE_SIZE:
        st.number_input(t("ledger.page"), min_value=1, max_value=-(-total // PAGE_SIZE), step=1,
                        key="dispatch_page")
    if submitted:
        _submit(actor, rnd, filled, seen)


def _submit(actor: Actor, rnd: Round, filled: dict, seen: dict) -> None:
    entries = [RoundEntry(item_id, seen[item_id], int(percent), text)
               for item_id, (percent, text) in filled.items() if text and text.strip()]
    if not entries:
        show_error(ValidationFailed([FieldProblem(None, t("dispatch.field.text"),
                                                  t("dispatch.unit.none_filled"))]))
        return
    try:
        with db() as session:
            reports.report_round(session, actor=actor, round_id=rnd.id, entries=entries,
                                 reported_on=date.today())
    except LedgerError as exc:
        show_error(exc)
        return
    for entry in entries:
        forget_version(SCOPE, entry.item_id)
    reset_forms(SCOPE, rnd.id)
    flash(t("dispatch.unit.reported_flash", n=len(entries)))
    st.rerun()


def items_frame(rows: list[RoundItem]) -> pd.DataFrame:
    def state(r: RoundItem) -> str:
        if r.reported_at:
            return t("dispatch.item.late_report" if r.late else "dispatch.item.on_time")
        return t("dispatch.item.late" if r.late else "dispatch.item.not_yet")
    return pd.DataFrame({
        t("dispatch.col.code"): [r.code for r in rows],
        t("dispatch.col.description"): [r.description for r in rows],
        t("dispatch.col.item_status"): [label(r.status) for r in rows],
        t("dispatch.col.progress"): [f"{r.percent}%" for r in rows],
        t("dispatch.col.round_state"): [state(r) for r in rows],
        t("dispatch.col.reported_at"): [r.reported_at.strftime("%Y-%m-%d %H:%M") if r.reported_at
                                        else "" for r in rows]})
