"""Benchmark of the import of monthly hours: 100,000 lines, on PostgreSQL and on SQLite.

    .venv/bin/python bench/import.py [--lines 100000] [--runs 3] [--only postgresql|sqlite]

Each database is a temporary one of its own: PostgreSQL ``clauses_bench_import``
(BENCH_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432), created,
migrated and dropped; SQLite, a file in a temporary directory. The development database is
never touched. Each backend runs in a child process (Django binds one database per
process).

Set up first, not timed: one organisation, a contract with its lot and clause, a company,
participants and their missions (20 months each), and the CSV file of the hours
(``heures.csv``, the documented format: participant, contract, lot, company, mission start,
month, hours).

Measured (median of ``--runs``), what ``import_clauses`` does:
- the write path: ``Importer.write`` of the checked lines (one transaction, COPY of the new
  hours on PostgreSQL, bulk INSERT on SQLite, the audit entry);
- the whole import: reading the CSV, checking every line (check_hours...), writing;
- the check alone (the preview, a dry run), and re-importing the same file (all unchanged).
Reference: PostgreSQL ``COPY`` of the same CSV file into a bare table (no index, no
constraint), median of as many runs. Ratio = our lines per second / COPY's lines per second;
target: at least 0.25x for the write path.

Floors, on PostgreSQL: a COPY of the same lines, already checked and typed, into a table of the
same columns with nothing else; into one that keeps only the unique (mission, month) key as
its primary key (what "one declaration per mission and month" needs, at the least); into one
with that key and the foreign key to the mission; into one with a surrogate id and the unique
key but no foreign key; into the real table. No write path that keeps the key can be faster
than the second one, nor one that also keeps the foreign key than the third.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "clauses_bench_import"
MONTHS = 20
START = datetime.date(2024, 1, 1)
REFERENCE = "2025-TX-001"
COMPANY_SIRET = "39012345300214"
TARGET = 0.25


def server_url(database):
    server = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}")
    return urlunsplit(urlsplit(server)._replace(path=f"/{database}"))


def admin(sql):
    import psycopg

    with psycopg.connect(server_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def months():
    month = START
    for _ in range(MONTHS):
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def hours_csv(participants):
    """The CSV file of the import: one line per participant and month."""
    lines = [
        "Identifiant participant;Référence du marché;Numéro de lot;SIRET de l'entreprise;"
        "Début de la mission;Mois;Heures"
    ]
    for n in range(participants):
        for i, month in enumerate(months()):
            hours = 35 + (n + i) % 120
            lines.append(
                f"P-{n:06d};{REFERENCE};1;{COMPANY_SIRET};01/01/2024;{month:%m/%Y};{hours},5"
            )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def copy_reference(url, data, runs):
    """Median seconds of PostgreSQL COPY of the CSV into a bare table."""
    import psycopg

    timings = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_bare_hours (participant text, contract text, "
            "lot text, company text, mission_start text, month text, hours text)"
        )
        for _ in range(runs + 1):  # the first one warms up
            conn.execute("TRUNCATE bench_bare_hours")
            started = time.perf_counter()
            with (
                conn.cursor() as cursor,
                cursor.copy(
                    "COPY bench_bare_hours FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')"
                ) as copy,
            ):
                copy.write(data)
            timings.append(time.perf_counter() - started)
        conn.execute("DROP TABLE bench_bare_hours")
    return statistics.median(timings[1:])


def clear_hours():
    """Empty the hours table between runs, without dead rows left for the next one."""
    from django.db import connection

    from clauses.insertion.models import HoursDeclaration

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {HoursDeclaration._meta.db_table}")
    else:
        HoursDeclaration.objects.all().delete()


# Scratch tables for the floors, in the benchmark's own database: the same typed columns as the
# hours table, first with nothing else, then adding one guarantee of the real table at a time:
# the (mission, month) key as primary key (what "one declaration per mission and month" needs
# at the least); that key and the foreign key to the mission; the surrogate id with the key as
# a unique constraint, but no foreign key and no month index.
COLUMNS = (
    "mission_id bigint NOT NULL, month date NOT NULL, hours numeric(6, 2) NOT NULL, "
    "updated_at timestamptz NOT NULL"
)
FOREIGN_KEY = (
    "FOREIGN KEY (mission_id) REFERENCES insertion_mission (id) DEFERRABLE INITIALLY DEFERRED"
)
FLOOR_TABLES = {
    "typed": f"bench_typed_hours ({COLUMNS})",
    "key": f"bench_key_hours ({COLUMNS}, PRIMARY KEY (mission_id, month))",
    "key_fk": f"bench_key_fk_hours ({COLUMNS}, PRIMARY KEY (mission_id, month), {FOREIGN_KEY})",
    "id_key": "bench_id_key_hours (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
    f"{COLUMNS}, UNIQUE (mission_id, month))",
}


def timed_copy(table, payload, runs, before):
    """Median seconds of a COPY of the payload into table, in a transaction, after before()."""
    from django.db import connection, transaction

    timings = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {table} (mission_id, month, hours, updated_at) FROM STDIN"
            ) as copy,
        ):
            copy.write(payload)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def floors(runs):
    """Median seconds of a COPY of the hours, already checked and formatted, into each table
    of FLOOR_TABLES, then into the real table (primary key, unique (mission, month), month
    index, foreign key, checks) -- the floor of any write path that keeps those guarantees."""
    from django.db import connection

    from clauses.insertion.models import HoursDeclaration

    rows = list(HoursDeclaration.objects.values_list("mission_id", "month", "hours", "updated_at"))
    payload = "".join(
        f"{mission_id}\t{month.isoformat()}\t{hours}\t{stamp.isoformat()}\n"
        for mission_id, month, hours, stamp in rows
    ).encode()
    result = {}
    for name, definition in FLOOR_TABLES.items():
        table = definition.split(" ", 1)[0]
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {definition}")

        def truncate(table=table):
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {table}")

        result[name] = timed_copy(table, payload, runs, truncate)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {table}")
    result["real"] = timed_copy(HoursDeclaration._meta.db_table, payload, runs, clear_hours)
    return result


def setup_world(participants):
    from clauses.accounts.models import Organisation
    from clauses.insertion.models import Mission, Participant
    from clauses.procurement.models import Buyer, Clause, Company, Contract, Lot

    organisation = Organisation.objects.create(name="PLIE du banc d'essai", kind="facilitateur")
    buyer = Buyer.objects.create(
        organisation=organisation, name="Bailleur", siret="27930001600128", kind="bailleur_social"
    )
    contract = Contract.objects.create(
        organisation=organisation,
        buyer=buyer,
        reference=REFERENCE,
        object="Travaux",
        kind="travaux",
    )
    lot = Lot.objects.create(contract=contract, number="1")
    Clause.objects.create(lot=lot, legal_basis="L2112-2", required_hours=500_000)
    company = Company.objects.create(
        organisation=organisation, name="Bâtiment", siret=COMPANY_SIRET
    )
    people = Participant.objects.bulk_create(
        (
            Participant(organisation=organisation, identifier=f"P-{n:06d}", sex="FM"[n % 2])
            for n in range(participants)
        ),
        batch_size=2000,
    )
    Mission.objects.bulk_create(
        (
            Mission(
                participant=person,
                lot=lot,
                company=company,
                modality="embauche_directe",
                work_contract_type="cdi",
                start_date=START,
            )
            for person in people
        ),
        batch_size=2000,
    )
    return organisation


def child(backend, lines, runs):
    participants = max(1, lines // MONTHS)
    data = hours_csv(participants)
    count = participants * MONTHS
    if backend == "postgresql":
        url = server_url(DB_NAME)
        admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin(f'CREATE DATABASE "{DB_NAME}"')
        copy_url = url
    else:
        tmp = tempfile.mkdtemp(prefix="clauses-bench-import-")
        url = f"sqlite:///{tmp}/bench.sqlite3"
        copy_name = f"{DB_NAME}_copy"
        admin(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')
        admin(f'CREATE DATABASE "{copy_name}"')
        copy_url = server_url(copy_name)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    settings.DEBUG = False
    try:
        call_command("migrate", verbosity=0)
        from clauses.insertion.models import HoursDeclaration
        from clauses.insertion.transfer.importing import Importer, run_import
        from clauses.insertion.transfer.reading import read_files

        started = time.perf_counter()
        organisation = setup_world(participants)
        setup = time.perf_counter() - started
        files = [("heures.csv", data)]
        reference = copy_reference(copy_url, data, runs)

        def clear():
            clear_hours()

        write_timings, full_timings, check_timings = [], [], []
        for _ in range(runs):
            importer = Importer(organisation, actor="bench")
            t0 = time.perf_counter()
            report = importer.run(read_files(files), files=["heures.csv"])
            check_timings.append(time.perf_counter() - t0)
            assert report.ok and report.counts["hours"].created == count, report.summary()
            t0 = time.perf_counter()
            importer.write(report)
            write_timings.append(time.perf_counter() - t0)
            assert HoursDeclaration.objects.count() == count
            clear()
            t0 = time.perf_counter()
            report = run_import(files, organisation=organisation, actor="bench", write=True)
            full_timings.append(time.perf_counter() - t0)
            assert report.written and HoursDeclaration.objects.count() == count
            if _ < runs - 1:
                clear()
        t0 = time.perf_counter()
        report = run_import(files, organisation=organisation, actor="bench", write=True)
        unchanged = time.perf_counter() - t0
        floor = floors(runs) if backend == "postgresql" else None
        assert report.counts["hours"].unchanged == count and not report.changes

        def line(label, seconds):
            speed = count / seconds
            ratio = (count / seconds) / (count / reference)
            print(f"  {label:<46} {seconds:7.2f} s {speed:>10,.0f} lignes/s  {ratio:5.2f}x")

        print(
            f"\n{backend} : {count:,} lignes d'heures ({participants:,} participants × {MONTHS} "
            f"mois ; préparation non chronométrée : {setup:.1f} s), médiane de {runs}"
        )
        print(
            f"  {'référence : COPY PostgreSQL du CSV dans une table nue':<46} {reference:7.2f} s "
            f"{count / reference:>10,.0f} lignes/s  1.00x"
        )
        if floor:
            line("COPY des lignes contrôlées, table typée nue", floor["typed"])
            line("  … table avec la seule clé (mission, mois)", floor["key"])
            line("  … clé (mission, mois) + clé étrangère", floor["key_fk"])
            line("  … id + unicité, sans clé étrangère", floor["id_key"])
            line("  … dans la vraie table", floor["real"])
        line("écriture (Importer.write, import_clauses)", statistics.median(write_timings))
        line("import complet (lecture + contrôle + écriture)", statistics.median(full_timings))
        line("contrôle seul (aperçu, simulation)", statistics.median(check_timings))
        line("réimport du même fichier (tout inchangé)", unchanged)
        ratio = reference / statistics.median(write_timings)
        verdict = "atteint" if ratio >= TARGET else "MANQUÉ"
        print(f"  objectif écriture ≥ {TARGET}x COPY : {verdict} ({ratio:.2f}x)")
        if floor:
            print(
                "  écriture / COPY dans la vraie table : "
                f"{floor['real'] / statistics.median(write_timings):.2f}x"
                " (les index, l'unicité mission + mois et la clé étrangère coûtent "
                f"{floor['real'] / reference:.1f} fois la COPY nue)"
            )
            best = reference / floor["key"]
            print(
                f"  plancher de toute écriture qui garde « une déclaration par mission et mois » : "
                f"{best:.2f}x ({'sous' if best < TARGET else 'au-dessus de'} l'objectif {TARGET}x)"
            )
            guarded = reference / floor["key_fk"]
            print(
                "  plancher de toute écriture qui garde aussi la clé étrangère vers la mission : "
                f"{guarded:.2f}x ({'sous' if guarded < TARGET else 'au-dessus de'} l'objectif)"
            )
    finally:
        connections.close_all()
        if backend == "postgresql":
            admin(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        else:
            admin(f'DROP DATABASE IF EXISTS "{DB_NAME}_copy" WITH (FORCE)')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["postgresql", "sqlite"])
    parser.add_argument("--child", choices=["postgresql", "sqlite"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.lines, args.runs)
        return
    status = 0
    for backend in [args.only] if args.only else ["postgresql", "sqlite"]:
        command = [sys.executable, __file__, "--child", backend]
        command += ["--lines", str(args.lines), "--runs", str(args.runs)]
        status |= subprocess.call(command)
    sys.exit(status)


if __name__ == "__main__":
    main()
