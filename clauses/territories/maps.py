"""Maps of France by region or by département, drawn server-side as SVG (no JavaScript).

This module owns the contours (``data/geo/*-avec-outre-mer.geojson.gz``, IGN Admin Express,
see data/SOURCES.md), their simplification, their projection and the insets, for both
levels, so every map of the site (the meetings', the practices', the observatory's
choropleths) draws the same France. The mainland is simplified as a coverage (neighbours
keep one shared border, no gaps) and projected simply (equirectangular scaled by the cosine
of the latitude); the five overseas territories are drawn as insets along the left edge,
each at its own scale; at département level Paris and its three neighbours are repeated,
enlarged, in a decorative inset at the top right. Shapes are computed once per process and
level.

``choropleth()`` colours those shapes from a value per INSEE code: quantile classes over the
known values, a light-to-dark blue-france ramp, grey for no data, and the rows of the table
that gives the same figures (the map alone is not accessible).
"""

import bisect
import functools
import gzip
import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

import shapely
from django.conf import settings

from clauses.core.charts import number_text
from clauses.core.text import fold

GEO = Path(settings.BASE_DIR) / "data" / "geo"
WIDTH, HEIGHT = 620, 560
INSET_X, INSET_SIZE, INSET_GAP = 6, 92, 16
MAINLAND_BOX = (INSET_X + INSET_SIZE + 24, 8, WIDTH - 8, HEIGHT - 8)
# Paris and its neighbours, enlarged where the mainland leaves room (Belgium, Luxembourg).
ZOOM_FRAME = (WIDTH - 8 - INSET_SIZE, 22, INSET_SIZE, INSET_SIZE)
ZOOM_LABEL = "Paris et petite couronne"
# Islets smaller than this (square degrees, ~ 10 km²) are dropped from the mainland map.
MIN_PART_AREA = 0.001
# Light to dark blue-france (DSFR 850, 925 active, 625, main 525, sun 113 hover, sun 113).
PALETTE = ("#cacafb", "#adadf9", "#8585f6", "#6a6af4", "#1212ff", "#000091")
NO_DATA = "#e5e5e5"  # DSFR grey 925
NO_DATA_LABEL = "pas de donnée"


@dataclass(frozen=True)
class Level:
    contours: Path
    overseas: tuple  # Guadeloupe, Martinique, Guyane, La Réunion, Mayotte, in that order
    simplify: float  # tolerance in degrees
    singular: str
    plural: str
    zoom: tuple = ()  # codes repeated in the enlarged inset


LEVELS = {
    "region": Level(
        GEO / "regions-avec-outre-mer.geojson.gz",
        ("01", "02", "03", "04", "06"),
        0.015,
        "région",
        "régions",
    ),
    "departement": Level(
        GEO / "departements-avec-outre-mer.geojson.gz",
        ("971", "972", "973", "974", "976"),
        0.02,
        "département",
        "départements",
        zoom=("75", "92", "93", "94"),
    ),
}


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    path: str
    label_x: float
    label_y: float
    inset: tuple | None = None  # (x, y, width, height) of the inset frame


def projector(bounds, box):
    """A function (lon, lat) -> (x, y) fitting ``bounds`` in ``box`` (left, top, right, bottom)."""
    min_lon, min_lat, max_lon, max_lat = bounds
    x_factor = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x, span_y = (max_lon - min_lon) * x_factor, max_lat - min_lat
    left, top, right, bottom = box
    scale = min((right - left) / span_x, (bottom - top) / span_y)
    offset_x = left + ((right - left) - span_x * scale) / 2
    offset_y = top + ((bottom - top) - span_y * scale) / 2

    def project(lon, lat):
        return (offset_x + (lon - min_lon) * x_factor * scale, offset_y + (max_lat - lat) * scale)

    return project


def svg_path(geometry, project):
    parts = []
    for polygon in shapely.get_parts(geometry):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [project(lon, lat) for lon, lat in ring.coords[:-1]]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def _label_point(geometry, project):
    # The largest part: Normandy's islands or Brittany's should not carry the label.
    if geometry.geom_type == "MultiPolygon":
        geometry = max(geometry.geoms, key=lambda g: g.area)
    point = geometry.point_on_surface()
    return project(point.x, point.y)


def _without_islets(geometry):
    parts = [p for p in shapely.get_parts(geometry) if p.area >= MIN_PART_AREA]
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]


@functools.cache
def geometries(level):
    """{code: (name, simplified geometry)} in the contours' order, cached per process."""
    config = LEVELS[level]
    with gzip.open(config.contours, "rt", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    names = {f["properties"]["code"]: f["properties"]["nom"] for f in features}
    raw = {f["properties"]["code"]: shapely.geometry.shape(f["geometry"]) for f in features}
    mainland = [code for code in raw if code not in config.overseas]
    simplified = shapely.coverage_simplify(
        [_without_islets(raw[code]) for code in mainland], config.simplify
    )
    result = dict(zip(mainland, simplified, strict=True))
    for code in config.overseas:
        if code in raw:
            result[code] = raw[code].simplify(config.simplify, preserve_topology=True)
    return {code: (names[code], result[code]) for code in raw}


@functools.cache
def mainland_projector(level):
    config = LEVELS[level]
    parts = [g for code, (_, g) in geometries(level).items() if code not in config.overseas]
    return projector(shapely.total_bounds(parts), MAINLAND_BOX)


def _inset_frames(level):
    """(code, frame, box inside the frame) for each overseas territory drawn."""
    codes = [code for code in LEVELS[level].overseas if code in geometries(level)]
    for index, code in enumerate(codes):
        top = 8 + index * (INSET_SIZE + INSET_GAP)
        frame = (INSET_X, top, INSET_SIZE, INSET_SIZE)
        yield code, frame, (INSET_X + 6, top + 6, INSET_X + INSET_SIZE - 6, top + INSET_SIZE - 6)


@functools.cache
def shapes(level):
    """Every territory's projected shape, mainland first then the overseas insets."""
    config, drawn = LEVELS[level], geometries(level)
    project = mainland_projector(level)
    result = []
    for code, (name, geometry) in drawn.items():
        if code not in config.overseas:
            x, y = _label_point(geometry, project)
            result.append(Shape(code, name, svg_path(geometry, project), x, y))
    for code, frame, box in _inset_frames(level):
        name, geometry = drawn[code]
        inset_project = projector(geometry.bounds, box)
        x, y = _label_point(geometry, inset_project)
        result.append(Shape(code, name, svg_path(geometry, inset_project), x, y, inset=frame))
    return tuple(result)


@functools.cache
def zoom_shapes(level):
    """The enlarged copies of ``Level.zoom`` (decorative: the real shapes stay on the map)."""
    drawn = geometries(level)
    codes = [code for code in LEVELS[level].zoom if code in drawn]
    if not codes:
        return ()
    left, top, size, _ = ZOOM_FRAME
    box = (left + 6, top + 6, left + size - 6, top + size - 6)
    project = projector(shapely.total_bounds([drawn[c][1] for c in codes]), box)
    return tuple(Shape(c, drawn[c][0], svg_path(drawn[c][1], project), 0, 0) for c in codes)


# Choropleth -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapShape:
    code: str
    name: str
    path: str
    value: object  # Decimal | int | float | None
    value_label: str
    fill: str
    url: str | None
    title: str  # « Nom : valeur »


@dataclass(frozen=True)
class Frame:
    """An inset's frame and name; coordinates as SVG text (templates would localise floats)."""

    x: str
    y: str
    width: str
    height: str
    label: str
    label_x: str
    label_y: str
    anchor: str  # text-anchor of the label


def _frame(box, label, label_x, label_y, anchor):
    return Frame(*(f"{n:g}" for n in box), label, f"{label_x:g}", f"{label_y:g}", anchor)


@dataclass(frozen=True)
class LegendClass:
    fill: str
    label: str  # « de 12 à 40 »
    count_label: str  # « 3 départements »


@dataclass(frozen=True)
class MapRow:
    code: str
    name: str
    value: object
    value_label: str
    url: str | None


@dataclass(frozen=True)
class ChoroplethMap:
    level: str
    dom_id: str  # prefix of the ids in the SVG (aria-labelledby)
    title: str
    description: str
    unit_label: str
    territory_label: str  # « Région » or « Département », the table's first column
    viewbox: str
    shapes: tuple
    zoom: tuple  # decorative enlarged copies (MapShape)
    frames: tuple
    legend: tuple
    rows: tuple

    @property
    def has_links(self):
        return any(shape.url for shape in self.shapes)


def palette(count):
    """``count`` colours spread over the ramp, light to dark."""
    if count == 1:
        return (PALETTE[len(PALETTE) // 2],)
    last = len(PALETTE) - 1
    return tuple(PALETTE[round(index * last / (count - 1))] for index in range(count))


def class_bounds(values, classes):
    """The upper bound of each quantile class (distinct values of the data, ascending)."""
    ordered = sorted(values)
    uppers = []
    for k in range(1, classes + 1):
        upper = ordered[math.ceil(k * len(ordered) / classes) - 1]
        if not uppers or upper > uppers[-1]:
            uppers.append(upper)
    return uppers


def _count_label(count, config):
    return f"{count} {config.singular if count == 1 else config.plural}"


def _legend(known, uppers, colours, format_value, config):
    members = [[] for _ in uppers]
    for value in known:
        members[bisect.bisect_left(uppers, value)].append(value)
    legend = []
    for fill, values in zip(colours, members, strict=True):
        low, high = format_value(min(values)), format_value(max(values))
        label = low if low == high else f"de {low} à {high}"
        legend.append(LegendClass(fill, label, _count_label(len(values), config)))
    return legend


def _description(config):
    text = (
        f"Carte de France par {config.singular} ; les {config.plural} d'outre-mer sont dans "
        "les encadrés à gauche"
    )
    if config.zoom:
        text += ", Paris et la petite couronne sont agrandis en haut à droite"
    return text + ". Le tableau qui suit la carte donne les mêmes valeurs."


def _frames(level):
    """The insets' frames, each named: overseas below the frame, the zoom above it."""
    frames = [
        _frame(box, shape.name, box[0] + box[2] / 2, box[1] + box[3] + 11, "middle")
        for shape in shapes(level)
        if (box := shape.inset)
    ]
    if zoom_shapes(level):
        x, y, width, _ = ZOOM_FRAME
        frames.append(_frame(ZOOM_FRAME, ZOOM_LABEL, x + width, y - 5, "end"))
    return tuple(frames)


def _classes(known, classes, format_value, missing, config):
    """(upper bounds, colours, legend) of the classes over the known values."""
    uppers = class_bounds(known, classes) if known else []
    colours = palette(len(uppers)) if uppers else ()
    legend = _legend(known, uppers, colours, format_value, config)
    if missing:
        label = NO_DATA_LABEL.capitalize()
        legend.append(LegendClass(NO_DATA, label, _count_label(missing, config)))
    return uppers, colours, tuple(legend)


def _coloured(drawn, values, uppers, colours, format_value, url_of):
    result = []
    for shape in drawn:
        value = values.get(shape.code)
        if value is None:
            fill, label = NO_DATA, NO_DATA_LABEL
        else:
            fill, label = colours[bisect.bisect_left(uppers, value)], format_value(value)
        url = (url_of(shape.code) if url_of else None) or None
        title = f"{shape.name} : {label}"
        result.append(MapShape(shape.code, shape.name, shape.path, value, label, fill, url, title))
    return tuple(result)


def choropleth(
    level, values, *, unit_label, format_value=None, url_of=None, classes=5, title="", dom_id=""
):
    """A map of France coloured by ``values``.

    ``level``: "region" or "departement". ``values``: {INSEE code: Decimal | int | float |
    None}; a code missing or None is "no data" (grey), codes not on the map (the overseas
    collectivities) are ignored. ``unit_label``: what the value is, in French (legend title
    and table column, e.g. « Heures d'insertion »). ``format_value(value) -> str`` writes
    a value; by default a French number (one decimal unless whole): pass
    ``calculator.format_percent`` for shares (0-1). ``url_of(code) -> str | None`` links each
    territory. ``classes``: at most that many quantile classes (1 to 6), fewer when the
    values repeat. ``title`` defaults to « <unit_label> par <level> »; ``dom_id`` (the ids'
    prefix) to « carte-<level> »: set it when a page shows two maps of the same level.
    Rendered by ``includes/choropleth.html`` (context: ``map``).
    """
    if not 1 <= classes <= len(PALETTE):
        raise ValueError(f"classes must be between 1 and {len(PALETTE)}")
    config, format_value, drawn = LEVELS[level], format_value or number_text, shapes(level)
    known = [values[s.code] for s in drawn if values.get(s.code) is not None]
    missing = len(drawn) - len(known)
    uppers, colours, legend = _classes(known, classes, format_value, missing, config)
    coloured = _coloured(drawn, values, uppers, colours, format_value, url_of)
    by_code = {shape.code: shape for shape in coloured}
    return ChoroplethMap(
        level=level,
        dom_id=dom_id or f"carte-{level}",
        title=title or f"{unit_label} par {config.singular}",
        description=_description(config),
        unit_label=unit_label,
        territory_label=config.singular.capitalize(),
        viewbox=f"0 0 {WIDTH} {HEIGHT}",
        shapes=coloured,
        zoom=tuple(replace(by_code[z.code], path=z.path) for z in zoom_shapes(level)),
        frames=_frames(level),
        legend=legend,
        rows=tuple(
            MapRow(s.code, s.name, s.value, s.value_label, s.url)
            for s in sorted(coloured, key=lambda s: fold(s.name))
        ),
    )
