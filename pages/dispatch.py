"""季调度: quarterly dispatch rounds of daily inspection. A coordinator opens a round, follows which
units have reported, exports the reminder list and closes it (its figures frozen); a unit
reports on its items; leaders and viewers read. The year view shows the year's figures."""

from datetime import date

import streamlit as st

from core.access.permissions import can
from core.dispatch.rounds import list_rounds
from core.domain import Role
from ui import dispatch, dispatch_report, dispatch_year
from ui.common import current_actor, data_as_of, db, t
from ui.forms import show_flash

actor = current_actor()
today = date.today()
st.title(t("dispatch.title"))
data_as_of()
show_flash()

if actor.role is not Role.UNIT:
    view = st.segmented_control(t("dispatch.view"), ("rounds", "year"), default="rounds",
                                required=True, key="dispatch_view",
                                format_func=lambda v: t(f"dispatch.view.{v}"))
    if view == "year":
        dispatch_year.year_view(actor, today)
        st.stop()
if can(actor, "dispatch.manage"):
    dispatch.open_round_form(actor, today)

with db() as session:
    rounds = list_rounds(session, actor=actor)
if not rounds:
    st.info(t("dispatch.none_unit" if actor.role is Role.UNIT else "dispatch.none"))
    st.stop()
rnd = dispatch.pick_round(rounds)
dispatch.round_header(rnd, today)

if actor.role is Role.UNIT:
    dispatch_report.unit_part(actor, rnd, today)
    st.stop()

rows = dispatch.statuses(actor, rnd, today)
if not rnd.is_open:
    st.caption(t("dispatch.snapshot_units"))
dispatch.status_overview(rows, rnd)
dispatch.reminder_download(actor, rnd, today, behind=sum(1 for r in rows if r.not_yet))
dispatch.manage_round(actor, rnd)
if not rnd.is_open:
    dispatch.snapshot_tables(actor, rnd)
