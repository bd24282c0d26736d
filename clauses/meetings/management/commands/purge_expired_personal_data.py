from django.core.management.base import BaseCommand

from clauses.meetings.services import purge_expired_personal_data


class Command(BaseCommand):
    help = (
        "Anonymise les inscriptions des rencontres dont la durée de conservation est écoulée "
        "(fin de la rencontre + durée propre à chaque rencontre) et supprime les contacts de "
        "l'annuaire qui n'existaient que par elles. Idempotent."
    )

    def handle(self, *args, **options):
        meetings, registrations, contacts = purge_expired_personal_data()
        self.stdout.write(
            f"Rencontres purgées : {meetings} ; inscriptions anonymisées : {registrations} ; "
            f"contacts de l'annuaire supprimés : {contacts}."
        )
