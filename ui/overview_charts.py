"""总览's charts in the app's light theme, and where a click on them (or on a headline card) leads.

The palette and fonts are ui.charts' (Okabe–Ito: new items sky blue, closed bluish green, open
orange, overdue vermilion; 久拖不决 reddish purple). Charts take plain data (the parts of a
core.ledger.stats.Overview) and the language; they read no database and no session state. Every
number a chart shows is formatted here by core.formatting, as the headline cards are (万 from
10,000 in Chinese, one-decimal percentages), so tooltips and cards agree. Render with
`st.altair_chart(chart, theme=None)`.

Click-through: the bar charts carry one point selection named PICK; `ledger_params` turns the
clicked bar into the 台账's URL filter (pages/ledger.py reads `district`, `status`, `level`,
`category`, `overdue`, `long`, `closed`), and `card_params` does the same for a headline card.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

import altair as alt
import pandas as pd

from core.domain import Status
from core.formatting import format_count, format_percent
from core.i18n import translate
from core.ledger.stats import DistrictRow, MonthFlow, Tally
from ui.charts import PALETTE, axis_number_expr, styled

LEDGER_PAGE = "pages/ledger.py"
CITYWIDE = "citywide"         # the 台账's `district` value for 全市 (citywide) items
PICK = "pick"                 # the point selection on every clickable chart
MEASURES = ("rate", "overdue", "long", "items")   # the district chart's sort choices, in this order
CARDS = ("items", "open", "closed", "rate", "overdue", "long")
LONG_COLOUR = "#CC79A7"       # Okabe–Ito reddish purple
COLOURS = {"rate": PALETTE["accent"], "overdue": PALETTE["overdue"], "long": LONG_COLOUR,
           "closed": PALETTE["closed"], "open": PALETTE["open"]}
ROW_PX = 22                   # one district bar with its gap
PART_ROW_PX = 30              # one level or category bar
FONT_SIZE = 13
END_ROOM = {"left": 4, "top": 4, "bottom": 4, "right": 52}   # the value written after the longest bar


# ---------------------------------------------------------------- where a click leads

def card_params(card: str) -> dict[str, str]:
    """The 台账 filter behind a headline card. Every link carries at least one parameter: the 台账
    replaces its whole filter with a link's, but keeps the session's filter for a bare address;
    `closed="0"` (closed hidden, the 台账's default) is how 未销号 says "nothing else"."""
    return {"items": {"closed": "1"}, "open": {"closed": "0"},
            "closed": {"status": Status.CLOSED.value, "closed": "1"},
            "rate": {"closed": "1"}, "overdue": {"overdue": "1"}, "long": {"long": "1"}}[card]


def _part_params(part: str | None) -> dict[str, str]:
    """A stacked bar's segment: 已销号 → closed items; 未销号 → open items (closed hidden); the
    whole bar (no segment) → everything, closed included."""
    if part == "closed":
        return {"status": Status.CLOSED.value, "closed": "1"}
    if part == "open":
        return {"closed": "0"}
    return {"closed": "1"}


def ledger_params(kind: str, picked: Mapping | None, *, measure: str = "items") -> dict[str, str] | None:
    """The 台账 URL filter for a clicked bar, or None when nothing was clicked.

    `kind` is "district", "level" or "category"; `picked` is the clicked point (`first_pick`). A
    district bar filters by what the chart shows: 逾期 → overdue only, 久拖不决 → long only,
    销号率 → every item of the district (closed included, as the rate counts them), 总数 → the
    clicked segment (closed or open)."""
    if not picked or picked.get(kind) in (None, ""):
        return None
    value = str(picked[kind])
    if kind != "district":
        return {kind: value, **_part_params(picked.get("part"))}
    extra = {"overdue": {"overdue": "1"}, "long": {"long": "1"}, "rate": {"closed": "1"}}.get(measure)
    return {"district": value, **(extra if extra is not None else _part_params(picked.get("part")))}


def first_pick(state) -> dict | None:
    """The first clicked point of a chart's selection (what st.altair_chart(on_select=...) returns,
    or its session_state value), as {field: value}; None when nothing is selected."""
    if not state:
        return None
    selection = state.get("selection") if isinstance(state, Mapping) else getattr(state, "selection", None)
    points = (selection or {}).get(PICK)
    if isinstance(points, Mapping):          # {field: [values]}
        points = [{k: (v[0] if isinstance(v, list) and v else v) for k, v in points.items()}] \
            if any(points.values()) else []
    return dict(points[0]) if points else None


# ---------------------------------------------------------------- labels

def month_label(month: date, lang: str) -> str:
    """'25年1月' / '2025-01': short enough for an axis, unambiguous across years."""
    return f"{month:%Y-%m}" if lang == "en" else f"{month.year % 100:02d}年{month.month}月"


def day_label(day: date, lang: str) -> str:
    return f"{day:%b} {day.day}" if lang == "en" else f"{day.month}月{day.day}日"


def district_label(row: DistrictRow, lang: str) -> str:
    """The district's name, or its short name when the full one is long (石柱土家族自治县 → 石柱县);
    全市 for the citywide items."""
    if row.district_id is None:
        return translate("district.citywide", lang)
    name = row.name or ""
    return name if len(name) <= 5 or not row.short_name else row.short_name


def count_axis(lang: str, ticks: int, **more) -> alt.Axis:
    """An axis of item counts: whole numbers only, in the cards' style (万 from 10,000 in Chinese)."""
    return alt.Axis(labelExpr=axis_number_expr(lang), tickMinStep=1, tickCount=ticks, **more)


def _rate_text(rate: float | None, lang: str) -> str:
    return translate("overview.no_items", lang) if rate is None else format_percent(rate)


# ---------------------------------------------------------------- trend

def trend_frame(flows: Sequence[MonthFlow], *, today: date, lang: str) -> pd.DataFrame:
    """One row per month and series (新增 / 销号); the current month marked partial, with its note."""
    this_month = date(today.year, today.month, 1)
    note = translate("overview.partial", lang, day=day_label(today, lang))
    series = (("new", translate("chart.new", lang)), ("closed", translate("chart.closed", lang)))
    rows = [(month_label(f.month, lang), name, code, value, format_count(value, lang),
             f.month == this_month, note if f.month == this_month else "")
            for f in flows for (code, name), value in zip(series, (f.new, f.closed), strict=True)]
    return pd.DataFrame(rows, columns=["month", "series", "code", "items", "text", "partial", "note"])


def trend_chart(flows: Sequence[MonthFlow], *, today: date, lang: str = "zh",
                height: int = 230) -> alt.TopLevelMixin:
    """New vs closed items per month as grouped bars. The current month is only partly over: its
    bars are pale with a dashed outline, labelled 本月至今 above, and say so in the tooltip."""
    frame = trend_frame(flows, today=today, lang=lang)
    months = list(dict.fromkeys(frame["month"]))
    series = [translate("chart.new", lang), translate("chart.closed", lang)]
    colour = alt.Scale(domain=series, range=[PALETTE["new"], PALETTE["closed"]])
    x = alt.X("month:O", title=None, sort=months,
              axis=alt.Axis(labelAngle=0, labelOverlap="parity", ticks=False, labelPadding=6))
    bars = alt.Chart(frame).mark_bar().encode(
        x=x, xOffset=alt.XOffset("series:N", sort=series),
        y=alt.Y("items:Q", title=None, axis=count_axis(lang, 5)),
        color=alt.Color("series:N", title=None, sort=series, scale=colour),
        stroke=alt.Stroke("series:N", title=None, sort=series, scale=colour),
        fillOpacity=alt.condition(alt.datum.partial, alt.value(0.3), alt.value(1.0)),
        strokeDash=alt.condition(alt.datum.partial, alt.value([4, 2]), alt.value([1, 0])),
        strokeWidth=alt.condition(alt.datum.partial, alt.value(1.5), alt.value(0)),
        tooltip=[alt.Tooltip("month:N", title=translate("chart.month", lang)),
                 alt.Tooltip("series:N", title=translate("chart.series", lang)),
                 alt.Tooltip("text:N", title=translate("chart.items", lang)),
                 alt.Tooltip("note:N", title=translate("overview.tip.note", lang))])
    # the month so far: a pale band behind its bars, named above the plot (clear of any bar)
    partial = alt.Chart(frame).transform_filter(alt.datum.partial).transform_aggregate(groupby=["month"])
    band = partial.mark_bar(color="#EEF1F5").encode(x=x)
    mark = partial.mark_text(y=-6, align="right", dx=16, baseline="bottom", fontSize=FONT_SIZE - 1,
                             color="#5C6370").encode(
        x=x, text=alt.value(translate("overview.partial_short", lang)))
    return styled(alt.layer(band, bars, mark).properties(height=height, width="container"), dark=False,
                  font_size=FONT_SIZE, legend="top")


# ---------------------------------------------------------------- districts

def _district_order(rows: Sequence[DistrictRow], measure: str) -> list[DistrictRow]:
    """Largest first for the measure (销号率: highest; a district without items last), ties in
    official order (the order given)."""
    def key(r: DistrictRow) -> tuple[bool, float]:
        if measure == "rate":
            return r.completion_rate is None, -(r.completion_rate or 0.0)
        return False, -{"overdue": r.overdue, "long": r.long_unresolved, "items": r.items}[measure]
    return sorted(rows, key=key)   # stable: ties keep the official order


def district_frame(rows: Sequence[DistrictRow], *, measure: str, lang: str) -> pd.DataFrame:
    """One row per district and drawn part: 总数 draws closed and open stacked (two rows), the
    other measures one bar. Every row carries the district's figures for the tooltip; `end` and
    `label` place the value at the bar's end (on the first row of each district only)."""
    parts = {"items": (("closed", translate("chart.closed", lang)), ("open", translate("chart.open", lang)))}
    out = []
    for rank, r in enumerate(_district_order(rows, measure)):
        values = {"rate": r.completion_rate or 0.0, "overdue": r.overdue, "long": r.long_unresolved,
                  "closed": r.closed, "open": r.open}
        end = {"rate": r.completion_rate or 0.0, "overdue": r.overdue, "long": r.long_unresolved,
               "items": r.items}[measure]
        label = (_rate_text(r.completion_rate, lang) if measure == "rate"
                 else format_count(end, lang))
        common = dict(district=CITYWIDE if r.district_id is None else str(r.district_id),
                      name=district_label(r, lang), full_name=r.name or translate("district.citywide", lang),
                      rank=rank, end=end, total_text=format_count(r.items, lang),
                      closed_text=format_count(r.closed, lang), open_text=format_count(r.open, lang),
                      rate_text=_rate_text(r.completion_rate, lang),
                      overdue_text=format_count(r.overdue, lang),
                      long_text=format_count(r.long_unresolved, lang))
        drawn = parts.get(measure, ((measure, translate(f"overview.sort.{measure}", lang)),))
        for i, (code, name) in enumerate(drawn):
            out.append({**common, "part": code, "part_name": name, "part_order": i,
                        "value": values[code], "label": label if i == 0 else ""})
    return pd.DataFrame(out)


def _district_tooltip(lang: str) -> list:
    fields = (("full_name", "col.district"), ("total_text", "overview.tip.total"),
              ("closed_text", "overview.closed"), ("open_text", "overview.open"),
              ("rate_text", "overview.completion"), ("overdue_text", "overview.overdue"),
              ("long_text", "overview.long_unresolved"))
    return [alt.Tooltip(f"{field}:N", title=translate(key, lang)) for field, key in fields]


def district_chart(rows: Sequence[DistrictRow], *, measure: str, lang: str = "zh") -> alt.TopLevelMixin:
    """Horizontal bars, one per district (all of them: the chart is as tall as its bars, no inner
    scrolling), sorted by `measure` (MEASURES), the value written at each bar's end; a click on a
    bar selects its district (and, for 总数, the closed or open segment)."""
    frame = district_frame(rows, measure=measure, lang=lang)
    names = list(dict.fromkeys(frame["name"]))
    pick = alt.selection_point(name=PICK, fields=["district", "part"], on="click")
    y = alt.Y("name:N", title=None, sort=names, axis=alt.Axis(ticks=False, domain=False, labelPadding=6))
    if measure == "rate":
        x = alt.X("value:Q", title=None, stack=None, scale=alt.Scale(domain=[0, 1]),
                  axis=alt.Axis(format=".0%", tickCount=5, orient="top"))
    else:
        x = alt.X("value:Q", title=None, stack="zero",
                  axis=count_axis(lang, 5, orient="top"))
    drawn = list(dict.fromkeys(frame["part_name"]))
    codes = list(dict.fromkeys(frame["part"]))
    bars = alt.Chart(frame).mark_bar(cursor="pointer", cornerRadiusEnd=2, height={"band": 0.72}).encode(
        y=y, x=x, order=alt.Order("part_order:Q"),
        color=alt.Color("part_name:N", title=None, sort=drawn,
                        scale=alt.Scale(domain=drawn, range=[COLOURS[c] for c in codes]),
                        legend=alt.Legend(orient="bottom") if measure == "items" else None),
        tooltip=_district_tooltip(lang)).add_params(pick)
    ends = alt.Chart(frame).transform_filter(alt.datum.part_order == 0).mark_text(
        align="left", dx=4, fontSize=FONT_SIZE - 1, color="#5C6370").encode(
        y=y, x=alt.X("end:Q", title=None), text="label:N")
    chart = alt.layer(bars, ends).properties(height=len(names) * ROW_PX, width="container", padding=END_ROOM)
    return styled(chart, dark=False, font_size=FONT_SIZE, legend="bottom")


# ---------------------------------------------------------------- levels and categories

def part_frame(parts: Sequence[Tally], label: Callable[[str], str], *, lang: str,
               by_total: bool) -> pd.DataFrame:
    """One row per key and segment (已销号 / 未销号); biggest total first if `by_total`, else in
    the order given."""
    ordered = sorted(parts, key=lambda p: -p.items) if by_total else list(parts)
    segments = (("closed", translate("chart.closed", lang)), ("open", translate("chart.open", lang)))
    rows = [(p.key, label(p.key), code, name, i, value, p.items, format_count(value, lang),
             format_count(p.items, lang), _rate_text(p.closed / p.items if p.items else None, lang))
            for p in ordered
            for i, ((code, name), value) in enumerate(zip(segments, (p.closed, p.open), strict=True))]
    return pd.DataFrame(rows, columns=["key", "name", "part", "part_name", "part_order", "items",
                                       "total", "text", "total_text", "rate_text"])


def part_chart(parts: Sequence[Tally], label: Callable[[str], str], *, kind: str, title_key: str,
               lang: str = "zh", by_total: bool = True) -> alt.TopLevelMixin:
    """Horizontal bars, closed and open stacked, one per source level or category (`kind`: the
    field the selection carries, "level" or "category"), the total at each bar's end."""
    frame = part_frame(parts, label, lang=lang, by_total=by_total).rename(columns={"key": kind})
    names = list(dict.fromkeys(frame["name"]))
    segments = [translate("chart.closed", lang), translate("chart.open", lang)]
    pick = alt.selection_point(name=PICK, fields=[kind, "part"], on="click")
    y = alt.Y("name:N", title=None, sort=names, axis=alt.Axis(ticks=False, domain=False, labelPadding=6))
    bars = alt.Chart(frame).mark_bar(cursor="pointer", cornerRadiusEnd=2, height={"band": 0.7}).encode(
        y=y, x=alt.X("items:Q", title=None, stack="zero",
                     axis=count_axis(lang, 4)),
        color=alt.Color("part_name:N", title=None, sort=segments,
                        scale=alt.Scale(domain=segments, range=[PALETTE["closed"], PALETTE["open"]])),
        order=alt.Order("part_order:Q"),
        tooltip=[alt.Tooltip("name:N", title=translate(title_key, lang)),
                 alt.Tooltip("part_name:N", title=translate("chart.series", lang)),
                 alt.Tooltip("text:N", title=translate("chart.items", lang)),
                 alt.Tooltip("total_text:N", title=translate("overview.tip.total", lang)),
                 alt.Tooltip("rate_text:N", title=translate("overview.completion", lang))]).add_params(pick)
    ends = alt.Chart(frame).transform_filter(alt.datum.part_order == 0).mark_text(
        align="left", dx=4, fontSize=FONT_SIZE - 1, color="#5C6370").encode(
        y=y, x=alt.X("total:Q", title=None), text="total_text:N")
    chart = alt.layer(bars, ends).properties(height=len(names) * PART_ROW_PX, width="container",
                                             padding=END_ROOM)
    return styled(chart, dark=False,
                  font_size=FONT_SIZE, legend="bottom")
