"""The big screen's pure pieces: the rolling list's pages, reason texts, rankings and legend HTML
(escaped), the chart specs (palette, Chinese labels, nothing fetched), the zoom rules."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest

from core.ledger.rules import Reason
from core.referrals.accountability import Figures, ScreenFigures
from core.screen.bigscreen import DistrictFigures, MonthFlow, Ranking, Tally, WorstItem
from ui import charts, screen


def worst(n: int, **overrides) -> WorstItem:
    values = dict(id=n, code=f"T-{n}", district="万州", description=f"问题{n}",
                  reasons=(Reason.OVERDUE,), days_overdue=12, days_open=800, days_since_progress=95,
                  bounce_count=2, extension_count=3)
    return WorstItem(**(values | overrides))


def test_the_rolling_list_wraps_around():
    items = tuple(worst(n) for n in range(14))
    assert [screen.worst_page(items, turn)[1:] for turn in range(4)] == [(1, 3), (2, 3), (3, 3), (1, 3)]
    assert [w.id for w in screen.worst_page(items, 2)[0]] == [12, 13]
    assert screen.worst_page((), 5) == ((), 1, 1)


@pytest.mark.parametrize("reason, zh, en", [
    (Reason.OVERDUE, "逾期 12 天", "12 days overdue"),
    (Reason.STALE, "95 天无进展", "no progress for 95 days"),
    (Reason.BOUNCED, "验收不通过 2 次", "failed verification 2×"),
    (Reason.OLD, "交办已 800 天", "assigned 800 days ago"),
    (Reason.EXTENDED, "延期 3 次", "extended 3×"),
    (Reason.INTERVIEW, "约谈整改方案逾期", "interview plan deadline passed"),
])
def test_each_reason_names_its_figure(reason, zh, en):
    assert screen.reason_text(worst(1), reason, "zh") == zh
    assert screen.reason_text(worst(1), reason, "en") == en


def test_user_text_is_escaped_in_the_worst_list():
    html = screen.worst_html((worst(1, description="<script>alert(1)</script>", district=None),), "zh")
    assert "<script>" not in html and "&lt;script&gt;" in html and "全市" in html


def district(i, name, items, closed, overdue, functional=False) -> DistrictFigures:
    return DistrictFigures(i, f"5001{i:02d}", name, name, functional, items, closed, overdue, 0)


def test_ranking_lists_show_rates_and_counts():
    a, b = district(1, "万州", 10, 9, 1), district(2, "渝中", 20_000, 5, 12_345)
    html = screen.ranking_html(Ranking((a,), (b,), (b,), (a,)), "zh")
    assert "90.0%" in html and "0.0%" in html and "1.23万" in html
    assert re.findall(r"<h4>(.*?)</h4>", html) == ["销号率最高", "销号率最低", "逾期最多", "逾期最少"]


def test_legend_shows_the_map_classes_and_no_data():
    figures = {"500101": {"completion_rate": 0.5}, "500102": {"completion_rate": None},
               "500103": {"completion_rate": 0.9}}
    html = screen.legend_html(figures, "completion_rate", "zh")
    assert "50.0%" in html and "无任务" in html and "圆点：功能区" in html


def test_functional_areas_are_spelled_out_beside_the_map():
    districts = (district(1, "万州区", 5, 1, 2), district(39, "两江新区", 4, 2, 3, functional=True))
    html = screen.functional_html(districts, "overdue", "逾期", "zh")
    assert "两江新区 · 逾期<b>3</b>" in html and "万州区" not in html


def test_zoom_rules_scale_the_1920_design_to_the_screen():
    css = screen._zoom_rules()
    block = '[data-testid="stMainBlockContainer"]'
    assert f"@media (min-width: 3840px) and (min-height: 2160px) {{ {block} {{zoom: 2.0000;}} }}" in css
    assert "(min-width: 1920px) and (min-height: 1080px)" in css and "{zoom: 1.0000;}" in css
    assert "(min-width: 1344px) and (min-height: 756px)" in css and "{zoom: 0.7000;}" in css


def _zoom_for(width: int, height: int) -> float:
    """The zoom the browser applies: the last of the rules whose media query matches."""
    matched = [float(z) for w, h, z in re.findall(
        r"min-width: (\d+)px\) and \(min-height: ([\d.]+)px\) \{ \S+ \{zoom: ([\d.]+);", screen._zoom_rules())
        if width >= int(w) and height >= float(h)]
    return matched[-1] if matched else 0.5


@pytest.mark.parametrize("size", [(1366, 768), (1440, 900), (1920, 1080), (1440, 789), (3840, 2160),
                                  (2560, 1080)])
def test_the_zoomed_design_fits_the_screen_in_both_directions(size):
    zoom = _zoom_for(*size)
    assert screen.DESIGN_WIDTH * zoom <= size[0] and screen.DESIGN_HEIGHT * zoom <= size[1]
    assert zoom > min(size[0] / screen.DESIGN_WIDTH, size[1] / screen.DESIGN_HEIGHT) - 0.02  # not too small


def test_the_element_toolbar_is_hidden_on_the_big_screen_only():
    assert '[data-testid="stElementToolbar"] {display: none !important;}' in screen.KIOSK_CSS
    assert not any(outside in screen.KIOSK_CSS for outside in ("http", "@import", "url("))


@pytest.mark.parametrize("days, zh, en", [(437.6, "438 天", "438 d"), (3.2, "3 天", "3 d"),
                                          (12_345.0, "1.23万 天", "12,345 d"), (None, "—", "—")])
def test_average_days_read_short(days, zh, en):
    assert screen.days_text(days, "zh") == zh and screen.days_text(days, "en") == en


@pytest.mark.parametrize("value, long", [("78.8%", False), ("2,000", False), ("438 天", False),
                                         ("438 d", False), ("123,456", False), ("1.23万", False),
                                         ("12,345 d", False), ("437.6 days", True), ("12,345 天", True),
                                         ("1,234,567", True)])
def test_long_figures_get_the_smaller_font(value, long):
    assert screen.card_key(3, value) == ("bs_long_3" if long else "bs_card_3")
    assert (screen.text_ems(value) * screen.VALUE_PX <= 196) is not long   # the card's text width


def test_the_legend_names_the_districts_too_small_for_a_label_with_their_figure():
    from core.screen import geo
    view = geo.fit_view(width_px=690, height_px=540)
    figures = {"500103": {"overdue": 7}, "500105": {"overdue": 0}, "500101": {"overdue": 3}}
    html = screen.legend_html(figures, "overdue", "zh", view=view)
    line = re.search(r'<span class="map-unlabeled"[^>]*>(.*?)</span>', html).group(1)
    assert line.startswith("图上未标注：") and "渝中&nbsp;<b>7</b>" in line and "江北&nbsp;<b>0</b>" in line
    assert "万州" not in line   # big enough for its name on the map
    assert "map-unlabeled" not in screen.legend_html(figures, "overdue", "zh")   # no view, no line
    en = screen.legend_html(figures, "overdue", "en", view=view)
    assert "Not named on the map: " in en and "渝中" in en


def test_referral_captions_may_break_after_a_slash_and_user_text_stays_escaped():
    figures = ScreenFigures(overdue_feedback=6, year=2026, results=Figures(
        criminal_filed=1, detained=1, arrested=2, prosecuted=3, fines_yuan=Decimal(740_000)))
    html = screen.referrals_html(figures, "en")
    assert "Detained/<wbr>arrested/<wbr>prosecuted" in html and html.count("<div>") == 5
    assert "1/2/3" in html and "¥740,000" in html and 'class="bs-ref"' in html
    assert "74万元" in screen.referrals_html(figures, "zh")


def _spec(chart) -> dict:
    return chart.to_dict()


def test_trend_chart_uses_the_palette_and_chinese_labels():
    flows = [MonthFlow(date(2026, m, 1), m * 10, m * 5) for m in range(1, 7)]
    spec = _spec(charts.trend_chart(flows, lang="zh"))
    text = json.dumps(spec, ensure_ascii=False)
    assert '"新增"' in text and '"销号"' in text and "万" in text
    assert charts.PALETTE["new"] in text and charts.PALETTE["closed"] in text
    # data inline (Altair's named datasets), no data URL to fetch; only the $schema names a URL
    assert spec["datasets"] and "url" not in json.dumps({k: v for k, v in spec.items() if k != "$schema"})
    assert spec["config"]["background"] == "transparent" and spec["autosize"]["type"] == "fit-x"


def test_tally_chart_stacks_closed_then_open_biggest_first():
    tallies = [Tally("air", 10, 4), Tally("water", 30, 10), Tally("noise", 0, 0)]
    frame = charts.tally_frame(tallies, str, "zh")
    assert list(frame["key"].unique()) == ["water", "air", "noise"]
    assert list(frame[frame.key == "water"]["items"]) == [10, 20]
    text = json.dumps(_spec(charts.tally_chart(tallies, str, title_key="chart.category", lang="en")))
    assert "Closed" in text and "Open" in text and charts.PALETTE["open"] in text


def _flows(last: date, n: int = 24) -> list[MonthFlow]:
    months = [(last.year * 12 + last.month - 1 - k) for k in reversed(range(n))]
    return [MonthFlow(date(m // 12, m % 12 + 1, 1), 30 + m % 5, 20 + m % 3) for m in months]


def _layers(spec) -> list[dict]:
    return spec["layer"]


def test_the_current_month_is_marked_as_month_to_date():
    today = date(2026, 12, 2)
    flows = _flows(date(2026, 12, 1))
    frame = charts.trend_frame(flows, "zh", today)
    assert list(frame[frame["partial"]]["month"].unique()) == ["2026-12-01"]
    assert set(frame[frame["partial"]]["month_text"]) == {"2026年12月（本月至今）"}
    assert list(frame[frame["to_partial"]]["month"].unique()) == ["2026-11-01", "2026-12-01"]  # dashed
    en = charts.trend_frame(flows, "en", today)
    assert set(en[en["partial"]]["month_text"]) == {"Dec 2026 (month to date)"}
    spec = _spec(charts.trend_chart(flows, lang="zh", today=today))
    layers = _layers(spec)
    lines = [layer for layer in layers if layer["mark"]["type"] == "line"]
    solid = [layer for layer in lines if "strokeDash" not in layer["mark"]]
    dashed = [layer for layer in lines if layer["mark"].get("strokeDash")]
    assert solid[0]["transform"] == [{"filter": "!datum.partial"}]   # full months only, solid
    assert dashed and dashed[0]["transform"] == [{"filter": "datum.to_partial"}]
    points = [layer for layer in layers if layer["mark"]["type"] == "point"]
    hollow = [layer for layer in points if layer["mark"].get("filled") is False]
    assert hollow and hollow[0]["transform"] == [{"filter": "datum.partial"}]
    text = json.dumps(spec, ensure_ascii=False)
    assert "虚线：本月至今" in text   # the chart says how the month to date is drawn
    assert '"title": "月份"' in text and '"field": "month_text"' in text   # the tooltip says it too


def test_a_finished_last_month_is_drawn_like_the_others():
    flows = _flows(date(2026, 11, 1))
    frame = charts.trend_frame(flows, "zh", date(2026, 12, 2))
    assert not frame["partial"].any() and not frame["to_partial"].any()
    spec = _spec(charts.trend_chart(flows, lang="en", today=date(2026, 12, 2)))
    text = json.dumps(spec)
    assert "strokeDash" not in text and "month to date" not in text
    assert charts.partial_month([], date(2026, 12, 2)) is None


def test_month_ticks_are_compact_and_never_crowd():
    spec = _spec(charts.trend_chart(_flows(date(2026, 12, 1)), lang="en", today=date(2026, 12, 2)))
    axis = next(layer["encoding"]["x"]["axis"] for layer in _layers(spec) if "axis" in layer["encoding"]["x"])
    assert axis["tickCount"] == {"interval": "month", "step": 3} and axis["labelOverlap"] is True
    assert "'%Y'" in axis["labelExpr"] and "'%b'" in axis["labelExpr"] and "%b %Y'" in axis["labelExpr"]
    zh = charts.month_label_expr("zh")
    assert "'%Y年'" in zh and "'%-m月'" in zh and "datum.index == 0" in zh


def test_every_reason_has_its_words_on_the_big_screen():
    """A new 久拖不决 rule (e.g. 催办) must be worded here too, in both languages."""
    from core.ledger.rules import Reason
    from core.screen.bigscreen import WorstItem
    from ui.screen import reason_text

    item = WorstItem(1, "X", None, "问题", tuple(Reason), 3, 400, 100, 2, 2, reminder_count=4)
    for reason in Reason:
        for lang in ("zh", "en"):
            assert reason_text(item, reason, lang)
    assert "4" in reason_text(item, Reason.REMINDED, "zh")
