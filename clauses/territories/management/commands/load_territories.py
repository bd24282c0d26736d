import time

from django.core.management.base import BaseCommand, CommandError

from clauses.core.exceptions import DomainError
from clauses.territories.loader import load_territories


class Command(BaseCommand):
    help = (
        "Charge (ou met à jour) régions, départements, EPCI, communes, arrondissements, codes "
        "postaux et QPV (listes 2024 et 2015) depuis data/. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--departements",
            help="Codes de départements séparés par des virgules (ex. 93,31) : charge seulement "
            "leurs communes, EPCI et QPV.",
        )

    def handle(self, *args, departements=None, **options):
        codes = None
        if departements:
            codes = [code.strip() for code in departements.split(",") if code.strip()]
        started = time.perf_counter()
        try:
            counts = load_territories(departements=codes)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for label, count in counts.items():
            self.stdout.write(f"{label} : {count}")
        self.stdout.write(
            self.style.SUCCESS(f"Territoires chargés en {time.perf_counter() - started:.1f} s.")
        )
