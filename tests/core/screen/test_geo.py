"""District boundaries, label points, feature collection and colour scales (no database)."""

from __future__ import annotations

import pytest
import shapely

from core.screen import geo
from db.reference import ADMIN_DISTRICTS, FUNCTIONAL_AREAS

ADCODES = [row[0] for row in ADMIN_DISTRICTS]
LON_RANGE, LAT_RANGE = (105.2, 110.25), (28.1, 32.3)  # Chongqing, generously
MAX_VERTICES = 6000  # measured ~5.1k after simplification (73.6k raw)


def _inside_chongqing(bounds) -> bool:
    west, south, east, north = bounds
    return (LON_RANGE[0] <= west < east <= LON_RANGE[1]
            and LAT_RANGE[0] <= south < north <= LAT_RANGE[1])


@pytest.mark.parametrize("adcode", ADCODES)
def test_raw_boundary_is_valid_and_inside_chongqing(adcode):
    raw = geo.load_boundary(adcode)
    assert raw.geom_type == "MultiPolygon"
    assert not raw.is_empty and raw.is_valid
    assert _inside_chongqing(raw.bounds)


@pytest.mark.parametrize("adcode", ADCODES)
def test_simplified_boundary_is_valid_and_keeps_its_area(adcode):
    raw = geo.load_boundary(adcode)
    simple = geo.district_shapes()[adcode].geometry
    assert simple.geom_type == "MultiPolygon"
    assert not simple.is_empty and simple.is_valid
    assert simple.area == pytest.approx(raw.area, rel=0.02)
    assert _inside_chongqing(simple.bounds)


@pytest.mark.parametrize("row", ADMIN_DISTRICTS, ids=[r[1] for r in ADMIN_DISTRICTS])
def test_reference_point_lies_in_or_near_its_district(row):
    adcode, _name, _short, _kind, _region, _central, lon, lat = row
    assert geo.load_boundary(adcode).distance(shapely.Point(lon, lat)) <= 0.15


@pytest.mark.parametrize("adcode", ADCODES)
def test_label_point_and_bbox_describe_the_district(adcode):
    district = geo.district_shapes()[adcode]
    assert district.geometry.contains(shapely.Point(district.label_point))
    assert district.bbox == pytest.approx(district.geometry.bounds, abs=1e-4)
    outer = district.polygons[0][0]
    assert outer[0] == outer[-1] and len(outer[0]) == 2  # closed ring of (lon, lat)


def test_shapes_cover_the_38_districts_in_reference_order_and_are_cached():
    shapes = geo.district_shapes()
    assert list(shapes) == ADCODES
    assert geo.district_shapes() is shapes
    assert shapes["500240"].short_name == "石柱" and shapes["500240"].name == "石柱土家族自治县"


def test_simplification_cuts_vertices_to_a_few_thousand():
    raw = sum(shapely.get_num_coordinates(geo.load_boundary(c)) for c in ADCODES)
    simple = geo.vertex_count(geo.district_shapes().values())
    assert raw > 50_000
    assert 2_000 < simple < MAX_VERTICES


def test_coordinates_are_rounded_to_the_grid():
    coords = shapely.get_coordinates(geo.district_shapes()["500103"].geometry)
    assert all(abs(v * 1e4 - round(v * 1e4)) < 1e-6 for v in coords.ravel())


def test_unknown_adcode_raises():
    with pytest.raises(FileNotFoundError):
        geo.load_boundary("509999")


def test_each_functional_area_gets_a_marker_inside_its_host():
    markers = geo.functional_area_markers()
    assert [m["code"] for m in markers] == [fa[0] for fa in FUNCTIONAL_AREAS]
    assert {m["name"] for m in markers} == {"两江新区", "重庆高新区", "万盛经开区"}
    for marker in markers:
        host = geo.load_boundary(marker["host"])
        assert host.contains(shapely.Point(marker["lon"], marker["lat"]))


def test_feature_collection_merges_figures_and_zero_fills():
    figures = {"500101": {"name": "ignored", "open": 7, "overdue": 2, "completion_rate": 0.5},
               "FA01": {"open": 99}}
    collection = geo.district_feature_collection(figures)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == 38
    by_code = {f["properties"]["code"]: f["properties"] for f in features}
    assert set(by_code) == set(ADCODES)
    assert by_code["500101"] == {"code": "500101", "name": "万州区", "short_name": "万州",
                                 "open": 7, "overdue": 2, "completion_rate": 0.5}
    assert by_code["500243"]["open"] == 0 and by_code["500243"]["completion_rate"] == 0
    assert all(f["geometry"]["type"] == "MultiPolygon" for f in features)


def test_feature_collection_without_figures_carries_names_only():
    props = geo.district_feature_collection({})["features"][0]["properties"]
    assert props == {"code": "500101", "name": "万州区", "short_name": "万州"}


def test_chongqing_view_fits_the_whole_municipality():
    view, width, height = geo.CHONGQING_VIEW, 1000, 600
    scale = 512 * 2**view.zoom
    cx, cy = geo.web_mercator(view.longitude, view.latitude)
    west, south, east, north = geo.CHONGQING_BBOX
    for lon, lat in ((west, south), (east, north)):
        x, y = geo.web_mercator(lon, lat)
        assert abs(x - cx) * scale <= width / 2 and abs(y - cy) * scale <= height / 2
    assert 5 < view.zoom < 9


def test_a_bigger_chart_gets_a_closer_view():
    assert geo.fit_view(width_px=1800, height_px=1000).zoom > geo.CHONGQING_VIEW.zoom


SAMPLES = {
    "spread": list(range(41)),
    "mostly_zero": [0] * 40 + [5],
    "two_values": [0, 1],
    "skewed": [0] * 30 + [1, 2, 3, 50, 80, 120, 7, 9, 4, 4, 4],
    "rates": [0.1, 0.5, 0.9, 0.95, 1.0],
}


@pytest.mark.parametrize("values", SAMPLES.values(), ids=SAMPLES.keys())
def test_colour_bins_are_monotone_and_span_the_values(values):
    breaks = geo.colour_bins(values)
    assert breaks[0] == min(values) and breaks[-1] == max(values)
    assert all(a < b for a, b in zip(breaks[:-2], breaks[1:-1], strict=True))
    assert breaks[-2] <= breaks[-1]
    assert len(breaks) - 1 <= 5


@pytest.mark.parametrize("values", SAMPLES.values(), ids=SAMPLES.keys())
@pytest.mark.parametrize("palette", [geo.SEQUENTIAL, geo.INVERSE], ids=["sequential", "inverse"])
def test_colour_for_maps_min_and_max_to_the_palette_ends(values, palette):
    breaks = geo.colour_bins(values)
    assert geo.colour_for(min(values), breaks, palette) == geo.hex_to_rgb(palette[0])
    assert geo.colour_for(max(values), breaks, palette) == geo.hex_to_rgb(palette[-1])
    shades = [geo.colour_for(v, breaks, palette) for v in sorted(values)]
    order = [palette.index("#{:02x}{:02x}{:02x}".format(*s)) for s in shades]
    assert order == sorted(order)  # a larger value never gets an earlier colour


def test_values_outside_the_breaks_take_the_end_colours():
    breaks = geo.colour_bins([1, 2, 3, 4, 5, 6])
    assert geo.colour_for(-10, breaks) == geo.hex_to_rgb(geo.SEQUENTIAL[0])
    assert geo.colour_for(100, breaks) == geo.hex_to_rgb(geo.SEQUENTIAL[-1])


def test_all_equal_values_make_one_class_and_empty_input_raises():
    assert geo.colour_bins([3, 3, 3]) == [3.0, 3.0]
    assert geo.colour_for(3, [3.0, 3.0]) == geo.hex_to_rgb(geo.SEQUENTIAL[0])
    with pytest.raises(ValueError):
        geo.colour_bins([])


def test_integer_classes_do_not_share_bounds():
    breaks = geo.colour_bins(SAMPLES["skewed"])
    ranges = geo.class_ranges(breaks)
    assert all(hi < next_lo for (_, hi), (next_lo, _) in zip(ranges, ranges[1:], strict=False))
    assert geo.class_ranges([0.0, 1.0, 1.0]) == [(0.0, 0.0), (1.0, 1.0)]


def test_palettes_are_ordered_by_lightness_and_completion_rate_is_inverted():
    def lightness(hex_colour):
        r, g, b = geo.hex_to_rgb(hex_colour)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light = [lightness(c) for c in geo.SEQUENTIAL]
    assert light == sorted(light, reverse=True)  # darker = more, readable in greyscale
    assert geo.palette_for("completion_rate") == geo.INVERSE == tuple(reversed(geo.SEQUENTIAL))
    assert geo.palette_for("overdue") == geo.SEQUENTIAL


def test_hex_to_rgb_rejects_other_formats():
    assert geo.hex_to_rgb("#bd0026") == [189, 0, 38]
    with pytest.raises(ValueError):
        geo.hex_to_rgb("red")
