"""A simple server-side SVG outline of a contour (no JavaScript map library)."""

import math

import shapely


def outline(wkb, *, width=480, height=360, padding=8):
    """``{"view_box": ..., "path": ...}`` drawing the WKB (multi)polygon, or None.

    Equirectangular projection scaled by cos(latitude): right for a neighbourhood.
    """
    if not wkb:
        return None
    geometry = shapely.from_wkb(bytes(wkb))
    if geometry.is_empty:
        return None
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    x_factor = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * x_factor, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = min((width - 2 * padding) / span_x, (height - 2 * padding) / span_y)
    offset_x = (width - span_x * scale) / 2
    offset_y = (height - span_y * scale) / 2

    def ring(coords):
        points = [
            f"{offset_x + (lon - min_lon) * x_factor * scale:.1f},"
            f"{offset_y + (max_lat - lat) * scale:.1f}"
            for lon, lat in coords
        ]
        return "M" + " L".join(points) + " Z"

    parts = []
    for polygon in shapely.get_parts(geometry):
        if polygon.geom_type != "Polygon":
            continue
        parts.append(ring(polygon.exterior.coords))
        parts.extend(ring(interior.coords) for interior in polygon.interiors)
    return {"view_box": f"0 0 {width} {height}", "path": " ".join(parts)}
