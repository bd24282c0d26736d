"""The collection's map: the regions of clauses.meetings.map with one point per sheet.

A sheet's point is its own (latitude, longitude), else its commune's; in the overseas
regions (drawn as insets) and for sheets without coordinates, the point sits on the
region's label point. The mainland projection is rebuilt from the same contours and
helpers as the meetings' map, so the points fall on the drawn regions.
"""

import functools
import gzip
import json

import shapely

from clauses.meetings.map import (
    CONTOURS,
    MAINLAND_BOX,
    MIN_PART_AREA,
    OVERSEAS,
    SIMPLIFY_DEGREES,
    _projector,
    france_map,
    region_shapes,
)


@functools.cache
def mainland_projector():
    with gzip.open(CONTOURS, "rt", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    parts = []
    for feature in features:
        if feature["properties"]["code"] in OVERSEAS:
            continue
        geometry = shapely.geometry.shape(feature["geometry"])
        kept = [p for p in shapely.get_parts(geometry) if p.area >= MIN_PART_AREA]
        parts += [p.simplify(SIMPLIFY_DEGREES, preserve_topology=True) for p in kept]
    return _projector(shapely.union_all(parts), MAINLAND_BOX)


def practices_map(practices, *, url_for_region, selected=""):
    """The meetings' region map (counts of sheets per region) plus one point per sheet."""
    counts = {}
    for practice in practices:
        if practice.region_id:
            counts[practice.region.code] = counts.get(practice.region.code, 0) + 1
    data = france_map(counts, url_for_region=url_for_region, selected=selected)
    for region in data["regions"]:
        count = region["count"]
        region["label"] = f"{region['name']} : " + (
            "aucune fiche" if not count else f"{count} fiche" + ("s" if count > 1 else "")
        )
    labels = {shape.code: (shape.label_x, shape.label_y) for shape in region_shapes()}
    project = mainland_projector()
    points = []
    for practice in practices:
        code = practice.region.code if practice.region_id else ""
        lat, lon = practice.latitude, practice.longitude
        if lat is None and practice.commune_id:
            lat, lon = practice.commune.lat, practice.commune.lon
        if lat is not None and lon is not None and code not in OVERSEAS:
            x, y = project(lon, lat)
        elif code in labels:
            x, y = labels[code]
        else:
            continue
        points.append(
            {
                "x": f"{x:.1f}",
                "y": f"{y:.1f}",
                "title": practice.title,
                "url": practice.get_absolute_url(),
            }
        )
    data["points"] = points
    return data
