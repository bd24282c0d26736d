from django.db import models


class RegistrationMode(models.TextChoices):
    OPEN = "ouverte", "Inscription ouverte"
    APPROVAL = "validation", "Inscription soumise à validation"
    INVITATION = "invitation", "Sur invitation"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmee", "Confirmée"
    WAITING = "attente", "Liste d'attente"
    PENDING = "a_valider", "En attente de validation"
    REFUSED = "refusee", "Refusée"
    CANCELLED = "annulee", "Annulée"


# Statuses that hold (or wait for) a place: one per person and meeting.
ACTIVE_STATUSES = [
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.PENDING,
]


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "texte", "Texte court"
    CHOICE = "choix", "Choix unique"
    MULTIPLE_CHOICE = "choix_multiple", "Choix multiple"
    YES_NO = "oui_non", "Oui / non"
    NUMBER = "nombre", "Nombre"


class DocumentKind(models.TextChoices):
    SLIDES = "diaporama", "Diaporama"
    SUMMARY = "synthese", "Synthèse"
    OTHER = "autre", "Autre document"
