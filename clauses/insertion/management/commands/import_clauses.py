"""Import tracking data from XLSX or CSV files; a dry run unless --wet-run."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clauses.insertion.transfer.cli import find_organisation
from clauses.insertion.transfer.importing import run_import


class Command(BaseCommand):
    help = (
        "Importe acheteurs, marchés, lots, entreprises, participants, missions et heures "
        "depuis des fichiers XLSX ou CSV (format : docs/import-format.md). Simulation sans "
        "écriture par défaut ; --wet-run écrit."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="+", metavar="FICHIER", help="Fichiers .xlsx, .csv, .zip"
        )
        parser.add_argument(
            "--organisation",
            required=True,
            help="Structure de facilitation : identifiant, SIRET ou nom exact",
        )
        parser.add_argument(
            "--wet-run",
            action="store_true",
            help="Écrire dans la base (sinon : vérification seule, rien n'est écrit)",
        )

    def handle(self, *args, files, organisation, wet_run=False, **options):
        organisation = find_organisation(organisation)
        contents = []
        for name in files:
            try:
                contents.append((Path(name).name, Path(name).read_bytes()))
            except OSError as exc:
                raise CommandError(f"Impossible de lire « {name} » : {exc.strerror}.") from exc
        self.stdout.write(f"Structure : {organisation} — {len(contents)} fichier(s)")
        report = run_import(
            contents,
            organisation=organisation,
            actor=f"manage.py import_clauses ({organisation})",
            write=wet_run,
            on_error=lambda problem: self.stderr.write(problem.as_text()),
        )
        for warning in report.warnings:
            self.stdout.write(f"Attention — {warning.as_text()}")
        if not report.ok:
            raise CommandError(report.summary())
        for sheet, counts in report.objects:
            self.stdout.write(
                f"{sheet.title} : {counts.created} créé(s), {counts.updated} mis à jour, "
                f"{counts.unchanged} inchangé(s)"
                + (f", {counts.deleted} supprimé(s)" if counts.deleted else "")
            )
        self.stdout.write(report.summary())
        if not wet_run:
            self.stdout.write(
                "Simulation : rien n'a été écrit. Relancez avec --wet-run pour importer."
            )
