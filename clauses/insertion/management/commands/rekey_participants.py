"""Recompute every participant's pseudonymous key, after PERSON_KEY_SECRET changed."""

from django.core.management.base import BaseCommand
from django.db import transaction

from clauses.insertion.identity import key_of
from clauses.insertion.models import Participant

BATCH = 2000


class Command(BaseCommand):
    help = "Recalcule la clé pseudonyme de chaque participant (après un changement de secret)."

    def handle(self, *args, **options):
        changed = 0
        with transaction.atomic():
            batch = []
            participants = Participant.objects.only(
                "pk",
                "organisation_id",
                "identifier",
                "last_name",
                "first_name",
                "birth_date",
                "person_key",
            )
            for participant in participants.iterator(chunk_size=BATCH):
                key = key_of(participant)
                if key != participant.person_key:
                    participant.person_key = key
                    batch.append(participant)
                if len(batch) == BATCH:
                    Participant.objects.bulk_update(batch, ["person_key"])
                    changed += len(batch)
                    batch = []
            if batch:
                Participant.objects.bulk_update(batch, ["person_key"])
                changed += len(batch)
        self.stdout.write(f"{changed} clé(s) recalculée(s).")
