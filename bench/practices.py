"""Benchmark of the practice search: 10,000 sheets, on PostgreSQL and on SQLite.

    .venv/bin/python bench/practices.py [--sheets 10000] [--rounds 5] [--only postgresql|sqlite]

Each database is a temporary one of its own: PostgreSQL ``clauses_bench_practices``
(BENCH_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432), created,
migrated and dropped; SQLite, a file in a temporary directory. The development database
is never touched. Each backend runs in a child process (Django binds one database per
process).

Measured: ``clauses.practices.search.search`` over the published sheets, as the public
list uses it (the page's 20 first sheets plus the count), for a fixed set of queries typed
without accents; median and 95th percentile. Reference: a bare indexed query of the same
shape (published sheets by date: the 20 first plus the count, through the
(status, published_at) index). Target: search median under 50 ms on PostgreSQL. For
information, the whole public page (search, facet counts, map, template) is timed too.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [
    "femmes",
    "chantier",
    "insertion reussie",
    "bailleur social",
    "quartier prioritaire",
    "jeunes",
    "npnru",
    "entreprise adaptee",
    "creteil",
    "mobilite",
    "forum emploi",
    "espaces verts",
    "marches publics services",
    "geiq alternance",
    "accompagnement",
    "regie de quartier",
]
WORDS = [
    "insertion",
    "réussie",
    "chantier",
    "quartier",
    "prioritaire",
    "habitantes",
    "femmes",
    "jeunes",
    "bailleur",
    "social",
    "NPNRU",
    "renouvellement",
    "urbain",
    "entreprise",
    "adaptée",
    "GEIQ",
    "alternance",
    "mobilité",
    "forum",
    "emploi",
    "espaces",
    "verts",
    "nettoyage",
    "marchés",
    "publics",
    "services",
    "travaux",
    "fournitures",
    "facilitateur",
    "acheteur",
    "Créteil",
    "Saint-Denis",
    "Toulouse",
    "Marseille",
    "Lille",
    "régie",
    "de",
    "quartier",
    "accompagnement",
    "tutorat",
    "centre",
    "social",
    "mission",
    "locale",
    "France",
    "Travail",
    "heures",
    "d'insertion",
    "parcours",
    "formation",
    "qualification",
    "second",
    "œuvre",
    "restauration",
    "collective",
    "informatique",
    "charte",
    "comité",
    "partenaires",
    "repérage",
    "candidatures",
    "suivi",
    "bilan",
]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def child(backend, sheets, rounds):
    if backend == "postgresql":
        server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x")
        url = urlunsplit(urlsplit(server)._replace(path="/clauses_bench_practices"))
        admin_url = urlunsplit(urlsplit(server)._replace(path="/postgres"))
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS clauses_bench_practices WITH (FORCE)")
            conn.execute("CREATE DATABASE clauses_bench_practices")
    else:
        tmp = tempfile.mkdtemp(prefix="clauses-bench-")
        url = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections, transaction
    from django.utils import timezone

    settings.DEBUG = False
    try:
        call_command("migrate", verbosity=0)
        from clauses.practices import search as practice_search
        from clauses.practices.enums import PracticeStatus, Theme
        from clauses.practices.models import Practice

        rng = random.Random(42)
        now = timezone.now()

        syllables = ["ba", "ti", "ro", "lu", "men", "ca", "sel", "vo", "ri", "dan", "po", "ne"]
        filler = ["".join(rng.choice(syllables) for _ in range(3)) for _ in range(5000)]

        def text(n):
            """Mostly ordinary words (a 5,000-word vocabulary), some from the
            domain's vocabulary (4 %): queries match a realistic share of the sheets."""
            return " ".join(
                rng.choice(WORDS) if rng.random() < 0.04 else rng.choice(filler) for _ in range(n)
            )

        started = time.perf_counter()
        objects = [
            Practice(
                title=f"{text(6).capitalize()} {i}",
                slug=f"fiche-{i}",
                pitch=text(25),
                context=text(60),
                actions=text(80),
                means=text(30),
                results=text(40),
                success_factors=text(25),
                pitfalls=text(25),
                themes=[rng.choice(Theme.values)],
                tags=[rng.choice(WORDS)],
                year=2019 + i % 5,
                status=PracticeStatus.PUBLISHED if i % 10 else PracticeStatus.DRAFT,
                published_at=now - timezone.timedelta(minutes=i),
            )
            for i in range(sheets)
        ]
        with transaction.atomic():
            Practice.objects.bulk_create(objects, batch_size=1000)
            for practice in Practice.objects.all().iterator(chunk_size=1000):
                practice_search.index_practice(practice)
        load = time.perf_counter() - started
        with connections["default"].cursor() as cursor:
            cursor.execute("ANALYZE")

        published = Practice.objects.published()

        def run_search(q):
            results = practice_search.search(published, q)
            return list(results[:20]), results.count()

        def run_reference(_q):
            results = published.order_by("-published_at")
            return list(results[:20]), results.count()

        timings = {"search": [], "reference": []}
        matches = []
        for q in QUERIES:  # warm-up
            run_search(q)
            run_reference(q)
        for _ in range(rounds):
            for q in QUERIES:
                for name, fn in (("search", run_search), ("reference", run_reference)):
                    t0 = time.perf_counter()
                    _page, count = fn(q)
                    timings[name].append((time.perf_counter() - t0) * 1000)
                    if name == "search" and len(matches) < len(QUERIES):
                        matches.append(count)
        search_median = statistics.median(timings["search"])
        reference_median = statistics.median(timings["reference"])
        print(
            f"{backend:<10} {sheets} fiches (chargement + index : {load:.1f} s), "
            f"{len(timings['search'])} recherches, résultats par requête : "
            f"min {min(matches)}, médiane {statistics.median(matches):.0f}, max {max(matches)}"
        )
        print(
            f"{'':<10} recherche : médiane {search_median:.1f} ms, "
            f"p95 {percentile(timings['search'], 0.95):.1f} ms"
        )
        print(
            f"{'':<10} référence (requête indexée nue, 20 premières + total) : médiane "
            f"{reference_median:.1f} ms, p95 {percentile(timings['reference'], 0.95):.1f} ms"
        )
        print(f"{'':<10} rapport recherche / référence : x{search_median / reference_median:.1f}")
        # The whole public page (search + facets + map + template), for information.
        from django.test import Client

        settings.ALLOWED_HOSTS = ["testserver"]
        client = Client()
        page_timings = []
        for q in QUERIES:
            t0 = time.perf_counter()
            assert client.get("/pratiques/", {"q": q}).status_code == 200
            page_timings.append((time.perf_counter() - t0) * 1000)
        print(
            f"{'':<10} page /pratiques/?q= complète (facettes, carte) : médiane "
            f"{statistics.median(page_timings):.0f} ms, p95 {percentile(page_timings, 0.95):.0f} ms"
        )
        if backend == "postgresql":
            verdict = "atteint" if search_median < 50 else "MANQUÉ"
            print(f"{'':<10} objectif médiane < 50 ms sur PostgreSQL : {verdict}")
    finally:
        connections.close_all()
        if backend == "postgresql":
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS clauses_bench_practices WITH (FORCE)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--child", choices=["postgresql", "sqlite"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.sheets, args.rounds)
        return
    status = 0
    for backend in [args.only] if args.only else ["postgresql", "sqlite"]:
        command = [sys.executable, __file__, "--child", backend]
        command += ["--sheets", str(args.sheets), "--rounds", str(args.rounds)]
        status |= subprocess.call(command)
    sys.exit(status)


if __name__ == "__main__":
    main()
