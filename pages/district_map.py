"""区县地图 (coordinators): the 41 区县 coloured by a chosen measure; pick a district — from the
list or by clicking the map — and drill down to its items."""

from datetime import date

import streamlit as st

from core.formatting import format_count, format_percent
from core.ledger.query import LedgerFilter, list_items
from ui import cache, screen
from ui.common import current_actor, data_as_of, db, lang, t
from ui.district_map import MEASURES, picked_code
from ui.ledger_table import ledger_column_config, ledger_frame

MAP_SIZE = (1100, 560)
SHOWS = ("open", "overdue", "long_unresolved", "all")
PAGE_SIZE = 50

actor = current_actor()
st.title(t("district_map.title"))
data_as_of()
shown = cache.big_screen(actor)
districts = {d.district_id: d for d in shown.data.districts}
by_code = {d.code: d.district_id for d in shown.data.districts}


def on_click() -> None:
    """A click on a district or marker selects it in the list below."""
    code = picked_code(st.session_state["district_map_chart"].selection)
    if code in by_code:
        st.session_state["map_district"] = by_code[code]
        first_page()


def first_page() -> None:
    st.session_state["map_page"] = 1


measure = st.segmented_control(t("district_map.measure"), MEASURES, default="overdue", required=True,
                               format_func=lambda m: t(f"map.measure.{m}"), key="map_measure")
measure_label = t(f"map.measure.{measure}")
deck = cache.district_deck(shown, measure=measure, measure_label=measure_label, lang=lang(),
                           size=MAP_SIZE)
st.pydeck_chart(deck, height=MAP_SIZE[1], on_select=on_click, selection_mode="single-object",
                key="district_map_chart")
st.html(screen.legend_html(cache.figures_by_code(shown.data), measure, lang(), ink="#5C6370"))

left, right = st.columns([2, 3])
district_id = left.selectbox(t("district_map.district"), [None, *districts], key="map_district",
                             format_func=lambda i: t("district_map.pick") if i is None
                             else districts[i].name, on_change=first_page)
show = right.segmented_control(t("district_map.show"), SHOWS, default="open", required=True,
                               format_func=lambda s: t(f"district_map.show.{s}"), key="map_show",
                               on_change=first_page)
if district_id is None:
    st.stop()

d = districts[district_id]
st.subheader(d.name)
st.caption(t("district_map.figures", name=d.name, items=format_count(d.items, lang()),
             open=format_count(d.open, lang()), overdue=format_count(d.overdue, lang()),
             long=format_count(d.long_unresolved, lang()), rate=format_percent(d.completion_rate))
           + "　" + t("district_map.reopened", n=format_count(d.reopened, lang())))
flt = LedgerFilter(district_ids=(district_id,), include_closed=show == "all",
                   overdue_only=show == "overdue", long_unresolved_only=show == "long_unresolved")
page_no = st.session_state.get("map_page", 1)
with db() as session:
    page = list_items(session, actor=actor, flt=flt, today=date.today(), page=page_no,
                      page_size=PAGE_SIZE, rules=shown.rules)
if page.total and page_no > page.pages:  # a narrower list: back to its last page
    st.session_state["map_page"] = page.pages
    st.rerun()
st.caption(t("ledger.count", total=page.total, page=page.page, pages=page.pages))
if not page.rows:
    st.info(t("ledger.empty"))
    st.stop()
st.dataframe(ledger_frame(page.rows, district=False, latest_report=False), hide_index=True,
             key="map_items", column_config=ledger_column_config())
st.number_input(t("ledger.page"), min_value=1, max_value=page.pages, step=1, key="map_page")
