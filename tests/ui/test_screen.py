"""The big screen's pure pieces: the rolling list's pages, reason texts, rankings and legend HTML
(escaped), the chart specs (palette, Chinese labels, nothing fetched), the zoom rules."""

import json
import re
from datetime import date

import pytest

from core.ledger.rules import Reason
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
    assert "@media (min-width: 3840px) { [data-testid=\"stMainBlockContainer\"] {zoom: 2.0000;} }" in css
    assert "(min-width: 1920px)" in css and "{zoom: 1.0000;}" in css
    assert "(min-width: 1344px)" in css and "{zoom: 0.7000;}" in css


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
