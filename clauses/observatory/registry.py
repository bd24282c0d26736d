"""The indicator registry: every national figure of the social clause, defined once.

Each indicator and each breakdown has a code, a French label, a unit and — for shares — its
**denominator** (hours or people), with a one-paragraph definition. The engine
(``figures.py``) computes them for any scope and period; pages, files, the CLI and
``docs/indicators.md`` (``manage.py indicators --docs``) read their labels and definitions
from here, so that every screen says the same thing (DOMAIN.md §§ 2 and 5).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from clauses.insertion.enums import (
    AgeBand,
    Criterion,
    EducationLevel,
    Modality,
    OutcomeKind,
    Prescriber,
    Sex,
    WorkContractType,
)
from clauses.procurement.enums import BuyerKind, CompanyKind, ContractKind, LegalBasis

HOURS, ETP, PEOPLE, MISSIONS, CONTRACTS, COMPANIES, BUYERS, STRUCTURES, SHARE = (
    "heures",
    "ETP",
    "personnes",
    "contrats de travail",
    "marchés",
    "entreprises",
    "acheteurs",
    "structures",
    "part",
)
# A unit after 0 or 1 (« 1 structure »).
SINGULAR_UNITS = {
    HOURS: "heure",
    PEOPLE: "personne",
    MISSIONS: "contrat de travail",
    CONTRACTS: "marché",
    COMPANIES: "entreprise",
    BUYERS: "acheteur",
    STRUCTURES: "structure",
}


def unit_of(unit, value):
    """``unit`` as it reads after ``value``: singular for 0 and 1, as French has it."""
    if value is not None and abs(value) < 2:
        return SINGULAR_UNITS.get(unit, unit)
    return unit


# Denominators of shares.
OF_HOURS, OF_PEOPLE, OF_OUTCOMES = "hours", "people", "outcomes"
OF_NPNRU_HOURS = "npnru_hours"
DENOMINATOR_LABELS = {
    OF_HOURS: "part des heures (et donc des ETP)",
    OF_PEOPLE: "part des participants (personnes)",
    OF_OUTCOMES: "part des sorties constatées",
    OF_NPNRU_HOURS: "part des heures des opérations NPNRU",
}
UNKNOWN = "inconnu"
UNKNOWN_LABEL = "Non renseigné"

# The territory rule, shared with the coordinators' scope (accounts.coordinated_territories_q).
TERRITORY_RULE = (
    "Une heure compte dans le département de la structure de facilitation qui suit le marché "
    "(à défaut de département, dans sa région), comme la consolidation nationale compte par "
    "structure ; c'est aussi le territoire que voient les coordinateurs."
)
PERIOD_RULE = (
    "Les heures d'une période sont les heures déclarées pour ses mois. Les participants d'une "
    "période sont les personnes distinctes qui y ont des heures ; leur sexe, leur tranche "
    "d'âge et leur résidence en QPV sont pris au début de leur première mission ayant des "
    "heures dans la période (le QPV relevé dans leur dossier, avec le millésime de la liste "
    "en vigueur au début du parcours)."
)
DEDUPLICATION_RULE = (
    "Une personne suivie par deux structures la même année est un seul participant à toute "
    "échelle qui les contient : chaque participant porte une clé pseudonyme (empreinte "
    "HMAC-SHA256 de ses nom, prénoms et date de naissance normalisés, avec un secret du "
    "serveur), jamais affichée ni exportée. Sans nom, prénom ou date de naissance, la clé "
    "vaut pour une seule structure : les chiffres disent combien de participants sont "
    "comptés ainsi."
)


def etp_rule():
    return f"1 ETP = {settings.HOURS_PER_ETP:,} heures".replace(",", "\u202f")


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    definition: str
    denominator: str = ""  # for shares: OF_HOURS or OF_PEOPLE

    @property
    def is_share(self):
        return self.unit == SHARE

    @property
    def denominator_label(self):
        return DENOMINATOR_LABELS.get(self.denominator, "")


@dataclass(frozen=True)
class Breakdown:
    code: str
    label: str
    denominator: str
    definition: str
    choices: tuple = ()
    # Sex and QPV residence are shares of people, also given as shares of hours.
    also_hours: bool = False
    # Criteria: a person may have several, the shares do not add up to 100 %.
    exclusive: bool = True

    @property
    def denominator_label(self):
        return DENOMINATOR_LABELS[self.denominator]

    def label_of(self, code):
        return dict(self.choices).get(code, UNKNOWN_LABEL if code in ("", None, UNKNOWN) else code)


INDICATORS = [
    Indicator(
        "hours",
        "Heures d'insertion",
        HOURS,
        "Somme des heures travaillées déclarées, mois par mois, par les participants sur les "
        "lots des marchés suivis, pour les mois de la période.",
    ),
    Indicator(
        "etp",
        "Équivalents temps plein (ETP)",
        ETP,
        "Heures d'insertion divisées par le nombre d'heures d'un ETP (réglage HOURS_PER_ETP, "
        "1 600 heures par défaut, la convention du réseau national).",
    ),
    Indicator(
        "participants",
        "Participants",
        PEOPLE,
        "Personnes distinctes ayant des heures dans la période, comptées une fois même si "
        "plusieurs structures les suivent.",
    ),
    Indicator(
        "participants_several_structures",
        "Participants suivis par plusieurs structures",
        PEOPLE,
        "Participants de la période dont plusieurs structures ont un dossier (même clé "
        "pseudonyme) : chacun n'est compté qu'une fois.",
    ),
    Indicator(
        "participants_local_key",
        "Participants comptés par structure",
        PEOPLE,
        "Participants sans nom, prénom ou date de naissance : ils ne peuvent pas être "
        "rapprochés d'une autre structure et sont comptés une fois par structure.",
    ),
    Indicator(
        "missions",
        "Contrats de travail (missions)",
        MISSIONS,
        "Missions ayant des heures dans la période : un participant, un lot, une entreprise, "
        "une modalité et un contrat de travail.",
    ),
    Indicator(
        "contracts",
        "Marchés avec clause",
        CONTRACTS,
        "Marchés dont un lot porte une clause et qui courent un jour de la période (notifiés "
        "avant sa fin, pas terminés avant son début ; sans durée connue, ils courent "
        "toujours), ou qui y ont des heures. Un marché de plusieurs années compte chaque "
        "année : ces nombres ne s'additionnent pas d'une année sur l'autre.",
    ),
    Indicator(
        "contracts_with_hours",
        "Marchés ayant produit des heures",
        CONTRACTS,
        "Marchés dont un lot a des heures déclarées pour un mois de la période.",
    ),
    Indicator(
        "companies",
        "Entreprises",
        COMPANIES,
        "Entreprises distinctes (par SIRET) employant des participants dans la période.",
    ),
    Indicator(
        "buyers",
        "Acheteurs",
        BUYERS,
        "Acheteurs (maîtres d'ouvrage) distincts, par SIRET, des marchés ayant produit des "
        "heures dans la période.",
    ),
    Indicator(
        "organisations",
        "Structures de facilitation",
        STRUCTURES,
        "Structures de facilitation qui suivent les marchés ayant produit des heures.",
    ),
    Indicator(
        "share_etp_works",
        "Part des ETP dans les marchés de travaux",
        SHARE,
        "Heures des marchés de travaux divisées par l'ensemble des heures.",
        OF_HOURS,
    ),
    Indicator(
        "share_etp_outside_works",
        "Part des ETP hors travaux",
        SHARE,
        "Heures des marchés de services, fournitures et prestations intellectuelles divisées "
        "par l'ensemble des heures (objectif de diversification).",
        OF_HOURS,
    ),
    Indicator(
        "share_etp_reserved",
        "Part des ETP dans les marchés réservés",
        SHARE,
        "Heures des marchés réservés (L2113-12, L2113-13, L2113-13-1, L2113-15) divisées par "
        "l'ensemble des heures.",
        OF_HOURS,
    ),
    Indicator(
        "share_participants_women",
        "Part des femmes",
        SHARE,
        "Femmes parmi les participants (personnes).",
        OF_PEOPLE,
    ),
    Indicator(
        "share_participants_men",
        "Part des hommes",
        SHARE,
        "Hommes parmi les participants (personnes).",
        OF_PEOPLE,
    ),
    Indicator(
        "share_participants_qpv",
        "Part des habitants des QPV",
        SHARE,
        "Participants résidant dans un quartier prioritaire de la politique de la ville au "
        "début de leur première mission de la période, parmi les participants.",
        OF_PEOPLE,
    ),
    Indicator(
        "share_hours_women",
        "Part des heures réalisées par des femmes",
        SHARE,
        "Heures travaillées par des femmes divisées par l'ensemble des heures.",
        OF_HOURS,
    ),
    Indicator(
        "share_hours_qpv",
        "Part des heures réalisées par des habitants des QPV",
        SHARE,
        "Heures travaillées par des habitants des QPV divisées par l'ensemble des heures.",
        OF_HOURS,
    ),
    Indicator(
        "hours_npnru",
        "Heures d'insertion sur les opérations NPNRU",
        HOURS,
        "Heures de la période sur les lots des marchés rattachés à une opération du Nouveau "
        "programme national de renouvellement urbain (charte ANRU).",
    ),
    Indicator(
        "share_hours_qpv_npnru",
        "Part des heures des opérations NPNRU réalisées par des habitants des QPV",
        SHARE,
        "Heures de la période travaillées par des habitants des QPV sur les opérations NPNRU, "
        "divisées par les heures de la période sur ces opérations. La charte ANRU fixe, elle, "
        "5 % des heures travaillées sur les travaux financés (10 % en gestion urbaine de "
        "proximité), insertion ou non : l'avancement de chaque projet face à cet objectif est "
        "dans le bilan de son opération.",
        OF_NPNRU_HOURS,
    ),
]
INDICATOR = {indicator.code: indicator for indicator in INDICATORS}
# The headline, in the order pages show it.
HEADLINE = [
    "hours",
    "etp",
    "participants",
    "missions",
    "contracts",
    "companies",
    "buyers",
    "organisations",
    "share_etp_works",
    "share_etp_reserved",
    "share_participants_women",
    "share_participants_men",
    "share_participants_qpv",
]
# A territory is « well below » the national share of a goal past this many points.
GOAL_GAP = Decimal("0.05")
# Diversification goals of the Tour de France (the higher, the better).
GOALS = [
    "share_participants_women",
    "share_etp_outside_works",
    "share_participants_qpv",
    "share_etp_reserved",
]

RESERVED_CHOICES = (("reserve", "Marchés réservés"), ("non_reserve", "Marchés non réservés"))
NPNRU_CHOICES = (("npnru", "Opérations NPNRU"), ("hors_npnru", "Hors opérations NPNRU"))
QPV_CHOICES = (("qpv", "Habitant d'un QPV"), ("hors_qpv", "Hors QPV"))
NO_CLAUSE = (("", "Sans clause enregistrée"),)

BREAKDOWNS = [
    Breakdown(
        "sex",
        "Sexe",
        OF_PEOPLE,
        "Participants par sexe, au début de leur première mission de la période ; aussi en "
        "part des heures.",
        tuple(Sex.choices),
        also_hours=True,
    ),
    Breakdown(
        "age_band",
        "Tranche d'âge",
        OF_PEOPLE,
        "Participants par âge au début de leur première mission de la période (moins de 26 "
        "ans, 26 à 49 ans, 50 ans et plus).",
        tuple(AgeBand.choices),
    ),
    Breakdown(
        "qpv",
        "Résidence en QPV",
        OF_PEOPLE,
        "Participants habitant un quartier prioritaire (liste en vigueur au début de leur "
        "parcours) ; aussi en part des heures.",
        QPV_CHOICES,
        also_hours=True,
    ),
    Breakdown(
        "education_level",
        "Niveau de formation",
        OF_PEOPLE,
        "Participants par niveau de formation du cadre national des certifications.",
        tuple(EducationLevel.choices),
    ),
    Breakdown(
        "criteria",
        "Critères d'éligibilité",
        OF_PEOPLE,
        "Participants ayant chaque critère d'éligibilité inscrit à leur dossier ; une personne "
        "peut en avoir plusieurs : les parts ne s'additionnent pas.",
        tuple(Criterion.choices),
        exclusive=False,
    ),
    Breakdown(
        "prescriber",
        "Prescripteur",
        OF_PEOPLE,
        "Participants par prescripteur (qui a orienté la personne).",
        tuple(Prescriber.choices),
    ),
    Breakdown(
        "contract_kind",
        "Nature du marché",
        OF_HOURS,
        "Heures par nature du marché (travaux, services, fournitures, prestations "
        "intellectuelles).",
        tuple(ContractKind.choices),
    ),
    Breakdown(
        "reserved",
        "Marché réservé ou non",
        OF_HOURS,
        "Heures des marchés réservés (L2113-12, L2113-13, L2113-13-1, L2113-15) et des autres.",
        RESERVED_CHOICES,
    ),
    Breakdown(
        "legal_basis",
        "Fondement juridique",
        OF_HOURS,
        "Heures par fondement juridique de la considération sociale du lot.",
        tuple(LegalBasis.choices) + NO_CLAUSE,
    ),
    Breakdown(
        "modality",
        "Modalité de mise en œuvre",
        OF_HOURS,
        "Heures par modalité (embauche directe, mise à disposition, sous-traitance...).",
        tuple(Modality.choices),
    ),
    Breakdown(
        "work_contract_type",
        "Type de contrat de travail",
        OF_HOURS,
        "Heures (et nombre de contrats de travail) par type de contrat de travail.",
        tuple(WorkContractType.choices),
    ),
    Breakdown(
        "buyer_kind",
        "Type d'acheteur",
        OF_HOURS,
        "Heures par type d'acheteur (État, collectivités, bailleurs sociaux...).",
        tuple(BuyerKind.choices),
    ),
    Breakdown(
        "company_kind",
        "Type d'entreprise",
        OF_HOURS,
        "Heures par type d'entreprise employant le participant (entreprise classique, SIAE, "
        "GEIQ, EA, ESAT).",
        tuple(CompanyKind.choices),
    ),
    Breakdown(
        "npnru",
        "Opérations de renouvellement urbain (NPNRU)",
        OF_HOURS,
        "Heures des lots des marchés rattachés à une opération NPNRU, et des autres.",
        NPNRU_CHOICES,
    ),
    Breakdown(
        "outcome_exit",
        "Sorties à l'issue de la mission",
        OF_OUTCOMES,
        "Situation constatée à la fin des missions de la période (grille de l'IAE), parmi les "
        "sorties constatées.",
        tuple(OutcomeKind.choices),
    ),
    Breakdown(
        "outcome_six_months",
        "Situation à 6 mois",
        OF_OUTCOMES,
        "Situation constatée six mois après la fin des missions de la période, parmi les "
        "situations constatées.",
        tuple(OutcomeKind.choices),
    ),
    Breakdown(
        "region",
        "Région",
        OF_HOURS,
        "Heures et participants par région de la structure qui suit le marché ; une personne "
        "suivie dans deux régions compte dans chacune.",
    ),
    Breakdown(
        "departement",
        "Département",
        OF_HOURS,
        "Heures et participants par département de la structure qui suit le marché.",
    ),
]
BREAKDOWN = {breakdown.code: breakdown for breakdown in BREAKDOWNS}
