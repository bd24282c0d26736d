"""Write the empty template and the example of the import format (XLSX and CSV)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clauses.insertion.transfer import samples


class Command(BaseCommand):
    help = (
        "Écrit le modèle vide et le fichier d'exemple de l'import : modele-import.xlsx, "
        "exemple-import.xlsx (toutes les feuilles) et un CSV par objet dans modele-csv/ et "
        "exemple-csv/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Dossier de sortie (créé au besoin)")

    def handle(self, *args, out, **options):
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            written = []
            for example, stem in ((False, "modele"), (True, "exemple")):
                path = folder / f"{stem}-import.xlsx"
                path.write_bytes(samples.workbook(example=example))
                written.append(path)
                csv_folder = folder / f"{stem}-csv"
                csv_folder.mkdir(exist_ok=True)
                for name, content in samples.csv_files(example=example).items():
                    (csv_folder / name).write_bytes(content)
                written.append(csv_folder)
        except OSError as exc:
            raise CommandError(f"Impossible d'écrire dans « {out} » : {exc.strerror}.") from exc
        for path in written:
            self.stdout.write(f"Écrit : {path}")
