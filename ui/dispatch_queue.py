"""我的待办's 季调度 section: the open rounds a unit still has items to report in (or, for the
office, the open rounds and how far the units are), each with a link to the round."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.access.permissions import Actor
from core.dispatch.reports import PendingRound, rounds_to_report
from core.domain import Role
from core.formatting import format_count
from ui.common import db, lang, t

PAGE = "pages/dispatch.py"


def _when(p: PendingRound, today: date) -> str:
    days = p.days_left(today)
    if days == 0:
        return t("my_actions.due_today")
    return t("my_actions.days_left", n=days) if days > 0 else t("my_actions.days_late", n=-days)


def dispatch_section(actor: Actor, today: date) -> int:
    """Render the section if there is anything to show; returns the items still to report."""
    if actor.role not in (Role.UNIT, Role.COORDINATOR, Role.ADMIN):
        return 0
    with db() as session:
        pending = [p for p in rounds_to_report(session, actor=actor) if p.outstanding]
    if not pending:
        return 0
    outstanding = sum(p.outstanding for p in pending)
    key = "unit" if actor.role is Role.UNIT else "office"
    st.subheader(t(f"dispatch.queue.{key}", n=format_count(outstanding, lang())))
    st.dataframe(pd.DataFrame({
        t("dispatch.queue.round"): [f"{p.year} Q{p.quarter} · {p.title}" for p in pending],
        t("dispatch.field.report_by"): [p.report_by.isoformat() for p in pending],
        t("my_actions.col.when"): [_when(p, today) for p in pending],
        t("dispatch.queue.items"): [p.items for p in pending],
        t("dispatch.queue.outstanding"): [p.outstanding for p in pending]}),
        hide_index=True, key="queue_dispatch")
    for p in pending:
        st.page_link(PAGE, label=t(f"dispatch.queue.go_{key}", title=p.title, n=p.outstanding),
                     icon=":material/assignment_turned_in:", query_params={"round": str(p.round_id)})
    return outstanding
