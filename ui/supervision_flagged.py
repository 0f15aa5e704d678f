"""The 久拖不决 page's parts: its filter (reason, district, unit, source level, inspection), the rule
in words with the admin's thresholds, the counts by reason, district and unit, the table with a
multi-row selection, and the Excel download of the same view. Data come from
core.supervision.flagged; nothing here counts or filters by itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from core.access.permissions import Actor, require
from core.domain import SourceLevel, Status
from core.ledger.query import LedgerFilter, inspection_choices
from core.ledger.rules import Reason, RuleSettings
from core.reference_data import list_districts, list_units
from core.supervision.flagged import (
    FlaggedCounts,
    FlaggedPage,
    FlaggedRow,
    Tally,
    export_flagged,
    flagged_counts,
    flagged_page,
)
from core.supervision.inspection_views import Mark
from db.engine import session_scope
from ui import cache, charts
from ui.common import db, label, lang, settings, t
from ui.downloads import XLSX
from ui.supervision import level_text, mark_column, mark_link, reason_name, reasons_text

CITYWIDE = -1   # widget stand-in for "全市"
PERSIST = "session"
TOP = 12        # districts and units shown in the charts


@st.cache_data(ttl=cache.TTL_SECONDS, max_entries=32, show_spinner=False)
def _flagged(url: str, revision: int, today: date, rules: tuple, flt: LedgerFilter, page_no: int,
             page_size: int, _actor: Actor) -> tuple[FlaggedCounts, FlaggedPage]:
    # `_actor` is not part of the key: only office and leader accounts read this list, and all
    # of them see the whole city (the caller has checked the role).
    with session_scope(url) as session:
        thresholds = RuleSettings(*rules)
        return (flagged_counts(session, actor=_actor, flt=flt, today=today, rules=thresholds),
                flagged_page(session, actor=_actor, flt=flt, today=today, rules=thresholds,
                             page=page_no, page_size=page_size))


def flagged_view(actor: Actor, flt: LedgerFilter, today: date, page_no: int,
                 page_size: int) -> tuple[RuleSettings, FlaggedCounts, FlaggedPage]:
    """The thresholds in force, the counts and one page, computed once per ledger revision (a
    write, a settings change included, bumps it), day, thresholds, filter and page. Raises
    PermissionDenied for a role that may not read the list."""
    require(actor, "supervision.read")
    revision, _, rules = cache.ledger_state()
    counts, page = _flagged(settings().database_url, revision, today, astuple(rules), flt, page_no,
                            page_size, actor)
    return rules, counts, page


def flagged_filter(prefix: str = "lu") -> LedgerFilter:
    """The page's filter widgets (kept for the session), as a LedgerFilter."""
    with db() as session:
        districts = {d.id: d.name for d in list_districts(session)}
        units = {u.id: u.short_name for u in list_units(session)}
        inspections = dict(inspection_choices(session))
    districts[CITYWIDE] = t("district.citywide")
    c1, c2, c3 = st.columns([2, 2, 3])
    reasons = c1.multiselect(t("long_unresolved.reason"), list(Reason), format_func=reason_name,
                             key=f"{prefix}_reason", placeholder=t("ledger.any"), persist_state=PERSIST)
    picked = c2.multiselect(t("ledger.district"), list(districts), format_func=districts.get,
                            key=f"{prefix}_district", placeholder=t("ledger.any"), persist_state=PERSIST)
    levels = c3.multiselect(t("ledger.level"), list(SourceLevel), format_func=label,
                            key=f"{prefix}_level", placeholder=t("ledger.any"), persist_state=PERSIST)
    c4, c5 = st.columns([2, 3])
    unit = c4.selectbox(t("long_unresolved.unit"), [None, *units], key=f"{prefix}_unit",
                        format_func=lambda i: t("ledger.any") if i is None else units[i],
                        placeholder=t("ledger.any"), persist_state=PERSIST)
    inspection = c5.selectbox(t("ledger.inspection"), [None, *inspections], key=f"{prefix}_insp",
                              format_func=lambda i: t("ledger.any") if i is None else inspections[i],
                              placeholder=t("ledger.any"), persist_state=PERSIST)
    return LedgerFilter(reasons=tuple(reasons), long_unresolved_only=True,
                        district_ids=tuple(None if d == CITYWIDE else d for d in picked),
                        unit_id=unit, levels=tuple(levels), inspection_id=inspection)


def rule_caption(rules: RuleSettings) -> None:
    """The rule and the severity order, with the thresholds in force (the admin's)."""
    st.caption(t("long_unresolved.rule", stale=rules.stale_after_days, old=rules.old_after_days,
                 bounced=rules.bounce_threshold, extended=rules.extension_threshold,
                 reminded=rules.reminder_threshold))
    st.caption(t("long_unresolved.severity"))


def reason_metrics(counts: FlaggedCounts) -> None:
    cols = st.columns(len(Reason) + 1)
    cols[0].metric(t("long_unresolved.total"), f"{counts.total:,}")
    for col, reason in zip(cols[1:], Reason, strict=True):
        col.metric(reason_name(reason), f"{counts.by_reason[reason]:,}")


def _bars(tallies: list[Tally], name: Callable[[Tally], str], title_key: str):
    frame = pd.DataFrame({"name": [name(x) for x in tallies[:TOP]],
                          "items": [x.items for x in tallies[:TOP]]})
    chart = alt.Chart(frame).mark_bar(color=charts.PALETTE["overdue"], cornerRadiusEnd=3).encode(
        y=alt.Y("name:N", title=None, sort="-x", axis=alt.Axis(ticks=False, domain=False)),
        x=alt.X("items:Q", title=None, axis=alt.Axis(labelExpr=charts.axis_number_expr(lang()),
                                                     tickCount=4)),
        tooltip=[alt.Tooltip("name:N", title=t(title_key)),
                 alt.Tooltip("items:Q", title=t("long_unresolved.items"), format=",")])
    return charts.styled(chart.properties(height=24 * max(len(frame), 1) + 20), dark=False,
                         font_size=13)


def by_place_charts(counts: FlaggedCounts) -> None:
    """The most flagged districts and units (the first TOP of each)."""
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('long_unresolved.by_district', n=min(TOP, len(counts.by_district)))}**")
        if counts.by_district:
            st.altair_chart(_bars(counts.by_district, lambda x: x.name or t("district.citywide"),
                                  "ledger.district"), theme=None, key="lu_by_district")
    with right:
        st.markdown(f"**{t('long_unresolved.by_unit', n=min(TOP, len(counts.by_unit)))}**")
        if counts.by_unit:
            st.altair_chart(_bars(counts.by_unit, lambda x: x.name or "—", "long_unresolved.unit"),
                            theme=None, key="lu_by_unit")


def flagged_frame(rows: list[FlaggedRow], marks: dict[int, Mark]) -> pd.DataFrame:
    return pd.DataFrame({
        t("col.code"): [r.code for r in rows],
        t("col.district"): [r.district or t("district.citywide") for r in rows],
        t("long_unresolved.col.holder"): [r.holder for r in rows],
        t("long_unresolved.col.severity"): [r.severity for r in rows],
        t("long_unresolved.col.reasons"): [reasons_text(r) for r in rows],
        t("col.supervision_level"): [level_text(r.supervision_level) for r in rows],
        t("col.inspection_mark"): [mark_link(marks.get(r.id)) for r in rows],
        t("col.status"): [label(r.status, Status) for r in rows],
        t("col.description"): [r.description for r in rows],
    })


def flagged_table(rows: list[FlaggedRow], marks: dict[int, Mark], key: str) -> list[FlaggedRow]:
    """The page's rows, most severe first; returns the ticked ones."""
    picked = st.dataframe(flagged_frame(rows, marks), hide_index=True, key=key, on_select="rerun",
                          selection_mode="multi-row", column_config={
                              t("col.description"): st.column_config.TextColumn(width="large"),
                              t("long_unresolved.col.reasons"): st.column_config.TextColumn(width="large"),
                              t("col.inspection_mark"): mark_column()})
    return [rows[i] for i in picked.selection.rows if i < len(rows)]


def export_button(actor: Actor, flt: LedgerFilter, today: date, total: int, where) -> None:
    """The download of exactly this view (same filter, same order), written when clicked."""
    def build() -> bytes:
        with db() as session:
            return export_flagged(session, actor=actor, flt=flt, today=today)

    where.download_button(t("long_unresolved.export", total=total), data=build, mime=XLSX,
                          file_name=t("long_unresolved.export_file", day=today.isoformat()),
                          icon=":material/download:", on_click="ignore", key="lu_export")
