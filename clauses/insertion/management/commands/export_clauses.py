"""Export an organisation's tracking data in the import format (XLSX, or a ZIP of CSVs)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clauses.insertion.transfer.cli import find_organisation
from clauses.insertion.transfer.exporting import export, log_export


class Command(BaseCommand):
    help = (
        "Exporte les données de suivi d'une structure au format de l'import : classeur XLSX "
        "(une feuille par objet) ou archive ZIP d'un CSV par objet (selon l'extension de --out)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            required=True,
            help="Structure de facilitation : identifiant, SIRET ou nom exact",
        )
        parser.add_argument("--out", required=True, help="Fichier de sortie : .xlsx ou .zip")

    def handle(self, *args, organisation, out, **options):
        organisation = find_organisation(organisation)
        suffix = Path(out).suffix.lower()
        if suffix not in {".xlsx", ".zip"}:
            raise CommandError("Le fichier de sortie doit finir par .xlsx ou .zip.")
        fmt = "xlsx" if suffix == ".xlsx" else "csv"
        content, _, _ = export(organisation, fmt)
        try:
            Path(out).write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Impossible d'écrire « {out} » : {exc.strerror}.") from exc
        log_export(
            actor=f"manage.py export_clauses ({organisation})", organisation=organisation, fmt=fmt
        )
        self.stdout.write(f"Données de {organisation} exportées dans {out}")
