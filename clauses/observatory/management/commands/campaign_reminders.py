"""E-mail the structures whose year is still to submit (or to fix) in a campaign."""

from django.core.management.base import BaseCommand, CommandError

from clauses.observatory.models import Campaign
from clauses.observatory.reminders import send_reminders


class Command(BaseCommand):
    help = "Relance par e-mail les structures qui n'ont pas encore déposé leur déclaration."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Année de la campagne")

    def handle(self, *args, year, **options):
        campaign = Campaign.objects.filter(year=year).first()
        if campaign is None:
            raise CommandError(f"Aucune campagne {year} n'est ouverte.")
        if campaign.published_at is not None:
            raise CommandError(f"La campagne {year} est publiée : plus de relance.")
        reminded = send_reminders(actor="manage.py campaign_reminders", campaign=campaign)
        self.stdout.write(f"Campagne {year} : {reminded} structure(s) relancée(s).")
