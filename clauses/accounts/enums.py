from django.db import models


class OrganisationKind(models.TextChoices):
    FACILITATOR = "facilitateur", "Structure de facilitation"
    BUYER = "acheteur", "Acheteur public"
    COMPANY = "entreprise", "Entreprise"
    SIAE = "siae", "SIAE"
    NATIONAL_NETWORK = "reseau_national", "Réseau national"
    OTHER = "autre", "Autre"


class FacilitatorKind(models.TextChoices):
    PLIE = "plie", "PLIE"
    MDE = "mde", "Maison de l'emploi"
    EPCI = "epci", "EPCI"
    DEPARTEMENT = "departement", "Département"
    COMMUNE = "commune", "Commune"
    REGION = "region", "Région"
    OTHER = "autre", "Autre structure"


class Role(models.TextChoices):
    FACILITATOR = "facilitateur", "Facilitateur"
    COORDINATOR = "coordinateur", "Coordinateur territorial"
    NATIONAL_ADMIN = "administrateur_national", "Administrateur national"
    READER = "lecteur", "Lecteur (acheteur)"
    COMPANY = "entreprise", "Entreprise"


# The roles a member of each kind of organisation may hold (offered in invitations).
ROLES_BY_ORGANISATION_KIND = {
    OrganisationKind.FACILITATOR: [Role.FACILITATOR, Role.COORDINATOR],
    OrganisationKind.BUYER: [Role.READER],
    OrganisationKind.COMPANY: [Role.COMPANY],
    OrganisationKind.SIAE: [Role.COMPANY],
    OrganisationKind.NATIONAL_NETWORK: [Role.NATIONAL_ADMIN],
    OrganisationKind.OTHER: [Role.READER],
}


AUDIT_ACTIONS = {
    "accounts.login": "Connexion",
    "accounts.login_failed": "Échec de connexion",
    "accounts.logout": "Déconnexion",
    "accounts.password_changed": "Changement de mot de passe",
    "accounts.password_reset": "Réinitialisation du mot de passe",
    "accounts.user_created": "Création de compte",
    "accounts.invitation_sent": "Invitation envoyée",
    "accounts.invitation_accepted": "Invitation acceptée",
    "accounts.invitation_cancelled": "Invitation annulée",
}
