"""总览: counts by state, source level and district, for the signed-in user's scope."""

from datetime import date

import pandas as pd
import streamlit as st

from core.domain import Role, SourceLevel, Status
from core.ledger import stats
from core.reference_data import scope_label
from ui.common import current_actor, data_as_of, db, label, t

actor = current_actor()
st.title(t("overview.title"))
data_as_of()
today = date.today()
with db() as session:
    head = stats.headline(session, actor=actor, today=today)
    by_status = stats.items_by_status(session, actor=actor)
    by_level = stats.items_by_level(session, actor=actor, today=today)
    by_district = stats.items_by_district(session, actor=actor, today=today)
    scope = scope_label(session, unit_id=actor.unit_id, district_id=actor.district_id)

st.caption(t("overview.scope_unit", unit=scope) if actor.role is Role.UNIT
           else t("overview.scope_all"))
if head.total == 0:
    st.info(t("overview.empty"))
    st.stop()

cols = st.columns(5)
cols[0].metric(t("overview.total"), f"{head.total:,}")
cols[1].metric(t("overview.open"), f"{head.open:,}")
cols[2].metric(t("overview.closed"), f"{head.closed:,}")
cols[3].metric(t("overview.completion"), f"{head.completion_rate:.1%}")
cols[4].metric(t("overview.overdue"), f"{head.overdue:,}")
st.caption(t("overview.overdue_rule"))

left, right = st.columns(2)
with left:
    st.subheader(t("overview.by_status"))
    st.dataframe(pd.DataFrame({t("col.status"): [label(s.status, Status) for s in by_status],
                               t("col.items"): [s.items for s in by_status]}),
                 hide_index=True, key="by_status")
with right:
    st.subheader(t("overview.by_level"))
    st.dataframe(pd.DataFrame({t("col.level"): [label(r.level, SourceLevel) for r in by_level],
                               t("col.items"): [r.items for r in by_level],
                               t("col.closed"): [r.closed for r in by_level],
                               t("col.overdue"): [r.overdue for r in by_level]}),
                 hide_index=True, key="by_level")

st.subheader(t("overview.by_district"))
rows = [r for r in by_district if r.items or actor.role is not Role.UNIT]
st.dataframe(pd.DataFrame({
    t("col.district"): [r.name or t("district.citywide") for r in rows],
    t("col.items"): [r.items for r in rows],
    t("col.closed"): [r.closed for r in rows],
    t("col.overdue"): [r.overdue for r in rows],
    t("col.completion"): [r.completion_rate * 100 if r.items else None for r in rows],
}), hide_index=True, key="by_district",
    column_config={t("col.completion"): st.column_config.NumberColumn(format="%.1f%%")})
