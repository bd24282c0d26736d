"""Benchmark of the national demo data set: one national year generated on SQLite.

    .venv/bin/python bench/seed.py [--year 2020] [--seed 1] [--fraction 1]

Creates a temporary SQLite file database (the development database is never touched),
migrates it and loads the territories (not timed), then times
``seed_demo --scale national --year 2020`` (``tracking_national.generate``): about 370
structures, 46,500 contracts, 48,000 participants, 60,000 missions and 20 million hours.

Target: under 5 minutes. Reference, measured in the same run: a raw ``executemany`` of as
many rows as the generated hour declarations, into a copy of the declarations table
created with the same DDL and indexes in a fresh SQLite file (sqlite3 module, one
transaction, no Django, no rule checked). The ratio says how many times that bare insert
the whole generation costs (every other table, the planning, the rule checks and the
profile included).

Then the workspace dashboard on that year, for a facilitator, a coordinator and a national
administrator, against a bare ``SELECT SUM(hours)`` over the declarations in the same run.
"""

import argparse
import datetime
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="clauses-bench-seed-")
DB_PATH = Path(TMP) / "bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.backends.sqlite3._functions import register as register_functions  # noqa: E402

from clauses.demo import tracking_national  # noqa: E402
from clauses.insertion.models import HoursDeclaration  # noqa: E402
from clauses.territories.loader import load_territories  # noqa: E402

TARGET_SECONDS = 300


def fmt(number):
    return f"{number:,.0f}".replace(",", "\u202f")


def reference_insert(rows):
    """Seconds to insert ``rows`` declarations with a bare sqlite3 executemany, into a
    table (and indexes) created from the same DDL as the generated one."""
    table = HoursDeclaration._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
            "ORDER BY type DESC",  # the table first, then its indexes
            [table],
        )
        statements = [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT mission_id, month, hours FROM "{table}" ORDER BY id LIMIT 1000')
        sample = cursor.fetchall()
    path = Path(TMP) / "reference.sqlite3"
    database = sqlite3.connect(path, isolation_level=None)
    # The table's CHECK constraints call the SQL functions Django registers on SQLite.
    register_functions(database)
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("PRAGMA synchronous=NORMAL")
    for statement in statements:
        database.execute(statement)
    now = datetime.datetime.now(datetime.UTC).isoformat()
    # The same kinds of values; (mission, month) pairs kept distinct for the unique index.
    values = [
        (
            index // 12 + 1,
            f"2020-{index % 12 + 1:02d}-01",
            str(sample[index % len(sample)][2]),
            now,
        )
        for index in range(rows)
    ]
    start = time.perf_counter()
    database.execute("BEGIN")
    database.executemany(
        f'INSERT INTO "{table}" (mission_id, month, hours, updated_at) VALUES (?, ?, ?, ?)',
        values,
    )
    database.execute("COMMIT")
    elapsed = time.perf_counter() - start
    count = database.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    database.close()
    if count != rows:
        raise RuntimeError(f"Référence : {count} lignes insérées au lieu de {rows}.")
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fraction", type=float, default=1.0)
    args = parser.parse_args()

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    print(f"Base SQLite temporaire migrée en {time.perf_counter() - start:.1f} s ({DB_PATH})")
    start = time.perf_counter()
    load_territories()
    print(f"Territoires chargés en {time.perf_counter() - start:.1f} s (non chronométré)")

    # As the command does: the debug cursor would format and keep every statement.
    settings.DEBUG = False
    start = time.perf_counter()
    result = tracking_national.generate(
        year=args.year, seed=args.seed, fraction=args.fraction, today=datetime.date.today()
    )
    elapsed = time.perf_counter() - start
    print()
    for line in tracking_national.report_lines(result):
        print(line)
    print()
    rows = result.hours_rows
    reference = reference_insert(rows)
    ok = elapsed < TARGET_SECONDS
    print(
        f"Génération de l'année {args.year} : {elapsed:.1f} s "
        f"(objectif < {TARGET_SECONDS} s) {'OK' if ok else 'NON ATTEINT'}"
    )
    print(
        f"  dont {fmt(rows)} déclarations d'heures, soit {fmt(rows / elapsed)} lignes "
        "d'heures par seconde de génération complète"
    )
    print(
        f"Référence : executemany sqlite3 brut de {fmt(rows)} lignes d'heures : "
        f"{reference:.2f} s ({fmt(rows / reference)} lignes/s)"
    )
    print(
        f"Rapport : la génération complète coûte {elapsed / reference:.1f} x l'insertion brute "
        "des seules heures (plafond mensuel : "
        f"{settings.MAX_HOURS_PER_MONTH} h ; 1 ETP = {settings.HOURS_PER_ETP} h)"
    )
    dashboards(args.year)
    return 0 if ok else 1


def dashboards(year):
    """The workspace dashboard on the generated year, as its three kinds of readers see it on
    27 November of that year: the facilitator of the largest structure, the coordinator of
    its region, a national administrator. Median of 3 requests after one warm-up; reference
    in the same run: a bare ``SELECT SUM(hours)`` over every declaration of the database."""
    from unittest import mock

    from django.db.models import Count
    from django.test import Client

    from clauses.accounts.enums import OrganisationKind, Role
    from clauses.accounts.models import Membership, Organisation, User
    from clauses.www.tracking import views

    structure = (
        Organisation.objects.filter(kind=OrganisationKind.FACILITATOR)
        .annotate(contracts_count=Count("contracts"))
        .order_by("-contracts_count", "pk")
        .select_related("departement")
        .first()
    )
    region_id = structure.region_id or structure.departement.region_id
    network = Organisation.objects.create(
        name="Réseau national (banc d'essai)", kind=OrganisationKind.NATIONAL_NETWORK
    )
    readers = []
    for email, organisation, role, scope in [
        ("facilitateur.banc@example.org", structure, Role.FACILITATOR, None),
        ("coordinateur.banc@example.org", structure, Role.COORDINATOR, region_id),
        ("national.banc@example.org", network, Role.NATIONAL_ADMIN, None),
    ]:
        user = User.objects.create_user(email=email, password=None)
        Membership.objects.create(
            user=user, organisation=organisation, role=role, scope_region_id=scope
        )
        readers.append((role.label, user))

    def bare_sum():
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT SUM(hours) FROM "{HoursDeclaration._meta.db_table}"')
            cursor.fetchone()
        return time.perf_counter() - started

    bare_sum()
    reference = statistics.median(bare_sum() for _ in range(3))
    print()
    print(
        f"Tableau de bord de l'espace le 27/11/{year} "
        f"(référence : SUM(hours) nu sur toute la table, {reference * 1000:.0f} ms)"
    )
    client = Client()
    with mock.patch.object(views, "_today", return_value=datetime.date(year, 11, 27)):
        for label, user in readers:
            client.force_login(user)
            # A national administrator is sent on to the national figures.
            response = client.get("/espace/tableau-de-bord/", follow=True)
            if response.status_code != 200:
                raise RuntimeError(f"{label} : réponse {response.status_code}")
            timings = []
            for _ in range(3):
                started = time.perf_counter()
                client.get("/espace/tableau-de-bord/", follow=True)
                timings.append(time.perf_counter() - started)
            median = statistics.median(timings)
            print(f"  {label:<28} {median:6.2f} s  {median / reference:6.1f} x la référence")


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
