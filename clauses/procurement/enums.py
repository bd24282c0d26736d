from django.db import models


class BuyerKind(models.TextChoices):
    STATE = "etat", "État et ses établissements"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    COMMUNE = "commune_epci", "Commune ou intercommunalité"
    SOCIAL_LANDLORD = "bailleur_social", "Bailleur social"
    HOSPITAL = "hopital", "Établissement de santé"
    PUBLIC_COMPANY = "entreprise_publique", "Entreprise publique"
    PRIVATE = "prive", "Acheteur privé"
    OTHER = "autre", "Autre acheteur"


class ContractKind(models.TextChoices):
    WORKS = "travaux", "Travaux"
    SERVICES = "services", "Services"
    SUPPLIES = "fournitures", "Fournitures"
    INTELLECTUAL = "prestations_intellectuelles", "Prestations intellectuelles"


class LegalBasis(models.TextChoices):
    """The legal bases of the social consideration (Code de la commande publique)."""

    EXECUTION_CLAUSE = "L2112-2", "Clause d'exécution (L2112-2)"
    AWARD_CRITERION = "L2152-7", "Critère d'attribution (L2152-7)"
    RESERVED_DISABLED = "L2113-12", "Marché réservé EA / ESAT (L2113-12)"
    RESERVED_SIAE = "L2113-13", "Marché réservé SIAE (L2113-13)"
    RESERVED_PRISON = "L2113-13-1", "Marché réservé travail pénitentiaire (L2113-13-1)"
    RESERVED_ESS = "L2113-15", "Marché réservé ESS (L2113-15)"
    INSERTION_CONTRACT = "R2123-1", "Marché d'insertion et de qualification (R2123-1 3°)"

    @classmethod
    def reserved(cls):
        return [cls.RESERVED_DISABLED, cls.RESERVED_SIAE, cls.RESERVED_PRISON, cls.RESERVED_ESS]


class CalculationMethod(models.TextChoices):
    RATE = "taux", "Montant × part de main-d'œuvre × taux d'insertion ÷ coût horaire"
    ANRU = "anru", "Charte ANRU : 5 % des heures travaillées"
    FIXED = "forfait", "Volume d'heures fixé par l'acheteur"
    OTHER = "autre", "Autre méthode (expliquée)"


class CompanyKind(models.TextChoices):
    ORDINARY = "ordinaire", "Entreprise classique"
    EI = "ei", "Entreprise d'insertion (EI)"
    ETTI = "etti", "Entreprise de travail temporaire d'insertion (ETTI)"
    AI = "ai", "Association intermédiaire (AI)"
    ACI = "aci", "Atelier et chantier d'insertion (ACI)"
    EITI = "eiti", "Entreprise d'insertion par le travail indépendant (EITI)"
    GEIQ = "geiq", "Groupement d'employeurs pour l'insertion et la qualification (GEIQ)"
    EA = "ea", "Entreprise adaptée (EA)"
    ESAT = "esat", "Établissement et service d'aide par le travail (ESAT)"

    @classmethod
    def siae(cls):
        return [cls.EI, cls.ETTI, cls.AI, cls.ACI, cls.EITI]


class LotRole(models.TextChoices):
    HOLDER = "titulaire", "Titulaire"
    CO_CONTRACTOR = "cotraitant", "Cotraitant"
    SUBCONTRACTOR = "sous_traitant", "Sous-traitant"


AUDIT_ACTIONS = {
    "procurement.buyer_created": "Acheteur créé",
    "procurement.buyer_updated": "Acheteur modifié",
    "procurement.operation_created": "Opération créée",
    "procurement.operation_updated": "Opération modifiée",
    "procurement.contract_created": "Marché créé",
    "procurement.contract_updated": "Marché modifié",
    "procurement.contract_deleted": "Marché supprimé",
    "procurement.lot_created": "Lot créé",
    "procurement.lot_updated": "Lot modifié",
    "procurement.clause_set": "Clause sociale enregistrée",
    "procurement.company_created": "Entreprise créée",
    "procurement.company_updated": "Entreprise modifiée",
    "procurement.lot_company_set": "Entreprise rattachée à un lot",
    "procurement.lot_company_removed": "Entreprise retirée d'un lot",
    "procurement.labour_share_updated": "Part de main-d'œuvre modifiée",
}
