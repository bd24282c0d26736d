from django.db import models


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "texte_court", "Texte court"
    LONG_TEXT = "texte_long", "Texte long"
    SINGLE_CHOICE = "choix_unique", "Choix unique"
    MULTIPLE_CHOICE = "choix_multiple", "Choix multiple"
    YES_NO = "oui_non", "Oui / non"
    NUMBER = "nombre", "Nombre"
    DATE = "date", "Date"
    SCALE = "echelle", "Échelle de 1 à 5"
    REGION = "region", "Territoire : région"
    DEPARTEMENT = "departement", "Territoire : département"
    COMMUNE = "commune", "Territoire : commune (code INSEE)"
    QPV = "qpv", "Territoire : quartier prioritaire (code QPV)"
    ACTOR_FAMILY = "famille_acteurs", "Famille d'acteurs"
    FILE = "fichier", "Fichier joint"


# Kinds whose answer is one of the question's own ``choices``.
CHOICE_KINDS = [QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE]
TEXT_KINDS = [QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT]
SCALE_VALUES = [1, 2, 3, 4, 5]


class SurveyMode(models.TextChoices):
    IDENTIFIED = "identifiee", "Identifiée (lien personnel envoyé par e-mail)"
    ANONYMOUS = "anonyme", "Anonyme (lien à conserver par la personne)"


class ResponseStatus(models.TextChoices):
    DRAFT = "brouillon", "En cours"
    SUBMITTED = "envoyee", "Envoyée"


class ProfileField(models.TextChoices):
    """Answers copied onto the response to filter and scope results."""

    REGION = "region", "Région du répondant"
    DEPARTEMENT = "departement", "Département du répondant"
    ACTOR_FAMILY = "actor_family", "Famille d'acteurs du répondant"
    STRUCTURE = "structure_name", "Structure du répondant"


class PracticeField(models.TextChoices):
    """Fields of a practice sheet an answer pre-fills (see clauses.practices)."""

    TITLE = "title", "Titre de la pratique"
    PITCH = "pitch", "Résumé en une phrase"
    CONTEXT = "context", "Contexte"
    ACTIONS = "actions", "Actions menées"
    MEANS = "means", "Moyens mobilisés"
    RESULTS = "results", "Résultats"
    SUCCESS_FACTORS = "success_factors", "Facteurs de réussite"
    PITFALLS = "pitfalls", "Points de vigilance"
    PARTNERS = "partners", "Partenaires"
    THEMES = "themes", "Thèmes"
    PUBLICS = "publics", "Publics"
    MARKET_KINDS = "market_kinds", "Types de marchés"
    CONTACT = "contact", "Contact"
    TERRITORY = "territory", "Territoire"
    QPV = "qpv", "Quartier prioritaire"
    CONSENT = "consent", "Consentement à la publication"
