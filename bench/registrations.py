"""Benchmark of the meetings: registrations per second under concurrency, and the public
meeting list against a bare SQL SELECT of the same rows.

    .venv/bin/python bench/registrations.py [--threads 8] [--registrations 800]
                                            [--meetings 500] [--rows 50000] [--runs 15]

Needs PostgreSQL (the place lock is what is measured). Creates its own database,
``clauses_bench`` by default (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/clauses_bench), migrates it, and drops it at the end:
the development database is never touched.

1. Registrations: ``--threads`` threads, each with its own Django test Client (and so its
   own database connection), POST the real registration form (``meetings:register``) for
   one meeting of 300 places: every registration goes through the form, the rate limit
   (one client address per registration), the locked ``services.register`` and the
   redirect; figures: registrations per second, and the check that no place was oversold.
2. The public list (``meetings:list``) with ``--meetings`` published meetings and
   ``--rows`` registrations (bulk-created), median of ``--runs`` GETs; reference: a bare
   SQL SELECT of the same rows (published meetings with region, edition and their
   confirmed and waiting counts) through the same connection, median of as many runs.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/clauses_bench"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.pop("EMAIL_HOST", None)

import psycopg  # noqa: E402

DB_URL = os.environ["DATABASE_URL"]
DB_NAME = urlsplit(DB_URL).path.lstrip("/")
ADMIN_URL = urlunsplit(urlsplit(DB_URL)._replace(path="/postgres"))


def admin(sql):
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def create_database():
    admin(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
    admin(f'CREATE DATABASE "{DB_NAME}"')


def drop_database():
    from django.db import connections

    connections.close_all()
    admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def setup_django():
    import django
    from django.conf import settings

    django.setup()
    # Measure the application, not the debug machinery nor a console full of e-mails.
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALLOWED_HOSTS = ["testserver"]

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def world():
    import datetime

    from django.utils import timezone

    from clauses.accounts.models import Organisation
    from clauses.meetings.models import Edition
    from clauses.territories.models import Region

    regions = Region.objects.bulk_create(
        Region(code=f"{n:02d}", name=f"Région {n:02d}") for n in range(11, 24)
    )
    organiser = Organisation.objects.create(name="Réseau national", kind="reseau_national")
    edition = Edition.objects.create(
        name="Tour de France 2026", slug="tour-2026", year_start=2026, year_end=2026
    )
    return regions, organiser, edition, timezone.now(), datetime.timedelta


def meeting_values(n, regions, organiser, edition, now, delta, **extra):
    starts = now + delta(days=10 + n % 300) if n % 3 else now - delta(days=30 + n % 600)
    return {
        "organiser": organiser,
        "edition": edition,
        "title": f"Rencontre régionale n° {n}",
        "slug": f"rencontre-{n}",
        "region": regions[n % len(regions)],
        "venue_name": "Hôtel de région",
        "venue_address": "1 place de la République",
        "venue_postal_code": "75001",
        "venue_city": "Paris",
        "starts_at": starts,
        "ends_at": starts + delta(hours=8),
        "capacity": 120,
        "registration_opens_at": min(now, starts) - delta(days=60),
        "registration_closes_at": starts - delta(hours=1),
        "is_published": True,
        **extra,
    }


def bench_registrations(threads, count, context):
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from clauses.meetings.enums import RegistrationStatus
    from clauses.meetings.models import Meeting

    regions, organiser, edition, now, delta = context
    meeting = Meeting.objects.create(
        **meeting_values(
            100_000, regions, organiser, edition, now, delta, capacity=300, slug="bench-places"
        )
    )
    url = reverse("meetings:register", args=[meeting.slug])
    local = threading.local()
    statuses = []

    def register(n):
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = Client()
        response = client.post(
            url,
            {
                "first_name": "Camille",
                "last_name": f"Bench {n}",
                "email": f"bench{n}@example.org",
                "organisation_name": "PLIE du banc d'essai",
                "actor_family": "plie_mde",
                "visibility": "personne",
                "consent": "on",
            },
            REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
        )
        statuses.append(response.status_code)

    def worker(numbers):
        try:
            for n in numbers:
                register(n)
        finally:
            connections.close_all()

    batches = [range(i, count, threads) for i in range(threads)]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(worker, batches))
    elapsed = time.perf_counter() - start
    confirmed = meeting.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = meeting.registrations.filter(status=RegistrationStatus.WAITING).count()
    redirects = statuses.count(302)
    return elapsed, redirects, confirmed, waiting, meeting.capacity


def populate(meetings, rows, context):
    import random

    from django.utils import timezone

    from clauses.meetings.enums import RegistrationStatus
    from clauses.meetings.models import Meeting, Registration

    regions, organiser, edition, now, delta = context
    created = Meeting.objects.bulk_create(
        Meeting(**meeting_values(n, regions, organiser, edition, now, delta))
        for n in range(meetings)
    )
    rng = random.Random(20260101)
    statuses = [RegistrationStatus.CONFIRMED] * 8 + [
        RegistrationStatus.WAITING,
        RegistrationStatus.CANCELLED,
    ]
    consent = timezone.now()
    batch = []
    for n in range(rows):
        batch.append(
            Registration(
                meeting=created[n % len(created)],
                status=rng.choice(statuses),
                first_name="Camille",
                last_name=f"Participante {n}",
                email=f"participante{n}@example.org",
                organisation_name="Structure",
                actor_family="facilitateur",
                consent_at=consent,
                token=f"bench-token-{n}",
            )
        )
        if len(batch) == 5000:
            Registration.objects.bulk_create(batch)
            batch = []
    Registration.objects.bulk_create(batch)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


REFERENCE_SQL = """
SELECT m.id, m.title, m.slug, m.starts_at, m.ends_at, m.capacity, m.venue_city,
       r.code, r.name, e.name, e.slug,
       COUNT(g.id) FILTER (WHERE g.status = 'confirmee') AS confirmed,
       COUNT(g.id) FILTER (WHERE g.status = 'attente') AS waiting
FROM meetings_meeting m
JOIN territories_region r ON r.id = m.region_id
JOIN meetings_edition e ON e.id = m.edition_id
LEFT JOIN meetings_registration g ON g.meeting_id = m.id
WHERE m.is_published
GROUP BY m.id, r.id, e.id
ORDER BY m.starts_at
"""


def median_time(runs, function):
    function()  # warm-up
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def bench_list(runs):
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    client = Client()
    url = reverse("meetings:list")

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def reference():
        with connection.cursor() as cursor:
            cursor.execute(REFERENCE_SQL)
            return cursor.fetchall()

    listed = len(reference())
    return median_time(runs, page), median_time(runs, reference), listed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--registrations", type=int, default=800)
    parser.add_argument("--meetings", type=int, default=500)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    print(f"Base de test : {DB_NAME} (créée puis supprimée)")
    create_database()
    try:
        setup_django()
        context = world()

        elapsed, redirects, confirmed, waiting, capacity = bench_registrations(
            args.threads, args.registrations, context
        )
        print(
            f"\nInscriptions par la vraie vue (POST, {args.threads} fils, "
            f"{args.registrations} inscriptions, {capacity} places)"
        )
        print(f"  durée                 : {elapsed:8.2f} s")
        print(f"  débit                 : {args.registrations / elapsed:8.1f} inscriptions/s")
        print(f"  réponses 302          : {redirects}/{args.registrations}")
        print(f"  confirmées / attente  : {confirmed} / {waiting}")
        assert confirmed == min(capacity, args.registrations), "surréservation !"
        assert confirmed + waiting == redirects

        start = time.perf_counter()
        populate(args.meetings, args.rows, context)
        print(
            f"\nDonnées : {args.meetings} rencontres, {args.rows} inscriptions "
            f"(créées en {time.perf_counter() - start:.1f} s)"
        )
        page, reference, listed = bench_list(args.runs)
        print(f"Liste publique /rencontres/ ({listed} rencontres publiées), médiane de {args.runs}")
        print(f"  page complète (vue + gabarit) : {page * 1000:8.1f} ms")
        print(f"  SELECT brut de référence      : {reference * 1000:8.1f} ms")
        print(f"  rapport page / référence      : {page / reference:8.1f} x")
    finally:
        drop_database()


if __name__ == "__main__":
    main()
