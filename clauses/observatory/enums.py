"""Labels of the observatory."""

from django.db import models


class SubmissionStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    SUBMITTED = "deposee", "Déposée"
    TO_FIX = "a_corriger", "À corriger"
    REGIONAL_OK = "validee_region", "Validée par la région"
    VALIDATED = "validee", "Validée"


class SubmissionSource(models.TextChoices):
    TRACKING = "suivi", "Données de suivi de la plateforme"
    AGGREGATE = "agregee", "Déclaration agrégée (autre outil)"


AUDIT_ACTIONS = {
    "observatory.facts_exported": "Fichier d'audit des heures exporté",
    "observatory.campaign_opened": "Campagne de consolidation ouverte",
    "observatory.submission_changed": "Déclaration annuelle : changement d'état",
    "observatory.campaign_published": "Année publiée",
    "observatory.reminders_sent": "Campagne : structures relancées",
}
