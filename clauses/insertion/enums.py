from django.db import models


class Sex(models.TextChoices):
    FEMALE = "F", "Femme"
    MALE = "M", "Homme"


class AgeBand(models.TextChoices):
    UNDER_26 = "moins_26", "Moins de 26 ans"
    FROM_26_TO_49 = "26_49", "26 à 49 ans"
    OVER_50 = "50_plus", "50 ans et plus"


class EducationLevel(models.TextChoices):
    """Levels of the national qualifications framework (nomenclature 2019)."""

    NONE = "aucun", "Sans diplôme ni qualification (niveau 1-2)"
    LEVEL_3 = "3", "CAP, BEP (niveau 3)"
    LEVEL_4 = "4", "Baccalauréat (niveau 4)"
    LEVEL_5 = "5", "Bac + 2 (niveau 5)"
    LEVEL_6_PLUS = "6", "Bac + 3 et plus (niveau 6 et plus)"
    UNKNOWN = "inconnu", "Non renseigné"


class Criterion(models.TextChoices):
    """Eligibility criteria of the social clause (close to the IAE grid)."""

    LONG_TERM_JOBSEEKER = "de_longue_duree", "Demandeur d'emploi inscrit depuis plus de 12 mois"
    RSA = "rsa", "Bénéficiaire du RSA"
    ASS = "ass", "Bénéficiaire de l'ASS"
    AAH = "aah", "Bénéficiaire de l'AAH"
    RQTH = "rqth", "Travailleur handicapé (RQTH)"
    YOUNG = "jeune", "Jeune de moins de 26 ans sorti du système scolaire depuis 6 mois"
    SENIOR = "senior", "Demandeur d'emploi de 50 ans et plus"
    SIAE_EMPLOYEE = "salarie_siae", "Salarié d'une SIAE"
    GEIQ_EMPLOYEE = "salarie_geiq", "Salarié d'un GEIQ"
    QPV_RESIDENT = "residant_qpv", "Habitant d'un QPV éloigné de l'emploi"
    EXCEPTION = "derogation", "Dérogation motivée du facilitateur"


class Prescriber(models.TextChoices):
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    CAP_EMPLOI = "cap_emploi", "Cap emploi"
    PLIE = "plie", "PLIE"
    SIAE = "siae", "SIAE"
    DEPARTEMENT = "departement", "Conseil départemental"
    OTHER = "autre", "Autre prescripteur"
    NONE = "aucun", "Sans prescripteur"


class QpvSource(models.TextChoices):
    GEOCODED = "geocodage", "Adresse géocodée"
    MANUAL = "manuel", "Choisi par le facilitateur"
    NONE = "aucun", "Non déterminé"


class Modality(models.TextChoices):
    """How the company carries out the clause (modalité de mise en œuvre)."""

    DIRECT_HIRE = "embauche_directe", "Embauche directe"
    ETTI = "etti", "Mise à disposition par une ETTI"
    AI = "ai", "Mise à disposition par une AI"
    GEIQ = "geiq", "Mise à disposition par un GEIQ"
    TEMP_AGENCY = "interim", "Mise à disposition par une entreprise de travail temporaire"
    SIAE_SUBCONTRACTING = "sous_traitance_siae", "Sous-traitance ou cotraitance avec une SIAE"
    EA_SUBCONTRACTING = "sous_traitance_ea", "Sous-traitance ou cotraitance avec une EA / ESAT"
    TRAINING = "formation", "Action de formation"


class WorkContractType(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    CDDI = "cddi", "CDD d'insertion (CDDI)"
    TEMPORARY = "interim", "Contrat de mission (intérim, intérim d'insertion)"
    APPRENTICESHIP = "apprentissage", "Contrat d'apprentissage"
    PROFESSIONALISATION = "professionnalisation", "Contrat de professionnalisation"
    AI_MADE_AVAILABLE = "mise_a_disposition", "Mise à disposition (AI)"
    TRAINING = "stage", "Stage ou formation"
    OTHER = "autre", "Autre"


class OutcomeMoment(models.TextChoices):
    EXIT = "sortie", "À la sortie"
    SIX_MONTHS = "six_mois", "À 6 mois"


class OutcomeKind(models.TextChoices):
    """The IAE exit grid."""

    DURABLE_EMPLOYMENT = "emploi_durable", "Emploi durable"
    TRANSITION_EMPLOYMENT = "emploi_transition", "Emploi de transition"
    POSITIVE_EXIT = "sortie_positive", "Sortie positive"
    OTHER = "autre", "Autre sortie"
    UNKNOWN = "inconnue", "Situation inconnue"


class OutcomeDetail(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD_6_MONTHS = "cdd_6_mois", "CDD de 6 mois ou plus"
    TEMP_6_MONTHS = "interim_6_mois", "Intérim de 6 mois ou plus"
    SELF_EMPLOYED = "creation", "Création ou reprise d'entreprise"
    CDD_SHORT = "cdd_court", "CDD de moins de 6 mois"
    TEMP_SHORT = "interim_court", "Intérim de moins de 6 mois"
    SUBSIDISED = "contrat_aide", "Contrat aidé"
    TRAINING = "formation_qualifiante", "Formation qualifiante"
    OTHER_SIAE = "autre_siae", "Embauche dans une autre SIAE"
    JOBSEEKER = "demandeur_emploi", "Demandeur d'emploi"
    INACTIVE = "inactif", "Inactivité"
    OTHER = "autre", "Autre"


OUTCOME_KIND_OF_DETAIL = {
    OutcomeDetail.CDI: OutcomeKind.DURABLE_EMPLOYMENT,
    OutcomeDetail.CDD_6_MONTHS: OutcomeKind.DURABLE_EMPLOYMENT,
    OutcomeDetail.TEMP_6_MONTHS: OutcomeKind.DURABLE_EMPLOYMENT,
    OutcomeDetail.SELF_EMPLOYED: OutcomeKind.DURABLE_EMPLOYMENT,
    OutcomeDetail.CDD_SHORT: OutcomeKind.TRANSITION_EMPLOYMENT,
    OutcomeDetail.TEMP_SHORT: OutcomeKind.TRANSITION_EMPLOYMENT,
    OutcomeDetail.SUBSIDISED: OutcomeKind.TRANSITION_EMPLOYMENT,
    OutcomeDetail.TRAINING: OutcomeKind.POSITIVE_EXIT,
    OutcomeDetail.OTHER_SIAE: OutcomeKind.POSITIVE_EXIT,
    OutcomeDetail.JOBSEEKER: OutcomeKind.OTHER,
    OutcomeDetail.INACTIVE: OutcomeKind.OTHER,
    OutcomeDetail.OTHER: OutcomeKind.OTHER,
}


AUDIT_ACTIONS = {
    "insertion.participant_created": "Participant créé",
    "insertion.participant_updated": "Participant modifié",
    "insertion.participant_viewed": "Dossier de participant consulté",
    "insertion.participant_deleted": "Participant supprimé",
    "insertion.eligibility_added": "Critère d'éligibilité ajouté",
    "insertion.eligibility_removed": "Critère d'éligibilité retiré",
    "insertion.mission_created": "Mission créée",
    "insertion.mission_updated": "Mission modifiée",
    "insertion.hours_declared": "Heures déclarées",
    "insertion.outcome_recorded": "Sortie enregistrée",
    "insertion.import": "Import de données",
    "insertion.export": "Export de données",
    "insertion.month_sheet_exported": "Relevé d'heures du mois téléchargé",
    "insertion.report_downloaded": "Bilan téléchargé",
}
