"""The district map deck: offline, pickable, coloured by the chosen measure (no browser, no DB)."""

from __future__ import annotations

import json
import re
from itertools import combinations

import pydeck as pdk
import pytest

from core.i18n import translate
from core.screen import geo
from ui import district_map as dm

FIGURES = {
    "500101": {"name": "万州区", "open": 40, "overdue": 12, "long_unresolved": 3,
               "completion_rate": 0.95},
    "500103": {"name": "渝中区", "open": 5, "overdue": 0, "long_unresolved": 0,
               "completion_rate": 0.40},
    "FA01": {"name": "两江新区", "open": 9, "overdue": 30, "long_unresolved": 1,
             "completion_rate": 0.7},
}


def _deck(measure="overdue", figures=FIGURES, lang="zh"):
    label = translate(f"map.measure.{measure}", lang) if measure in dm.MEASURES else measure
    return dm.district_deck(figures, measure=measure, lang=lang, measure_label=label,
                            functional_markers=geo.functional_area_markers())


def _spec(deck) -> dict:
    return json.loads(deck.to_json())


def _layer(spec, layer_id) -> dict:
    return next(layer for layer in spec["layers"] if layer["id"] == layer_id)


def test_deck_makes_no_outside_request():
    deck = _deck()
    text = deck.to_json()
    assert "http" not in text  # no basemap style, tiles or font URL
    assert deck.map_provider is None
    assert _spec(deck).get("mapProvider") is None
    assert "http" not in json.dumps(deck._tooltip)


def test_every_layer_has_a_unique_id_and_clickable_ones_are_pickable():
    spec = _spec(_deck())
    ids = [layer["id"] for layer in spec["layers"]]
    assert len(ids) == len(set(ids)) and all(ids)
    assert _layer(spec, "districts")["@@type"] == "GeoJsonLayer"
    assert _layer(spec, "districts")["pickable"] is True
    assert _layer(spec, "functional-areas")["@@type"] == "ScatterplotLayer"
    assert _layer(spec, "functional-areas")["pickable"] is True


def test_text_layers_use_cjk_glyphs_and_a_literal_font():
    spec = _spec(_deck())
    texts = [layer for layer in spec["layers"] if layer["@@type"] == "TextLayer"]
    assert len(texts) >= 2
    for layer in texts:
        assert layer["characterSet"] == "auto"  # not "@@=auto", an expression
        assert layer["fontFamily"].startswith("Microsoft YaHei")


def test_districts_carry_figures_and_the_max_gets_the_darkest_colour():
    features = _layer(_spec(_deck()), "districts")["data"]["features"]
    assert len(features) == 38
    props = {f["properties"]["code"]: f["properties"] for f in features}
    assert props["500101"]["overdue"] == 12 and props["500101"]["name"] == "万州区"
    assert props["500243"]["overdue"] == 0  # no figures: zeros
    assert props["500243"]["fill"] == geo.hex_to_rgb(geo.SEQUENTIAL[0])
    assert props["500101"]["completion_rate_text"] == "95.0%"


def test_functional_areas_are_markers_coloured_by_the_same_scale():
    markers = _layer(_spec(_deck()), "functional-areas")["data"]
    assert [m["code"] for m in markers] == ["FA01", "FA02", "FA03"]
    assert markers[0]["fill"] == geo.hex_to_rgb(geo.SEQUENTIAL[-1])  # 30 overdue, the maximum
    assert markers[1]["overdue"] == 0 and markers[1]["name"] == "重庆高新区"


def test_completion_rate_uses_the_inverse_palette_and_none_is_grey():
    figures = FIGURES | {"500104": {"open": 0, "completion_rate": None}}
    features = _layer(_spec(_deck("completion_rate", figures)), "districts")["data"]["features"]
    props = {f["properties"]["code"]: f["properties"] for f in features}
    assert props["500101"]["fill"] == geo.hex_to_rgb(geo.INVERSE[-1])  # best rate: palest
    assert props["500104"]["fill"] == geo.hex_to_rgb(dm.NO_DATA)
    assert props["500104"]["completion_rate_text"] == "—"


def test_tooltip_names_the_district_and_its_figures():
    tooltip = _deck()._tooltip
    assert "{name}" in tooltip["html"] and "{overdue_text}" in tooltip["html"]
    assert "未销号" in tooltip["html"] and "久拖不决" in tooltip["html"]
    assert "Overdue" in _deck(lang="en")._tooltip["html"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("measure", dm.MEASURES)
def test_tooltip_lists_each_figure_once_the_coloured_one_first_in_bold(measure, lang):
    label = translate(f"map.measure.{measure}", lang)
    html = dm.district_deck(FIGURES, measure=measure, measure_label=label,
                            functional_markers=geo.functional_area_markers(), lang=lang)._tooltip["html"]
    rows = re.findall(r"<div>(.*?)</div>", html)
    captions = [re.split("：|: ", row)[0] for row in rows]
    assert captions == [label] + [translate(f"map.measure.{k}", lang) for k in dm.MEASURES if k != measure]
    for key in dm.MEASURES:
        assert html.count(f"{{{key}_text}}") == 1
    assert rows[0].endswith(f"<b>{{{measure}_text}}</b>") and html.count("<b>") == 1
    if lang == "zh":
        assert html.count("逾期") == 1   # it was listed twice: as the measure and among the figures


def test_initial_view_fits_chongqing_with_no_tilt():
    view = _spec(_deck())["initialViewState"]
    west, south, east, north = geo.CHONGQING_BBOX
    assert west < view["longitude"] < east and south < view["latitude"] < north
    assert view["zoom"] == geo.CHONGQING_VIEW.zoom and view["pitch"] == 0


PAGE_VIEWS = {  # the decks the pages build: the same zoom at any page width (the big screen is
    # scaled as a whole with CSS zoom, the map page keeps its zoom), so 1366 and 1920 show these
    "map page": geo.fit_view(width_px=1100, height_px=560),
    "big screen": geo.fit_view(width_px=690, height_px=540),
    "default": geo.CHONGQING_VIEW,
}


def _all_boxes(spec, zoom) -> list:
    """Every label's box (district and functional-area names, offsets applied) and every dot's."""
    rows = [row for layer in spec["layers"] if layer["id"].startswith("district-labels")
            for row in layer["data"]]
    labels = [dm._label_box(row, zoom, dm.LABEL_SIZE) for row in rows]
    markers = _layer(spec, "functional-area-labels")["data"]
    labels += [dm._label_box(row, zoom, dm.MARKER_LABEL_SIZE) for row in markers]
    return labels + dm._dot_boxes(_layer(spec, "functional-areas")["data"], zoom)


@pytest.mark.parametrize("where", PAGE_VIEWS)
def test_no_two_labels_or_dots_overlap_at_the_zoom_each_page_uses(where):
    view = PAGE_VIEWS[where]
    spec = _spec(dm.district_deck(FIGURES, measure="overdue", measure_label="逾期",
                                  functional_markers=geo.functional_area_markers(), view=view))
    boxes = _all_boxes(spec, view.zoom)
    assert len(boxes) > 30
    assert [(i, j) for (i, a), (j, b) in combinations(enumerate(boxes), 2) if a.intersects(b)] == []


@pytest.mark.parametrize("where", PAGE_VIEWS)
def test_labels_sit_on_their_districts_and_the_tiny_ones_are_left_to_the_legend(where):
    view = PAGE_VIEWS[where]
    spec = _spec(dm.district_deck(FIGURES, measure="overdue", measure_label="逾期",
                                  functional_markers=geo.functional_area_markers(), view=view))
    rows = [row for layer in spec["layers"] if layer["id"].startswith("district-labels")
            for row in layer["data"]]
    shapes = geo.district_shapes()
    for row in rows:
        box = dm._label_box(row, view.zoom, dm.LABEL_SIZE)
        area = dm._pixel_geometry(shapes[row["code"]].geometry, view.zoom)
        assert box.intersection(area).area >= dm.MIN_INSIDE * box.area, row["label"]
    named = {row["code"] for row in rows}
    unnamed = set(dm.unlabeled_codes(view))
    assert named | unnamed == set(shapes) and not named & unnamed
    assert len(named) >= 30
    central = {"500103", "500104", "500105", "500106", "500108"}  # 渝中 大渡口 江北 沙坪坝 南岸
    assert central <= unnamed
    # every functional area keeps a name (in full, or its short one) beside its dot
    labels = {row["code"]: row["label"] for row in _layer(spec, "functional-area-labels")["data"]}
    assert {code: name in ("两江新区", "两江", "重庆高新区", "高新区", "万盛经开区", "万盛")
            for code, name in labels.items()} == {"FA01": True, "FA02": True, "FA03": True}


def test_without_the_placement_the_central_names_would_collide():
    """The overlap check above can fail: every name at its district's label point overlaps."""
    zoom = PAGE_VIEWS["big screen"].zoom
    rows = [{"label": d.short_name, "position": d.label_point} for d in geo.district_shapes().values()]
    boxes = [dm._label_box(row, zoom, dm.LABEL_SIZE) for row in rows]
    assert any(a.intersects(b) for a, b in combinations(boxes, 2))
    assert dm._overlap((0, 0, 10, 10), (10, 5, 20, 8)) and not dm._overlap((0, 0, 10, 10), (11, 0, 20, 10))


def test_marker_labels_move_round_their_dot_when_above_is_taken():
    markers = [dict(code="A", name="甲乙丙丁", short="甲", lon=106.5, lat=29.5),
               dict(code="B", name="戊己庚辛", short="戊", lon=106.5, lat=29.5 + 0.05)]
    plan = dm.label_plan(6.23, markers)
    boxes = [dm._label_box(row, 6.23, dm.MARKER_LABEL_SIZE) for row in plan.marker_labels]
    assert len(plan.marker_labels) == 2 and not boxes[0].intersects(boxes[1])
    assert {tuple(row["offset"]) for row in plan.marker_labels} != {(0, dm._marker_offsets(0)[0][1])}


def test_unknown_measure_raises():
    with pytest.raises(ValueError):
        _deck(measure="items")


def test_legend_matches_the_map_colours():
    breaks = geo.colour_bins([0, 1, 2, 4, 8, 16, 30])
    items = dm.legend_items(breaks, geo.SEQUENTIAL, lambda v: f"{v:g}")
    assert items[0][0] == geo.SEQUENTIAL[0] and items[0][1].startswith("0")
    assert items[-1] == (geo.SEQUENTIAL[-1], f"{breaks[-2]:g} – 30")
    for (colour, _label), (lo, _hi) in zip(items, geo.class_ranges(breaks), strict=True):
        assert geo.hex_to_rgb(colour) == geo.colour_for(lo, breaks, geo.SEQUENTIAL)
    assert dm.legend_items([3.0, 3.0], geo.SEQUENTIAL) == [(geo.SEQUENTIAL[0], "3.0")]


def test_compact_json_is_much_smaller_than_pydecks_default():
    deck = _deck()
    assert len(deck.to_json()) < 200_000
    assert len(deck.to_json()) * 3 < len(pdk.Deck.to_json(deck))
    assert json.loads(deck.to_json()) == json.loads(pdk.Deck.to_json(deck))


@pytest.mark.parametrize("selection, code", [
    ({"objects": {"districts": [{"type": "Feature", "properties": {"code": "500103"}}]}}, "500103"),
    ({"objects": {"districts": [{"code": "500101", "name": "万州区"}]}}, "500101"),
    ({"objects": {"functional-areas": [{"code": "FA02", "name": "重庆高新区"}]}}, "FA02"),
    ({"objects": {}}, None), ({}, None), (None, None),
    ({"objects": {"district-labels": [{"code": "500101"}]}}, None),  # labels are not pickable
])
def test_picked_code_reads_a_click_on_a_district_or_marker(selection, code):
    assert dm.picked_code(selection) == code


def test_tooltip_captions_come_from_the_catalogue_in_both_languages():
    zh, en = _deck()._tooltip["html"], _deck(lang="en")._tooltip["html"]
    assert "销号率：{completion_rate_text}" in zh and "Closure rate: {completion_rate_text}" in en


def test_large_counts_read_the_chinese_way_in_tooltips():
    deck = _deck(figures={"500101": {"open": 123_456, "overdue": 12, "long_unresolved": 0,
                                     "completion_rate": 0.5}})
    props = {f["properties"]["code"]: f["properties"]
             for f in _layer(_spec(deck), "districts")["data"]["features"]}
    assert props["500101"]["open_text"] == "12.3万" and props["500101"]["completion_rate_text"] == "50.0%"
