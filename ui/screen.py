"""The big screen's look: dark kiosk styling, headline cards, district ranking, the rolling list of
worst items, the map legend. Streamlit-aware but free of data access: pages pass core's figures.

Designed at 1920×1080 CSS pixels; other screens get the same layout scaled with CSS `zoom`
(3840×2160 ×2, 2560×1440 ×4/3, 1440×900 ×0.75, 1366×768 ×0.70), so a 4K wall shows it as big as a
1080p one; the zoom also keeps the 1080-pixel height on screen (a 16:10 screen, a browser window),
so the page never scrolls.
"""

from __future__ import annotations

from html import escape

import streamlit as st

from core.formatting import format_count, format_percent, format_points, format_signed_count
from core.i18n import translate
from core.ledger.rules import Reason
from core.referrals.accountability import ScreenFigures
from core.screen import geo
from core.screen.bigscreen import DistrictFigures, Headline, Ranking, WorstItem
from ui import district_map

BG, PANEL, LINE, INK, MUTED = "#0B1526", "#101D33", "#1E2D47", "#E6EDF3", "#9FB0C8"
ACCENT = "#56B4E9"
WORST_PER_PAGE = 6
DESIGN_WIDTH, DESIGN_HEIGHT = 1920, 1080
VALUE_PX, LONG_VALUE_PX = 44, 32   # a headline figure's font size, and that of a long one
CARD_EMS = 4.2   # what fits a headline card at VALUE_PX (its text is ~196 px wide at 1920)
ZOOM_FROM, ZOOM_TO, ZOOM_STEP = 960, 7680, 32

KIOSK_CSS = f"""
<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stStatusWidget"], footer {{display: none !important;}}
.stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {{background: {BG}; color: {INK};}}
[data-testid="stMainBlockContainer"] {{padding: 14px 22px 8px; max-width: none; zoom: 0.5;}}
{{zooms}}
[data-testid="stVerticalBlock"] {{gap: 8px;}}
[data-testid="stHorizontalBlock"] {{gap: 12px;}}
/* Streamlit's element toolbar (the fullscreen button) would sit white on the dark map and charts;
   a wall has no mouse, and a desk user has the 区县地图 page for a closer look. */
[data-testid="stElementToolbar"] {{display: none !important;}}
/* No dialog can be dismissed on a wall: the only one a kiosk meets is Streamlit's "Page not
   found" after a server restart (its first run resolves the URL against pages/ file names). */
[data-testid="stDialog"] {{display: none !important;}}
/* a refresh must not dim the screen: keep stale elements fully visible */
[data-stale="true"], .stale-element {{opacity: 1 !important; transition: none !important;}}
h1 {{color: {INK} !important; font-size: 34px !important; padding: 0 !important;
     line-height: 1.3 !important; letter-spacing: 2px; white-space: nowrap;}}
/* Streamlit pulls a heading's next element up by 1rem: the title would sit on the figures */
[data-testid="stHeading"] [data-testid="stMarkdownContainer"] {{margin-bottom: 0 !important;}}
[data-testid="stPageLink"] a {{background: {PANEL}; border: 1px solid {ACCENT}; border-radius: 8px;
     padding: 4px 12px;}}
[data-testid="stPageLink"] a p, [data-testid="stPageLink"] a span {{color: {INK} !important;
     font-size: 16px !important;}}
[data-testid="stPageLink"] a:hover {{background: {LINE};}}
[data-testid="stCaptionContainer"], .stCaption {{color: {MUTED} !important; font-size: 15px;}}
[data-testid="stMetric"] {{background: {PANEL}; border: 1px solid {LINE}; border-radius: 10px;
     padding: 8px 14px;}}
[data-testid="stMetricLabel"] p {{color: {MUTED} !important; font-size: 18px !important;}}
[data-testid="stMetricValue"] {{color: {INK} !important; font-size: {VALUE_PX}px !important;
     font-weight: 700; line-height: 1.15;}}
/* a figure too long for its card at full size (see `value_size`) */
[class*="st-key-bs_long_"] [data-testid="stMetricValue"] {{font-size: {LONG_VALUE_PX}px !important;}}
[data-testid="stMetricDelta"] {{font-size: 16px !important;}}
.bs-panel-title {{color: {INK}; font-size: 19px; font-weight: 600; margin: 0 0 4px;
     border-left: 4px solid {ACCENT}; padding-left: 8px;}}
.bs-rank {{display: grid; grid-template-columns: 1fr 1fr; gap: 10px 14px;}}
.bs-rank h4 {{color: {MUTED}; font-size: 15px; font-weight: 500; margin: 0 0 4px; padding: 0;}}
.bs-rank ol {{margin: 0; padding: 0; list-style: none; counter-reset: r;}}
.bs-rank li {{display: flex; justify-content: space-between; color: {INK}; font-size: 17px;
     line-height: 26px; border-bottom: 1px solid {LINE}; counter-increment: r;}}
.bs-rank li::before {{content: counter(r); color: {MUTED}; width: 22px;}}
.bs-rank li span:first-of-type {{flex: 1;}}
.bs-rank b {{font-variant-numeric: tabular-nums;}}
.bs-worst {{width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 17px;}}
.bs-worst th {{color: {MUTED}; font-weight: 500; text-align: left; padding: 4px 8px;
     border-bottom: 1px solid {LINE};}}
.bs-worst td {{color: {INK}; padding: 4px 8px; border-bottom: 1px solid {LINE};
     white-space: nowrap; overflow: hidden; text-overflow: ellipsis; height: 25px;}}
.bs-chip {{display: inline-block; background: #3A1D12; color: #FFB38A; border-radius: 4px;
     padding: 0 7px; margin-right: 6px; font-size: 15px;}}
.bs-head {{display: flex; justify-content: space-between; align-items: baseline;}}
.bs-page {{color: {MUTED}; font-size: 15px;}}
.bs-fa {{display: flex; gap: 10px; margin-top: 6px;}}
.bs-fa div {{flex: 1; background: {PANEL}; border: 1px solid {LINE}; border-radius: 8px;
     padding: 6px 10px; color: {MUTED}; font-size: 15px;}}
.bs-fa b {{display: block; color: {INK}; font-size: 24px; font-weight: 700;}}
/* the referral figures: five cells of fixed shares whose captions take two lines at most in
   either language (so that English is no taller than Chinese) */
.bs-ref {{display: grid; gap: 8px; margin-top: 6px; grid-template-columns: 1fr 1fr 1.35fr 1fr 1.25fr;}}
.bs-ref div {{background: {PANEL}; border: 1px solid {LINE}; border-radius: 8px; padding: 6px 8px;
     min-width: 0;}}
.bs-ref span {{display: block; color: {MUTED}; font-size: 14px; line-height: 17px; height: 34px;
     overflow: hidden;}}
.bs-ref b {{display: block; font-size: 22px; font-weight: 700; white-space: nowrap;}}
.bs-stamp {{text-align: right; color: {MUTED}; font-size: 16px; white-space: nowrap;}}
.bs-stamp b {{color: {INK}; font-size: 20px; font-weight: 600;}}
</style>
"""


def _zoom_rules() -> str:
    """zoom = the smaller of viewport width ÷ DESIGN_WIDTH and height ÷ DESIGN_HEIGHT, in steps of
    ZOOM_STEP pixels of width (rounded down): the DESIGN_WIDTH × DESIGN_HEIGHT design always fits
    without a scrollbar, on a 16:10 screen or in a browser window with its tabs and address bar as
    well. The last rule that matches wins, so the rules go from small to large."""
    block = '[data-testid="stMainBlockContainer"]'
    return "\n".join(
        f"@media (min-width: {w}px) and (min-height: {w * DESIGN_HEIGHT / DESIGN_WIDTH:g}px) "
        f"{{ {block} {{zoom: {w / DESIGN_WIDTH:.4f};}} }}"
        for w in range(ZOOM_FROM, ZOOM_TO + 1, ZOOM_STEP))


def apply_kiosk_style() -> None:
    """Hide Streamlit's chrome (header, toolbar, sidebar) and switch this page to the dark screen,
    scaled so that any screen shows the 1920-pixel design."""
    st.html(KIOSK_CSS.replace("{zooms}", _zoom_rules()))


def panel_title(text: str, aside: str = "") -> None:
    side = f'<span class="bs-page">{escape(aside)}</span>' if aside else ""
    st.html(f'<div class="bs-head"><div class="bs-panel-title">{escape(text)}</div>{side}</div>')


def stamp_html(as_of: str, refresh: str, note: str) -> str:
    """The header's right side: 数据截至 in bold (it matters most on a wall), refresh and delta note."""
    return (f'<div class="bs-stamp"><b>{escape(as_of)}</b> · {escape(refresh)} · {escape(note)}'
            "</div>")


def _delta_style(delta: float | None, bad_when_up: bool | None) -> dict:
    if not delta:
        return {"delta_color": "off", "delta_arrow": "off"}
    if bad_when_up is None:
        return {"delta_color": "off"}
    return {"delta_color": "inverse" if bad_when_up else "normal"}


def days_text(days: float | None, lang: str) -> str:
    """Whole days, short: '438 天' / '438 d' (a card has no room for '437.6 days'); None → '—'."""
    return "—" if days is None else translate("big_screen.days", lang, n=format_count(round(days), lang))


def text_ems(text: str) -> float:
    """Rough width of a figure in ems: CJK one em, digits and Latin letters about 0.58."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.3 if ch in " .,:" else 0.58 for ch in text)


def card_key(i: int, value: str) -> str:
    """The key of headline card i: `bs_long_i` (a smaller font, KIOSK_CSS) when its figure would
    not fit at full size, else `bs_card_i`."""
    return f"bs_long_{i}" if text_ems(value) > CARD_EMS else f"bs_card_{i}"


def headline_cards(head: Headline, lang: str) -> None:
    """Eight big figures in a row, each but the last with its change since last week."""
    counts = [("big_screen.items", head.items, None), ("big_screen.closed", head.closed, False),
              ("big_screen.overdue", head.overdue, True),
              ("big_screen.long_unresolved", head.long_unresolved, True),
              ("big_screen.open_referrals", head.open_referrals, True),
              ("big_screen.interviews_overdue", head.interview_plans_overdue, True)]
    rate = head.completion_rate
    cards = [(translate("big_screen.completion", lang), format_percent(rate.now),
              {"delta": format_points(rate.delta, lang) if rate.delta is not None else None,
               **_delta_style(rate.delta, False)})]
    cards += [(translate(key, lang), format_count(change.now, lang),
               {"delta": format_signed_count(change.delta, lang),
                **_delta_style(change.delta, bad_when_up)})
              for key, change, bad_when_up in counts]
    cards.append((translate("big_screen.avg_close", lang), days_text(head.avg_days_to_close, lang), {}))
    for i, (col, (caption, value, extra)) in enumerate(zip(st.columns(8), cards, strict=True)):
        col.container(key=card_key(i, value)).metric(caption, value, **extra)


def _rank_list(title: str, rows: tuple[DistrictFigures, ...], value) -> str:
    items = "".join(f"<li><span>{escape(d.short_name or '')}</span><b>{escape(value(d))}</b></li>"
                    for d in rows)
    return f"<div><h4>{escape(title)}</h4><ol>{items}</ol></div>"


def ranking_html(ranking: Ranking, lang: str) -> str:
    """Four short lists: best and worst closure rate, most and fewest overdue."""
    rate = lambda d: format_percent(d.completion_rate)  # noqa: E731
    overdue = lambda d: format_count(d.overdue, lang)  # noqa: E731
    lists = [("big_screen.best_completion", ranking.best_completion, rate),
             ("big_screen.worst_completion", ranking.worst_completion, rate),
             ("big_screen.most_overdue", ranking.most_overdue, overdue),
             ("big_screen.least_overdue", ranking.least_overdue, overdue)]
    return ('<div class="bs-rank">'
            + "".join(_rank_list(translate(k, lang), rows, fn) for k, rows, fn in lists) + "</div>")


def reason_text(item: WorstItem, reason: Reason, lang: str) -> str:
    """One reason with its figure: 逾期 120 天, 95 天无进展, 验收不通过 2 次 …"""
    values = {Reason.OVERDUE: {"days": item.days_overdue},
              Reason.STALE: {"days": item.days_since_progress},
              Reason.BOUNCED: {"n": item.bounce_count}, Reason.OLD: {"days": item.days_open},
              Reason.EXTENDED: {"n": item.extension_count}, Reason.INTERVIEW: {},
              Reason.REMINDED: {"n": item.reminder_count}}[reason]
    return translate(f"reason.{reason.value}", lang, **values)


def worst_page(items: tuple[WorstItem, ...], page: int) -> tuple[tuple[WorstItem, ...], int, int]:
    """(rows on page `page` modulo the page count, the page number 1-based, the page count)."""
    pages = max(1, -(-len(items) // WORST_PER_PAGE))
    page = page % pages
    return items[page * WORST_PER_PAGE:(page + 1) * WORST_PER_PAGE], page + 1, pages


def worst_html(rows: tuple[WorstItem, ...], lang: str) -> str:
    """The worst items as a fixed table: code, district, problem, reasons as chips."""
    head = "".join(f'<th style="width:{w}">{escape(translate(k, lang))}</th>' for k, w in (
        ("col.code", "15%"), ("col.district", "8%"), ("big_screen.col.problem", "35%"),
        ("big_screen.col.reasons", "42%")))
    body = "".join(
        f"<tr><td>{escape(i.code)}</td>"
        f"<td>{escape(i.district or translate('district.citywide', lang))}</td>"
        f"<td>{escape(i.description)}</td><td>"
        + "".join(f'<span class="bs-chip">{escape(reason_text(i, r, lang))}</span>' for r in i.reasons)
        + "</td></tr>" for i in rows)
    return f'<table class="bs-worst"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def legend_html(figures: dict[str, dict], measure: str, lang: str, *, ink: str = MUTED,
                view: geo.MapView | None = None) -> str:
    """The map's colour classes (the same breaks and colours the map uses), a no-data swatch if
    any district has none, and the note on functional-area dots. With the map's `view`, a second
    line names the districts too small for a label at its zoom, each with its figure. Inline
    styles: it is shown on the dark big screen and on the light map page alike."""
    fmt = (lambda v: format_percent(v)) if measure == "completion_rate" else (
        lambda v: format_count(v, lang))
    rows = list(figures.values())
    breaks = district_map.measure_breaks(rows, measure)
    items = district_map.legend_items(breaks, geo.palette_for(measure), fmt)
    if any(r.get(measure) is None for r in rows):
        items.append((district_map.NO_DATA, translate("map.no_data", lang)))
    swatch = ("display:inline-block;width:14px;height:14px;border-radius:3px;margin-right:5px;"
              "vertical-align:-2px;background:")
    spans = "".join(f'<span><i style="{swatch}{c}"></i>{escape(text)}</span>' for c, text in items)
    note = f"<span>{escape(translate('map.markers', lang))}</span>"
    unlabeled = _unlabeled_html(figures, measure, lang, view) if view is not None else ""
    return (f'<div style="display:flex;flex-wrap:wrap;gap:4px 14px;color:{ink};font-size:14px">'
            f"{spans}{note}{unlabeled}</div>")


def _unlabeled_html(figures: dict[str, dict], measure: str, lang: str, view: geo.MapView) -> str:
    """'图上未标注：渝中 3 · 江北 1 …': the districts the map leaves unnamed at this view, with the
    figure it is coloured by (on a wall, nobody hovers over a 20-pixel district)."""
    shapes = geo.district_shapes()
    codes = district_map.unlabeled_codes(view)
    if not codes:
        return ""
    def value(code: str) -> str:
        v = (figures.get(code) or {}).get(measure, 0)
        return district_map.format_figure(measure, v, lang)
    names = " · ".join(f"{escape(shapes[c].short_name)}&nbsp;<b>{escape(value(c))}</b>" for c in codes)
    return (f'<span class="map-unlabeled" style="flex-basis:100%">'
            f"{escape(translate('map.unlabeled', lang))}{names}</span>")


def functional_html(districts: tuple[DistrictFigures, ...], measure: str, label: str, lang: str) -> str:
    """The three functional areas (drawn as dots on the map) with their figure for `measure`,
    readable without hovering."""
    def value(d: DistrictFigures) -> str:
        return format_percent(d.completion_rate) if measure == "completion_rate" else format_count(
            getattr(d, measure), lang)
    cards = "".join(f"<div>{escape(d.name or '')} · {escape(label)}<b>{escape(value(d))}</b></div>"
                    for d in districts if d.functional)
    return f'<div class="bs-fa">{cards}</div>'


def referrals_html(figures: ScreenFigures, lang: str) -> str:
    """移送与问责 in one row: feedback overdue (in the overdue colour), criminal cases filed,
    people detained/arrested/prosecuted, people held accountable by rank, fines — this year's.
    Five cells whose captions may break after a slash, two lines at most."""
    r = figures.results
    fines = translate("big_screen.ref.yuan", lang, n=format_count(float(r.fines_yuan), lang))
    cells = [("big_screen.ref.overdue", format_count(figures.overdue_feedback, lang), "#FF8A5B"),
             ("big_screen.ref.criminal", format_count(r.criminal_filed, lang), INK),
             ("big_screen.ref.people", f"{r.detained}/{r.arrested}/{r.prosecuted}", INK),
             ("big_screen.ref.accountable", f"{r.bureau}/{r.division}/{r.section}", INK),
             ("big_screen.ref.fines", fines, INK)]
    body = "".join(f'<div><span>{escape(translate(key, lang)).replace("/", "/<wbr>")}</span>'
                   f'<b style="color:{colour}">{escape(value)}</b></div>' for key, value, colour in cells)
    return f'<div class="bs-ref">{body}</div>'
