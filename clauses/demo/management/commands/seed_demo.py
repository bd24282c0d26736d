"""Load deterministic demo data: `python manage.py seed_demo` (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from clauses.demo import services
from clauses.practices.demo import seed_practices
from clauses.survey.demo import seed_survey
from clauses.territories.models import Region


class Command(BaseCommand):
    help = "Crée (ou met à jour) les données de démonstration. Peut être relancée sans risque."

    def handle(self, *args, **options):
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
        self.print_logins(result.memberships)

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
