"""The national audit file of a year: one CSV row per hours declaration (observatory/facts.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clauses.core.exports import write_csv
from clauses.observatory.facts import Pseudonyms, fact_rows
from clauses.observatory.services import log_facts_exported

MIN_YEAR, MAX_YEAR = 2000, 2100
ACTOR = "manage.py export_facts"


class Command(BaseCommand):
    help = (
        "Écrit le fichier d'audit des heures d'une année : une ligne par déclaration d'heures "
        "(personnes pseudonymisées pour ce fichier, sans nom ni identifiant), en CSV "
        "(« ; », UTF-8). Voir docs/operations.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="Année civile, par exemple 2025")
        parser.add_argument("--out", required=True, help="Fichier CSV à écrire")

    def handle(self, *args, year, out, **options):
        year = self._year(year)
        path = Path(out)
        if path.suffix.lower() != ".csv":
            raise CommandError(f"Le fichier de sortie doit finir par .csv : « {out} ».")
        if not path.parent.is_dir():
            raise CommandError(f"Le dossier de « {out} » n'existe pas : « {path.parent} ».")
        pseudonyms = Pseudonyms()
        try:
            with path.open("wb") as file:
                rows = write_csv(fact_rows(year, pseudonyms=pseudonyms), file)
        except OSError as exc:
            raise CommandError(f"Impossible d'écrire « {out} » : {exc.strerror}.") from exc
        log_facts_exported(actor=ACTOR, year=year, rows=rows, people=len(pseudonyms))
        self.stdout.write(
            f"Fichier d'audit {year} écrit dans {out} : {rows} ligne(s), "
            f"{len(pseudonyms)} personne(s)."
        )

    def _year(self, value):
        try:
            year = int(str(value).strip())
        except ValueError:
            raise CommandError(
                f"Année invalide : « {value} » (attendu : un nombre entier, par exemple 2025)."
            ) from None
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CommandError(
                f"Année invalide : {year} (attendu : entre {MIN_YEAR} et {MAX_YEAR})."
            )
        return year
