"""Point-in-polygon lookups without PostGIS: which QPV holds a point, is a point in France.

One in-memory index per QPV list (millésime), built lazily from ``Qpv.geometry`` (WKB) the first
time a list is queried: a shapely 2 ``STRtree`` over the contours, which are *prepared* once so
that each point test is cheap. ``load_territories`` calls :func:`invalidate_index`; other
processes see the change through a version number kept in the cache, checked at most every
``VERSION_CHECK_SECONDS``.

Points exactly on a border count as inside (``intersects``). Should two contours of the same
list overlap, the QPV with the smallest code wins, in single and batch lookups alike.
"""

import datetime
import gzip
import json
import logging
import math
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import shapely
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .enums import qpv_list_in_force
from .models import Qpv

logger = logging.getLogger(__name__)

VERSION_CACHE_KEY = "territories:qpv-index-version"
VERSION_CHECK_SECONDS = 30
FRANCE_CONTOURS = Path(settings.BASE_DIR) / "data" / "geo" / "regions-avec-outre-mer.geojson.gz"
# The contours are simplified (IGN Admin Express at 25 %): accept points up to ~3 km beyond them
# so that coastal addresses are not reported abroad.
FRANCE_TOLERANCE_DEGREES = 0.03
# Overseas collectivities absent from the region contours: (min_lon, min_lat, max_lon, max_lat).
OVERSEAS_BOXES = {
    "Saint-Pierre-et-Miquelon": (-56.6, 46.7, -56.0, 47.2),
    "Saint-Barthélemy": (-63.0, 17.8, -62.7, 18.0),
    "Saint-Martin": (-63.2, 18.0, -62.9, 18.2),
    "Wallis-et-Futuna": (-178.3, -14.5, -176.0, -13.1),
    "Polynésie française": (-155.0, -28.0, -134.0, -7.0),
    "Nouvelle-Calédonie": (163.5, -23.0, 168.2, -19.5),
    "Terres australes et antarctiques françaises": (39.0, -50.0, 78.0, -10.0),
    "Clipperton": (-109.3, 10.2, -109.1, 10.4),
}

# Batch lookups first drop the points whose grid cell touches no QPV bounding box (pure numpy),
# so that shapely only sees the few points near a QPV.
CELL_DEGREES = 0.01
_CELLS_PER_ROW = int(360 / CELL_DEGREES) + 1

_FIELDS = [f.attname for f in Qpv._meta.concrete_fields if f.attname != "geometry"]
_lock = threading.Lock()
_indexes = {}
_state = {"version": None, "checked_at": 0.0}
_france = {}


class QpvIndex:
    """The contours of one QPV list, in an STRtree, with the rows they come from."""

    def __init__(self, list_year, rows, geometries):
        self.list_year = list_year
        self.rows = rows  # tuples of _FIELDS values, sorted by code
        self.codes = np.array([row[_FIELDS.index("code")] for row in rows], dtype=object)
        self.names = np.array([row[_FIELDS.index("name")] for row in rows], dtype=object)
        self.geometries = np.asarray(geometries, dtype=object)
        shapely.prepare(self.geometries)
        self.tree = shapely.STRtree(self.geometries)
        self.cells = self._covered_cells()

    def __len__(self):
        return len(self.rows)

    @staticmethod
    def _cell_ids(lons, lats):
        columns = np.floor((lons + 180.0) / CELL_DEGREES).astype(np.int64)
        rows = np.floor((lats + 90.0) / CELL_DEGREES).astype(np.int64)
        return rows * _CELLS_PER_ROW + columns

    def _covered_cells(self):
        """Sorted ids of the grid cells touched by the bounding box of some contour."""
        if not len(self.rows):
            return np.array([], dtype=np.int64)
        bounds = shapely.bounds(self.geometries)
        low = self._cell_ids(bounds[:, 0], bounds[:, 1])
        high = self._cell_ids(bounds[:, 2], bounds[:, 3])
        cells = []
        for lo, hi in zip(low, high, strict=True):
            first_row, first_column = divmod(int(lo), _CELLS_PER_ROW)
            last_row, last_column = divmod(int(hi), _CELLS_PER_ROW)
            rows = np.arange(first_row, last_row + 1, dtype=np.int64)
            columns = np.arange(first_column, last_column + 1, dtype=np.int64)
            cells.append((rows[:, None] * _CELLS_PER_ROW + columns[None, :]).ravel())
        return np.unique(np.concatenate(cells))

    def _near_qpv(self, lons, lats):
        """Boolean mask of the (valid) points whose grid cell touches a QPV bounding box."""
        ids = self._cell_ids(lons, lats)
        found = np.searchsorted(self.cells, ids)
        found[found == len(self.cells)] = 0
        return self.cells[found] == ids

    @classmethod
    def from_database(cls, list_year):
        rows, wkbs = [], []
        queryset = Qpv.objects.filter(list_year=list_year, geometry__isnull=False).order_by("code")
        for values in queryset.values_list(*_FIELDS, "geometry"):
            rows.append(values[:-1])
            wkbs.append(bytes(values[-1]))
        geometries = shapely.from_wkb(wkbs) if wkbs else np.array([], dtype=object)
        return cls(list_year, rows, geometries)

    def position(self, lon, lat):
        """Position in the index of the QPV holding the point, or -1."""
        point = shapely.Point(lon, lat)
        for position in sorted(self.tree.query(point)):
            if self.geometries[position].intersects(point):
                return int(position)
        return -1

    def positions(self, lons, lats):
        """Vectorised :meth:`position`: an int array, -1 where no QPV holds the point."""
        lons = np.asarray(lons, dtype=float)
        lats = np.asarray(lats, dtype=float)
        result = np.full(lons.shape, -1, dtype=np.int64)
        valid = (np.abs(lons) <= 180) & (np.abs(lats) <= 90)  # False for NaN
        if not len(self.rows) or not valid.any():
            return result
        where = np.flatnonzero(valid)
        where = where[self._near_qpv(lons[where], lats[where])]
        points = shapely.points(lons[where], lats[where])
        inputs, candidates = self.tree.query(points)
        if inputs.size:
            hit = shapely.intersects(self.geometries[candidates], points[inputs])
            inputs, candidates = inputs[hit], candidates[hit]
            # Several hits for a point (overlapping contours): the smallest position wins.
            order = np.lexsort((candidates, inputs))
            inputs, candidates = inputs[order], candidates[order]
            first = np.unique(inputs, return_index=True)[1]
            result[where[inputs[first]]] = candidates[first]
        return result

    def nearest(self, lon, lat, max_metres):
        """(position, distance in metres) of the closest QPV within ``max_metres``, or None.

        Distances are measured in a local equirectangular projection around the point: at
        the scale of a neighbourhood the error stays well under one per cent.
        """
        point = shapely.Point(lon, lat)
        metres_per_degree_lat = 110_574.0
        metres_per_degree_lon = 111_320.0 * math.cos(math.radians(lat))
        # Search radius in degrees, generous along longitude where degrees are shorter.
        radius = max_metres / min(metres_per_degree_lat, max(metres_per_degree_lon, 1.0))
        candidates = self.tree.query(point.buffer(radius))
        if not len(candidates):
            return None

        def to_metres(coords):
            return np.column_stack(
                (
                    (coords[:, 0] - lon) * metres_per_degree_lon,
                    (coords[:, 1] - lat) * metres_per_degree_lat,
                )
            )

        origin = shapely.Point(0.0, 0.0)
        best = None
        for position in sorted(candidates):
            local = shapely.transform(self.geometries[position], to_metres)
            distance = float(shapely.distance(local, origin))
            if distance <= max_metres and (best is None or distance < best[1]):
                best = (int(position), distance)
        return best

    def instance(self, position):
        """A fresh ``Qpv`` (geometry deferred) for a position of the index."""
        return Qpv.from_db(connection.alias, _FIELDS, self.rows[position])


def invalidate_index():
    """Forget the QPV indexes here and tell other processes to rebuild theirs."""
    version = uuid.uuid4().hex
    with _lock:
        _indexes.clear()
        _state["version"] = version
        _state["checked_at"] = time.monotonic()
    try:
        cache.set(VERSION_CACHE_KEY, version, timeout=None)
    except Exception as exc:  # e.g. no cache table yet: this process is up to date anyway
        logger.warning("Could not publish the QPV index version: %s", exc)


def _check_version():
    now = time.monotonic()
    if now - _state["checked_at"] < VERSION_CHECK_SECONDS:
        return
    _state["checked_at"] = now
    try:
        version = cache.get(VERSION_CACHE_KEY)
    except Exception as exc:  # no cache table yet: nothing was published either
        logger.debug("Could not read the QPV index version: %s", exc)
        return
    if version != _state["version"]:
        with _lock:
            _indexes.clear()
            _state["version"] = version


def get_index(list_year):
    """The (lazily built) index of QPV list ``list_year``."""
    _check_version()
    index = _indexes.get(list_year)
    if index is None:
        with _lock:
            index = _indexes.get(list_year)
            if index is None:
                index = _indexes[list_year] = QpvIndex.from_database(list_year)
    return index


def list_year_on(on=None):
    """The QPV list in force on ``on`` (default: today), or None before the first list."""
    if on is None:
        on = timezone.localdate()
    elif isinstance(on, datetime.datetime):
        on = on.date()
    return qpv_list_in_force(on)


def locate_qpv(lat, lon, on=None):
    """The ``Qpv`` of the list in force on ``on`` (default today) holding the point, or None."""
    list_year = list_year_on(on)
    if list_year is None:
        return None
    index = get_index(list_year)
    position = index.position(float(lon), float(lat))
    return None if position < 0 else index.instance(position)


def nearest_qpv(lat, lon, on=None, max_metres=500):
    """The closest ``Qpv`` of the list in force and its distance in metres, within
    ``max_metres``; ``(None, None)`` when none is that close. A point inside a QPV is at 0 m."""
    list_year = list_year_on(on)
    if list_year is None:
        return None, None
    index = get_index(list_year)
    found = index.nearest(float(lon), float(lat), max_metres)
    if found is None:
        return None, None
    position, distance = found
    return index.instance(position), distance


def locate_qpv_many(lats, lons, on=None):
    """QPV codes (``""`` when outside every QPV) for arrays of points, as a numpy object array."""
    lats = np.asarray(lats, dtype=float)
    list_year = list_year_on(on)
    if list_year is None:
        return np.full(lats.shape, "", dtype=object)
    index = get_index(list_year)
    positions = index.positions(lons, lats)
    codes = np.full(lats.shape, "", dtype=object)
    found = positions >= 0
    codes[found] = index.codes[positions[found]]
    return codes


def _france_geometry():
    geometry = _france.get("geometry")
    if geometry is None:
        with gzip.open(FRANCE_CONTOURS, "rt", encoding="utf-8") as f:
            features = json.load(f)["features"]
        parts = [shapely.geometry.shape(feature["geometry"]) for feature in features]
        parts += [shapely.box(*box) for box in OVERSEAS_BOXES.values()]
        geometry = shapely.union_all(shapely.make_valid(np.array(parts, dtype=object)))
        shapely.prepare(geometry)
        _france["geometry"] = geometry
    return geometry


def in_france_many(lats, lons):
    """Boolean array: is each point in France (metropolitan or overseas)?

    Uses the region contours shipped in ``data/geo`` (with a ~3 km tolerance) plus the boxes
    of the overseas collectivities.
    """
    lats = np.asarray(lats, dtype=float)
    lons = np.asarray(lons, dtype=float)
    result = np.zeros(lats.shape, dtype=bool)
    valid = np.isfinite(lats) & np.isfinite(lons) & (np.abs(lats) <= 90) & (np.abs(lons) <= 180)
    if not valid.any():
        return result
    where = np.flatnonzero(valid)
    points = shapely.points(lons[where], lats[where])
    result[where] = shapely.dwithin(_france_geometry(), points, FRANCE_TOLERANCE_DEGREES)
    return result


def is_in_france(lat, lon):
    """Is the point in France (metropolitan or overseas)? See :func:`in_france_many`."""
    return bool(in_france_many([lat], [lon])[0])


def outside_france_message(lat, lon):
    """A French message for a point outside France, hinting at swapped coordinates."""
    message = f"Le point (latitude {lat:.6g}, longitude {lon:.6g}) est situé hors de France."
    if is_in_france(lon, lat):
        message += " La latitude et la longitude sont peut-être inversées."
    return message
