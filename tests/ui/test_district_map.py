"""The district map deck: offline, pickable, coloured by the chosen measure (no browser, no DB)."""

from __future__ import annotations

import json
from itertools import combinations

import pydeck as pdk
import pytest
import shapely

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
    return dm.district_deck(figures, measure=measure, measure_label="逾期",
                            functional_markers=geo.functional_area_markers(), lang=lang)


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
    assert "{name}" in tooltip["html"] and "{measure_text}" in tooltip["html"]
    assert "未销号" in tooltip["html"] and "久拖不决" in tooltip["html"]
    assert "Overdue" in _deck(lang="en")._tooltip["html"]


def test_initial_view_fits_chongqing_with_no_tilt():
    view = _spec(_deck())["initialViewState"]
    west, south, east, north = geo.CHONGQING_BBOX
    assert west < view["longitude"] < east and south < view["latitude"] < north
    assert view["zoom"] == geo.CHONGQING_VIEW.zoom and view["pitch"] == 0


def test_district_labels_sit_inside_their_districts_and_never_overlap():
    spec, zoom = _spec(_deck()), geo.CHONGQING_VIEW.zoom
    rows = [row for layer in spec["layers"] if layer["id"].startswith("district-labels")
            for row in layer["data"]]
    assert len(rows) >= 28  # the small central districts may give way at city zoom
    shapes = geo.district_shapes()
    for row in rows:
        assert shapes[row["code"]].geometry.contains(shapely.Point(row["position"]))
    labels = [dm._label_box(row, zoom, dm.LABEL_SIZE) for row in rows]
    markers = dm._marker_boxes(_layer(spec, "functional-areas")["data"], zoom)
    assert not any(a.intersects(b) for a, b in combinations(labels, 2))
    assert not any(a.intersects(m) for a in labels for m in markers)


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
