"""The district choropleth as a pydeck.Deck, built (not rendered) for `st.pydeck_chart`.

Offline by construction: `map_provider=None` with the default map style draws no basemap and
makes no outside request (docs/stack-notes.md, "Offline"); labels use the browser's CJK fonts.
Render with `st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object")`: the
selection's objects carry `code` (an adcode, or FA01–FA03 for a functional area).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from html import escape

import pydeck as pdk
import shapely
from pydeck.bindings.json_tools import default_serialize

from core.formatting import format_count, format_percent
from core.i18n import translate
from core.screen import geo

MEASURES = ("open", "overdue", "long_unresolved", "completion_rate", "reopened")  # reopened: 反弹
NO_DATA = "#d9d9d9"  # districts whose measure is None (e.g. a completion rate with no items)
_ZEROS = {k: 0 for k in MEASURES}
TEXT_RGB = [33, 37, 41]
LABEL_SIZE = 14  # px
MARKER_RADIUS = 8  # px
MARKER_LABEL_SIZE = 13  # px
MARKER_LABEL_OFFSET = (0, -18)  # px, above the dot
FONT = "'Microsoft YaHei, WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif'"  # quoted: a literal



class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation: pydeck's indent=2 makes the spec that Streamlit
    resends on every rerun ~5× larger (mostly the boundary coordinates)."""

    def to_json(self) -> str:
        """The deck spec as compact JSON, keys sorted (Streamlit hashes it into the element id)."""
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def format_figure(measure: str, value: object, lang: str = "zh") -> str:
    """Display text of one figure: a rate in [0, 1] as a percentage with one decimal, a count the
    Chinese way (1.23万), None as '—'."""
    if value is None:
        return "—"
    if measure == "completion_rate":
        return format_percent(float(value))
    return format_count(value, lang)


def legend_items(breaks: Sequence[float], palette: Sequence[str],
                 fmt: Callable[[float], str] = str) -> list[tuple[str, str]]:
    """(colour hex, 'low – high') per class of `breaks`, in the colours `geo.colour_for` gives."""
    colours = geo.class_colours(breaks, palette)
    return [(colour, fmt(lo) if lo == hi else f"{fmt(lo)} – {fmt(hi)}")
            for colour, (lo, hi) in zip(colours, geo.class_ranges(breaks), strict=True)]


def measure_breaks(rows: Sequence[Mapping], measure: str, n: int = 5) -> list[float]:
    """Class breaks of one measure over the given rows (None skipped; [0, 0] if nothing is left)."""
    values = [float(r[measure]) for r in rows if r.get(measure) is not None]
    return geo.colour_bins(values, n) if values else [0.0, 0.0]


def _decorate(props: dict, measure: str, breaks: Sequence[float], lang: str) -> dict:
    """Add the fill colour and the tooltip's display texts to one object's properties."""
    value = props.get(measure)
    palette = geo.palette_for(measure)
    fill = geo.hex_to_rgb(NO_DATA) if value is None else geo.colour_for(value, breaks, palette)
    texts = {f"{key}_text": format_figure(key, props.get(key, 0), lang) for key in MEASURES}
    return {**props, **texts, "fill": fill, "measure_text": format_figure(measure, value, lang)}


def _district_layer(collection: dict) -> pdk.Layer:
    return pdk.Layer(
        "GeoJsonLayer", collection, id="districts", pickable=True, auto_highlight=True,
        highlight_color=[31, 111, 92, 120], stroked=True, filled=True,
        get_fill_color="properties.fill", get_line_color=[255, 255, 255],
        line_width_units='"pixels"', get_line_width=1, line_width_min_pixels=1)


def _text_layer(layer_id: str, data: list[dict], *, size: int, offset: Sequence[int] = (0, 0),
                weight: int = 400, light: bool = False) -> pdk.Layer:
    """Labels with a halo: dark on white, or (light=True, for dark fills) white on dark."""
    colour, halo = ([255, 255, 255], [0, 0, 0, 110]) if light else (TEXT_RGB, [255, 255, 255, 230])
    return pdk.Layer(
        "TextLayer", data, id=layer_id, pickable=False, get_position="position", get_text="label",
        get_size=size, size_units='"pixels"', get_color=colour, get_pixel_offset=list(offset),
        character_set='"auto"', font_family=FONT, font_weight=weight,
        font_settings={"sdf": True}, outline_width=4, outline_color=halo,
        get_text_anchor='"middle"', get_alignment_baseline='"center"')


def _wants_light_text(rgb: Sequence[int]) -> bool:
    """True when white text contrasts more than TEXT_RGB with this fill (WCAG luminance)."""
    def luminance(c: Sequence[int]) -> float:
        lin = [(v / 255) / 12.92 if v <= 10 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c[:3]]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    fill = luminance(rgb)
    return 1.05 / (fill + 0.05) > (fill + 0.05) / (luminance(TEXT_RGB) + 0.05)


def _district_label_layers(labels: list[dict], fills: Mapping[str, Sequence[int]]) -> list:
    """Two label layers, split by which text colour reads best on each district's fill."""
    light = [row for row in labels if _wants_light_text(fills[row["code"]])]
    dark = [row for row in labels if not _wants_light_text(fills[row["code"]])]
    return [_text_layer("district-labels", dark, size=LABEL_SIZE),
            _text_layer("district-labels-on-dark", light, size=LABEL_SIZE, light=True)]


def _screen_box(position: Sequence[float], zoom: float, width: float, height: float,
                offset: Sequence[int] = (0, 0)) -> shapely.Polygon:
    """Pixel-space box of a width×height item centred at a lon/lat (plus a pixel offset)."""
    scale = 512 * 2**zoom  # deck.gl's world is 512 px wide at zoom 0
    x, y = (v * scale for v in geo.web_mercator(*position))
    x, y = x + offset[0], y + offset[1]
    return shapely.box(x - width / 2, y - height / 2, x + width / 2, y + height / 2)


def _label_box(row: dict, zoom: float, size: int, offset: Sequence[int] = (0, 0)):
    # CJK glyphs are about one em wide; the margin keeps halos apart
    return _screen_box(row["position"], zoom, len(row["label"]) * size + 6, size + 4, offset)


# Where to try a district label, in label heights from its label point, before leaving it out.
_NUDGES = ((0, 0), (0, -1), (0, 1), (-1.5, 0), (1.5, 0), (0, -2), (0, 2))


def _label_candidates(shape: geo.DistrictShape, zoom: float) -> list[list[float]]:
    """Label positions near the label point (nudged by whole label heights) inside the district."""
    deg_per_px = 360 / (512 * 2**zoom)
    lon, lat = shape.label_point
    step = (LABEL_SIZE + 4) * deg_per_px
    points = [[round(lon + dx * step, 4), round(lat - dy * step * math.cos(math.radians(lat)), 4)]
              for dx, dy in _NUDGES]
    return [p for p in points if shape.geometry.contains(shapely.Point(p))]


def _district_labels(zoom: float, taken: list) -> list[dict]:
    """Short names, biggest district first, each at the first candidate position that overlaps
    no label placed before at this zoom; left out if none is free (deck.gl's GPU collision
    filter mis-ranks TextLayers, and overlapping names are unreadable on a wall screen)."""
    placed = list(taken)
    rows = []
    for shape in sorted(geo.district_shapes().values(), key=lambda d: -d.geometry.area):
        for position in _label_candidates(shape, zoom):
            row = {"code": shape.adcode, "label": shape.short_name, "position": position}
            box = _label_box(row, zoom, LABEL_SIZE)
            if not any(box.intersects(other) for other in placed):
                placed.append(box)
                rows.append(row)
                break
    return rows


def _marker_boxes(markers: list[dict], zoom: float) -> list:
    """Boxes the marker dots and their labels cover, placed before any district label."""
    dots = [_screen_box(m["position"], zoom, 2 * MARKER_RADIUS, 2 * MARKER_RADIUS) for m in markers]
    return dots + [_label_box(m, zoom, MARKER_LABEL_SIZE, MARKER_LABEL_OFFSET) for m in markers]


def _marker_rows(markers: list[dict], figures_by_code: Mapping[str, Mapping]) -> list[dict]:
    """One flat row per functional-area marker: its figures (zeros if none), code, name, position."""
    return [_ZEROS | dict(figures_by_code.get(m["code"], {})) | {
            "code": m["code"], "name": m["name"], "label": m["name"],
            "position": [m["lon"], m["lat"]]} for m in markers]


def _marker_layers(data: list[dict]) -> list[pdk.Layer]:
    dots = pdk.Layer(
        "ScatterplotLayer", data, id="functional-areas", pickable=True, auto_highlight=True,
        get_position="position", get_fill_color="fill", get_radius=MARKER_RADIUS, radius_units='"pixels"',
        stroked=True, get_line_color=TEXT_RGB, line_width_units='"pixels"', get_line_width=2)
    return [dots, _text_layer("functional-area-labels", data, size=MARKER_LABEL_SIZE,
                              offset=MARKER_LABEL_OFFSET, weight=700)]


def _tooltip(measure_label: str, lang: str) -> dict:
    colon = ": " if lang == "en" else "："
    rows = "".join(f"<div>{escape(translate(f'map.measure.{key}', lang))}{colon}{{{key}_text}}</div>"
                   for key in MEASURES)
    html = (f"<div style='font-size:15px;font-weight:700'>{{name}}</div>"
            f"<div style='margin:2px 0 4px'>{escape(measure_label)}{colon}<b>{{measure_text}}</b></div>"
            f"{rows}")
    return {"html": html, "style": {"backgroundColor": "rgba(33,37,41,0.92)", "color": "white",
                                    "fontSize": "13px", "padding": "8px 10px"}}


def district_deck(figures_by_code: Mapping[str, Mapping], *, measure: str, measure_label: str,
                  functional_markers: list[dict], lang: str = "zh",
                  view: geo.MapView = geo.CHONGQING_VIEW) -> CompactDeck:
    """Choropleth of `measure` over the 38 districts plus the functional-area markers, no basemap.

    `figures_by_code`: adcode or FA code → {"open", "overdue", "long_unresolved",
    "completion_rate" (0–1, or None for a district with no items: drawn grey), "reopened"}; missing codes
    count as zeros. `functional_markers`: dicts with code, name, lon, lat (see
    `geo.functional_area_markers`). Raises ValueError for an unknown measure.
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; expected one of {MEASURES}")
    collection = geo.district_feature_collection(figures_by_code)
    features = collection["features"]
    districts = [_ZEROS | f["properties"] for f in features]
    markers = _marker_rows(functional_markers, figures_by_code)
    breaks = measure_breaks(districts + markers, measure)
    for feature, props in zip(features, districts, strict=True):
        feature["properties"] = _decorate(props, measure, breaks, lang)
    markers = [_decorate(row, measure, breaks, lang) for row in markers]
    labels = _district_labels(view.zoom, taken=_marker_boxes(markers, view.zoom))
    fills = {f["properties"]["code"]: f["properties"]["fill"] for f in features}
    layers = [_district_layer(collection), *_district_label_layers(labels, fills),
              *_marker_layers(markers)]
    return CompactDeck(
        layers=layers, map_provider=None, tooltip=_tooltip(measure_label, lang),
        initial_view_state=pdk.ViewState(longitude=view.longitude, latitude=view.latitude,
                                         zoom=view.zoom, pitch=0, bearing=0))


def picked_code(selection) -> str | None:
    """The code (adcode, or FA01–FA03) of the district or functional area clicked in a
    `st.pydeck_chart` selection, else None. A GeoJSON feature carries it in its properties."""
    objects = (selection or {}).get("objects") or {}
    for layer_id in ("districts", "functional-areas"):
        for picked in objects.get(layer_id) or []:
            code = picked.get("code") or (picked.get("properties") or {}).get("code")
            if code:
                return str(code)
    return None
