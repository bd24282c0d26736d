"""Benchmark of the compiled recueil: the PDF of 200 published sheets, time and size.

    .venv/bin/python bench/recueil.py [--sheets 200]

Runs on a temporary SQLite database (the PDF's cost is layout, not queries). Reference:
the same sheets drawn one PDF each (``sheet_pdf``), summed: the recueil adds the cover,
the table of contents (a second layout pass to number its pages) and the sources.
Target: under 60 s for 200 sheets.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=200)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="clauses-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from clauses.practices import pdf
    from clauses.practices.enums import PracticeStatus, Theme
    from clauses.practices.models import Practice, PracticePartner, ResultFigure
    from clauses.practices.recueil import recueil_practices

    paragraph = (
        "Les habitantes du quartier prioritaire sont repérées avec le centre social et le "
        "bailleur, préparées aux métiers du second œuvre puis suivies pendant leur mission ; "
        "l'acheteur a prévu la clause dès la préparation du marché. "
    )
    now = timezone.now()
    practices = Practice.objects.bulk_create(
        Practice(
            title=f"Pratique inspirante numéro {i} : l'insertion des habitantes",
            slug=f"pratique-{i}",
            pitch=paragraph,
            context=paragraph * 2,
            actions=paragraph * 3,
            means=paragraph,
            results=paragraph * 2,
            success_factors=paragraph,
            pitfalls=paragraph,
            themes=[Theme.values[i % len(Theme.values)]],
            publics=["femmes", "residents_qpv"],
            year=2021 + i % 3,
            status=PracticeStatus.PUBLISHED,
            published_at=now,
            contact_name="Équipe clause",
            contact_consent=True,
        )
        for i in range(args.sheets)
    )
    for practice in practices:
        ResultFigure.objects.create(practice=practice, label="Heures", value=12000, unit="h")
        PracticePartner.objects.create(practice=practice, name="Mission locale", family="autre")
    sheets = recueil_practices(filters={})

    started = time.perf_counter()
    reference_bytes = sum(len(pdf.sheet_pdf(p)) for p in sheets)
    reference = time.perf_counter() - started

    started = time.perf_counter()
    content = pdf.recueil_pdf(sheets)
    elapsed = time.perf_counter() - started

    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(content)).pages)
    print(
        f"Recueil de {len(sheets)} fiches : {elapsed:.1f} s, {len(content) / 1024:.0f} Ko, "
        f"{pages} pages"
    )
    print(
        f"Référence ({len(sheets)} PDF d'une fiche, additionnés) : {reference:.1f} s, "
        f"{reference_bytes / 1024:.0f} Ko ; rapport recueil / référence : "
        f"x{elapsed / reference:.1f}"
    )
    print(f"Objectif < 60 s : {'atteint' if elapsed < 60 else 'MANQUÉ'}")


if __name__ == "__main__":
    main()
