"""Charts of the 季调度 page (Altair, the palette and style of ui.charts): units per state in a
round, and the year's figures per source level. Plain data in, a chart out; no session state."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from core.dispatch.figures import STATE_ORDER, UnitStatus
from core.dispatch.year import YearLine
from core.domain import SourceLevel
from core.i18n import label, translate
from ui.charts import PALETTE, axis_number_expr, styled

STATE_COLOURS = {"reported": PALETTE["closed"], "not_yet": PALETTE["open"], "late": PALETTE["overdue"]}
YEAR_SERIES = (("new", PALETTE["new"]), ("closed", PALETTE["closed"]),
               ("reopened", PALETTE["accent"]), ("overdue", PALETTE["overdue"]))


def state_frame(rows: Sequence[UnitStatus], lang: str) -> pd.DataFrame:
    """One row per state (reported, not yet, late): its label, units and their items."""
    order = list(reversed(STATE_ORDER))
    return pd.DataFrame([(translate(f"dispatch.state.{s.value}", lang), s.value, i,
                          sum(1 for r in rows if r.state is s),
                          sum(r.items for r in rows if r.state is s))
                         for i, s in enumerate(order)],
                        columns=["state", "code", "order", "units", "items"])


def state_chart(rows: Sequence[UnitStatus], *, lang: str = "zh", height: int = 130) -> alt.TopLevelMixin:
    """Horizontal bars: how many units have reported, not yet, or are late; the count at the
    end of each bar, the units' items in the tooltip."""
    frame = state_frame(rows, lang)
    labels = list(frame["state"])
    base = alt.Chart(frame).encode(
        y=alt.Y("state:N", title=None, sort=labels, axis=alt.Axis(ticks=False, domain=False)),
        x=alt.X("units:Q", title=translate("dispatch.units", lang),
                axis=alt.Axis(labelExpr=axis_number_expr(lang), tickMinStep=1, tickCount=5)),
        tooltip=[alt.Tooltip("state:N", title=translate("dispatch.col.state", lang)),
                 alt.Tooltip("units:Q", title=translate("dispatch.units", lang), format=","),
                 alt.Tooltip("items:Q", title=translate("dispatch.col.items", lang), format=",")])
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color("state:N", legend=None, sort=labels,
                        scale=alt.Scale(domain=labels,
                                        range=[STATE_COLOURS[c] for c in frame["code"]])))
    text = base.mark_text(align="left", dx=4, fontSize=14).encode(text=alt.Text("units:Q", format=","))
    return styled((bars + text).properties(height=height, width="container"), dark=False)


def year_frame(lines: Sequence[YearLine], lang: str) -> pd.DataFrame:
    """Long form: one row per source level and figure (new, closed, 反弹, overdue)."""
    rows = [(label(line.key, SourceLevel, lang), translate(f"dispatch.year.{key}", lang),
             getattr(line.counts, key)) for line in lines for key, _ in YEAR_SERIES]
    return pd.DataFrame(rows, columns=["level", "figure", "items"])


def year_chart(lines: Sequence[YearLine], *, lang: str = "zh", height: int = 220) -> alt.TopLevelMixin:
    """Grouped bars per source level: new, closed, 反弹 and overdue items of the year."""
    frame = year_frame(lines, lang)
    figures = [translate(f"dispatch.year.{key}", lang) for key, _ in YEAR_SERIES]
    chart = alt.Chart(frame).mark_bar(cornerRadiusEnd=2).encode(
        y=alt.Y("level:N", title=None, sort=None, axis=alt.Axis(ticks=False, domain=False)),
        yOffset=alt.YOffset("figure:N", sort=figures),
        x=alt.X("items:Q", title=None, axis=alt.Axis(labelExpr=axis_number_expr(lang), tickCount=5)),
        color=alt.Color("figure:N", title=None, sort=figures,
                        scale=alt.Scale(domain=figures, range=[c for _, c in YEAR_SERIES])),
        tooltip=[alt.Tooltip("level:N", title=translate("col.level", lang)),
                 alt.Tooltip("figure:N", title=translate("chart.series", lang)),
                 alt.Tooltip("items:Q", title=translate("chart.items", lang), format=",")])
    return styled(chart.properties(height=height, width="container"), dark=False, legend="top")
