"""The open data of a published year: the protected release as CSV, JSON and its Table
Schema (``clauses/observatory/opendata.py``)."""

import time

from django.core.management.base import BaseCommand, CommandError

from clauses.core.exceptions import DomainError
from clauses.observatory import opendata, release


class Command(BaseCommand):
    help = (
        "Écrit les données ouvertes d'une année publiée (observatoire_ANNÉE.csv et .json, "
        "schema.json), petits effectifs protégés."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Année publiée, ex. 2020")
        parser.add_argument("--out", required=True, help="Dossier où écrire les fichiers")

    def handle(self, *args, year, out, **options):
        started = time.perf_counter()
        try:
            protected = release.build(year)
        except DomainError as error:
            raise CommandError(str(error)) from error
        paths = opendata.write(protected, out)
        secret = sum(1 for row in protected.rows if row.secret)
        self.stdout.write(
            f"{len(protected.rows)} cellules, dont {secret} secrètes, écrites dans "
            f"{', '.join(str(p) for p in paths)} ({time.perf_counter() - started:.1f} s)."
        )
