"""The year view of the 季调度 page: the year's figures (core.dispatch.year) — headline counts, a
chart per source level, tables per level and per district, and the year's rounds.

The figures are cached per ledger revision, day and rule settings (like the big screen,
ui.cache): a million-item year is counted once, and again only after the ledger changes.
"""

from __future__ import annotations

from dataclasses import astuple
from datetime import date

import pandas as pd
import streamlit as st

from core.access.permissions import Actor
from core.dispatch.rounds import FIRST_YEAR
from core.dispatch.year import YearFigures, YearLine, year_figures
from core.domain import SourceLevel
from core.formatting import format_count
from core.ledger.rules import RuleSettings
from db.engine import session_scope
from ui import dispatch_charts
from ui.cache import TTL_SECONDS, ledger_state
from ui.common import label, lang, settings, t

HEADLINE = ("new", "closed", "reopened", "overdue", "long_unresolved", "dispatched", "reported",
            "late")


@st.cache_data(ttl=TTL_SECONDS, max_entries=16, show_spinner=False)
def _figures(url: str, revision: int, year: int, today: date, rules: tuple,
             _actor: Actor) -> YearFigures:
    # `_actor` is not part of the key: the figures are citywide, and year_figures refuses a
    # unit account before anything is cached for it.
    with session_scope(url) as session:
        return year_figures(session, actor=_actor, year=year, today=today, rules=RuleSettings(*rules))


def year_view(actor: Actor, today: date) -> None:
    year = st.selectbox(t("dispatch.year.pick"), list(range(today.year, FIRST_YEAR - 1, -1)),
                        key="dispatch_year")
    revision, _, rules = ledger_state()
    figures = _figures(settings().database_url, revision, year, today, astuple(rules), actor)
    st.caption(t("dispatch.year.as_of", day=figures.as_of.isoformat()) + "　"
               + t("dispatch.year.definitions"))
    cols = st.columns(len(HEADLINE))
    for col, key in zip(cols, HEADLINE, strict=True):
        col.metric(t(f"dispatch.year.{key}"), format_count(getattr(figures.total, key), lang()))
    st.altair_chart(dispatch_charts.year_chart(figures.by_level, lang=lang()), theme=None,
                    key="dispatch_year_chart")
    st.subheader(t("dispatch.year.by_level"))
    levels = [YearLine(line.key, label(line.key, SourceLevel), line.counts) for line in figures.by_level]
    st.dataframe(year_frame(levels, "col.level"), hide_index=True, key="dispatch_year_levels")
    st.subheader(t("dispatch.year.by_district"))
    st.dataframe(year_frame(figures.by_district, "col.district"), hide_index=True,
                 key="dispatch_year_districts", height=420)
    st.subheader(t("dispatch.year.rounds"))
    if figures.rounds:
        st.dataframe(rounds_frame(figures), hide_index=True, key="dispatch_year_rounds")
    else:
        st.caption(t("dispatch.year.no_rounds"))


def year_frame(lines, name_key: str) -> pd.DataFrame:
    data = {t(name_key): [line.name or t("district.citywide") for line in lines]}
    for key in HEADLINE:
        data[t(f"dispatch.year.{key}")] = [getattr(line.counts, key) for line in lines]
    return pd.DataFrame(data)


def rounds_frame(figures: YearFigures) -> pd.DataFrame:
    rows = figures.rounds
    return pd.DataFrame({
        t("dispatch.field.quarter"): [t("dispatch.quarter", q=r.quarter) for r in rows],
        t("dispatch.field.title"): [r.title for r in rows],
        t("dispatch.field.report_by"): [r.report_by.isoformat() for r in rows],
        t("dispatch.col.round_status"): [t("dispatch.closed" if r.closed else "dispatch.open")
                                         for r in rows],
        t("dispatch.col.items"): [r.counts.items for r in rows],
        t("dispatch.col.reported"): [r.counts.reported for r in rows],
        t("dispatch.col.late"): [r.counts.late for r in rows]})
