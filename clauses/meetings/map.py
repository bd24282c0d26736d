"""A map of France by region, drawn server-side as SVG paths (no JavaScript library).

The contours come from ``data/geo/regions-avec-outre-mer.geojson.gz`` (IGN Admin Express,
see data/SOURCES.md). They are simplified with shapely and projected simply (equirectangular
scaled by the cosine of the latitude); the five overseas regions are drawn as insets along
the left edge, each at its own scale. The projected shapes are computed once per process.
"""

import functools
import gzip
import json
import math
from dataclasses import dataclass
from pathlib import Path

import shapely
from django.conf import settings

CONTOURS = Path(settings.BASE_DIR) / "data" / "geo" / "regions-avec-outre-mer.geojson.gz"
OVERSEAS = ["01", "02", "03", "04", "06"]  # Guadeloupe, Martinique, Guyane, Réunion, Mayotte
WIDTH, HEIGHT = 620, 560
INSET_X, INSET_SIZE, INSET_GAP = 6, 92, 16
MAINLAND_BOX = (INSET_X + INSET_SIZE + 24, 8, WIDTH - 8, HEIGHT - 8)
SIMPLIFY_DEGREES = 0.015
# Islets smaller than this (square degrees, ~ 10 km²) are dropped from the mainland map.
MIN_PART_AREA = 0.001


@dataclass(frozen=True)
class RegionShape:
    code: str
    name: str
    path: str
    label_x: float
    label_y: float
    inset: tuple | None = None  # (x, y, width, height) of the inset frame


def _projector(geometry, box):
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    x_factor = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x, span_y = (max_lon - min_lon) * x_factor, max_lat - min_lat
    left, top, right, bottom = box
    scale = min((right - left) / span_x, (bottom - top) / span_y)
    offset_x = left + ((right - left) - span_x * scale) / 2
    offset_y = top + ((bottom - top) - span_y * scale) / 2

    def project(lon, lat):
        return (offset_x + (lon - min_lon) * x_factor * scale, offset_y + (max_lat - lat) * scale)

    return project


def _path(geometry, project):
    parts = []
    for polygon in shapely.get_parts(geometry):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [project(lon, lat) for lon, lat in ring.coords]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def _label_point(geometry, project):
    point = geometry.point_on_surface() if geometry.geom_type != "Point" else geometry
    # The largest part: Normandy's islands or Brittany's should not carry the label.
    if geometry.geom_type == "MultiPolygon":
        point = max(geometry.geoms, key=lambda g: g.area).point_on_surface()
    return project(point.x, point.y)


@functools.cache
def region_shapes():
    """Every region's projected shape, mainland first then the overseas insets."""
    with gzip.open(CONTOURS, "rt", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    geometries = {}
    names = {}
    for feature in features:
        code = feature["properties"]["code"]
        geometry = shapely.geometry.shape(feature["geometry"])
        if code not in OVERSEAS:
            parts = [p for p in shapely.get_parts(geometry) if p.area >= MIN_PART_AREA]
            geometry = shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]
        geometries[code] = geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True)
        names[code] = feature["properties"]["nom"]
    mainland = shapely.union_all([g for c, g in geometries.items() if c not in OVERSEAS])
    project = _projector(mainland, MAINLAND_BOX)
    shapes = []
    for code, geometry in geometries.items():
        if code in OVERSEAS:
            continue
        x, y = _label_point(geometry, project)
        shapes.append(RegionShape(code, names[code], _path(geometry, project), x, y))
    for index, code in enumerate(code for code in OVERSEAS if code in geometries):
        top = 8 + index * (INSET_SIZE + INSET_GAP)
        frame = (INSET_X, top, INSET_SIZE, INSET_SIZE)
        box = (INSET_X + 6, top + 6, INSET_X + INSET_SIZE - 6, top + INSET_SIZE - 6)
        geometry = geometries[code]
        inset_project = _projector(geometry, box)
        x, y = _label_point(geometry, inset_project)
        shapes.append(
            RegionShape(code, names[code], _path(geometry, inset_project), x, y, inset=frame)
        )
    return tuple(shapes)


def france_map(counts, *, url_for_region, selected=""):
    """What the map template draws: ``counts`` is {region code: number of meetings};
    ``url_for_region(code)`` gives each region's link (the list filtered on it)."""
    regions = []
    for shape in region_shapes():
        count = counts.get(shape.code, 0)
        if count == 0:
            label = f"{shape.name} : aucune rencontre"
        elif count == 1:
            label = f"{shape.name} : 1 rencontre"
        else:
            label = f"{shape.name} : {count} rencontres"
        regions.append(
            {
                "code": shape.code,
                "name": shape.name,
                "path": shape.path,
                "label_x": f"{shape.label_x:.1f}",
                "label_y": f"{shape.label_y:.1f}",
                "inset": shape.inset,
                "count": count,
                "label": label,
                "url": url_for_region(shape.code),
                "selected": shape.code == selected,
            }
        )
    return {"view_box": f"0 0 {WIDTH} {HEIGHT}", "regions": regions}
