"""Benchmark of the QPV lookup against plain shapely, in the same run.

    .venv/bin/python bench/qpv_lookup.py [--points 1000000] [--single 10000]

Creates a temporary SQLite database, loads the territories into it (so the dev database is
never touched), then times:

- ``locate_qpv_many`` on one million points (fixed seed): 70 % uniform over the bounding box
  of metropolitan France, 30 % drawn around random QPV (so that hits are not all zero);
  reference: a plain shapely ``STRtree.query(points, predicate="intersects")`` over the same
  contours, points created from the same arrays;
- ``locate_qpv`` one point at a time (warm), median and 95th percentile; reference: plain
  shapely ``STRtree.query(Point, predicate="intersects")``.

Targets: batch throughput >= 0.8 x the reference; single lookup median < 0.2 ms.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="clauses-bench-")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import shapely  # noqa: E402
from django.core.management import call_command  # noqa: E402

from clauses.territories import geo  # noqa: E402
from clauses.territories.loader import load_territories  # noqa: E402
from clauses.territories.models import Qpv  # noqa: E402

SEED = 20260101
METRO_BOX = (-5.2, 41.3, 9.6, 51.1)  # min lon, min lat, max lon, max lat


def best_of(runs, function):
    timings, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - start)
    return min(timings), result


def make_points(n, geometries, rng):
    n_near = int(n * 0.3)
    lons = rng.uniform(METRO_BOX[0], METRO_BOX[2], n)
    lats = rng.uniform(METRO_BOX[1], METRO_BOX[3], n)
    bounds = shapely.bounds(geometries)
    chosen = rng.integers(0, len(bounds), n_near)
    margin = 0.005  # ~500 m around the bounding box
    lons[:n_near] = rng.uniform(bounds[chosen, 0] - margin, bounds[chosen, 2] + margin)
    lats[:n_near] = rng.uniform(bounds[chosen, 1] - margin, bounds[chosen, 3] + margin)
    order = rng.permutation(n)
    return lats[order], lons[order]


def reference_many(tree, codes, lats, lons):
    inputs, found = tree.query(shapely.points(lons, lats), predicate="intersects")
    result = np.full(lats.shape, "", dtype=object)
    order = np.lexsort((found, inputs))
    inputs, found = inputs[order], found[order]
    first = np.unique(inputs, return_index=True)[1]
    result[inputs[first]] = codes[found[first]]
    return result


def fmt(number):
    """12 345 678: French thousands separator."""
    return f"{number:,.0f}".replace(",", "\u202f")


def percentiles(samples_ns):
    ms = np.asarray(samples_ns) / 1e6
    return float(np.median(ms)), float(np.percentile(ms, 95))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--single", type=int, default=10_000)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    start = time.perf_counter()
    load_territories()
    print(f"Chargement des territoires (base temporaire) : {time.perf_counter() - start:.1f} s")

    list_year = geo.list_year_on()
    start = time.perf_counter()
    index = geo.get_index(list_year)
    print(
        f"Index QPV {list_year} : {len(index)} contours, construit en "
        f"{(time.perf_counter() - start) * 1000:.0f} ms"
    )

    # Reference: plain shapely over the same contours, straight from the database.
    rows = Qpv.objects.filter(list_year=list_year).order_by("code").values_list("code", "geometry")
    ref_codes = np.array([code for code, _ in rows], dtype=object)
    ref_geometries = shapely.from_wkb([bytes(wkb) for _, wkb in rows])
    ref_tree = shapely.STRtree(ref_geometries)

    rng = np.random.default_rng(SEED)
    lats, lons = make_points(args.points, ref_geometries, rng)
    n = len(lats)

    ours_s, ours = best_of(3, lambda: geo.locate_qpv_many(lats, lons))
    ref_s, ref = best_of(3, lambda: reference_many(ref_tree, ref_codes, lats, lons))
    mismatches = int((ours != ref).sum())
    hits = int((ours != "").sum())

    sample = rng.choice(n, size=args.single, replace=False)
    points = list(zip(lats[sample].tolist(), lons[sample].tolist(), strict=True))
    for lat, lon in points[:1000]:  # warm-up
        geo.locate_qpv(lat, lon)
        ref_tree.query(shapely.Point(lon, lat), predicate="intersects")
    ours_single, ref_single = [], []
    for lat, lon in points:
        t = time.perf_counter_ns()
        geo.locate_qpv(lat, lon)
        ours_single.append(time.perf_counter_ns() - t)
        t = time.perf_counter_ns()
        ref_tree.query(shapely.Point(lon, lat), predicate="intersects")
        ref_single.append(time.perf_counter_ns() - t)
    ours_median, ours_p95 = percentiles(ours_single)
    ref_median, ref_p95 = percentiles(ref_single)

    ratio = (n / ours_s) / (n / ref_s)
    print()
    print(
        f"Lot : {fmt(n)} points (graine {SEED}), {fmt(hits)} en QPV, "
        f"{mismatches} différence(s) avec la référence"
    )
    print(f"  locate_qpv_many          : {fmt(n / ours_s):>10} points/s ({ours_s:.3f} s)")
    print(f"  référence shapely STRtree: {fmt(n / ref_s):>10} points/s ({ref_s:.3f} s)")
    print(
        f"  rapport                  : {ratio:.2f} x la référence (objectif >= 0.8) "
        f"{'OK' if ratio >= 0.8 else 'NON ATTEINT'}"
    )
    print(f"Point par point ({fmt(len(points))} appels à chaud) :")
    print(
        f"  locate_qpv               : médiane {ours_median:.4f} ms, p95 {ours_p95:.4f} ms "
        f"(objectif médiane < 0.2 ms) {'OK' if ours_median < 0.2 else 'NON ATTEINT'}"
    )
    print(f"  référence shapely STRtree: médiane {ref_median:.4f} ms, p95 {ref_p95:.4f} ms")
    print(
        f"  rapport des médianes     : {ref_median / ours_median:.2f} x la référence "
        "(locate_qpv rend en plus une instance Qpv)"
    )
    return 0 if mismatches == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
