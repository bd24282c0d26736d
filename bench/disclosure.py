"""Benchmark of the statistical disclosure control of a national release.

    .venv/bin/python bench/disclosure.py [--people 150000] [--seed 1] [--runs 3]

A synthetic release, no database: people in 101 départements of 18 regions (sizes drawn
from a log-normal, a few départements served by one company), 2 % followed in a second
département of their region; per territory (départements, regions, France) the total and
14 exclusive breakdowns, 83 cells, about 10,000 in all, tied by
``breakdown_relations`` (people and hours add up) and ``hierarchy_relations`` (people at
most the sum, hours add up).

Measured (median of ``--runs``), each against references of the same run:
- building the cells from the people (numpy aggregation, then the ``Cell`` objects and the
  relations): what the caller pays anyway;
- ``protect`` (primary and secondary suppression, with its own audits);
- ``audit`` of the protected release (every primary secret bounded twice by HiGHS);
- one ``interval`` from scratch (building the attacker's program and solving it cold for
  one cell): the audit's solves reuse one model, so they should cost far less each.
"""

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clauses.observatory import disclosure  # noqa: E402

K = 5
DOMINANCE = 0.85
# Breakdown → number of modalities (sex, age, QPV, level, public, contract, modality,
# market, legal basis, sector, company size, duration, outcome, structure, buyer).
BREAKDOWNS = {
    "sexe": 2,
    "age": 4,
    "qpv": 2,
    "niveau": 6,
    "public": 8,
    "contrat": 8,
    "modalite": 5,
    "marche": 3,
    "base": 4,
    "secteur": 10,
    "taille": 4,
    "duree": 5,
    "sortie": 10,
    "structure": 6,
    "acheteur": 5,
}
COLUMNS = [("ensemble", 1), *BREAKDOWNS.items()]
WIDTH = sum(size for _, size in COLUMNS)  # cells per territory
OFFSETS = np.cumsum([0] + [size for _, size in COLUMNS[:-1]])


def geography():
    """18 regions: 13 of 2 to 13 départements (96 in all), 5 of one (overseas)."""
    sizes = [13, 12, 12, 10, 8, 6, 6, 5, 5, 5, 5, 5, 4] + [1] * 5
    region_of, n = [], 0
    for region, size in enumerate(sizes):
        region_of += [region] * size
        n += size
    return np.array(region_of), len(sizes)


def people(count, rng, region_of):
    deps = len(region_of)
    weights = rng.lognormal(0, 1.2, deps)
    dep = rng.choice(deps, size=count, p=weights / weights.sum())
    # Skewed modalities: some are rare everywhere, so small cells are many.
    attrs = np.zeros((count, len(COLUMNS)), dtype=np.int64)
    for j, (_, size) in enumerate(COLUMNS[1:], start=1):
        p = rng.dirichlet(np.full(size, 0.7))
        attrs[:, j] = rng.choice(size, size=count, p=p)
    hours = rng.integers(20, 600, size=count).astype(np.float64)
    # Companies of a département: a few large ones; one in ten départements has only one.
    companies = np.where(rng.random(deps) < 0.1, 1, 40)
    company = dep * 100 + (rng.zipf(1.6, size=count) % companies[dep])
    # 2 % also in another département of the region (where there is one).
    second = np.full(count, -1)
    shared = np.flatnonzero(rng.random(count) < 0.02)
    for p in shared:
        mates = np.flatnonzero(region_of == region_of[dep[p]])
        mates = mates[mates != dep[p]]
        if len(mates):
            second[p] = rng.choice(mates)
    return dep, attrs, hours, company, second


def aggregate(rows, attrs, territories):
    """People, hours and top company share of each cell of one level's territories."""
    person, territory, hours, company = rows
    cell = territory[:, None] * WIDTH + OFFSETS[None, :] + attrs[person]
    cell, hours = cell.ravel(), np.repeat(hours, len(COLUMNS))
    company = np.repeat(company, len(COLUMNS))
    size = territories * WIDTH
    count = np.bincount(cell, minlength=size)
    total = np.bincount(cell, weights=hours, minlength=size)
    pair, inverse = np.unique(cell * 1_000_000 + company, return_inverse=True)
    by_company = np.bincount(inverse, weights=hours)
    top = np.zeros(size)
    np.maximum.at(top, pair // 1_000_000, by_company)
    return count, total, top


def build(population, region_of, regions):
    dep, attrs, hours, company, second = population
    ids = np.arange(len(dep))
    two = second >= 0
    # A person in two départements: counted in each, half of the hours in each.
    split = np.where(two, hours / 2, hours)
    dep_rows = (
        np.concatenate([ids, ids[two]]),
        np.concatenate([dep, second[two]]),
        np.concatenate([split, split[two]]),
        np.concatenate([company, company[two]]),
    )
    levels = [
        ("departement", len(region_of), dep_rows),
        ("region", regions, (ids, region_of[dep], hours, company)),
        ("national", 1, (ids, np.zeros_like(dep), hours, company)),
    ]
    cells = {}
    for level, territories, rows in levels:
        count, total, top = aggregate(rows, attrs, territories)
        for t in range(territories):
            code = "" if level == "national" else f"{t:02d}"
            for (breakdown, size), offset in zip(COLUMNS, OFFSETS, strict=True):
                for m in range(size):
                    i = t * WIDTH + offset + m
                    modality = "ensemble" if breakdown == "ensemble" else str(m)
                    share = Decimal(f"{top[i] / total[i]:.6f}") if total[i] else None
                    cells[(level, code, breakdown, modality)] = disclosure.Cell(
                        int(count[i]), Decimal(int(total[i] * 2)) / 2, share
                    )
    parent_of = {
        ("departement", f"{d:02d}"): ("region", f"{r:02d}") for d, r in enumerate(region_of)
    }
    parent_of.update({("region", f"{r:02d}"): ("national", "") for r in range(regions)})
    relations = disclosure.breakdown_relations(cells) + disclosure.hierarchy_relations(
        cells, parent_of
    )
    return cells, relations


def timed(function, runs):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=150_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    region_of, regions = geography()
    population = people(args.people, rng, region_of)
    build_time, (cells, relations) = timed(lambda: build(population, region_of, regions), args.runs)
    options = {"k": K, "dominance": DOMINANCE}
    protect_time, secrets = timed(
        lambda: disclosure.protect(cells, relations, **options), args.runs
    )
    audit_time, breaches = timed(
        lambda: disclosure.audit(cells, relations, secrets, **options), args.runs
    )
    primary = [key for key, status in secrets.items() if status == disclosure.PRIMARY]
    largest = max(primary, key=lambda key: cells[key].people)
    interval_time, _ = timed(
        lambda: disclosure.interval(cells, relations, secrets, largest), args.runs
    )
    rules = sum(
        len(disclosure.sensitivity(cells[key], k=K, dominance=Decimal(str(DOMINANCE))))
        for key in primary
    )
    published = sum(cell.people > 0 for key, cell in cells.items() if key not in secrets)

    print(f"cells: {len(cells)} ({len(relations)} relations), people: {args.people}")
    print(
        f"secrets: {len(primary)} primary, {len(secrets) - len(primary)} secondary; "
        f"{published} non-empty cells published; breaches after protect: {len(breaches)}"
    )
    rows = [
        ("building the cells and relations (reference)", build_time),
        ("protect", protect_time),
        (f"audit ({rules} primary rules, at most {2 * rules} solves)", audit_time),
        ("one interval() from scratch (reference)", interval_time),
    ]
    for label, seconds in rows:
        print(f"{label:<58} {seconds:8.3f} s  {seconds / build_time:6.2f}x the cells")
    print(
        f"audit per rule: {audit_time / rules * 1000:.2f} ms, "
        f"{audit_time / rules / interval_time:.3f}x one interval() from scratch"
    )
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())
