"""A consolidation campaign without the browser: every structure submits its tracking
figures, the national administrator validates them, the year is published (``--publish``).
For scripts, demos and benchmarks; the campaign's pages do the same one step at a time."""

import time

from django.core.management.base import BaseCommand, CommandError

from clauses.core.exceptions import DomainError
from clauses.insertion.models import HoursDeclaration
from clauses.observatory import campaigns
from clauses.observatory.enums import SubmissionStatus
from clauses.observatory.models import Campaign
from clauses.procurement.calculator import format_number

ACTOR = "manage.py consolidate"


class Command(BaseCommand):
    help = (
        "Consolide une année : chaque structure dépose ses chiffres du suivi, l'administrateur "
        "national les valide, et l'année est publiée avec --publish."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Année civile, par ex. 2020")
        parser.add_argument(
            "--from-tracking",
            action="store_true",
            help="Les structures déposent les chiffres de leurs données de suivi",
        )
        parser.add_argument("--publish", action="store_true", help="Publie l'année validée")

    def handle(self, *args, **options):
        year = options["year"]
        if not 1990 <= year <= 2100:
            raise CommandError(f"Année invalide : {year} (attendu : entre 1990 et 2100).")
        if not options["from_tracking"]:
            raise CommandError(
                "Indiquez --from-tracking : sans navigateur, les structures déposent les "
                "chiffres de leurs données de suivi."
            )
        started = time.perf_counter()
        try:
            campaign = Campaign.objects.filter(year=year).first() or campaigns.open_campaign(
                actor=ACTOR, year=year, **campaigns.default_dates(year)
            )
            structures = self._structures(campaign)
            submitted = campaigns.submit_from_tracking(
                actor=ACTOR, campaign=campaign, organisations=structures
            )
            for submission in submitted:
                campaigns.validate(actor=ACTOR, submission=submission, level="national")
            if options["publish"]:
                campaigns.publish(actor=ACTOR, campaign=campaign)
        except DomainError as error:
            raise CommandError(str(error)) from error
        hours = format_number(sum((s.hours for s in submitted), 0))
        self.stdout.write(
            f"Campagne {year} : {len(submitted)} structure(s) déposée(s) et validée(s), "
            f"{hours} heures{' ; année publiée' if options['publish'] else ''} "
            f"({time.perf_counter() - started:.1f} s)."
        )

    def _structures(self, campaign):
        """The expected structures with hours in the year and still to submit."""
        with_hours = HoursDeclaration.objects.filter(month__year=campaign.year).values(
            "mission__lot__contract__organisation"
        )
        done = campaign.submissions.exclude(status__in=campaigns.SUBMITTABLE).values("organisation")
        structures = list(
            campaigns.expected_structures(campaign).filter(pk__in=with_hours).exclude(pk__in=done)
        )
        if (
            not structures
            and not campaign.submissions.filter(status=SubmissionStatus.VALIDATED).exists()
        ):
            raise CommandError(f"Aucune structure n'a d'heures en {campaign.year}.")
        return structures
