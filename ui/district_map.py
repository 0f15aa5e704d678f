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
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from itertools import product

import numpy as np
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
MIN_INSIDE = 0.6  # share of a district label's box that must lie on the district's own fill
LABEL_MARGIN = 3  # px around a label's glyphs: its halo, and a gap to the next label
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


def _text_layer(layer_id: str, data: list[dict], *, size: int, offset: Sequence[int] | str = (0, 0),
                weight: int = 400, light: bool = False) -> pdk.Layer:
    """Labels with a halo: dark on white, or (light=True, for dark fills) white on dark; `offset`
    in pixels, or the name of each row's own offset."""
    colour, halo = ([255, 255, 255], [0, 0, 0, 110]) if light else (TEXT_RGB, [255, 255, 255, 230])
    offset = offset if isinstance(offset, str) else list(offset)
    return pdk.Layer(
        "TextLayer", data, id=layer_id, pickable=False, get_position="position", get_text="label",
        get_size=size, size_units='"pixels"', get_color=colour, get_pixel_offset=offset,
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


Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in deck.gl's pixels at one zoom


def _rect(position: Sequence[float], zoom: float, width: float, height: float,
          offset: Sequence[float] = (0, 0)) -> Rect:
    scale = 512 * 2**zoom  # deck.gl's world is 512 px wide at zoom 0
    x, y = (v * scale for v in geo.web_mercator(*position))
    x, y = x + offset[0], y + offset[1]
    return (x - width / 2, y - height / 2, x + width / 2, y + height / 2)


def _overlap(a: Rect, b: Rect) -> bool:
    """True when two boxes share any point (touching counts, as in shapely's `intersects`)."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _free(rect: Rect, taken: Sequence[Rect]) -> bool:
    return not any(_overlap(rect, other) for other in taken)


def _screen_box(position: Sequence[float], zoom: float, width: float, height: float,
                offset: Sequence[float] = (0, 0)) -> shapely.Polygon:
    """Pixel-space box of a width×height item centred at a lon/lat (plus a pixel offset)."""
    return shapely.box(*_rect(position, zoom, width, height, offset))


def _text_width(label: str, size: int) -> float:
    """Pixel width of a label with its halo: CJK glyphs are one em wide, Latin ones about 0.62."""
    ems = sum(1.0 if ord(ch) > 0x2E7F else 0.62 for ch in label)
    return ems * size + 2 * LABEL_MARGIN


def _label_rect(row: Mapping, zoom: float, size: int) -> Rect:
    return _rect(row["position"], zoom, _text_width(row["label"], size), size + 2 * LABEL_MARGIN,
                 row.get("offset", (0, 0)))


def _label_box(row: Mapping, zoom: float, size: int) -> shapely.Polygon:
    """The box a label covers at this zoom (its "offset" applied), its halo and a margin included
    so that neighbours' halos stay apart."""
    return shapely.box(*_label_rect(row, zoom, size))


def _dot_rect(position: Sequence[float], zoom: float) -> Rect:
    side = 2 * MARKER_RADIUS + 2  # the outline included
    return _rect(position, zoom, side, side)


def _dot_boxes(markers: Sequence[Mapping], zoom: float) -> list[shapely.Polygon]:
    """Boxes the functional-area dots cover."""
    return [shapely.box(*_dot_rect(m["position"], zoom)) for m in markers]


# Where to try a district label, in label heights from its label point, before leaving it out:
# half-height steps up to two heights (three sideways), nearest first.
_NUDGES = tuple(sorted(((dx / 2, dy / 2) for dx in range(-6, 7) for dy in range(-4, 5)),
                       key=lambda d: ((d[0] / 1.5) ** 2 + d[1] ** 2, d)))


def _pixel_geometry(geometry, zoom: float):
    """A lon/lat geometry in deck.gl's pixels at this zoom (as `_rect` places boxes)."""
    scale = 512 * 2**zoom
    def project(coords):
        x = (coords[:, 0] + 180) / 360
        y = (1 - np.log(np.tan(np.radians(coords[:, 1])) + 1 / np.cos(np.radians(coords[:, 1]))) / np.pi) / 2
        return np.column_stack((x * scale, y * scale))
    return shapely.transform(geometry, project)


@lru_cache(maxsize=8)
def _district_candidates(zoom: float) -> tuple[tuple[str, str, tuple[tuple[list, Rect], ...]], ...]:
    """(adcode, short name, ((position, box), …)) per district, biggest first: the label point
    nudged by half label heights, nearest first, kept where the district's own fill lies under
    at least MIN_INSIDE of the label (its text colour is chosen for that fill)."""
    deg_per_px = 360 / (512 * 2**zoom)
    step = (LABEL_SIZE + 4) * deg_per_px
    out = []
    for shape in sorted(geo.district_shapes().values(), key=lambda d: -d.geometry.area):
        lon, lat = shape.label_point
        area = _pixel_geometry(shape.geometry, zoom)
        spots = []
        for dx, dy in _NUDGES:
            point = [round(lon + dx * step, 4), round(lat - dy * step * math.cos(math.radians(lat)), 4)]
            rect = _label_rect({"label": shape.short_name, "position": point}, zoom, LABEL_SIZE)
            box = shapely.box(*rect)
            if box.intersection(area).area >= MIN_INSIDE * box.area:
                spots.append((point, rect))
        out.append((shape.adcode, shape.short_name, tuple(spots)))
    return tuple(out)


def _district_labels(zoom: float, taken: list[Rect]) -> list[dict]:
    """Short names, biggest district first, each at the nearest candidate position that overlaps
    nothing placed before at this zoom; left out if none is free (deck.gl's GPU collision filter
    mis-ranks TextLayers, and overlapping names are unreadable on a wall screen). `taken` grows."""
    rows = []
    for code, name, spots in _district_candidates(zoom):
        for position, rect in spots:
            if _free(rect, taken):
                taken.append(rect)
                rows.append({"code": code, "label": name, "position": position})
                break
    return rows


def _marker_offsets(width: float) -> list[tuple[float, float]]:
    """Where a marker's label may go, in order: above, below, right of and left of its dot."""
    gap = MARKER_RADIUS + 3
    up = gap + MARKER_LABEL_SIZE / 2 + LABEL_MARGIN
    side = gap + width / 2
    return [(0, -up), (0, up), (side, 0), (-side, 0)]


def _marker_options(marker: Mapping) -> list[dict]:
    """A marker's possible labels: its full name around the dot, then its short name."""
    return [{"code": marker["code"], "label": label, "position": marker["position"],
             "offset": list(offset)}
            for label in dict.fromkeys((marker["name"], marker.get("short") or marker["name"]))
            for offset in _marker_offsets(_text_width(label, MARKER_LABEL_SIZE))]


def _fitting(options: list[list[tuple[dict, Rect]]], dots: list[Rect]) -> list[list]:
    """The combinations of one option per marker with no label over a dot or another label."""
    found = []
    for combo in product(*options):
        rects = [rect for _row, rect in combo]
        if all(_free(rect, dots) for rect in rects) and not any(
                _overlap(a, b) for i, a in enumerate(rects) for b in rects[i + 1:]):
            found.append(list(combo))
    return found


def _marker_choices(markers: Sequence[Mapping], zoom: float, dots: list[Rect]) -> list[list]:
    """Every way of labelling all markers with their full names, no label over a dot or another
    label; if there is none, the same with short names allowed; failing that, each marker's first
    free option on its own (or no label)."""
    options = [[(row, _label_rect(row, zoom, MARKER_LABEL_SIZE)) for row in _marker_options(m)]
               for m in markers]
    full = [[(row, rect) for row, rect in opts if row["label"] == m["name"]]
            for opts, m in zip(options, markers, strict=True)]
    found = _fitting(full, dots) or _fitting(options, dots)
    if found:
        return found
    taken, chosen = list(dots), []
    for opts in options:
        row, rect = next(((r, b) for r, b in opts if _free(b, taken)), (None, None))
        if row is not None:
            taken.append(rect)
            chosen.append((row, rect))
    return [chosen]


@dataclass(frozen=True)
class LabelPlan:
    """Where the map's names go at one zoom: the functional areas' labels (rows with a pixel
    "offset" from the dot), the district labels, and the adcodes of the districts left unnamed."""

    marker_labels: tuple[dict, ...]
    district_labels: tuple[dict, ...]
    unlabeled: tuple[str, ...]


@lru_cache(maxsize=32)
def _plan(zoom: float, key: tuple) -> LabelPlan:
    markers = [{"code": code, "name": name, "short": short, "position": list(position)}
               for code, name, short, position in key]
    dots = [_dot_rect(m["position"], zoom) for m in markers]
    shapes = geo.district_shapes()
    best, best_score = None, None
    for rank, combo in enumerate(_marker_choices(markers, zoom, dots)):
        districts = _district_labels(zoom, dots + [rect for _row, rect in combo])
        # most full names first, then most district names, the bigger ones, the preferred spots
        score = (sum(row["label"] == m["name"] for (row, _), m in zip(combo, markers, strict=False)),
                 len(districts), sum(shapes[row["code"]].geometry.area for row in districts), -rank)
        if best_score is None or score > best_score:
            best, best_score = ([row for row, _rect in combo], districts), score
    marker_rows, district_rows = best
    placed = {row["code"] for row in district_rows}
    return LabelPlan(tuple(marker_rows), tuple(district_rows),
                     tuple(code for code in shapes if code not in placed))


def label_plan(zoom: float, markers: Sequence[Mapping] | None = None) -> LabelPlan:
    """The names placed at this zoom around the functional-area markers (dicts with code, name,
    short, lon, lat; default `geo.functional_area_markers()`): no two overlap and none covers a dot
    at this zoom; the map keeps its zoom at any screen width (the big screen scales as a whole).
    Figures play no part, so the legend can list what is left out. Cached per zoom."""
    markers = geo.functional_area_markers() if markers is None else markers
    key = tuple((m["code"], m["name"], m.get("short") or m["name"], (m["lon"], m["lat"]))
                for m in markers)
    return _plan(round(zoom, 4), key)


def unlabeled_codes(view: geo.MapView = geo.CHONGQING_VIEW) -> tuple[str, ...]:
    """Adcodes of the districts whose name does not fit on the map at this view (the central
    ones at city zoom), in reference order: the legend lists them with their figure."""
    return label_plan(view.zoom).unlabeled


def _marker_rows(markers: list[dict], figures_by_code: Mapping[str, Mapping]) -> list[dict]:
    """One flat row per functional-area marker: its figures (zeros if none), code, name, position."""
    return [_ZEROS | dict(figures_by_code.get(m["code"], {})) | {
            "code": m["code"], "name": m["name"], "label": m["name"],
            "position": [m["lon"], m["lat"]]} for m in markers]


def _marker_layers(data: list[dict], labels: Sequence[dict]) -> list[pdk.Layer]:
    dots = pdk.Layer(
        "ScatterplotLayer", data, id="functional-areas", pickable=True, auto_highlight=True,
        get_position="position", get_fill_color="fill", get_radius=MARKER_RADIUS, radius_units='"pixels"',
        stroked=True, get_line_color=TEXT_RGB, line_width_units='"pixels"', get_line_width=2)
    rows = [{"code": r["code"], "label": r["label"], "position": r["position"], "offset": r["offset"]}
            for r in labels]
    return [dots, _text_layer("functional-area-labels", rows, size=MARKER_LABEL_SIZE,
                              offset="offset", weight=700)]


def _tooltip(measure: str, measure_label: str, lang: str) -> dict:
    """The district's name, then each figure once; the one the map is coloured by comes first,
    in bold and under the caption the page shows for it."""
    colon = ": " if lang == "en" else "："
    order = [measure, *(key for key in MEASURES if key != measure)]
    rows = []
    for key in order:
        caption = measure_label if key == measure else translate(f"map.measure.{key}", lang)
        value = f"<b>{{{key}_text}}</b>" if key == measure else f"{{{key}_text}}"
        rows.append(f"<div>{escape(caption)}{colon}{value}</div>")
    html = ("<div style='font-size:15px;font-weight:700;margin-bottom:4px'>{name}</div>"
            + "".join(rows))
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
    plan = label_plan(view.zoom, functional_markers)
    fills = {f["properties"]["code"]: f["properties"]["fill"] for f in features}
    layers = [_district_layer(collection), *_district_label_layers(list(plan.district_labels), fills),
              *_marker_layers(markers, plan.marker_labels)]
    return CompactDeck(
        layers=layers, map_provider=None, tooltip=_tooltip(measure, measure_label, lang),
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
