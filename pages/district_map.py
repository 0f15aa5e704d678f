"""区县地图 (coordinators): the 41 区县 coloured by a chosen measure; pick a district — from the
list or by clicking the map — and drill down to its items: a row opens its item, a link opens the
台账 filtered to the district (?district=<id>)."""

from datetime import date

import streamlit as st

from core.formatting import format_count, format_percent
from core.ledger.query import LedgerFilter, list_items
from core.screen import geo
from ui import cache, screen
from ui.common import current_actor, data_as_of, db, lang, t
from ui.district_map import MEASURES, picked_code
from ui.item_views import open_item
from ui.ledger_table import ledger_column_config, ledger_frame

MAP_SIZE = (1100, 560)   # the deck's zoom fits this; the same zoom at any page width
LEDGER_PAGE = "pages/ledger.py"
SHOWS = ("open", "overdue", "long_unresolved", "all")
PAGE_SIZE = 50

actor = current_actor()
st.title(t("district_map.title"))
data_as_of()
shown = cache.big_screen(actor)
districts = {d.district_id: d for d in shown.data.districts}
by_code = {d.code: d.district_id for d in shown.data.districts}


def follow_click(selection) -> None:
    """A new click on a district or marker picks it in the list below (before the list is drawn);
    the same selection seen again on a later run changes nothing, so the list stays free."""
    code = picked_code(selection)
    if code == st.session_state.get("map_clicked"):
        return
    st.session_state["map_clicked"] = code
    if code in by_code:
        st.session_state["map_district"] = by_code[code]
        first_page()


def first_page() -> None:
    st.session_state["map_page"] = 1


measure = st.segmented_control(t("district_map.measure"), MEASURES, default="overdue", required=True,
                               format_func=lambda m: t(f"map.measure.{m}"), key="map_measure",
                               persist_state="session")
measure_label = t(f"map.measure.{measure}")
deck = cache.district_deck(shown, measure=measure, measure_label=measure_label, lang=lang(),
                           size=MAP_SIZE)
clicked = st.pydeck_chart(deck, height=MAP_SIZE[1], on_select="rerun", selection_mode="single-object",
                          key="district_map_chart")
follow_click((clicked or {}).get("selection"))   # a dict (AttributeDictionary)
st.html(screen.legend_html(cache.figures_by_code(shown.data), measure, lang(), ink="#5C6370",
                          view=geo.fit_view(width_px=MAP_SIZE[0], height_px=MAP_SIZE[1])))

left, right = st.columns([2, 3])
district_id = left.selectbox(t("district_map.district"), [None, *districts], key="map_district",
                             format_func=lambda i: t("district_map.pick") if i is None
                             else districts[i].name, on_change=first_page, persist_state="session")
show = right.segmented_control(t("district_map.show"), SHOWS, default="open", required=True,
                               format_func=lambda s: t(f"district_map.show.{s}"), key="map_show",
                               on_change=first_page, persist_state="session")
if district_id is None:
    st.stop()

d = districts[district_id]
title, link = st.columns([3, 1], vertical_alignment="bottom")
title.subheader(d.name, anchor=False)
link.page_link(LEDGER_PAGE, label=t("district_map.in_ledger"), icon=":material/table_view:",
               query_params={"district": str(district_id)})
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
picked = st.dataframe(ledger_frame(page.rows, district=False, latest_report=False), hide_index=True,
                      key="map_items", on_select="rerun",
                      selection_mode="single-row", column_config=ledger_column_config())
if picked.selection.rows:
    open_item(page.rows[picked.selection.rows[0]].id)
st.caption(t("ledger.open_hint"))
st.number_input(t("ledger.page"), min_value=1, max_value=page.pages, step=1, key="map_page",
                persist_state="session")
