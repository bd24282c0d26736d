"""The meetings' map of France by region: each region a link to its meetings, with a count.

The contours, their projection and the overseas insets are ``clauses.territories.maps``'
(region level); this module only turns meeting counts into what
``meetings/includes/map.html`` draws. The names re-exported below are also used by
``clauses.practices.map``, which places its points with the same mainland projection.
"""

from clauses.territories import maps
from clauses.territories.maps import HEIGHT, MAINLAND_BOX, MIN_PART_AREA, WIDTH
from clauses.territories.maps import Shape as RegionShape

__all__ = [
    "CONTOURS",
    "MAINLAND_BOX",
    "MIN_PART_AREA",
    "OVERSEAS",
    "SIMPLIFY_DEGREES",
    "RegionShape",
    "france_map",
    "region_shapes",
]

CONTOURS = maps.LEVELS["region"].contours
OVERSEAS = list(maps.LEVELS["region"].overseas)
SIMPLIFY_DEGREES = maps.LEVELS["region"].simplify


def _projector(geometry, box):
    return maps.projector(geometry.bounds, box)


def region_shapes():
    """Every region's projected shape, mainland first then the overseas insets."""
    return maps.shapes("region")


def _label(name, count):
    if count == 0:
        return f"{name} : aucune rencontre"
    if count == 1:
        return f"{name} : 1 rencontre"
    return f"{name} : {count} rencontres"


def france_map(counts, *, url_for_region, selected=""):
    """What the map template draws: ``counts`` is {region code: number of meetings};
    ``url_for_region(code)`` gives each region's link (the list filtered on it)."""
    regions = []
    for shape in region_shapes():
        count = counts.get(shape.code, 0)
        regions.append(
            {
                "code": shape.code,
                "name": shape.name,
                "path": shape.path,
                "label_x": f"{shape.label_x:.1f}",
                "label_y": f"{shape.label_y:.1f}",
                "inset": shape.inset,
                "count": count,
                "label": _label(shape.name, count),
                "url": url_for_region(shape.code),
                "selected": shape.code == selected,
            }
        )
    return {"view_box": f"0 0 {WIDTH} {HEIGHT}", "regions": regions}
