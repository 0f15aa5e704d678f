"""Altair chart builders with one palette, Chinese labels and Chinese number formats.

The palette is Okabe–Ito (Color Universal Design): its hues stay distinct for red-green
colour-blind viewers and keep their meaning on every chart — new items sky blue, closed
bluish green, open orange, overdue vermilion. Charts take plain data (core's dataclasses) and
the language; they read no database and no session state. Render with
`st.altair_chart(chart, theme=None)` so Streamlit does not restyle them; Vega comes bundled
with Streamlit, so nothing is fetched from outside.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import altair as alt
import pandas as pd

from core.i18n import translate
from core.screen.bigscreen import MonthFlow, Tally

PALETTE = {"new": "#56B4E9", "closed": "#009E73", "open": "#E69F00", "overdue": "#D55E00",
           "accent": "#0072B2"}
FONT = "Microsoft YaHei, WenQuanYi Micro Hei, Noto Sans CJK SC, PingFang SC, sans-serif"
INK = {True: {"text": "#E6EDF3", "muted": "#9FB0C8", "grid": "#26344A"},
       False: {"text": "#262730", "muted": "#5C6370", "grid": "#E3E7EE"}}


def axis_number_expr(lang: str) -> str:
    """Vega expression for axis numbers: 万 from 10,000 up in Chinese, digit grouping in English."""
    if lang == "en":
        return "format(datum.value, ',')"
    return ("datum.value >= 10000 ? format(datum.value / 10000, '.3~r') + '万' "
            ": format(datum.value, ',')")


def styled(chart: alt.TopLevelMixin, *, dark: bool, font_size: int = 14,
           legend: str = "top") -> alt.TopLevelMixin:
    """Transparent background, the app's fonts and ink colours, no view border; `legend` is a
    Vega-Lite legend orient ("top", or inside the plot: "top-left", "bottom-right" …)."""
    ink = INK[dark]
    # fit-x: the width follows the container, `height` stays the plot's own height (plain "fit"
    # would squeeze the plot to make room for the legend and axes)
    chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return (chart.configure(background="transparent", font=FONT)
            .configure_view(stroke=None)
            .configure_axis(labelColor=ink["muted"], titleColor=ink["muted"], gridColor=ink["grid"],
                            domainColor=ink["grid"], tickColor=ink["grid"], labelFontSize=font_size,
                            titleFontSize=font_size, labelLimit=220)
            .configure_legend(labelColor=ink["text"], titleColor=ink["muted"], orient=legend,
                              labelFontSize=font_size, titleFontSize=font_size, symbolSize=160)
            .configure_title(color=ink["text"], fontSize=font_size + 2, anchor="start"))


def partial_month(flows: Sequence[MonthFlow], today: date) -> date | None:
    """The last month of `flows` if `today` falls in it: its figures are month to date."""
    if not flows:
        return None
    last = flows[-1].month
    return last if (last.year, last.month) == (today.year, today.month) else None


def month_text(month: date, lang: str) -> str:
    """'2026年3月' / 'Mar 2026'."""
    return month.strftime("%b %Y") if lang == "en" else f"{month.year}年{month.month}月"


def trend_frame(flows: Sequence[MonthFlow], lang: str, today: date | None = None) -> pd.DataFrame:
    """Long form: one row per month and series (新增 / 销号), with the month as the tooltip reads
    it; `partial` marks the month to date (the current one), `to_partial` the segment from the last full
    month to it (drawn dashed)."""
    new, closed = translate("chart.new", lang), translate("chart.closed", lang)
    current = partial_month(flows, today or date.today())
    mtd = translate("chart.month_to_date", lang)
    rows = []
    for n, f in enumerate(flows):
        partial = f.month == current
        text = f"{month_text(f.month, lang)}（{mtd}）" if partial and lang != "en" else (
            f"{month_text(f.month, lang)} ({mtd})" if partial else month_text(f.month, lang))
        to_partial = current is not None and n >= len(flows) - 2
        rows += [(f.month.isoformat(), label, value, text, partial, to_partial)
                 for label, value in ((new, f.new), (closed, f.closed))]
    return pd.DataFrame(rows, columns=["month", "series", "items", "month_text", "partial", "to_partial"])


def month_label_expr(lang: str) -> str:
    """Vega expression for compact month ticks: the year at January (and on the first tick),
    else just the month: '2025年 4月 7月 10月 2026年' / '2025 Apr Jul Oct 2026'."""
    year, first, month = ("'%Y'", "'%b %Y'", "'%b'") if lang == "en" else ("'%Y年'", "'%Y年%-m月'", "'%-m月'")
    return (f"month(datum.value) == 0 ? timeFormat(datum.value, {year}) : datum.index == 0 "
            f"? timeFormat(datum.value, {first}) : timeFormat(datum.value, {month})")


def trend_chart(flows: Sequence[MonthFlow], *, lang: str = "zh", dark: bool = True,
                height: int = 240, width: int | str = "container",
                font_size: int = 14, today: date | None = None) -> alt.TopLevelMixin:
    """New vs closed items per month: two lines with points, a tooltip per month. A fixed
    `width` (px) suits a page scaled with CSS zoom, where "container" would be measured twice.
    The current month (`today`'s, default the real today), counted so far only, is drawn dashed
    with a hollow point, its tooltip says 本月至今 and a note in the plot's corner explains it:
    a partial month would otherwise read as a steep fall."""
    frame = trend_frame(flows, lang, today)
    series = [translate("chart.new", lang), translate("chart.closed", lang)]
    ink = INK[dark]
    base = alt.Chart(frame).encode(
        x=alt.X("month:T", title=None, axis=alt.Axis(
            labelExpr=month_label_expr(lang), tickCount={"interval": "month", "step": 3},
            labelOverlap=True, labelFlush=True, grid=False, labelAngle=0)),
        # headroom above the highest point for the legend and the note (top corners)
        y=alt.Y("items:Q", title=None, axis=alt.Axis(labelExpr=axis_number_expr(lang), tickCount=5),
                scale=alt.Scale(domainMax=max(1, int(frame["items"].max() * 1.25)) if len(frame) else 1)),
        color=alt.Color("series:N", title=None, sort=series,
                        scale=alt.Scale(domain=series, range=[PALETTE["new"], PALETTE["closed"]])),
        tooltip=[alt.Tooltip("month_text:N", title=translate("chart.month", lang)),
                 alt.Tooltip("series:N", title=translate("chart.series", lang)),
                 alt.Tooltip("items:Q", title=translate("chart.items", lang), format=",")])
    full = base.transform_filter("!datum.partial")
    layers = [full.mark_line(strokeWidth=3), full.mark_point(filled=True, size=50, opacity=1)]
    current = partial_month(flows, today or date.today())
    if current is not None:
        layers += [
            base.transform_filter("datum.to_partial").mark_line(strokeWidth=2, strokeDash=[5, 4],
                                                                opacity=0.7),
            base.transform_filter("datum.partial").mark_point(filled=False, size=60, strokeWidth=2),
            alt.Chart(pd.DataFrame({"month": [current.isoformat()],
                                    "note": [translate("chart.partial_note", lang)]}))
            .mark_text(align="right", baseline="top", dy=-2, color=ink["muted"],
                       fontSize=font_size - 1)
            .encode(x=alt.X("month:T"), y=alt.value(0), text="note:N")]
    # the legend sits in the plot's top-left corner (lines start low): no extra row for it
    chart = alt.layer(*layers).properties(height=height, width=width)
    return styled(chart, dark=dark, font_size=font_size, legend="top-left")


def tally_frame(tallies: Sequence[Tally], label: Callable[[str], str], lang: str) -> pd.DataFrame:
    """Long form: one row per key and part (已销号 / 未销号), biggest total first."""
    closed, open_ = translate("chart.closed", lang), translate("chart.open", lang)
    ordered = sorted(tallies, key=lambda t: -t.items)
    rows = [(label(t.key), part, i, value, t.items, rank) for rank, t in enumerate(ordered)
            for i, (part, value) in enumerate(((closed, t.closed), (open_, t.open)))]
    return pd.DataFrame(rows, columns=["key", "part", "part_order", "items", "total", "rank"])


def tally_chart(tallies: Sequence[Tally], label: Callable[[str], str], *, title_key: str,
                lang: str = "zh", dark: bool = True, height: int = 220,
                width: int | str = "container", font_size: int = 14) -> alt.TopLevelMixin:
    """Horizontal bars, closed and open stacked, one bar per category or level, biggest on top."""
    frame = tally_frame(tallies, label, lang)
    parts = [translate("chart.closed", lang), translate("chart.open", lang)]
    chart = alt.Chart(frame).mark_bar(cornerRadiusEnd=3).encode(
        y=alt.Y("key:N", title=None, sort=alt.EncodingSortField("rank", order="ascending"),
                axis=alt.Axis(ticks=False, domain=False)),
        x=alt.X("items:Q", title=None, stack="zero",
                axis=alt.Axis(labelExpr=axis_number_expr(lang), tickCount=4)),
        color=alt.Color("part:N", title=None, sort=parts,
                        scale=alt.Scale(domain=parts, range=[PALETTE["closed"], PALETTE["open"]])),
        order=alt.Order("part_order:Q"),  # closed first, from the axis
        tooltip=[alt.Tooltip("key:N", title=translate(title_key, lang)),
                 alt.Tooltip("part:N", title=translate("chart.series", lang)),
                 alt.Tooltip("items:Q", title=translate("chart.items", lang), format=","),
                 alt.Tooltip("total:Q", title=translate("big_screen.items", lang), format=",")])
    # biggest bar on top, so the bottom-right corner is free for the legend
    return styled(chart.properties(height=height, width=width), dark=dark,
                  font_size=font_size, legend="bottom-right")
