"""领导大屏: the whole city at a glance — dark, no chrome, no mouse needed, refreshing itself.

Opened by a signed-in leader/coordinator/admin/viewer, or by a wall screen with a kiosk token.
The figures come from core.screen.bigscreen through the revision-keyed cache; the rolling list of the
worst items turns one page per refresh and keeps its place in session state.
"""

import streamlit as st

from core.domain import Category, SourceLevel
from core.screen import geo
from ui import cache, charts, kiosk, screen
from ui.common import label, lang, t
from ui.district_map import MEASURES
from ui.supervision import worst_title_html

# px at the 1920×1080 design size; other screens are zoomed by CSS, so sizes stay fixed
MAP_SIZE = (690, 540)   # room below for the referrals panel
MIDDLE_WIDTH, SIDE_WIDTH = 640, 500
WORST_PAGE_KEY = "big_screen_worst_page"

actor = kiosk.viewing_actor()  # stops the page when nobody is signed in (ui.common.current_actor)
screen.apply_kiosk_style()
measure = st.query_params.get("measure", "overdue")  # a wall screen picks its map by URL
measure = measure if measure in MEASURES else "overdue"
refresh_seconds = cache.ledger_state()[2].big_screen_refresh_seconds


def header(data) -> None:
    """Title, the 数据截至 stamp and, for a signed-in user (not a wall screen), the way back —
    in one row, so the screen needs no row of its own for the link."""
    kiosk_view = kiosk.in_kiosk()
    cols = st.columns([3, 2] if kiosk_view else [5, 4, 1.3], vertical_alignment="center")
    cols[0].title(t("big_screen.title"), anchor=False)
    when = data.as_of.strftime("%Y-%m-%d %H:%M") if data.as_of else "—"
    with cols[1]:
        st.html(screen.stamp_html(t("app.data_as_of", when=when),
                                  t("big_screen.refresh", seconds=refresh_seconds),
                                  t("big_screen.delta_note", day=data.week_ago.strftime("%m-%d"))))
    if not kiosk_view:
        cols[2].page_link("pages/overview.py", label=t("big_screen.back"), icon=":material/arrow_back:")


def map_panel(shown) -> None:
    measure_label = t(f"map.measure.{measure}")
    screen.panel_title(t("big_screen.map", measure=measure_label))
    deck = cache.district_deck(shown, measure=measure, measure_label=measure_label, lang=lang(),
                               size=MAP_SIZE)
    st.pydeck_chart(deck, height=MAP_SIZE[1], key="big_screen_map")
    st.html(screen.legend_html(cache.figures_by_code(shown.data), measure, lang(),
                               view=geo.fit_view(width_px=MAP_SIZE[0], height_px=MAP_SIZE[1])))
    st.html(screen.functional_html(shown.data.districts, measure, measure_label, lang()))


def referral_panel(data) -> None:
    if data.referrals is not None:
        screen.panel_title(t("big_screen.referrals", year=data.referrals.year))
        st.html(screen.referrals_html(data.referrals, lang()))


def chart_panels(data) -> None:
    screen.panel_title(t("big_screen.trend", months=len(data.trend)))
    st.altair_chart(charts.trend_chart(data.trend, lang=lang(), height=190, width=MIDDLE_WIDTH,
                                       today=data.today),
                    theme=None, width="content", key="big_screen_trend")
    screen.panel_title(t("big_screen.by_category"))
    st.altair_chart(charts.tally_chart(data.categories, lambda k: label(k, Category),
                                       title_key="chart.category", lang=lang(), height=185,
                                       width=MIDDLE_WIDTH),
                    theme=None, width="content", key="big_screen_categories")


def side_panel(data) -> None:
    screen.panel_title(t("big_screen.ranking"))
    st.html(screen.ranking_html(data.ranking, lang()))
    screen.panel_title(t("big_screen.by_level"))
    st.altair_chart(charts.tally_chart(data.levels, lambda k: label(k, SourceLevel),
                                       title_key="chart.level", lang=lang(), height=84,
                                       width=SIDE_WIDTH),
                    theme=None, width="content", key="big_screen_levels")


def worst_panel(data) -> None:
    turn = st.session_state.get(WORST_PAGE_KEY, -1) + 1  # one page further on each refresh
    st.session_state[WORST_PAGE_KEY] = turn
    rows, page, pages = screen.worst_page(data.worst, turn)
    st.html(worst_title_html(t("big_screen.worst"), t("big_screen.page", page=page, pages=pages),
                             data.notices, lang()))   # with the 督办 figures, late ones highlighted
    if rows:
        st.html(screen.worst_html(rows, lang()))
    else:
        st.caption(t("big_screen.no_worst"))


@st.fragment(run_every=refresh_seconds)
def big_screen() -> None:
    kiosk.recheck()  # a revoked token leaves for the sign-in page at the next refresh
    shown = cache.big_screen(actor)
    header(shown.data)
    screen.headline_cards(shown.data.headline, lang())
    left, right = st.columns([0.37, 0.63])
    with left:
        map_panel(shown)
        referral_panel(shown.data)
    with right:
        middle, side = st.columns([0.56, 0.44])
        with middle:
            chart_panels(shown.data)
        with side:
            side_panel(shown.data)
        worst_panel(shown.data)


big_screen()
