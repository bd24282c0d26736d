"""Benchmark of the observatory: the engine on a national year, and the figures page.

    .venv/bin/python bench/observatory.py [--years 2015-2024] [--year 2020] [--runs 7]
        [--rebuild] [--only postgresql|sqlite] [--seed 1]

Data (generated once, reused by the next runs; ``--rebuild`` starts again): national years of
``seed_demo --scale national`` (``tracking_national.generate``, seed ``--seed``):
- PostgreSQL ``bench_observatory_<year>``: the measured year only (``--year``);
- PostgreSQL ``bench_observatory``: every year of ``--years``, made as a copy of the one-year
  database (``CREATE DATABASE ... TEMPLATE``, so the measured year's rows are the same in
  both) to which the other years are added; missing years are generated, a database holding
  years not asked for is refused (use ``--rebuild``);
- SQLite ``var/bench-observatory.sqlite3``: the measured year only.
Server: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432). Drop them with
``DROP DATABASE bench_observatory`` (and ``bench_observatory_<year>``), ``rm var/bench-*``.

Measured on each database, in a child process of its own (Django binds one database per
process), each against a reference in the same run:
- the engine: every indicator and breakdown of the national year (``figures.compute``,
  the temporary tables of the period's facts, the six statements reading them, then
  ``assemble``), cold (a new connection, then ``DISCARD ALL`` on
  PostgreSQL: no catalog, plan or session state; the data pages stay in the OS cache and
  in shared_buffers, as the server is not restarted) and warm (median of ``--runs``),
  against DuckDB running the same statements, unchanged but for the placeholders, on
  Parquet files of the same rows (every table ``figures.tables()`` names, exported with
  pyarrow, not timed); cold is the first run on a new DuckDB connection, warm the median
  of ``--runs``. The two ``Figures.as_dict()`` must be identical. Target: within 5x.
  The slowest PostgreSQL statement is run under EXPLAIN ANALYZE (its nodes with the most
  time of their own are printed, the whole plan written to var/).
- the national administrator's figures page (``observatory:dashboard?annee=<year>``,
  django.test.Client, force_login), first request after ``cache.clear()`` (median of 3)
  and warm (median of ``--runs``), against a bare ``HoursDeclaration.objects.filter(
  month__year=<year>).aggregate(Sum("hours"))`` (warm median). Target: at most 10x warm;
  and with every year in the database at most 1.2x its time with one year.
- the public national page of the year (anonymous, from the stored protected release) when
  it is published there, ten published years against one: at most 1.2x;
- freezing the year's whole consolidation campaign (every structure submits from its
  tracking data), then building, protecting, auditing and storing its release (every table
  of the country, the regions and the départements), rolled back, each against the
  engine's warm recompute of the same year.
"""

import argparse
import contextlib
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "bench_observatory"
SQLITE_PATH = ROOT / "var" / "bench-observatory.sqlite3"
ENGINE_TARGET = 5
DASHBOARD_TARGET = 10
GROWTH_TARGET = 1.2
UNAVAILABLE = "tableau de bord : pas encore disponible"


def server_url(database):
    server = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return urlunsplit(urlsplit(server)._replace(path=f"/{database}"))


def admin(sql):
    import psycopg

    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def database_exists(name):
    import psycopg

    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def parse_years(text):
    years = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        years.update(range(int(first), int(last or first) + 1))
    return sorted(years)


def years_text(years):
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return ",".join(map(str, years))


def median(values):
    return statistics.median(values)


# --- Child processes: one database each ----------------------------------------------------


def setup_django(url):
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # As seed_demo does: the debug cursor would format and keep every statement.
    settings.DEBUG = False


def present_years():
    from clauses.demo.tracking_national import FIRST_YEAR
    from clauses.procurement.models import Contract

    return [
        year
        for year in range(FIRST_YEAR, datetime.date.today().year)
        if Contract.objects.filter(reference__startswith=f"{year}-").exists()
    ]


def child_build(url, years, seed):
    """Migrate, load the territories, generate the missing years (each one is atomic)."""
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    from clauses.territories.models import Region

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not Region.objects.exists():
        started = time.perf_counter()
        call_command("load_territories", verbosity=0)
        print(f"  territoires chargés en {time.perf_counter() - started:.0f} s", flush=True)
    present = present_years()
    extra = sorted(set(present) - set(years))
    if extra:
        print(
            f"  la base contient déjà les années {years_text(extra)}, non demandées : "
            "relancez avec --rebuild",
            flush=True,
        )
        return 2
    for year in years:
        if year in present:
            continue
        started = time.perf_counter()
        call_command("seed_demo", scale="national", year=year, seed=seed, verbosity=0)
        print(f"  année {year} générée en {time.perf_counter() - started:.0f} s", flush=True)
    if connection.vendor == "postgresql":
        # What autovacuum does some time after a bulk load: without statistics the planner
        # takes the fresh tables for nearly empty ones (nested loops over every mission).
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        print(f"  VACUUM (ANALYZE) en {time.perf_counter() - started:.0f} s", flush=True)
    return 0


def time_it(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def _arrow_type(field, connection):
    import pyarrow as pa

    if field.is_relation:
        field = field.target_field
    kind = field.get_internal_type()
    if kind in ("AutoField", "BigAutoField", "SmallAutoField") or kind.endswith("IntegerField"):
        return pa.int64()
    if kind == "DecimalField":
        return pa.decimal128(field.max_digits, field.decimal_places)
    if kind == "FloatField":
        return pa.float64()
    if kind == "BooleanField":
        return pa.bool_()
    if kind == "DateField":
        return pa.date32()
    if kind == "DateTimeField":
        return pa.timestamp("us", tz="UTC")
    if kind == "BinaryField":
        return pa.binary()
    return pa.string()  # CharField, TextField, EmailField, UUIDField, JSONField...


def export_parquet(directory):
    """Every table of ``figures.tables()`` to a Parquet file, typed from its model's fields;
    returns {table: (path, rows)}."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from django.apps import apps
    from django.db import connection

    from clauses.observatory import figures

    models = {model._meta.db_table: model for model in apps.get_models()}
    exported = {}
    for table in figures.tables().values():
        model = models[table]
        fields = list(model._meta.concrete_fields)
        schema = pa.schema([(f.column, _arrow_type(f, connection)) for f in fields])
        path = Path(directory) / f"{table}.parquet"
        rows_written = 0
        with pq.ParquetWriter(path, schema) as writer:
            query = model._base_manager.order_by().values_list(*(f.attname for f in fields))
            batch = []

            def flush(batch, writer=writer, schema=schema, fields=fields):
                columns = list(zip(*batch, strict=True)) if batch else [[] for _ in fields]
                arrays = []
                for column, kind in zip(columns, schema.types, strict=True):
                    if kind == pa.string():
                        column = [
                            v if v is None or isinstance(v, str) else json.dumps(v, default=str)
                            for v in column
                        ]
                    arrays.append(pa.array(column, type=kind))
                writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))

            for row in query.iterator(chunk_size=100_000):
                batch.append(row)
                if len(batch) == 100_000:
                    flush(batch)
                    rows_written += len(batch)
                    batch = []
            if batch or not rows_written:
                flush(batch)
                rows_written += len(batch)
        exported[table] = (path, rows_written)
    return exported


_PLACEHOLDERS = re.compile(r"%s|%%")


def duckdb_sql(sql):
    """Django's ``%s`` placeholders and ``%%`` as DuckDB's ``?`` and ``%``."""
    return _PLACEHOLDERS.sub(lambda match: "?" if match.group() == "%s" else "%", sql)


def duckdb_connection(exported):
    import duckdb

    con = duckdb.connect()
    for table, (path, _rows) in exported.items():
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
    return con


def statement_labels(scope, period, vendor):
    """{sql: name} of the engine's statements: the named ones of ``statements()``, those
    of ``prepare_statements()`` (the temporary tables: mission_hours, facts; analyze, drop)."""
    from clauses.observatory import figures

    labels = {sql: name for name, (sql, _p) in figures.statements(scope, period, vendor).items()}
    for sql, _params in figures.prepare_statements(scope, period, vendor):
        verb, table = sql.split()[0].lower(), figures.HOURS_TABLE
        if verb == "create":
            labels[sql] = "mission_hours" if table in sql.split(" AS ", 1)[0] else "facts"
        else:
            labels.setdefault(sql, verb)
    return labels


def label_of(labels, sql):
    return labels.get(sql) or sql.split(None, 1)[0].lower()


def summed(trace):
    """{label: seconds} of a trace of (label, sql, params, seconds)."""
    timings = {}
    for label, _sql, _params, seconds in trace:
        timings[label] = timings.get(label, 0) + seconds
    return timings


def traced_compute(scope, period):
    """``figures.compute`` as the pages call it, each statement it sends timed:
    (figures, [(label, sql, params, seconds)], assemble's seconds)."""
    from django.db import connection

    from clauses.observatory import figures

    labels = statement_labels(scope, period, connection.vendor)
    original = figures._django_execute
    trace = []
    last = [None]

    def timed(sql, params):
        started = time.perf_counter()
        rows = original(sql, params)
        last[0] = time.perf_counter()
        trace.append((label_of(labels, sql), sql, params, last[0] - started))
        return rows

    figures._django_execute = timed
    try:
        computed = figures.compute(scope, period)
    finally:
        figures._django_execute = original
    # What follows the last statement: assemble (and the territories' names).
    return computed, trace, time.perf_counter() - last[0]


def duckdb_engine(con, scope, period):
    """The engine's own ``run_statements`` on DuckDB, then ``assemble``:
    (seconds, figures, {label: seconds})."""
    from clauses.observatory import figures

    labels = statement_labels(scope, period, "duckdb")
    trace = []

    def execute(sql, params):
        started = time.perf_counter()
        cursor = con.execute(duckdb_sql(sql), params)
        rows = cursor.fetchall() if cursor.description else []
        trace.append((label_of(labels, sql), sql, params, time.perf_counter() - started))
        return rows

    started = time.perf_counter()
    results = figures.run_statements(scope, period, execute, "duckdb")
    assembling = time.perf_counter()
    computed = figures.assemble(results, scope=scope, period=period)
    end = time.perf_counter()
    timings = summed(trace)
    timings["assemble"] = end - assembling
    return end - started, computed, timings


def differences(left, right, path=""):
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in sorted(set(left) | set(right), key=str):
            if key not in left or key not in right:
                found.append(f"{path}/{key}: présent d'un seul côté")
            else:
                found += differences(left[key], right[key], f"{path}/{key}")
        return found
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return [f"{path}: {len(left)} lignes contre {len(right)}"]
        found = []
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            found += differences(a, b, f"{path}[{index}]")
        return found
    if left != right or type(left) is not type(right):
        return [f"{path}: {left!r} contre {right!r}"]
    return []


def explain(trace, label):
    """EXPLAIN ANALYZE of the slowest query of a ``traced_compute`` trace, replayed as the
    engine sent it (the statements before it too, in one transaction rolled back): the
    nodes with the most time of their own."""
    from django.db import connection, transaction

    queries = [
        index
        for index, (_l, sql, _p, _s) in enumerate(trace)
        if sql.lstrip().split(None, 1)[0].upper() in ("SELECT", "WITH", "CREATE")
    ]
    slowest = max(queries, key=lambda index: trace[index][3])
    outputs = {}
    for form in ("JSON", "TEXT"):
        with transaction.atomic(), connection.cursor() as cursor:
            for index, (_l, sql, params, _s) in enumerate(trace[: slowest + 1]):
                if index == slowest:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT {form}) {sql}", params)
                    outputs[form] = cursor.fetchall()
                else:
                    cursor.execute(sql, params)
            transaction.set_rollback(True)
    plan = outputs["JSON"][0][0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    text = "\n".join(row[0] for row in outputs["TEXT"])
    statement = trace[slowest][0]
    nodes = []

    def walk(node, subplan):
        subplan = subplan or node.get("Parent Relationship") == "SubPlan"
        loops = node.get("Actual Loops", 1) or 1
        total = node.get("Actual Total Time", 0) * loops
        children = node.get("Plans", [])
        own = total - sum(
            child.get("Actual Total Time", 0) * (child.get("Actual Loops", 1) or 1)
            for child in children
            if child.get("Parent Relationship") != "InitPlan"
        )
        name = node["Node Type"]
        for key in ("Relation Name", "CTE Name", "Index Name", "Strategy"):
            if key in node:
                name += f" {node[key]}"
        nodes.append(
            {
                # Nodes of a subquery evaluated once per reference are summed as one line.
                "key": f"{name} (sous-plan)" if subplan else f"{name}#{len(nodes)}",
                "node": f"{name} (sous-plan)" if subplan else name,
                "own_ms": max(own, 0),
                "rows": node.get("Actual Rows", 0) * loops,
                "workers": node.get("Workers Launched", None),
            }
        )
        for child in children:
            walk(child, subplan)

    walk(plan[0]["Plan"], False)
    grouped = {}
    for node in nodes:
        entry = grouped.setdefault(node["key"], {**node, "own_ms": 0, "rows": 0, "times": 0})
        entry["own_ms"] += node["own_ms"]
        entry["rows"] += node["rows"]
        entry["times"] += 1
    nodes = sorted(grouped.values(), key=lambda n: -n["own_ms"])
    path = ROOT / "var" / f"bench-observatory-explain-{label}-{statement}.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text + "\n")
    return {
        "statement": statement,
        "total_ms": round(plan[0]["Execution Time"], 1),
        "top": nodes[:8],
        "file": str(path),
    }


def national_admin():
    from clauses.accounts.enums import OrganisationKind, Role
    from clauses.accounts.models import Membership, Organisation, User

    network, _ = Organisation.objects.get_or_create(
        name="Réseau national (banc d'essai observatoire)",
        defaults={"kind": OrganisationKind.NATIONAL_NETWORK},
    )
    user = User.objects.filter(email="national.observatoire.banc@example.org").first()
    if user is None:
        user = User.objects.create_user(
            email="national.observatoire.banc@example.org", password=None
        )
    Membership.objects.get_or_create(
        user=user, organisation=network, defaults={"role": Role.NATIONAL_ADMIN}
    )
    return user


def measure_public(year, runs, result):
    """The public national page of ``year`` (``/observatoire/?annee=``, anonymous), read
    from the stored protected release, when the year is published on this database
    (``consolidate --year N --from-tracking --publish``): median of ``runs`` after one."""
    from django.test import Client
    from django.urls import reverse

    from clauses.observatory.models import Campaign

    published = Campaign.objects.filter(published_at__isnull=False)
    if not published.filter(year=year).exists():
        result["public"] = None
        return
    client = Client()
    url = reverse("www:observatory") + f"?annee={year}"

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} : réponse {response.status_code}")

    get()
    result["public"] = {
        "seconds": median([time_it(get)[0] for _ in range(runs)]),
        "years": published.count(),
    }


def measure_freeze(year, result):
    """Freezing the whole campaign of ``year`` (every structure with hours submits from its
    tracking data: facts copied, totals and contracts counted, transitions logged), in a
    transaction rolled back each time (median of 3), against the engine's warm recompute of
    the same year measured above."""
    from django.db import transaction
    from django.utils import timezone

    from clauses.insertion.models import HoursDeclaration
    from clauses.observatory import campaigns, release
    from clauses.observatory.models import Campaign, Submission

    def freeze():
        with transaction.atomic():
            # A campaign already run on this database (consolidate) starts again here.
            Submission.objects.filter(campaign__year=year).delete()
            Campaign.objects.filter(year=year).delete()
            campaign = campaigns.open_campaign(
                actor="bench", year=year, **campaigns.default_dates(year)
            )
            structures = campaigns.expected_structures(campaign).filter(
                pk__in=HoursDeclaration.objects.filter(month__year=year).values(
                    "mission__lot__contract__organisation"
                )
            )
            started = time.perf_counter()
            submitted = campaigns.submit_from_tracking(
                actor="bench", campaign=campaign, organisations=list(structures)
            )
            seconds = time.perf_counter() - started
            for submission in submitted:
                campaigns.validate(actor="bench", submission=submission, level="national")
            campaign.published_at = timezone.now()
            campaign.save(update_fields=["published_at"])
            started = time.perf_counter()
            protected = release.store(campaign)
            protecting = time.perf_counter() - started
            transaction.set_rollback(True)
        secret = sum(1 for row in protected.rows if row.secret)
        return seconds, len(submitted), protecting, len(protected.rows), secret

    runs = [freeze() for _ in range(3)]
    result["freeze"] = {
        "seconds": median([r[0] for r in runs]),
        "structures": runs[0][1],
        "protect": median([r[2] for r in runs]),
        "cells": runs[0][3],
        "secret": runs[0][4],
    }


@contextlib.contextmanager
def cold_parts():
    """{part: seconds} of what a request computes when the cache is empty: each period's
    figures (the year, then the previous one), the yearly series, the ANRU progress."""
    from clauses.observatory import live

    spent = {}
    originals = {
        "compute": live.engine.compute,
        "_series": live._series,
        "anru_progress": live.anru_progress,
    }

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                label = name
                if name == "compute":
                    label = f"figures {args[1].label}"
                spent[label] = spent.get(label, 0) + time.perf_counter() - started

        return wrapper

    live.engine.compute = timed("compute", originals["compute"])
    live._series = timed("series", originals["_series"])
    live.anru_progress = timed("anru", originals["anru_progress"])
    try:
        yield spent
    finally:
        live.engine.compute = originals["compute"]
        live._series = originals["_series"]
        live.anru_progress = originals["anru_progress"]


def measure_dashboard(year, runs, result):
    """The page and its reference, interleaved: each run times one then the other, so that
    a load from elsewhere on the machine weighs on both."""
    from django.core.cache import cache
    from django.db.models import Sum
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from clauses.insertion.models import HoursDeclaration

    def bare_sum():
        return HoursDeclaration.objects.filter(month__year=year).aggregate(Sum("hours"))

    bare_sum()
    try:
        url = reverse("observatory:dashboard") + f"?annee={year}"
    except NoReverseMatch:
        result["sum_reference"] = median([time_it(bare_sum)[0] for _ in range(runs)])
        print(f"  {UNAVAILABLE}", flush=True)
        result["dashboard"] = None
        return
    client = Client()
    client.force_login(national_admin())

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} : réponse {response.status_code}")
        return response

    sums, first, warm, parts = [], [], [], []
    try:
        for _ in range(3):
            cache.clear()
            with cold_parts() as spent:
                seconds, response = time_it(get)
            first.append(seconds)
            parts.append(spent)
            sums.append(time_it(bare_sum)[0])
        context = response.context or {}
        shown = getattr(context.get("period"), "year", None)
        for _ in range(runs):
            warm.append(time_it(get)[0])
            sums.append(time_it(bare_sum)[0])
    except Exception as exc:  # the page is being built: say why and go on
        print(f"  tableau de bord : erreur {type(exc).__name__}: {exc}", flush=True)
        result["sum_reference"] = median(sums or [time_it(bare_sum)[0] for _ in range(runs)])
        result["dashboard"] = {"error": f"{type(exc).__name__}: {exc}"}
        return
    result["sum_reference"] = median(sums)
    result["dashboard"] = {
        "url": url,
        "first": median(first),
        "firsts": first,
        "warm": median(warm),
        "year_shown": shown,
        "parts": {name: median([p.get(name, 0) for p in parts]) for name in parts[0]},
    }


def child_measure(url, year, runs, out, with_explain):
    setup_django(url)
    from django.db import connection

    from clauses.insertion.models import HoursDeclaration
    from clauses.observatory import figures

    vendor = connection.vendor
    scope, period = figures.Scope.national(), figures.Period.of_year(year)
    result = {
        "vendor": vendor,
        "load_before": os.getloadavg()[0],
        "years": present_years(),
        "hours_rows": HoursDeclaration.objects.count(),
        "hours_rows_year": HoursDeclaration.objects.filter(month__year=year).count(),
    }

    def cold_run():
        connection.close()
        connection.ensure_connection()
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("DISCARD ALL")
        return time_it(figures.compute, scope, period)

    # Cold: the first computation of the process, then two more on new connections.
    colds = [cold_run() for _ in range(3)]
    result["engine_cold_first"] = colds[0][0]
    result["engine_cold"] = median([seconds for seconds, _ in colds])
    reference = colds[0][1].as_dict()

    directory = tempfile.mkdtemp(prefix="clauses-bench-observatory-")
    try:
        result["export"], exported = time_it(export_parquet, directory)
        result["parquet_rows"] = {table: rows for table, (_p, rows) in exported.items()}
        result["parquet_mb"] = sum(p.stat().st_size for p, _r in exported.values()) / 1e6
        duck_colds = []
        for _ in range(3):
            con = duckdb_connection(exported)
            duck_colds.append(duckdb_engine(con, scope, period)[0])
        result["duckdb_cold_first"] = duck_colds[0]
        result["duckdb_cold"] = median(duck_colds)
        # Warm, interleaved: each run times the engine, then DuckDB.
        totals, duck_totals, traces, duck_statements = [], [], [], []
        for _ in range(runs):
            seconds, (_f, trace, assembling) = time_it(traced_compute, scope, period)
            totals.append(seconds)
            traces.append(trace)
            timings = summed(trace)
            timings["assemble"] = assembling
            traces[-1] = (trace, timings)
            seconds, computed, timings = duckdb_engine(con, scope, period)
            duck_totals.append(seconds)
            duck_statements.append(timings)
        result["engine_warm"] = median(totals)
        result["duckdb_warm"] = median(duck_totals)
        result["pair_ratio"] = median([a / b for a, b in zip(totals, duck_totals, strict=True)])
        result["statements"] = {
            name: median([t.get(name, 0) for _trace, t in traces]) for name in traces[0][1]
        }
        result["duckdb_statements"] = {
            name: median([t.get(name, 0) for t in duck_statements]) for name in duck_statements[0]
        }
        result["duckdb_threads"] = con.execute("SELECT current_setting('threads')").fetchone()[0]
        con.close()
        found = differences(reference, computed.as_dict())
        result["identical"] = not found
        result["differences"] = found[:15]
        result["hours"] = reference["hours"]
        result["participants"] = reference["participants"]
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(
        f"  moteur {vendor} : {result['engine_warm']:.2f} s à chaud, "
        f"DuckDB : {result['duckdb_warm']:.2f} s",
        flush=True,
    )

    if vendor == "postgresql" and with_explain:
        result["explain"] = explain(traces[-1][0], connection.settings_dict["NAME"])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN ('shared_buffers', "
                "'work_mem', 'max_parallel_workers_per_gather', 'jit')"
            )
            result["pg_settings"] = dict(cursor.fetchall())

    measure_dashboard(year, runs, result)
    measure_public(year, runs, result)
    measure_freeze(year, result)
    result["load_after"] = os.getloadavg()[0]
    Path(out).write_text(json.dumps(result, indent=1, default=str))
    return 0


# --- The parent: builds, measures, prints ---------------------------------------------------


def call_child(*arguments):
    command = [sys.executable, __file__, "--child", *map(str, arguments)]
    return subprocess.call(command)


def build(label, url, years, seed):
    print(f"Base {label} : années {years_text(years)}", flush=True)
    started = time.perf_counter()
    status = call_child("build", url, years_text(years), seed)
    if status:
        raise SystemExit(status)
    print(f"  prête en {time.perf_counter() - started:.0f} s", flush=True)


def measure(label, url, year, runs, explain=True):
    print(f"Mesures sur la base {label}", flush=True)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    try:
        status = call_child("measure", url, year, runs, out, int(explain))
        if status:
            raise SystemExit(status)
        return json.loads(Path(out).read_text())
    finally:
        Path(out).unlink(missing_ok=True)


def fmt_int(number):
    return f"{number:,}".replace(",", "\u202f")


def line(label, seconds, reference=None, target=None):
    text = f"  {label:<62} {seconds:8.3f} s"
    if reference:
        ratio = seconds / reference
        text += f"  {ratio:7.1f}x"
        if target is not None:
            text += f"  (objectif ≤ {target}x : {'atteint' if ratio <= target else 'MANQUÉ'})"
    print(text)


def report(label, r, year):
    print()
    print(
        f"== {label} ({r['vendor']}) : années {years_text(r['years'])}, "
        f"{fmt_int(r['hours_rows'])} déclarations d'heures dont "
        f"{fmt_int(r['hours_rows_year'])} en {year} =="
    )
    print(
        f"  (charge de la machine, moyenne sur 1 min : {r['load_before']:.1f} au début, "
        f"{r['load_after']:.1f} à la fin ; 2 cœurs)"
    )
    sent = ", ".join(name for name in r["statements"] if name != "assemble")
    print(f"  Moteur, année nationale {year} (figures.compute : {sent} ; puis assemble)")
    print(
        f"    export Parquet des {len(r['parquet_rows'])} tables ({r['parquet_mb']:.0f} Mo, "
        f"non chronométré dans les rapports) : {r['export']:.1f} s"
    )
    line("référence : DuckDB sur Parquet, à chaud (médiane)", r["duckdb_warm"], r["duckdb_warm"])
    line("DuckDB à froid (nouvelle connexion, médiane de 3)", r["duckdb_cold"], r["duckdb_warm"])
    engine = "PostgreSQL" if r["vendor"] == "postgresql" else "SQLite"
    line(f"{engine} à chaud (médiane)", r["engine_warm"], r["duckdb_warm"], ENGINE_TARGET)
    print(
        f"  {'  rapport médian des paires (chaque run : moteur puis DuckDB)':<62} "
        f"{'':10}  {r['pair_ratio']:7.1f}x"
    )
    cold = "nouvelle connexion + DISCARD ALL" if engine == "PostgreSQL" else "nouvelle connexion"
    line(f"{engine} à froid ({cold}, médiane de 3)", r["engine_cold"], r["duckdb_warm"])
    line(f"{engine} à froid, premier calcul du processus", r["engine_cold_first"], r["duckdb_warm"])
    line(f"{engine} à froid / DuckDB à froid", r["engine_cold"], r["duckdb_cold"], ENGINE_TARGET)
    verdict = "identiques" if r["identical"] else "DIFFÉRENTS"
    print(
        f"  Chiffres {engine} et DuckDB : {verdict} (heures {r['hours']:,.2f}, "
        f"{fmt_int(r['participants'])} participants)".replace(",", "\u202f")
    )
    for difference in r["differences"]:
        print(f"    {difference}")
    print(f"  Par requête, à chaud : {engine} / DuckDB ({r['duckdb_threads']} fils DuckDB)")
    names = list(r["statements"]) + [n for n in r["duckdb_statements"] if n not in r["statements"]]
    for name in names:
        seconds, duck = r["statements"].get(name), r["duckdb_statements"].get(name)
        ratio = f"{seconds / duck:6.1f}x" if seconds and duck else ""
        left = f"{seconds:7.3f} s" if seconds is not None else f"{'—':>9}"
        right = f"{duck:7.3f} s" if duck is not None else f"{'—':>9}"
        print(f"    {name:<14} {left}  {right}  {ratio}")
    if r.get("explain"):
        e = r["explain"]
        print(
            f"  EXPLAIN ANALYZE de « {e['statement']} » ({e['total_ms']:.0f} ms ; "
            f"{', '.join(f'{k}={v}' for k, v in r['pg_settings'].items())}) ; "
            f"plan complet : {e['file']}"
        )
        for node in e["top"][:6]:
            workers = f", {node['workers']} workers" if node["workers"] is not None else ""
            times = f" ×{node['times']}" if node["times"] > 1 else ""
            print(
                f"    {node['own_ms']:8.0f} ms propres  {node['node']}{times} "
                f"({fmt_int(int(node['rows']))} lignes{workers})"
            )
    p = r.get("public")
    if p:
        print(f"  Observatoire public, France {year} ({p['years']} année(s) publiée(s) en base)")
        line("page publique, médiane", p["seconds"], r["sum_reference"])
    f = r.get("freeze")
    if f:
        print(f"  Campagne {year} figée ({f['structures']} structures déposant leur suivi)")
        line(
            "référence : le moteur sur l'année (à chaud, ci-dessus)",
            r["engine_warm"],
            r["engine_warm"],
        )
        line("figer toutes les déclarations (médiane de 3)", f["seconds"], r["engine_warm"])
        line(
            f"protéger et auditer la publication ({f['cells']} cellules, {f['secret']} secrètes)",
            f["protect"],
            r["engine_warm"],
        )
    print(f"  Tableau de bord de l'administrateur national (?annee={year})")
    line("référence : SUM(hours) de l'année (ORM, à chaud)", r["sum_reference"], r["sum_reference"])
    d = r.get("dashboard")
    if d is None:
        print(f"  {UNAVAILABLE}")
    elif "error" in d:
        print(f"  tableau de bord : erreur {d['error']}")
    else:
        line("page, à chaud (médiane)", d["warm"], r["sum_reference"], DASHBOARD_TARGET)
        line("page, 1re requête après cache.clear() (médiane de 3)", d["first"], r["sum_reference"])
        for name, seconds in d.get("parts", {}).items():
            line(f"  dont {name}", seconds, r["sum_reference"])
        if d["year_shown"] not in (None, year):
            print(f"  attention : la page montre l'année {d['year_shown']}")


def summary(results, year):
    print()
    print("== Résumé ==")
    rows = []
    for label, r in results.items():
        engine = "PostgreSQL" if r["vendor"] == "postgresql" else "SQLite"
        ratio = r["engine_warm"] / r["duckdb_warm"]
        rows.append(
            f"  {label:<34} moteur {engine} / DuckDB à chaud : {ratio:5.1f}x "
            f"({'atteint' if ratio <= ENGINE_TARGET else 'MANQUÉ'}, objectif ≤ {ENGINE_TARGET}x) ; "
            f"à froid : {r['engine_cold'] / r['duckdb_warm']:.1f}x ; chiffres "
            f"{'identiques' if r['identical'] else 'DIFFÉRENTS'}"
        )
        d = r.get("dashboard")
        if d and "error" not in d:
            ratio = d["warm"] / r["sum_reference"]
            rows.append(
                f"  {'':<34} tableau de bord / SUM : {ratio:5.1f}x à chaud "
                f"({'atteint' if ratio <= DASHBOARD_TARGET else 'MANQUÉ'}, objectif ≤ "
                f"{DASHBOARD_TARGET}x) ; {d['first'] / r['sum_reference']:.1f}x après "
                "cache.clear()"
            )
        elif d is None:
            rows.append(f"  {'':<34} {UNAVAILABLE}")
    print("\n".join(rows))
    one = results.get(f"PostgreSQL, {year} seule")
    many = next((r for k, r in results.items() if k.startswith("PostgreSQL, années")), None)
    if one and many:
        engine = many["engine_warm"] / one["engine_warm"]
        print(
            f"  moteur PostgreSQL, {len(many['years'])} années / 1 année en base : {engine:.2f}x "
            "à chaud"
        )
        a, b = many.get("dashboard"), one.get("dashboard")
        if a and b and "error" not in a and "error" not in b:
            for key, name in [("warm", "à chaud"), ("first", "après cache.clear()")]:
                ratio = a[key] / b[key]
                verdict = "atteint" if ratio <= GROWTH_TARGET else "MANQUÉ"
                print(
                    f"  tableau de bord, {len(many['years'])} années / 1 année en base, {name} : "
                    f"{ratio:.2f}x ({verdict}, objectif ≤ {GROWTH_TARGET}x)"
                )
        a, b = many.get("public"), one.get("public")
        if a and b:
            ratio = a["seconds"] / b["seconds"]
            verdict = "atteint" if ratio <= GROWTH_TARGET else "MANQUÉ"
            print(
                f"  observatoire public, {a['years']} années publiées / {b['years']} : "
                f"{ratio:.2f}x ({verdict}, objectif ≤ {GROWTH_TARGET}x)"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", default="2015-2024", help="ex. 2020 ou 2015-2024")
    parser.add_argument("--year", type=int, default=2020, help="l'année mesurée")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, url, *rest = args.child
        if kind == "build":
            return child_build(url, parse_years(rest[0]), int(rest[1]))
        year, runs, out, with_explain = rest
        return child_measure(url, int(year), int(runs), out, with_explain == "1")

    years = parse_years(args.years)
    if args.year not in years:
        parser.error(f"--year {args.year} doit être une des années de --years")
    started = time.perf_counter()
    plan = []  # (label, url, years)
    if args.only != "sqlite":
        one_name = f"{DB_NAME}_{args.year}"
        plan.append((f"PostgreSQL, {args.year} seule", one_name, [args.year]))
        if years != [args.year]:
            plan.append((f"PostgreSQL, années {years_text(years)}", DB_NAME, years))
        if args.rebuild:
            for _label, name, _years in plan:
                admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for _label, name, db_years in plan:
            if not database_exists(name):
                if db_years != [args.year] and database_exists(one_name):
                    # The measured year's rows, the same as in the one-year database.
                    admin(f'CREATE DATABASE "{name}" TEMPLATE "{one_name}"')
                else:
                    admin(f'CREATE DATABASE "{name}"')
            build(name, server_url(name), db_years, args.seed)
        plan = [(label, server_url(name)) for label, name, _y in plan]
    if args.only != "postgresql":
        SQLITE_PATH.parent.mkdir(exist_ok=True)
        if args.rebuild:
            for path in SQLITE_PATH.parent.glob(SQLITE_PATH.name + "*"):
                path.unlink()
        url = f"sqlite:///{SQLITE_PATH}"
        build(str(SQLITE_PATH.relative_to(ROOT)), url, [args.year], args.seed)
        plan.append((f"SQLite, {args.year} seule", url))
    results = {}
    for label, url in plan:
        results[label] = measure(label, url, args.year, args.runs)
    for label, r in results.items():
        report(label, r, args.year)
    summary(results, args.year)
    print(f"\n(durée totale du banc : {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
