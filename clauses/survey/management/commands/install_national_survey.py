from django.core.management.base import BaseCommand

from clauses.survey import national


class Command(BaseCommand):
    help = (
        "Installe l'enquête nationale sur les bonnes pratiques en QPV (sans effet si elle existe)."
    )

    def handle(self, *args, **options):
        survey, created = national.install()
        if created:
            self.stdout.write(f"Enquête « {survey} » installée : /enquete/")
        else:
            self.stdout.write(f"Enquête « {survey} » déjà installée : rien à faire.")
