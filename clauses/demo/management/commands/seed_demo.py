"""Load deterministic demo data.

``python manage.py seed_demo`` (``--scale small``, the default, what ``make demo`` loads):
the demo accounts, meetings, survey, practices and the tracking data of five facilitator
organisations, written through the services. Idempotent.

``python manage.py seed_demo --scale national --year 2020 [--seed N]``: one national year
of tracking data with the published profile (DOMAIN.md § 2), written in bulk. Refuses a
year already generated.
"""

import argparse
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from clauses.demo import services, tracking_national
from clauses.observatory.demo import seed_published_years
from clauses.practices.demo import seed_practices
from clauses.survey.demo import seed_survey
from clauses.territories.models import Region


class Command(BaseCommand):
    help = "Crée (ou met à jour) les données de démonstration. Peut être relancée sans risque."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["small", "national"],
            default="small",
            help="small (défaut) : comptes et données de démonstration ; national : une année "
            "nationale de suivi (avec --year).",
        )
        parser.add_argument(
            "--year", type=int, help="Année nationale à générer (avec --scale national)."
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Graine du tirage aléatoire (avec --scale national ; défaut : 1).",
        )
        # Hidden: a reduced national year (tests, quick checks), e.g. 0.01 for 1 %.
        parser.add_argument("--fraction", type=float, default=1.0, help=argparse.SUPPRESS)

    def handle(self, *args, scale="small", year=None, seed=1, fraction=1.0, **options):
        if scale == "national":
            return self.handle_national(year=year, seed=seed, fraction=fraction)
        if year is not None:
            raise CommandError("L'option --year s'utilise avec --scale national.")
        if not Region.objects.exists():
            raise CommandError(
                "Les territoires ne sont pas chargés. Lancez d'abord "
                "« python manage.py load_territories », puis relancez « python manage.py "
                "seed_demo »."
            )
        missing = services.missing_territories()
        if missing:
            raise CommandError(
                "Territoires manquants pour la démonstration (codes "
                f"{', '.join(missing)}). Relancez « python manage.py load_territories »."
            )
        # The demo people are fictitious (@example.org): seeding sends them no e-mail.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            result = services.seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration prêtes : {len(result.organisations)} organisations, "
                f"{len(result.memberships)} comptes."
            )
        )
        self.print_summary(result)
        seed_survey(self.stdout)
        seed_practices(self.stdout)
        seed_published_years(self.stdout)
        self.print_logins(result.memberships)

    def handle_national(self, *, year, seed, fraction):
        if year is None:
            raise CommandError(
                "Indiquez l'année à générer : « python manage.py seed_demo --scale national "
                "--year 2020 »."
            )
        if not Region.objects.exists():
            raise CommandError(
                "Les territoires ne sont pas chargés. Lancez d'abord "
                "« python manage.py load_territories », puis relancez la commande."
            )
        started = time.perf_counter()
        try:
            # The debug cursor would format and keep every bulk statement (slow, memory).
            with override_settings(DEBUG=False):
                result = tracking_national.generate(
                    year=year, seed=seed, fraction=fraction, today=timezone.localdate()
                )
        except tracking_national.GenerationRefused as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        for line in tracking_national.report_lines(result):
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Année nationale {year} générée en {elapsed:.1f} s (graine {seed})."
            )
        )

    def print_summary(self, result):
        meetings, directory = result.meetings, result.directory
        for edition, items in zip(
            meetings["editions"], [meetings["past"], meetings["upcoming"]], strict=True
        ):
            self.stdout.write(f"{edition.name} : {len(items)} rencontres.")
        self.stdout.write(
            f"Inscriptions : {meetings['registrations']}. Annuaire : "
            f"{directory['structures']} structures (dont {directory['from_registrations']} "
            f"issues des inscriptions), {directory['contacts']} contacts."
        )
        tracking = result.tracking
        if tracking:
            hours = f"{tracking['hours']:,.0f}".replace(",", "\u00a0")
            self.stdout.write(
                f"Suivi de la clause : {tracking['organisations']} structures de facilitation, "
                f"{tracking['buyers']} acheteurs, {tracking['contracts']} marchés "
                f"({tracking['lots']} lots), {tracking['companies']} entreprises, "
                f"{tracking['participants']} participants, {tracking['missions']} missions, "
                f"{hours} heures déclarées, {tracking['outcomes']} sorties."
            )

    def print_logins(self, memberships):
        rows = [("Adresse e-mail", "Rôle", "Organisation")]
        for membership in memberships:
            role = membership.get_role_display()
            if membership.is_admin:
                role += " (administrateur de l'organisation)"
            if membership.scope_region_id:
                role += f" — {membership.scope_region.name}"
            if membership.scope_departement_id:
                role += f" — {membership.scope_departement}"
            rows.append((membership.user.email, role, membership.organisation.name))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("")
        for index, row in enumerate(rows):
            self.stdout.write(
                "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write("")
        self.stdout.write(f"Mot de passe de tous les comptes : {settings.DEMO_PASSWORD}")
