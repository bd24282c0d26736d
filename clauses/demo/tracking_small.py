"""Tracking demo data at the small scale: what ``seed_demo`` (``make demo``) loads.

Five facilitator organisations of the demo (the PLIE of the demo facilitators first) follow
buyers, an NPNRU operation, contracts and lots whose clauses have various legal bases,
companies including SIAE, about fifty participants each with their eligibility, missions,
monthly hours from January 2024 up to the current month, and outcomes at exit and at six
months. The buyer of the demo reader (« Seine-Est Habitat ») is linked to the reader's
organisation through ``Buyer.account``.

Everything is written through the services (``clauses.procurement.services`` and
``clauses.insertion.services``), so the demo obeys every rule and writes the audit log like a
facilitator would. The plan is deterministic (one ``random.Random`` per organisation) and does
not depend on the database: a second run finds every object by its natural key (SIRET,
reference, lot number, identifier, mission start...) and changes nothing, except the hours
and outcomes of the months elapsed since.
"""

import dataclasses
import datetime
import random
from decimal import Decimal

import shapely
from django.conf import settings
from django.db.models import Count, Sum

from clauses.accounts.enums import Role
from clauses.core.dates import add_months
from clauses.core.exceptions import DomainError
from clauses.insertion import services as insertion_services
from clauses.insertion.enums import (
    Criterion,
    Modality,
    OutcomeDetail,
    OutcomeMoment,
    Prescriber,
    QpvSource,
    Sex,
    WorkContractType,
)
from clauses.insertion.models import Eligibility, HoursDeclaration, Mission, Outcome, Participant
from clauses.procurement import calculator
from clauses.procurement import services as procurement_services
from clauses.procurement.enums import (
    BuyerKind,
    CalculationMethod,
    CompanyKind,
    ContractKind,
    LegalBasis,
    LotRole,
)
from clauses.procurement.models import (
    Buyer,
    Company,
    Contract,
    Lot,
    LotCompany,
    Operation,
)
from clauses.territories.enums import qpv_list_in_force
from clauses.territories.models import Commune, Departement, Qpv

from .tracking_common import (
    EDUCATION,
    EXTRA_CRITERIA,
    STREETS,
    WORK_CONTRACTS,
    demo_siret,
    first_of_month,
    fixed_clause,
    months_between,
    person_name,
    round_to,
    weighted,
)

FIRST_DAY = datetime.date(2024, 1, 1)
LAST_DAY = datetime.date(2026, 12, 31)
PARTICIPANTS = 50
HOURLY_COST = Decimal(30)
SYSTEM_ACTOR = "Données de démonstration (seed_demo)"


# --- Declarative plan -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LotSpec:
    title: str
    trade: str  # a LabourShare trade (its published share is used)
    amount_share: float  # share of the contract amount


@dataclasses.dataclass(frozen=True)
class Template:
    code: str  # in the contract reference (TX, SV, FO, PI)
    object: str
    kind: str
    cpv: str
    lots: tuple
    legal_basis: str
    method: str  # CalculationMethod; ANRU only under an NPNRU operation
    insertion_rate: str = "0.07"
    hours_per_million: int = 0  # FIXED method: hours required per million euros
    holder: str = "works"  # company role holding the lots


TEMPLATES = {
    "rehabilitation": Template(
        "TX",
        "Réhabilitation de {n} logements — résidence {place}",
        ContractKind.WORKS,
        "45453000",
        (
            LotSpec("Gros œuvre", "Maçonnerie", 0.35),
            LotSpec("Peinture et revêtements", "Peinture intérieure", 0.2),
            LotSpec("Menuiseries extérieures", "Menuiseries extérieures", 0.25),
            LotSpec("Électricité", "Électricité", 0.2),
        ),
        LegalBasis.EXECUTION_CLAUSE,
        CalculationMethod.ANRU,
    ),
    "demolition": Template(
        "TX",
        "Démolition de la barre {place} ({n} logements)",
        ContractKind.WORKS,
        "45111100",
        (LotSpec("Démolition et désamiantage", "Démolition, curage, désamiantage", 1.0),),
        LegalBasis.EXECUTION_CLAUSE,
        CalculationMethod.ANRU,
    ),
    "public_spaces": Template(
        "TX",
        "Aménagement des espaces publics du quartier {place}",
        ContractKind.WORKS,
        "45233000",
        (
            LotSpec(
                "Voirie et réseaux divers", "Terrassement, voirie et réseaux divers (VRD)", 0.6
            ),
            LotSpec("Espaces verts et plantations", "Aménagements paysagers", 0.4),
        ),
        LegalBasis.EXECUTION_CLAUSE,
        CalculationMethod.ANRU,
    ),
    "school": Template(
        "TX",
        "Construction du groupe scolaire {place}",
        ContractKind.WORKS,
        "45214200",
        (
            LotSpec("Terrassement et VRD", "Terrassement, voirie et réseaux divers (VRD)", 0.15),
            LotSpec("Gros œuvre", "Maçonnerie", 0.45),
            LotSpec("Charpente métallique", "Charpente métallique", 0.15),
            LotSpec("Plâtrerie et faux plafonds", "Plâtrerie, cloisons, faux plafonds", 0.25),
        ),
        LegalBasis.EXECUTION_CLAUSE,
        CalculationMethod.RATE,
        insertion_rate="0.07",
    ),
    "gym": Template(
        "TX",
        "Rénovation énergétique du gymnase {place}",
        ContractKind.WORKS,
        "45321000",
        (
            LotSpec("Couverture et étanchéité", "Couverture, étanchéité", 0.4),
            LotSpec("Chauffage et ventilation", "Plomberie, chauffage, ventilation", 0.35),
            LotSpec("Menuiseries intérieures", "Menuiseries intérieures", 0.25),
        ),
        LegalBasis.EXECUTION_CLAUSE,
        CalculationMethod.RATE,
        insertion_rate="0.06",
    ),
    "cleaning": Template(
        "SV",
        "Nettoyage des locaux et des parties communes — {place}",
        ContractKind.SERVICES,
        "90911200",
        (LotSpec("Nettoyage", "Nettoyage de locaux", 1.0),),
        LegalBasis.EXECUTION_CLAUSE,
        CalculationMethod.RATE,
        insertion_rate="0.10",
        holder="cleaning",
    ),
    "waste": Template(
        "SV",
        "Collecte des encombrants et propreté urbaine — {place}",
        ContractKind.SERVICES,
        "90511000",
        (LotSpec("Collecte et propreté", "Collecte des déchets, propreté urbaine", 1.0),),
        LegalBasis.AWARD_CRITERION,
        CalculationMethod.RATE,
        insertion_rate="0.08",
        holder="cleaning",
    ),
    "green_spaces": Template(
        "SV",
        "Entretien des espaces verts — {place} (marché réservé aux SIAE)",
        ContractKind.SERVICES,
        "77310000",
        (LotSpec("Entretien des espaces verts", "Entretien des espaces verts", 1.0),),
        LegalBasis.RESERVED_SIAE,
        CalculationMethod.FIXED,
        hours_per_million=9000,
        holder="aci",
    ),
    "laundry": Template(
        "SV",
        "Blanchisserie et entretien du linge — {place} (marché réservé EA / ESAT)",
        ContractKind.SERVICES,
        "98310000",
        (LotSpec("Blanchisserie", "Nettoyage de locaux", 1.0),),
        LegalBasis.RESERVED_DISABLED,
        CalculationMethod.FIXED,
        hours_per_million=8000,
        holder="ea",
    ),
    "heritage": Template(
        "SV",
        "Chantier d'insertion : restauration du petit patrimoine bâti — {place}",
        ContractKind.SERVICES,
        "45454100",
        (LotSpec("Restauration du patrimoine", "Maçonnerie", 1.0),),
        LegalBasis.INSERTION_CONTRACT,
        CalculationMethod.FIXED,
        hours_per_million=12000,
        holder="aci",
    ),
    "catering": Template(
        "SV",
        "Restauration collective — {place} (marché réservé ESS)",
        ContractKind.SERVICES,
        "55523100",
        (LotSpec("Préparation et livraison des repas", "Nettoyage de locaux", 1.0),),
        LegalBasis.RESERVED_ESS,
        CalculationMethod.FIXED,
        hours_per_million=3000,
        holder="cleaning",
    ),
    "furniture": Template(
        "FO",
        "Fourniture et pose de mobilier urbain — {place}",
        ContractKind.SUPPLIES,
        "34928400",
        (LotSpec("Mobilier urbain", "Aménagements paysagers", 1.0),),
        LegalBasis.EXECUTION_CLAUSE,
        CalculationMethod.FIXED,
        hours_per_million=600,
        holder="furniture",
    ),
    "opc": Template(
        "PI",
        "Ordonnancement, pilotage et coordination (OPC) — {place}",
        ContractKind.INTELLECTUAL,
        "71541000",
        (LotSpec("Mission OPC", "Électricité", 1.0),),
        LegalBasis.AWARD_CRITERION,
        CalculationMethod.FIXED,
        hours_per_million=700,
        holder="engineering",
    ),
}


@dataclasses.dataclass(frozen=True)
class BuyerSpec:
    key: str
    name: str
    kind: str
    account: str | None = None  # key of a demo organisation (Buyer.account)


@dataclasses.dataclass(frozen=True)
class ContractSpec:
    template: str
    buyer: str
    place: str
    amount: int  # euros excl. tax
    notified: datetime.date
    months: int
    npnru: bool = False  # under the organisation's NPNRU operation
    operation: str = ""  # name of an ordinary operation
    pace: float = 1.0  # share of the hours due actually done (0.4: a contract behind)
    n: int = 0  # number of dwellings, in the object
    object: str = ""  # instead of the template's


@dataclasses.dataclass(frozen=True)
class OrganisationPlan:
    key: str  # in data.ORGANISATIONS
    code: str  # prefix of the participants' identifiers
    place: str  # used in company names
    buyers: tuple
    contracts: tuple
    operations: tuple = ()  # names of ordinary operations
    npnru_buyer: str = ""  # key of the NPNRU operation's buyer (if a QPV exists)
    works_company: str = ""  # name of the first construction company
    etti_company: str = ""


D = datetime.date
PLANS = [
    OrganisationPlan(
        key="plie_93",
        code="PSE",
        place="Plaine-Est",
        buyers=(
            BuyerSpec(
                "habitat",
                "Seine-Est Habitat (office public de l'habitat)",
                BuyerKind.SOCIAL_LANDLORD,
                account="buyer_93",
            ),
            BuyerSpec("ept", "Établissement public territorial Plaine-Est", BuyerKind.COMMUNE),
            BuyerSpec(
                "sem", "Plaine-Est Aménagement (société d'économie mixte)", BuyerKind.PUBLIC_COMPANY
            ),
            BuyerSpec(
                "hospital", "Centre hospitalier intercommunal de la Plaine", BuyerKind.HOSPITAL
            ),
        ),
        contracts=(
            ContractSpec(
                "rehabilitation",
                "habitat",
                "Les Peupliers",
                6_400_000,
                D(2024, 3, 12),
                30,
                True,
                n=180,
            ),
            ContractSpec(
                "demolition", "habitat", "Les Tilleuls", 2_600_000, D(2024, 1, 22), 14, True, n=120
            ),
            ContractSpec(
                "public_spaces", "ept", "Les Tilleuls", 3_500_000, D(2025, 2, 3), 24, True
            ),
            ContractSpec(
                "school",
                "ept",
                "Jean-Zay",
                9_200_000,
                D(2024, 6, 17),
                28,
                operation="Pôle éducatif Jean-Zay",
                pace=0.4,
            ),
            ContractSpec(
                "cleaning",
                "habitat",
                "patrimoine de Seine-Est Habitat",
                1_900_000,
                D(2024, 1, 8),
                36,
            ),
            ContractSpec("green_spaces", "ept", "parcs de Plaine-Est", 650_000, D(2024, 4, 2), 36),
            ContractSpec("laundry", "hospital", "centre hospitalier", 540_000, D(2025, 1, 6), 36),
            ContractSpec("opc", "sem", "ZAC des Docks", 480_000, D(2024, 9, 16), 24),
            ContractSpec("furniture", "ept", "centre-ville", 720_000, D(2025, 5, 12), 12),
        ),
        operations=("Pôle éducatif Jean-Zay",),
        npnru_buyer="habitat",
        works_company="Construire Ensemble BTP",
        etti_company="ETTI Tremplin Travail 93",
    ),
    OrganisationPlan(
        key="mde_31",
        code="MEG",
        place="Garonne",
        buyers=(
            BuyerSpec("metropole", "Métropole Garonne-Pyrénées", BuyerKind.COMMUNE),
            BuyerSpec(
                "habitat", "Garonne Habitat (société anonyme d'HLM)", BuyerKind.SOCIAL_LANDLORD
            ),
            BuyerSpec("region", "Région Occitanie — direction des lycées", BuyerKind.REGION),
            BuyerSpec("state", "Université Garonne-Pyrénées", BuyerKind.STATE),
        ),
        contracts=(
            ContractSpec(
                "rehabilitation",
                "habitat",
                "Les Platanes",
                4_800_000,
                D(2024, 2, 5),
                26,
                True,
                n=140,
            ),
            ContractSpec(
                "school",
                "region",
                "",
                7_600_000,
                D(2024, 9, 2),
                30,
                object="Extension et restructuration du lycée professionnel Clément-Ader",
            ),
            ContractSpec("waste", "metropole", "quartiers nord", 3_200_000, D(2024, 1, 15), 48),
            ContractSpec(
                "gym", "state", "universitaire de Rangueil", 2_300_000, D(2025, 3, 3), 18, pace=0.45
            ),
            ContractSpec("heritage", "metropole", "lavoirs et murets", 420_000, D(2024, 5, 6), 30),
        ),
        npnru_buyer="habitat",
    ),
    OrganisationPlan(
        key="epci_69",
        code="CRV",
        place="Rhône-Vallons",
        buyers=(
            BuyerSpec("agglo", "Communauté d'agglomération Rhône-Vallons", BuyerKind.COMMUNE),
            BuyerSpec("habitat", "Rhône-Vallons Logement", BuyerKind.SOCIAL_LANDLORD),
            BuyerSpec(
                "departement",
                "Département du Rhône — direction des bâtiments",
                BuyerKind.DEPARTEMENT,
            ),
        ),
        contracts=(
            ContractSpec(
                "rehabilitation", "habitat", "Les Sauges", 3_900_000, D(2024, 4, 8), 24, n=96
            ),
            ContractSpec("gym", "agglo", "des Vallons", 2_700_000, D(2024, 10, 7), 20),
            ContractSpec(
                "cleaning", "departement", "collèges du secteur est", 1_400_000, D(2024, 1, 2), 36
            ),
            ContractSpec(
                "green_spaces", "agglo", "berges et parcs", 560_000, D(2024, 3, 4), 36, pace=0.5
            ),
            ContractSpec(
                "catering", "agglo", "crèches intercommunales", 900_000, D(2025, 1, 6), 24
            ),
        ),
    ),
    OrganisationPlan(
        key="dep_59",
        code="MDN",
        place="Flandres",
        buyers=(
            BuyerSpec(
                "departement", "Département du Nord — direction des collèges", BuyerKind.DEPARTEMENT
            ),
            BuyerSpec("metropole", "Métropole des Flandres", BuyerKind.COMMUNE),
            BuyerSpec("habitat", "Flandres Habitat", BuyerKind.SOCIAL_LANDLORD),
            BuyerSpec("hospital", "Centre hospitalier des Flandres", BuyerKind.HOSPITAL),
        ),
        contracts=(
            ContractSpec(
                "school",
                "departement",
                "",
                8_100_000,
                D(2024, 5, 13),
                30,
                object="Reconstruction du collège Jean-Bart",
            ),
            ContractSpec(
                "rehabilitation",
                "habitat",
                "Les Hirondelles",
                4_200_000,
                D(2025, 1, 13),
                24,
                True,
                n=110,
            ),
            ContractSpec(
                "cleaning", "hospital", "centre hospitalier", 1_700_000, D(2024, 1, 2), 36
            ),
            ContractSpec("laundry", "hospital", "centre hospitalier", 480_000, D(2024, 7, 1), 36),
            ContractSpec(
                "waste", "metropole", "métropole", 2_600_000, D(2024, 2, 5), 36, pace=0.45
            ),
        ),
        npnru_buyer="habitat",
    ),
    OrganisationPlan(
        key="plie_974",
        code="POI",
        place="Océan Indien",
        buyers=(
            BuyerSpec(
                "commune", "Communauté intercommunale du Nord de La Réunion", BuyerKind.COMMUNE
            ),
            BuyerSpec(
                "habitat", "Société immobilière de l'océan Indien", BuyerKind.SOCIAL_LANDLORD
            ),
            BuyerSpec("state", "Direction régionale de l'aménagement (DEAL)", BuyerKind.STATE),
        ),
        contracts=(
            ContractSpec(
                "rehabilitation", "habitat", "Les Flamboyants", 3_600_000, D(2024, 3, 4), 24, n=80
            ),
            ContractSpec("public_spaces", "commune", "front de mer", 2_900_000, D(2024, 11, 4), 24),
            ContractSpec("heritage", "commune", "cases créoles", 380_000, D(2024, 2, 5), 30),
            ContractSpec("opc", "state", "route du littoral", 520_000, D(2025, 2, 3), 24),
            ContractSpec(
                "green_spaces", "commune", "ravines", 450_000, D(2024, 6, 3), 30, pace=0.5
            ),
        ),
    ),
]

# Companies of every organisation: role -> (name pattern, kind).
COMPANY_ROLES = [
    ("works", "Bâtiment {place}", CompanyKind.ORDINARY),
    ("works2", "{place} Rénovation", CompanyKind.ORDINARY),
    ("works3", "Travaux publics {place}", CompanyKind.ORDINARY),
    ("cleaning", "Propreté {place}", CompanyKind.ORDINARY),
    ("engineering", "Cabinet Ingénierie {place}", CompanyKind.ORDINARY),
    ("furniture", "Mobilier urbain {place}", CompanyKind.ORDINARY),
    ("interim", "Intérim {place}", CompanyKind.ORDINARY),
    ("etti", "ETTI {place} Emploi", CompanyKind.ETTI),
    ("ai", "Association intermédiaire {place} Services", CompanyKind.AI),
    ("aci", "Chantier d'insertion {place} Nature", CompanyKind.ACI),
    ("ei", "Entreprise d'insertion {place} Second œuvre", CompanyKind.EI),
    ("geiq", "GEIQ BTP {place}", CompanyKind.GEIQ),
    ("ea", "Entreprise adaptée {place}", CompanyKind.EA),
]
WORKS_COMPANIES = ["works", "works2", "works3"]

# Modalities of the non-reserved lots: (modality, weight, company role).
MODALITIES = [
    (Modality.DIRECT_HIRE, 34, None),
    (Modality.ETTI, 28, "etti"),
    (Modality.AI, 8, "ai"),
    (Modality.GEIQ, 8, "geiq"),
    (Modality.TEMP_AGENCY, 8, "interim"),
    (Modality.SIAE_SUBCONTRACTING, 8, "ei"),
    (Modality.EA_SUBCONTRACTING, 3, "ea"),
    (Modality.TRAINING, 3, None),
]
EXIT_OUTCOMES = [
    (OutcomeDetail.CDI, 7),
    (OutcomeDetail.CDD_6_MONTHS, 9),
    (OutcomeDetail.TEMP_6_MONTHS, 6),
    (OutcomeDetail.SELF_EMPLOYED, 2),
    (OutcomeDetail.CDD_SHORT, 13),
    (OutcomeDetail.TEMP_SHORT, 12),
    (OutcomeDetail.SUBSIDISED, 5),
    (OutcomeDetail.TRAINING, 9),
    (OutcomeDetail.OTHER_SIAE, 4),
    (OutcomeDetail.JOBSEEKER, 26),
    (OutcomeDetail.INACTIVE, 4),
    (OutcomeDetail.OTHER, 3),
]
SIX_MONTH_OUTCOMES = [
    (OutcomeDetail.CDI, 11),
    (OutcomeDetail.CDD_6_MONTHS, 10),
    (OutcomeDetail.TEMP_6_MONTHS, 6),
    (OutcomeDetail.SELF_EMPLOYED, 3),
    (OutcomeDetail.CDD_SHORT, 11),
    (OutcomeDetail.TEMP_SHORT, 10),
    (OutcomeDetail.SUBSIDISED, 4),
    (OutcomeDetail.TRAINING, 8),
    (OutcomeDetail.OTHER_SIAE, 3),
    (OutcomeDetail.JOBSEEKER, 25),
    (OutcomeDetail.INACTIVE, 5),
    (OutcomeDetail.OTHER, 4),
]
EXCEPTION_REASON = (
    "Personne sans emploi depuis huit mois, sans qualification, hébergée en foyer : "
    "aucun critère de la liste ne s'applique mais son éloignement de l'emploi le justifie."
)


# --- Planning (pure Python, no database) ---------------------------------------------------


@dataclasses.dataclass
class PlannedLot:
    contract: "PlannedContract"
    number: str
    spec: LotSpec
    amount: Decimal
    clause: dict
    holder: str  # company role


@dataclasses.dataclass
class PlannedContract:
    spec: ContractSpec
    template: Template
    reference: str
    object: str
    lots: list = dataclasses.field(default_factory=list)

    @property
    def start(self):
        return self.spec.notified

    @property
    def end(self):
        return add_months(self.spec.notified, self.spec.months) - datetime.timedelta(days=1)


@dataclasses.dataclass
class PlannedMission:
    participant: int  # index
    lot: PlannedLot
    company: str  # company role
    modality: str
    work_contract_type: str
    start: datetime.date
    end: datetime.date | None
    monthly: dict  # first of month -> Decimal hours


@dataclasses.dataclass
class PlannedParticipant:
    index: int
    identifier: str
    sex: str
    first_name: str
    last_name: str
    birth_date: datetime.date
    education: str
    prescriber: str
    entry: datetime.date
    wants_qpv: bool
    address: str
    criteria: list = dataclasses.field(default_factory=list)
    missions: list = dataclasses.field(default_factory=list)
    free_from: datetime.date = FIRST_DAY


def labour_shares():
    """The published labour shares (not the edited table: the demo stays the same)."""
    return {trade: Decimal(share) for trade, _, share, _ in calculator.PUBLISHED_LABOUR_SHARES}


def clause_values(template, spec, amount, trade, share):
    """The clause of a lot, calibrated as the calculator does (same rules, same note)."""
    if template.method == CalculationMethod.FIXED:
        hours = (amount * template.hours_per_million / Decimal(1_000_000)).quantize(Decimal(1))
        return fixed_clause(template.legal_basis, hours)
    method = CalculationMethod.ANRU if spec.npnru else CalculationMethod.RATE
    calculation = calculator.calculate(
        amount=amount,
        labour_share=share,
        hourly_cost=HOURLY_COST,
        insertion_rate=Decimal(template.insertion_rate),
        method=method,
        anru_scope=calculator.AnruScope.WORKS,
        trade=trade,
    )
    return {
        "legal_basis": template.legal_basis,
        "required_hours": calculation.hours,
        "calculation_method": calculation.method,
        "labour_share": calculation.labour_share,
        "insertion_rate": calculation.insertion_rate,
        "hourly_cost": calculation.hourly_cost,
        "calculation_note": calculation.formula,
        "anru_target_hours": calculation.anru_target_hours,
    }


def plan_contracts(plan, shares, *, npnru):
    """The contracts and lots of ``plan``; without an NPNRU operation (no QPV loaded), the
    lots meant for it follow the usual insertion rate."""
    contracts, sequence = [], {}
    for spec in plan.contracts:
        template = TEMPLATES[spec.template]
        if spec.npnru and not npnru:
            spec = dataclasses.replace(spec, npnru=False)
            template = dataclasses.replace(template, method=CalculationMethod.RATE)
        key = (spec.notified.year, template.code)
        sequence[key] = sequence.get(key, 0) + 1
        contract = PlannedContract(
            spec=spec,
            template=template,
            reference=f"{spec.notified.year}-{template.code}-{sequence[key]:03d}",
            object=spec.object or template.object.format(place=spec.place, n=spec.n),
        )
        for number, lot_spec in enumerate(template.lots, start=1):
            amount = round_to(Decimal(spec.amount) * Decimal(str(lot_spec.amount_share)), 1000)
            holder = template.holder
            if holder == "works":
                holder = WORKS_COMPANIES[(len(contracts) + number) % len(WORKS_COMPANIES)]
            contract.lots.append(
                PlannedLot(
                    contract=contract,
                    number=str(number),
                    spec=lot_spec,
                    amount=amount,
                    clause=clause_values(
                        template, spec, amount, lot_spec.trade, shares[lot_spec.trade]
                    ),
                    holder=holder,
                )
            )
        contracts.append(contract)
    return contracts


def plan_participants(plan, rng):
    people, seen = [], set()
    sexes = [Sex.MALE] * 40 + [Sex.FEMALE] * 10
    rng.shuffle(sexes)
    bands = ["young"] * 13 + ["middle"] * 28 + ["senior"] * 9
    rng.shuffle(bands)
    qpv = [True] * 13 + [False] * 37
    rng.shuffle(qpv)
    for index in range(PARTICIPANTS):
        sex = sexes[index]
        age = {"young": (18, 25), "middle": (26, 49), "senior": (50, 62)}[bands[index]]
        entry = FIRST_DAY + datetime.timedelta(days=rng.randrange(0, 700))
        while True:
            first, last = person_name(rng, sex)
            birth = entry - datetime.timedelta(days=365 * rng.randint(*age) + rng.randrange(365))
            if (first, last, birth) not in seen:
                seen.add((first, last, birth))
                break
        criteria = []
        if bands[index] == "young":
            criteria.append(Criterion.YOUNG)
        elif bands[index] == "senior" and rng.random() < 0.6:
            criteria.append(Criterion.SENIOR)
        if qpv[index] and rng.random() < 0.5:
            criteria.append(Criterion.QPV_RESIDENT)
        if index % 23 == 7:
            criteria = [Criterion.EXCEPTION]
        elif not criteria or rng.random() < 0.4:
            extra = weighted(rng, EXTRA_CRITERIA)
            if extra not in criteria:
                criteria.append(extra)
        if bands[index] == "young":
            prescriber = weighted(rng, [(Prescriber.MISSION_LOCALE, 6), (Prescriber.PLIE, 2)])
        elif Criterion.RQTH in criteria or Criterion.AAH in criteria:
            prescriber = Prescriber.CAP_EMPLOI
        elif Criterion.RSA in criteria:
            prescriber = weighted(rng, [(Prescriber.DEPARTEMENT, 4), (Prescriber.PLIE, 4)])
        else:
            prescriber = weighted(
                rng,
                [
                    (Prescriber.FRANCE_TRAVAIL, 50),
                    (Prescriber.PLIE, 30),
                    (Prescriber.SIAE, 10),
                    (Prescriber.OTHER, 5),
                    (Prescriber.NONE, 5),
                ],
            )
        people.append(
            PlannedParticipant(
                index=index,
                identifier=f"{plan.code}-{index + 1:04d}",
                sex=sex,
                first_name=first,
                last_name=last,
                birth_date=birth,
                education=weighted(rng, EDUCATION),
                prescriber=prescriber,
                entry=entry,
                wants_qpv=qpv[index],
                address=f"{rng.randint(1, 140)} {rng.choice(STREETS)}",
                criteria=criteria,
                free_from=entry,
            )
        )
    return people


def monthly_hours(rng, start, end, intensity):
    """Hours per month of a mission from ``start`` to ``end`` (partial first/last months)."""
    hours = {}
    for month in months_between(start, end):
        next_month = add_months(month, 1)
        first = max(start, month)
        last = min(end, next_month - datetime.timedelta(days=1))
        worked = ((last - first).days + 1) / (next_month - month).days
        value = round(intensity * worked * rng.uniform(0.85, 1.1))
        if month.month == 8 and rng.random() < 0.5:
            value = round(value * 0.5)  # summer holidays
        value = max(0, min(value, settings.MAX_HOURS_PER_MONTH))
        if value:
            hours[month] = Decimal(value)
    return hours


def plan_missions(contracts, people, rng):
    """Missions on every lot, sized so the lot's hours follow its clause and pace."""
    lots = [lot for contract in contracts for lot in contract.lots]
    due = {}
    for lot in lots:
        contract = lot.contract
        span = (contract.end - contract.start).days + 1
        covered = (min(contract.end, LAST_DAY) - contract.start).days + 1
        due[id(lot)] = float(lot.clause["required_hours"]) * covered / span * contract.spec.pace
    per_mission = sum(due.values()) / (len(people) * 1.3)
    missions = []
    for lot in lots:
        contract = lot.contract
        count = max(1, round(due[id(lot)] / per_mission))
        window_end = min(contract.end, LAST_DAY)
        span = (window_end - contract.start).days
        for k in range(count):
            earliest = contract.start + datetime.timedelta(
                days=int(span * k / count) + rng.randrange(0, 20)
            )
            person = min(
                people,
                key=lambda p: (
                    p.free_from > earliest + datetime.timedelta(days=60),
                    len(p.missions),
                    p.free_from,
                    p.index,
                ),
            )
            start = max(earliest, person.free_from)
            if start >= window_end - datetime.timedelta(days=20):
                continue
            reserved = lot.clause["legal_basis"] in LegalBasis.reserved() or (
                lot.clause["legal_basis"] == LegalBasis.INSERTION_CONTRACT
            )
            if reserved:
                modality = Modality.DIRECT_HIRE
                company = lot.holder
                contract_type = (
                    WorkContractType.CDDI if lot.holder in ("aci", "ei") else WorkContractType.CDD
                )
            else:
                modality, _, role = rng.choices(MODALITIES, weights=[m[1] for m in MODALITIES])[0]
                company = role or lot.holder
                contract_type = weighted(rng, WORK_CONTRACTS[modality])
            intensity = rng.choice([70, 91, 105, 121, 140, 151])
            months = max(1, round(due[id(lot)] / count / intensity))
            months = min(months + rng.randint(-1, 1), 14)
            end = min(add_months(start, max(months, 1)) - datetime.timedelta(days=1), window_end)
            if end < start:
                continue
            # Hired for good on a contract still running after the demo period: no end yet.
            open_ended = contract_type == WorkContractType.CDI and end >= LAST_DAY
            mission = PlannedMission(
                participant=person.index,
                lot=lot,
                company=company,
                modality=modality,
                work_contract_type=contract_type,
                start=start,
                end=None if open_ended else end,
                monthly=monthly_hours(rng, start, end, intensity),
            )
            person.missions.append(mission)
            person.free_from = end + datetime.timedelta(days=rng.randrange(10, 90))
            missions.append(mission)
    return missions


# --- Writing through the services ---------------------------------------------------------


class OrganisationSeeder:
    """Writes the plan of one organisation; every object is found again by its natural key."""

    def __init__(self, plan, organisation, actor, index, organisations, today):
        self.plan = plan
        self.organisation = organisation
        self.actor = actor
        self.index = index
        self.organisations = organisations
        self.today = today
        self.rng = random.Random(f"clauses-demo-tracking:{plan.key}")

    # Territories ---------------------------------------------------------------------
    def territories(self):
        departement = self.organisation.departement
        self.departement = departement
        communes = []
        if departement is not None:
            communes = list(
                Commune.objects.filter(departement=departement, kind=Commune.Kind.COMMUNE)
                .exclude(lat=None)
                .order_by("-population", "code")[:25]
            )
        if self.organisation.commune_id and self.organisation.commune not in communes:
            communes.insert(0, self.organisation.commune)
        self.communes = communes
        self.qpvs = []
        if departement is not None:
            qpvs = Qpv.objects.filter(
                departement=departement, list_year=qpv_list_in_force(FIRST_DAY)
            ).exclude(geometry=None)
            home = self.organisation.commune_id
            near = list(qpvs.filter(communes=home).order_by("code")[:8]) if home else []
            self.qpvs = near or list(qpvs.order_by("code")[:8])

    def location(self, person):
        """(commune, lat, lon) of a participant's address: inside a QPV when planned so."""
        if person.wants_qpv and self.qpvs:
            qpv = self.qpvs[person.index % len(self.qpvs)]
            point = shapely.from_wkb(bytes(qpv.geometry)).point_on_surface()
            commune = qpv.communes.order_by("code").first() or (
                self.communes[0] if self.communes else None
            )
            return commune, point.y, point.x
        if not self.communes:
            return None, None, None
        commune = self.communes[person.index % len(self.communes)]
        if commune.lat is None:
            return commune, None, None
        # A few hundred metres around the centre, always the same for a participant.
        return (
            commune,
            commune.lat + self.rng.uniform(-0.01, 0.01),
            commune.lon + self.rng.uniform(-0.01, 0.01),
        )

    # Procurement ---------------------------------------------------------------------
    def buyers(self):
        existing = {b.siret: b for b in Buyer.objects.filter(organisation=self.organisation)}
        result = {}
        for number, spec in enumerate(self.plan.buyers):
            siret = demo_siret(1000 + self.index * 50 + number)
            account = self.organisations.get(spec.account) if spec.account else None
            result[spec.key] = procurement_services.save_buyer(
                actor=self.actor,
                organisation=self.organisation,
                buyer=existing.get(siret),
                name=spec.name,
                siret=siret,
                kind=spec.kind,
                departement=self.departement,
                account=account,
            )
        return result

    def companies(self):
        existing = {c.siret: c for c in Company.objects.filter(organisation=self.organisation)}
        result = {}
        for number, (role, pattern, kind) in enumerate(COMPANY_ROLES):
            name = pattern.format(place=self.plan.place)
            if role == "works" and self.plan.works_company:
                name = self.plan.works_company
            if role == "etti" and self.plan.etti_company:
                name = self.plan.etti_company
            siret = demo_siret(3000 + self.index * 50 + number)
            commune = self.communes[number % len(self.communes)] if self.communes else None
            result[role] = procurement_services.save_company(
                actor=self.actor,
                organisation=self.organisation,
                company=existing.get(siret),
                name=name,
                siret=siret,
                kind=kind,
                commune=commune,
            )
        return result

    def operations(self, buyers):
        existing = {o.name: o for o in Operation.objects.filter(organisation=self.organisation)}
        result = {}
        if self.plan.npnru_buyer and self.qpvs:
            qpv = self.qpvs[0]
            name = f"NPNRU — quartier {qpv.name}"
            result["npnru"] = procurement_services.save_operation(
                actor=self.actor,
                organisation=self.organisation,
                operation=existing.get(name),
                name=name,
                buyer=buyers[self.plan.npnru_buyer],
                is_npnru=True,
                qpv=qpv,
                anru_target_rate=Decimal("0.05"),
                description=(
                    f"Projet de renouvellement urbain du quartier {qpv.name} ({qpv.code}) : "
                    "réhabilitations, démolitions et aménagement des espaces publics. La charte "
                    "ANRU réserve au moins 5 % des heures travaillées aux habitants des QPV."
                ),
            )
        for name in self.plan.operations:
            result[name] = procurement_services.save_operation(
                actor=self.actor,
                organisation=self.organisation,
                operation=existing.get(name),
                name=name,
                buyer=None,
                is_npnru=False,
                qpv=None,
                anru_target_rate=None,
                description="Opération de construction suivie par la structure.",
            )
        return result

    def contracts(self, planned, buyers, operations, companies):
        existing = {c.reference: c for c in Contract.objects.filter(organisation=self.organisation)}
        lots, links = {}, {}
        for item in planned:
            spec = item.spec
            operation = operations.get("npnru") if spec.npnru else operations.get(spec.operation)
            contract = procurement_services.save_contract(
                actor=self.actor,
                organisation=self.organisation,
                contract=existing.get(item.reference),
                buyer=buyers[spec.buyer],
                operation=operation,
                reference=item.reference,
                object=item.object,
                kind=item.template.kind,
                cpv_code=item.template.cpv,
                amount_excl_tax=Decimal(spec.amount),
                notification_date=spec.notified,
                duration_months=spec.months,
            )
            lot_objects = {lot.number: lot for lot in Lot.objects.filter(contract=contract)}
            links.update(
                {
                    (link.lot_id, link.company_id): link.role
                    for link in LotCompany.objects.filter(lot__contract=contract)
                }
            )
            for planned_lot in item.lots:
                lot = procurement_services.save_lot(
                    actor=self.actor,
                    contract=contract,
                    lot=lot_objects.get(planned_lot.number),
                    clause=planned_lot.clause,
                    number=planned_lot.number,
                    title=planned_lot.spec.title,
                    amount_excl_tax=planned_lot.amount,
                )
                lots[id(planned_lot)] = lot
                self.link(links, lot, companies[planned_lot.holder], LotRole.HOLDER)
        return lots, links

    def link(self, links, lot, company, role):
        if links.get((lot.pk, company.pk)) == role or (
            role != LotRole.HOLDER and (lot.pk, company.pk) in links
        ):
            return
        procurement_services.set_lot_company(actor=self.actor, lot=lot, company=company, role=role)
        links[(lot.pk, company.pk)] = role

    # Insertion -----------------------------------------------------------------------
    def participants(self, people):
        existing = {
            p.identifier: p for p in Participant.objects.filter(organisation=self.organisation)
        }
        result = {}
        for person in people:
            commune, lat, lon = self.location(person)
            start = person.missions[0].start if person.missions else person.entry
            values = {
                "identifier": person.identifier,
                "last_name": person.last_name,
                "first_name": person.first_name,
                "birth_date": person.birth_date,
                "address": person.address if commune else "",
                "postal_code": (commune.postal_codes or [""])[0] if commune else "",
                "sex": person.sex,
                "commune": commune,
                "education_level": person.education,
                "prescriber": person.prescriber,
                "exception_reason": (
                    EXCEPTION_REASON if Criterion.EXCEPTION in person.criteria else ""
                ),
            }
            if lat is not None:
                qpv, list_year = insertion_services.qpv_at(lat=lat, lon=lon, on=start)
                values |= {
                    "qpv": qpv,
                    "qpv_list_year": list_year,
                    "qpv_source": QpvSource.GEOCODED,
                }
            else:
                values |= {"qpv": None, "qpv_list_year": None, "qpv_source": QpvSource.NONE}
            participant = insertion_services.save_participant(
                actor=self.actor,
                organisation=self.organisation,
                participant=existing.get(person.identifier),
                **values,
            )
            result[person.index] = participant
            self.eligibility(participant, person, start)
        return result

    def eligibility(self, participant, person, start):
        existing = set(
            Eligibility.objects.filter(participant=participant).values_list(
                "criterion", "assessed_on"
            )
        )
        assessed = start - datetime.timedelta(days=7 + person.index % 40)
        for criterion in person.criteria:
            if (criterion, assessed) in existing:
                continue
            insertion_services.add_eligibility(
                actor=self.actor,
                participant=participant,
                criterion=criterion,
                assessed_on=assessed,
                valid_until=add_months(assessed, 24),
                note="Attestation vérifiée par le facilitateur",
            )

    def missions(self, planned, participants, lots, companies, links):
        existing = {
            (m.participant_id, m.lot_id, m.company_id, m.start_date): m
            for m in Mission.objects.filter(participant__organisation=self.organisation)
        }
        result = []
        for item in planned:
            participant = participants[item.participant]
            lot = lots[id(item.lot)]
            company = companies[item.company]
            if item.modality in (Modality.SIAE_SUBCONTRACTING, Modality.EA_SUBCONTRACTING):
                self.link(links, lot, company, LotRole.SUBCONTRACTOR)
            mission = insertion_services.save_mission(
                actor=self.actor,
                organisation=self.organisation,
                mission=existing.get((participant.pk, lot.pk, company.pk, item.start)),
                participant=participant,
                lot=lot,
                company=company,
                modality=item.modality,
                work_contract_type=item.work_contract_type,
                start_date=item.start,
                end_date=item.end,
            )
            result.append((item, mission))
        return result

    def hours(self, missions):
        """One declaration per month, as a facilitator enters them once the month is over:
        up to last month, whose hours are still missing for one company (its timesheets not
        received yet: what the dashboard's « missions sans heures » shows). A later run, a
        month on, enters them."""
        last_month = add_months(first_of_month(self.today), -1)
        waited_for = min(
            (mission.company_id for item, mission in missions if last_month in item.monthly),
            default=None,
        )
        by_month = {}
        for item, mission in missions:
            for month, hours in item.monthly.items():
                if month < last_month or (month == last_month and mission.company_id != waited_for):
                    by_month.setdefault(month, []).append((mission, month, hours))
        changed = 0
        for month in sorted(by_month):
            changed += insertion_services.declare_hours(actor=self.actor, entries=by_month[month])
        return changed

    def outcomes(self, missions, people):
        existing = {
            (o.mission_id, o.moment): (o.detail, o.observed_on)
            for o in Outcome.objects.filter(mission__participant__organisation=self.organisation)
        }
        by_index = {id(item): mission for item, mission in missions}
        for person in people:
            if not person.missions:
                continue
            last = person.missions[-1]
            mission = by_index[id(last)]
            if last.end is None or last.end >= self.today:
                continue
            rng = random.Random(f"clauses-demo-outcome:{self.plan.key}:{person.index}")
            moments = [(OutcomeMoment.EXIT, last.end, weighted(rng, EXIT_OUTCOMES))]
            six_months = add_months(last.end, 6)
            if six_months <= self.today and rng.random() < 0.8:
                moments.append(
                    (OutcomeMoment.SIX_MONTHS, six_months, weighted(rng, SIX_MONTH_OUTCOMES))
                )
            for moment, observed_on, detail in moments:
                if existing.get((mission.pk, moment)) == (detail, observed_on):
                    continue
                insertion_services.record_outcome(
                    actor=self.actor,
                    mission=mission,
                    moment=moment,
                    detail=detail,
                    observed_on=observed_on,
                )

    def run(self, shares):
        self.territories()
        npnru = bool(self.plan.npnru_buyer and self.qpvs)
        planned_contracts = plan_contracts(self.plan, shares, npnru=npnru)
        people = plan_participants(self.plan, self.rng)
        planned_missions = plan_missions(planned_contracts, people, self.rng)
        buyers = self.buyers()
        companies = self.companies()
        operations = self.operations(buyers)
        lots, links = self.contracts(planned_contracts, buyers, operations, companies)
        participants = self.participants(people)
        missions = self.missions(planned_missions, participants, lots, companies, links)
        self.hours(missions)
        self.outcomes(missions, people)


def _actors(memberships):
    """The demo facilitator of each organisation (the organisation's first one), if any."""
    actors = {}
    for membership in memberships:
        if membership.role == Role.FACILITATOR:
            actors.setdefault(membership.organisation_id, membership.user)
    return actors


def seed_tracking(*, organisations, memberships, today):
    """Seed (or bring up to date) the tracking data of the demo facilitator organisations.

    ``organisations`` is the dict of ``services.seed_organisations``; returns counts."""
    actors = _actors(memberships)
    shares = labour_shares()
    seeded = []
    for index, plan in enumerate(PLANS):
        organisation = organisations.get(plan.key)
        if organisation is None:
            continue
        actor = actors.get(organisation.pk, SYSTEM_ACTOR)
        try:
            OrganisationSeeder(plan, organisation, actor, index, organisations, today).run(shares)
        except DomainError as exc:  # a demo plan breaking a rule is a bug of the plan
            raise RuntimeError(f"{organisation} : {exc.message}") from exc
        seeded.append(organisation)
    return summary(seeded)


def summary(organisations):
    hours = HoursDeclaration.objects.filter(
        mission__lot__contract__organisation__in=organisations
    ).aggregate(total=Sum("hours"), rows=Count("pk"))
    return {
        "organisations": len(organisations),
        "buyers": Buyer.objects.filter(organisation__in=organisations).count(),
        "contracts": Contract.objects.filter(organisation__in=organisations).count(),
        "lots": Lot.objects.filter(contract__organisation__in=organisations).count(),
        "companies": Company.objects.filter(organisation__in=organisations).count(),
        "participants": Participant.objects.filter(organisation__in=organisations).count(),
        "missions": Mission.objects.filter(participant__organisation__in=organisations).count(),
        "hours": hours["total"] or Decimal(0),
        "declarations": hours["rows"],
        "outcomes": Outcome.objects.filter(
            mission__participant__organisation__in=organisations
        ).count(),
        "departements": Departement.objects.filter(
            pk__in=[o.departement_id for o in organisations if o.departement_id]
        ).count(),
    }
