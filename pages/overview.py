"""总览, the page a leader opens every morning: the headline figures with their change since a
week ago, the monthly trend of new and closed items, every district's bar sorted by the chosen
measure, source levels and categories. Every card and bar opens the 台账 filtered to it.

Office roles see the big screen's citywide figures, from its revision-keyed cache (ui.cache); a
unit user sees the same figures over their own items (core.ledger.stats.overview).
"""

from datetime import date

import streamlit as st

from core.domain import Category, Role, SourceLevel
from core.formatting import format_count, format_percent, format_points, format_signed_count
from core.ledger import stats
from core.reference_data import scope_label
from ui import cache
from ui import overview_charts as oc
from ui.common import current_actor, data_as_of, db, label, lang, t

# Six cards in a row on a wide screen; three (two rows) below 1500 px, where six would cut the
# figures off (1366 px with the sidebar leaves ~950 px); two on a phone.
CARD_CSS = """<style>
.st-key-overview_cards {display: grid !important; grid-template-columns: repeat(6, minmax(0, 1fr));
    gap: 0.75rem;}
@media (max-width: 1500px) {.st-key-overview_cards {grid-template-columns: repeat(3, minmax(0, 1fr));}}
@media (max-width: 700px) {.st-key-overview_cards {grid-template-columns: repeat(2, minmax(0, 1fr));}}
.st-key-overview_cards [data-testid="stMetricValue"] {white-space: nowrap;}
</style>"""
# card → (label key, is a rate, more is bad: True / good: False / neither: None)
CARDS = {"items": ("overview.total", False, None), "open": ("overview.open", False, True),
         "closed": ("overview.closed", False, False), "rate": ("overview.completion", True, False),
         "overdue": ("overview.overdue", False, True), "long": ("overview.long_unresolved", False, True)}


def load(actor, today: date) -> stats.Overview:
    if actor.role is Role.UNIT:   # the big screen is citywide, closed to units: their own items
        with db() as session:
            return stats.overview(session, actor=actor, today=today)
    return stats.overview_from_big_screen(cache.big_screen(actor, today=today).data)


def delta_style(delta: float | None, shown: str, bad_when_up: bool | None) -> dict:
    """Grey without an arrow when nothing changed (as shown, after rounding); otherwise red for a
    change for the worse, green for the better, grey for a figure that is neither."""
    if delta is None or shown in ("0", format_points(0.0, lang())):
        return {"delta_color": "off", "delta_arrow": "off"}
    if bad_when_up is None:
        return {"delta_color": "off"}
    return {"delta_color": "inverse" if bad_when_up else "normal"}


def card(key: str, change: stats.Change) -> None:
    label_key, is_rate, bad_when_up = CARDS[key]
    shown = format_percent if is_rate else (lambda v: format_count(v, lang()))
    delta = None
    if change.delta is not None:
        delta = format_points(change.delta, lang()) if is_rate else format_signed_count(change.delta, lang())
    with st.container(border=True, gap="xsmall"):
        st.metric(t(label_key), shown(change.now), delta,
                  help=t("overview.week_ago", value=shown(change.week_ago)),
                  delta_description=t("overview.vs_week") if delta else None,
                  **delta_style(change.delta, delta or "", bad_when_up))
        st.page_link(oc.LEDGER_PAGE, label=t("overview.open_ledger"), icon=":material/arrow_forward:",
                     query_params=oc.card_params(key))


def headline(figures: stats.Overview) -> None:
    h = figures.headline
    st.html(CARD_CSS)
    with st.container(key="overview_cards"):
        for key, change in (("items", h.items), ("open", h.open), ("closed", h.closed),
                            ("rate", h.completion_rate), ("overdue", h.overdue), ("long", h.long_unresolved)):
            card(key, change)


def open_ledger(params: dict[str, str] | None) -> None:
    """A clicked bar: on to the 台账, filtered to it."""
    if params is not None:
        st.switch_page(oc.LEDGER_PAGE, query_params=params)


def clickable(chart, key: str):
    return st.altair_chart(chart, theme=None, key=key, on_select="rerun", selection_mode=oc.PICK,
                           width="stretch")


def districts(figures: stats.Overview) -> None:
    st.subheader(t("overview.districts"), anchor=False)
    measure = st.segmented_control(t("overview.sort"), oc.MEASURES, default="rate", required=True,
                                   format_func=lambda m: t(f"overview.sort.{m}"), key="overview_sort",
                                   persist_state="session")
    event = clickable(oc.district_chart(figures.districts, measure=measure, lang=lang()),
                      "overview_districts")
    open_ledger(oc.ledger_params("district", oc.first_pick(event), measure=measure))


def levels_and_categories(figures: stats.Overview) -> None:
    st.subheader(t("overview.levels"), anchor=False)
    event = clickable(oc.part_chart(figures.levels, lambda k: label(SourceLevel(k)), kind="level",
                                    title_key="chart.level", lang=lang(), by_total=False), "overview_levels")
    open_ledger(oc.ledger_params("level", oc.first_pick(event)))
    st.subheader(t("overview.categories"), anchor=False)
    event = clickable(oc.part_chart(figures.categories, lambda k: label(Category(k)), kind="category",
                                    title_key="chart.category", lang=lang()), "overview_categories")
    open_ledger(oc.ledger_params("category", oc.first_pick(event)))


actor = current_actor()
st.title(t("overview.title"), anchor=False)
data_as_of()
today = date.today()
figures = load(actor, today)
if actor.role is Role.UNIT:
    with db() as session:
        scope = t("overview.scope_unit", unit=scope_label(session, unit_id=actor.unit_id,
                                                          district_id=actor.district_id))
else:
    scope = t("overview.scope_all")
if figures.empty:
    st.caption(scope)
    st.info(t("overview.empty_scope") if actor.role is Role.UNIT else t("overview.empty"))
    st.stop()

st.caption(f"{scope}　·　{t('overview.week_note', day=oc.day_label(figures.week_ago, lang()))}")
headline(figures)
st.caption(t("overview.overdue_rule") + " " + t("overview.click_hint"))
st.subheader(t("overview.trend", months=len(figures.trend)), anchor=False)
st.altair_chart(oc.trend_chart(figures.trend, today=figures.today, lang=lang()), theme=None,
                key="overview_trend", width="stretch")
left, right = st.columns([3, 2], gap="large")
with left:
    districts(figures)
with right:
    levels_and_categories(figures)
