"""`python manage.py build_recueil --out recueil.pdf [--theme publics] [--region 11]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clauses.practices import pdf
from clauses.practices.enums import Theme
from clauses.practices.recueil import recueil_practices, selection_label


class Command(BaseCommand):
    help = "Compile le recueil PDF des fiches pratiques publiées (toutes ou une sélection)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Fichier PDF à écrire.")
        parser.add_argument("--theme", choices=Theme.values, help="Seulement ce thème.")
        parser.add_argument("--region", help="Seulement cette région (code INSEE).")

    def handle(self, *args, out, theme=None, region=None, **options):
        filters = {}
        if theme:
            filters["theme"] = theme
        if region:
            filters["region"] = region
        practices = recueil_practices(filters=filters)
        if not practices:
            raise CommandError("Aucune fiche publiée ne correspond à cette sélection.")
        content = pdf.recueil_pdf(practices, selection=selection_label(filters))
        Path(out).write_bytes(content)
        self.stdout.write(
            self.style.SUCCESS(f"Recueil de {len(practices)} fiches écrit dans {out}.")
        )
