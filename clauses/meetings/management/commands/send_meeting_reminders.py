from django.core.management.base import BaseCommand

from clauses.meetings.services import send_due_reminders


class Command(BaseCommand):
    help = (
        "Envoie les rappels aux personnes inscrites (confirmées) : 7 jours puis 1 jour avant la "
        "rencontre. Idempotent : à lancer chaque jour (cron), un rappel n'est jamais envoyé "
        "deux fois."
    )

    def handle(self, *args, **options):
        sent = send_due_reminders()
        self.stdout.write(f"Rappels envoyés : {sent[7]} à 7 jours, {sent[1]} à 1 jour.")
