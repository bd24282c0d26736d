from django.db import models


class PracticeStatus(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    IN_REVIEW = "en_relecture", "En relecture"
    PUBLISHED = "publiee", "Publiée"
    ARCHIVED = "archivee", "Archivée"


class Theme(models.TextChoices):
    """The five themes of the national recueil (after AVE's recueil of 26 sheets)."""

    PUBLICS = "publics", "Les publics"
    IMPLEMENTATION = "mise_en_oeuvre", "La mise en œuvre de la clause"
    PREPARATION = "preparation_marche", "La préparation du marché"
    PARTNERS = "mobilisation_partenaires", "La mobilisation des partenaires"
    POLICIES = "ancrage_politiques", "L'ancrage dans les politiques publiques"


class Public(models.TextChoices):
    WOMEN = "femmes", "Femmes"
    YOUNG = "jeunes", "Jeunes de moins de 26 ans"
    QPV = "residents_qpv", "Habitants des quartiers prioritaires (QPV)"
    SENIORS = "seniors", "Seniors de plus de 50 ans"
    RQTH = "rqth", "Travailleurs handicapés (RQTH)"
    RSA = "rsa", "Allocataires du RSA"
    LONG_TERM = "chomeurs_longue_duree", "Demandeurs d'emploi de longue durée"
    REFUGEES = "refugies", "Réfugiés"


class MarketKind(models.TextChoices):
    WORKS = "travaux", "Travaux"
    SERVICES = "services", "Services"
    SUPPLIES = "fournitures", "Fournitures"
    INTELLECTUAL = "prestations_intellectuelles", "Prestations intellectuelles"


AUDIT_ACTIONS = {
    "practices.created": "Fiche pratique créée",
    "practices.created_from_response": "Fiche pratique créée depuis une réponse à l'enquête",
    "practices.updated": "Fiche pratique modifiée",
    "practices.submitted": "Fiche pratique soumise à relecture",
    "practices.published": "Fiche pratique publiée",
    "practices.archived": "Fiche pratique archivée",
    "practices.back_to_draft": "Fiche pratique renvoyée en brouillon",
    "practices.attachment_added": "Pièce jointe ajoutée à une fiche pratique",
    "practices.attachment_deleted": "Pièce jointe retirée d'une fiche pratique",
}
