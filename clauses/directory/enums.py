from django.db import models


class ActorFamily(models.TextChoices):
    """Families of actors of the Tour de France, for filters and « who to meet ».

    Aligned with the structure typology of the data·inclusion networks (public employment
    service, SIAE, GEIQ, EA/ESAT, PLIE/MDE, social action) and extended with the housing,
    politique de la ville and urban-renewal actors the Tour de France brings together.
    """

    PUBLIC_EMPLOYMENT = (
        "emploi_public",
        "Service public de l'emploi (France Travail, Mission locale, Cap emploi)",
    )
    PLIE_MDE = "plie_mde", "PLIE ou Maison de l'emploi"
    FACILITATOR = "facilitateur", "Facilitateur de la clause sociale"
    SIAE = "siae", "Structure d'insertion par l'activité économique (SIAE)"
    GEIQ = "geiq", "Groupement d'employeurs pour l'insertion et la qualification (GEIQ)"
    DISABILITY = "ea_esat", "Entreprise adaptée ou ESAT"
    COMPANY = "entreprise", "Entreprise"
    BUYER = "acheteur", "Acheteur public ou maître d'ouvrage"
    SOCIAL_LANDLORD = "bailleur", "Bailleur social"
    POLITIQUE_VILLE = (
        "politique_ville",
        "Politique de la ville (contrat de ville, centre social, délégué du préfet)",
    )
    URBAN_RENEWAL = "renouvellement_urbain", "Renouvellement urbain (ANRU, projet NPNRU)"
    LOCAL_AUTHORITY = "collectivite", "Collectivité territoriale"
    STATE = "etat", "Services de l'État (DDETS, DREETS, préfecture)"
    TRAINING = "formation", "Organisme de formation"
    SOCIAL_SUPPORT = "accompagnement", "Association d'accompagnement social"
    NETWORK = "reseau", "Réseau ou fédération"
    OTHER = "autre", "Autre"


# « Who to meet »: for a family, the families whose actors complement it on a territory.
COMPLEMENTARY_FAMILIES = {
    ActorFamily.FACILITATOR: [
        ActorFamily.BUYER,
        ActorFamily.SOCIAL_LANDLORD,
        ActorFamily.URBAN_RENEWAL,
        ActorFamily.SIAE,
        ActorFamily.GEIQ,
        ActorFamily.PUBLIC_EMPLOYMENT,
        ActorFamily.POLITIQUE_VILLE,
    ],
    ActorFamily.PLIE_MDE: [
        ActorFamily.BUYER,
        ActorFamily.SOCIAL_LANDLORD,
        ActorFamily.SIAE,
        ActorFamily.COMPANY,
        ActorFamily.POLITIQUE_VILLE,
    ],
    ActorFamily.PUBLIC_EMPLOYMENT: [
        ActorFamily.FACILITATOR,
        ActorFamily.PLIE_MDE,
        ActorFamily.SIAE,
        ActorFamily.GEIQ,
        ActorFamily.COMPANY,
    ],
    ActorFamily.SIAE: [
        ActorFamily.FACILITATOR,
        ActorFamily.COMPANY,
        ActorFamily.BUYER,
        ActorFamily.SOCIAL_LANDLORD,
        ActorFamily.PUBLIC_EMPLOYMENT,
    ],
    ActorFamily.GEIQ: [ActorFamily.FACILITATOR, ActorFamily.COMPANY, ActorFamily.TRAINING],
    ActorFamily.DISABILITY: [ActorFamily.BUYER, ActorFamily.FACILITATOR, ActorFamily.COMPANY],
    ActorFamily.COMPANY: [
        ActorFamily.FACILITATOR,
        ActorFamily.SIAE,
        ActorFamily.GEIQ,
        ActorFamily.PUBLIC_EMPLOYMENT,
        ActorFamily.DISABILITY,
    ],
    ActorFamily.BUYER: [
        ActorFamily.FACILITATOR,
        ActorFamily.PLIE_MDE,
        ActorFamily.SIAE,
        ActorFamily.DISABILITY,
    ],
    ActorFamily.SOCIAL_LANDLORD: [
        ActorFamily.FACILITATOR,
        ActorFamily.URBAN_RENEWAL,
        ActorFamily.POLITIQUE_VILLE,
        ActorFamily.SIAE,
    ],
    ActorFamily.POLITIQUE_VILLE: [
        ActorFamily.FACILITATOR,
        ActorFamily.PUBLIC_EMPLOYMENT,
        ActorFamily.SOCIAL_LANDLORD,
        ActorFamily.URBAN_RENEWAL,
        ActorFamily.SOCIAL_SUPPORT,
    ],
    ActorFamily.URBAN_RENEWAL: [
        ActorFamily.FACILITATOR,
        ActorFamily.SOCIAL_LANDLORD,
        ActorFamily.POLITIQUE_VILLE,
        ActorFamily.BUYER,
    ],
    ActorFamily.LOCAL_AUTHORITY: [
        ActorFamily.FACILITATOR,
        ActorFamily.PLIE_MDE,
        ActorFamily.URBAN_RENEWAL,
        ActorFamily.POLITIQUE_VILLE,
    ],
    ActorFamily.STATE: [ActorFamily.FACILITATOR, ActorFamily.PLIE_MDE, ActorFamily.SIAE],
    ActorFamily.TRAINING: [ActorFamily.GEIQ, ActorFamily.SIAE, ActorFamily.FACILITATOR],
    ActorFamily.SOCIAL_SUPPORT: [
        ActorFamily.POLITIQUE_VILLE,
        ActorFamily.SIAE,
        ActorFamily.PUBLIC_EMPLOYMENT,
    ],
    ActorFamily.NETWORK: [ActorFamily.FACILITATOR, ActorFamily.PLIE_MDE, ActorFamily.SIAE],
}


class Visibility(models.TextChoices):
    """Who may see a person in participant lists and the directory: the person chooses."""

    NOBODY = "personne", "Personne (seuls les organisateurs)"
    PARTICIPANTS = "participants", "Les autres participants connectés"
    PUBLIC = "public", "Tout le monde"


class StructureSource(models.TextChoices):
    REGISTRATION = "inscription", "Inscription à une rencontre"
    SELF = "structure", "Saisie par la structure"
    ORGANISER = "organisateur", "Saisie par un organisateur"
