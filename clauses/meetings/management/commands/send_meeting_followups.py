from django.core.management.base import BaseCommand

from clauses.meetings.services import send_due_followups


class Command(BaseCommand):
    help = (
        "Après une rencontre (terminée depuis moins de 30 jours), envoie à chaque personne "
        "présente ou inscrite les documents et le questionnaire de satisfaction, une seule fois."
    )

    def handle(self, *args, **options):
        sent = send_due_followups()
        self.stdout.write(f"E-mails de suivi envoyés : {sent}.")
