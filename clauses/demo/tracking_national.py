"""One national year of tracking data, with the published profile (DOMAIN.md § 2).

``python manage.py seed_demo --scale national --year 2020 [--seed N]`` generates about
370 facilitator structures, 3,500 buyers, 46,500 contracts with a clause, 48,000
participants, 60,000 missions and 20 million insertion hours, so that national
consolidations, reports and benchmarks run on a realistic volume.

Rules: the same as the services, applied in Python before a bulk write (``bulk_create``
in batches): valid SIRETs (``validate_siret``), every lot with its clause (calibrated by
``calculator.calculate`` like the calculator page), missions checked by
``check_mission``, every monthly declaration checked by ``check_hours`` (ceiling
``settings.MAX_HOURS_PER_MONTH``, within the mission's dates), outcomes after the end of
their mission, one participant per identifier and per name and birth date. A sample of
every model also goes through ``full_clean``. One audit entry sums the generation up (the
services would write one per row).

Determinism: the structures, their buyers, companies and NPNRU operations come from a
fixed random generator (they are the same whatever the seed and the year, and are reused
when several years are generated into one database); the year's contracts, participants,
missions and hours come from ``random.Random(f"...:{seed}:{year}")``. Nothing depends on
dict or set ordering, on the clock or on primary keys. Contract references and participant
identifiers start with the year, so several years coexist; a year already generated is
refused.

Figures and assumptions (DOMAIN.md § 2 gives hours, works share of ETP, reserved share of
ETP, share of men and of QPV residents for 2020, the 2021 counts, and ~32 % direct hire /
~30 % ETTI, unverified; everything else is an assumption, marked « hypothèse »):

- structures: 370 (2022 count), the same every year; buyers: 3,500 (2021: 3,576);
- contracts with a clause: 58,454 in 2021, scaled by the hours (≈ 46,500 in 2020);
- participants 48,000 and missions 60,000 in 2020; 57,231 and 75,194 in 2021; other years
  scale the 2020 counts by their hours (7.7 M in 2013 ... 25.1 M in 2021, interpolated);
- companies: 10,900 in 2014 for 8.4 M hours; hypothèse 20,000 in 2020;
- hours by market kind: works 56 % (published), services 36 %, supplies 2 %,
  intellectual services 6 % (hypothèse); reserved contracts 8 % (published);
- modalities (hours): direct hire 32 %, ETTI 30 % (published, unverified), AI 8 %,
  GEIQ 7 %, temp agency 9 %, SIAE subcontracting 10 %, EA subcontracting 2 %, training 2 %
  (hypothèse); reserved and insertion (R2123-1) contracts are carried out by their SIAE,
  EA or ESAT holder's direct hires;
- participants: 82 % men, 23 % QPV residents (published); age bands < 26: 25 %,
  26-49: 57 %, 50+: 18 % (hypothèse);
- buyers by kind (hypothèse): communes and EPCI 45 %, social landlords 18 %, State 9 %,
  hospitals 7 %, public companies 7 %, départements 6 %, regions 3 %, private 3 %, other 2 %.

QPV: a resident's QPV is taken from the list in force in the year (2015 list until 2023),
in the structure's département, else its region, else anywhere. The 2015 list is only
loaded for Occitanie: elsewhere the 2024 contours stand in (``qpv_list_year`` = 2024, so
the participant stays consistent with the rule of ``save_participant``). Without any QPV
row, no participant can have a QPV: the residents are then marked by the « habitant d'un
QPV » eligibility criterion and the summary says so.

Missions run within the year; those still running on 31 December have no end date yet
(a snapshot at the end of the year).
"""

import bisect
import dataclasses
import datetime
import itertools
import math
import random
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from clauses.accounts.enums import FacilitatorKind, OrganisationKind
from clauses.accounts.models import Organisation
from clauses.core import audit
from clauses.core.dates import add_months, days_in_month
from clauses.core.validators import validate_siret
from clauses.insertion import identity
from clauses.insertion import services as insertion_services
from clauses.insertion.enums import (
    OUTCOME_KIND_OF_DETAIL,
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
from clauses.procurement.calculator import format_number
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
    Clause,
    Company,
    Contract,
    Lot,
    LotCompany,
    Operation,
)
from clauses.procurement.services import full_clean_or_raise
from clauses.territories.enums import QpvList, Zone, qpv_list_in_force
from clauses.territories.models import Commune, Departement, Qpv

from .tracking_common import (
    EDUCATION,
    EXTRA_CRITERIA,
    LAST_NAMES,
    WORK_CONTRACTS,
    demo_siret,
    fixed_clause,
    french_percent,
    largest_remainder,
    months_between,
    person_name,
    profile,
    round_to,
    weighted,
)
from .tracking_common import share as ratio

STRUCTURE_SEED = "clauses-demo-national-structures-v1"
FIRST_YEAR = 2015  # the first QPV list
BATCH = 5000  # objects per bulk_create call (SQLite splits them further by its limit)
ACTOR = "Jeu de données national (seed_demo --scale national)"
SAMPLE = 25  # objects of each model validated with full_clean

# Published insertion hours (DOMAIN.md § 2, data/clauses/); other years are interpolated.
PUBLISHED_HOURS = {
    2013: 7_700_000,
    2014: 8_400_000,
    2015: 10_070_000,
    2017: 13_000_000,
    2020: 20_000_000,
    2021: 25_124_684,
}
STRUCTURES = 370
BUYERS = 3500
COMPANIES_2020 = 20_000
NPNRU_OPERATIONS = 450
COUNTS = {
    2020: {"participants": 48_000, "missions": 60_000, "contracts": 46_500},
    2021: {"participants": 57_231, "missions": 75_194, "contracts": 58_454},
}

# Hours by (contract kind, reserved): shares of the year's hours.
CATEGORY_SHARES = {
    (ContractKind.WORKS, False): 0.545,
    (ContractKind.WORKS, True): 0.015,
    (ContractKind.SERVICES, False): 0.30,
    (ContractKind.SERVICES, True): 0.06,
    (ContractKind.SUPPLIES, False): 0.017,
    (ContractKind.SUPPLIES, True): 0.003,
    (ContractKind.INTELLECTUAL, False): 0.058,
    (ContractKind.INTELLECTUAL, True): 0.002,
}
NON_RESERVED_BASES = [
    (LegalBasis.EXECUTION_CLAUSE, 85),
    (LegalBasis.AWARD_CRITERION, 7),
    (LegalBasis.INSERTION_CONTRACT, 8),
]
RESERVED_BASES = [
    (LegalBasis.RESERVED_SIAE, 55),
    (LegalBasis.RESERVED_DISABLED, 35),
    (LegalBasis.RESERVED_ESS, 7),
    (LegalBasis.RESERVED_PRISON, 3),
]
MODALITY_SHARES = [
    (Modality.DIRECT_HIRE, 0.32),
    (Modality.ETTI, 0.30),
    (Modality.AI, 0.08),
    (Modality.GEIQ, 0.07),
    (Modality.TEMP_AGENCY, 0.09),
    (Modality.SIAE_SUBCONTRACTING, 0.10),
    (Modality.EA_SUBCONTRACTING, 0.02),
    (Modality.TRAINING, 0.02),
]
MEN_SHARE = 0.82
QPV_SHARE = 0.23
WORKS_SHARE = 0.56
RESERVED_SHARE = 0.08
AGE_SHARES = [("young", 0.25), ("middle", 0.57), ("senior", 0.18)]
AGES = {"young": (18, 25), "middle": (26, 49), "senior": (50, 63)}
BUYER_KINDS = [
    (BuyerKind.COMMUNE, 45),
    (BuyerKind.SOCIAL_LANDLORD, 18),
    (BuyerKind.STATE, 9),
    (BuyerKind.HOSPITAL, 7),
    (BuyerKind.PUBLIC_COMPANY, 7),
    (BuyerKind.DEPARTEMENT, 6),
    (BuyerKind.REGION, 3),
    (BuyerKind.PRIVATE, 3),
    (BuyerKind.OTHER, 2),
]
# How likely each kind of buyer is to pass each kind of contract (hypothèse).
AFFINITY = {
    ContractKind.WORKS: {
        BuyerKind.SOCIAL_LANDLORD: 1.6,
        BuyerKind.PUBLIC_COMPANY: 1.2,
        BuyerKind.STATE: 0.6,
        BuyerKind.HOSPITAL: 0.6,
        BuyerKind.OTHER: 0.5,
    },
    ContractKind.SERVICES: {
        BuyerKind.HOSPITAL: 1.4,
        BuyerKind.SOCIAL_LANDLORD: 0.8,
        BuyerKind.PRIVATE: 0.5,
    },
    ContractKind.SUPPLIES: {BuyerKind.SOCIAL_LANDLORD: 0.5, BuyerKind.PRIVATE: 0.3},
    ContractKind.INTELLECTUAL: {BuyerKind.STATE: 1.3, BuyerKind.PRIVATE: 0.3},
}
FACILITATOR_KINDS = [
    (FacilitatorKind.PLIE, 35),
    (FacilitatorKind.MDE, 25),
    (FacilitatorKind.EPCI, 20),
    (FacilitatorKind.COMMUNE, 8),
    (FacilitatorKind.DEPARTEMENT, 8),
    (FacilitatorKind.OTHER, 4),
]
# Companies every structure has (so that every modality finds its company), then the mix.
REQUIRED_COMPANIES = [
    ("etti", CompanyKind.ETTI),
    ("ai", CompanyKind.AI),
    ("geiq", CompanyKind.GEIQ),
    ("aci", CompanyKind.ACI),
    ("ei", CompanyKind.EI),
    ("ea", CompanyKind.EA),
    ("esat", CompanyKind.ESAT),
    ("interim", CompanyKind.ORDINARY),
    ("works", CompanyKind.ORDINARY),
    ("services", CompanyKind.ORDINARY),
    ("supplies", CompanyKind.ORDINARY),
    ("engineering", CompanyKind.ORDINARY),
]
COMPANY_MIX = [
    ("works", CompanyKind.ORDINARY, 44),
    ("services", CompanyKind.ORDINARY, 24),
    ("supplies", CompanyKind.ORDINARY, 6),
    ("engineering", CompanyKind.ORDINARY, 6),
    ("interim", CompanyKind.ORDINARY, 3),
    ("ei", CompanyKind.EI, 5),
    ("aci", CompanyKind.ACI, 5),
    ("etti", CompanyKind.ETTI, 2),
    ("ai", CompanyKind.AI, 2),
    ("ea", CompanyKind.EA, 2),
    ("esat", CompanyKind.ESAT, 1),
    ("eiti", CompanyKind.EITI, 0.5),
    ("geiq", CompanyKind.GEIQ, 0.5),
]
COMPANY_NAMES = {
    "works": [
        "{last} Bâtiment",
        "{last} Construction",
        "BTP {place}",
        "{last} Rénovation",
        "Travaux publics {place}",
        "{last} Couverture",
        "Peinture {last}",
        "{last} Électricité",
    ],
    "services": [
        "{last} Propreté",
        "Nettoyage {place}",
        "{place} Espaces verts",
        "{last} Services",
        "Restauration {place}",
    ],
    "supplies": ["{place} Mobilier", "{last} Équipements", "Signalisation {place}"],
    "engineering": ["Bureau d'études {last}", "Cabinet {last} Ingénierie", "{place} Conseil"],
    "interim": ["Intérim {place}", "{last} Travail temporaire"],
    "etti": ["ETTI {place} Tremplin", "ETTI {last} Insertion"],
    "ai": ["Association intermédiaire {place} Services", "AI {place} Solidarité"],
    "geiq": ["GEIQ BTP {dep}", "GEIQ Propreté {dep}"],
    "aci": ["Chantier d'insertion {place} Nature", "ACI {place} Patrimoine"],
    "ei": ["Entreprise d'insertion {place} Bâtiment", "EI {last} Second œuvre"],
    "eiti": ["EITI {place} Indépendants"],
    "ea": ["Entreprise adaptée {place}", "EA {last} Services"],
    "esat": ["ESAT {place}", "ESAT Les Ateliers {de_place}"],
}
# Lot kinds per market kind: (title, labour share, object of a one-lot contract, CPV).
LOT_KINDS = {
    ContractKind.WORKS: [
        (trade, share, None, None)
        for trade, kind, share, _ in calculator.PUBLISHED_LABOUR_SHARES
        if kind == "travaux"
    ],
    ContractKind.SERVICES: [
        ("Nettoyage des locaux", "0.80", "Nettoyage des locaux administratifs", "90911200"),
        ("Entretien des espaces verts", "0.60", "Entretien des espaces verts", "77310000"),
        ("Collecte des déchets", "0.50", "Collecte des déchets et propreté urbaine", "90511000"),
        ("Restauration collective", "0.45", "Restauration scolaire et collective", "55523100"),
        ("Blanchisserie", "0.55", "Blanchisserie et entretien du linge", "98310000"),
        ("Accueil et gardiennage", "0.75", "Accueil, gardiennage et surveillance", "79713000"),
        (
            "Maintenance des bâtiments",
            "0.50",
            "Maintenance et petits travaux des bâtiments",
            "50700000",
        ),
    ],
    ContractKind.SUPPLIES: [
        ("Fourniture et pose de mobilier", "0.20", "Fourniture et pose de mobilier", "39100000"),
        ("Fourniture de repas", "0.30", "Fourniture de repas en liaison froide", "15894200"),
        ("Signalisation", "0.25", "Fourniture et pose de signalisation", "34928470"),
    ],
    ContractKind.INTELLECTUAL: [
        ("Maîtrise d'œuvre", "0.60", "Mission de maîtrise d'œuvre", "71000000"),
        ("Études et diagnostics", "0.60", "Études et diagnostics techniques", "71300000"),
        ("Assistance à maîtrise d'ouvrage", "0.65", "Assistance à maîtrise d'ouvrage", "71541000"),
        ("Prestations informatiques", "0.60", "Prestations informatiques", "72000000"),
    ],
}
# Objects of works contracts: (pattern, CPV, minimum amount, euros per dwelling or None).
WORKS_OBJECTS = [
    ("Réhabilitation de {n} logements", "45453000", 300_000, 45_000),
    ("Construction de {n} logements sociaux", "45211000", 800_000, 160_000),
    ("Construction d'un groupe scolaire", "45214200", 3_000_000, None),
    ("Extension d'un établissement de santé", "45215140", 2_000_000, None),
    ("Construction d'un équipement sportif", "45212200", 1_000_000, None),
    ("Rénovation énergétique de bâtiments publics", "45321000", 0, None),
    ("Aménagement de voirie et réseaux divers", "45233000", 0, None),
    ("Démolition et désamiantage", "45111100", 0, None),
    ("Travaux d'entretien et de grosses réparations", "45453000", 0, None),
]
KIND_CODES = {
    ContractKind.WORKS: "TX",
    ContractKind.SERVICES: "SV",
    ContractKind.SUPPLIES: "FO",
    ContractKind.INTELLECTUAL: "PI",
}
MODALITY_COMPANY = {
    Modality.ETTI: ["etti"],
    Modality.AI: ["ai"],
    Modality.GEIQ: ["geiq"],
    Modality.TEMP_AGENCY: ["interim"],
    Modality.SIAE_SUBCONTRACTING: ["ei", "aci", "eiti"],
    Modality.EA_SUBCONTRACTING: ["ea", "esat"],
}
HOLDER_ROLES = {
    LegalBasis.RESERVED_SIAE: ["ei", "aci", "ai", "etti"],
    LegalBasis.RESERVED_DISABLED: ["ea", "esat"],
    LegalBasis.RESERVED_ESS: ["services", "works"],
    LegalBasis.RESERVED_PRISON: ["services"],
    LegalBasis.INSERTION_CONTRACT: ["aci", "ei"],
}
HOLDER_BY_KIND = {
    ContractKind.WORKS: "works",
    ContractKind.SERVICES: "services",
    ContractKind.SUPPLIES: "supplies",
    ContractKind.INTELLECTUAL: "engineering",
}
EXIT_OUTCOMES = [
    (OutcomeDetail.CDI, 6),
    (OutcomeDetail.CDD_6_MONTHS, 8),
    (OutcomeDetail.TEMP_6_MONTHS, 6),
    (OutcomeDetail.SELF_EMPLOYED, 2),
    (OutcomeDetail.CDD_SHORT, 14),
    (OutcomeDetail.TEMP_SHORT, 12),
    (OutcomeDetail.SUBSIDISED, 4),
    (OutcomeDetail.TRAINING, 9),
    (OutcomeDetail.OTHER_SIAE, 4),
    (OutcomeDetail.JOBSEEKER, 28),
    (OutcomeDetail.INACTIVE, 4),
    (OutcomeDetail.OTHER, 3),
]
SIX_MONTH_OUTCOMES = [
    (OutcomeDetail.CDI, 10),
    (OutcomeDetail.CDD_6_MONTHS, 10),
    (OutcomeDetail.TEMP_6_MONTHS, 6),
    (OutcomeDetail.SELF_EMPLOYED, 3),
    (OutcomeDetail.CDD_SHORT, 11),
    (OutcomeDetail.TEMP_SHORT, 10),
    (OutcomeDetail.SUBSIDISED, 4),
    (OutcomeDetail.TRAINING, 8),
    (OutcomeDetail.OTHER_SIAE, 3),
    (OutcomeDetail.JOBSEEKER, 26),
    (OutcomeDetail.INACTIVE, 5),
    (OutcomeDetail.OTHER, 4),
]
MISSION_MONTHS = [(1, 15), (2, 20), (3, 20), (4, 10), (5, 8), (6, 7), (8, 8), (10, 6), (12, 6)]
INTENSITIES = [(35, 5), (60, 10), (80, 15), (100, 20), (121, 20), (140, 15), (151, 15)]
EXCEPTION_REASON = (
    "Aucun critère de la liste ne s'applique ; l'éloignement durable de l'emploi justifie "
    "la dérogation (décision motivée du facilitateur)."
)


class GenerationRefused(Exception):
    """The generation cannot run (message in French, for the command)."""


def _de(name):
    """« de Lyon », « d'Angers », « du Havre », « des Ulis »."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1] in "AEIOUYÉÈÊÂÎÔH":
        return "d'" + name
    return "de " + name


def quota(rng, n, shares):
    """A shuffled list of ``n`` labels with exactly the given shares (largest remainder)."""
    counts = largest_remainder(n, [round(share * 10**6) for _, share in shares])
    labels = [label for (label, _), count in zip(shares, counts, strict=True) for _ in range(count)]
    rng.shuffle(labels)
    return labels


def systematic(rng, items, weight, shares):
    """Assign a label of ``shares`` to each item so that the labels' total weights follow
    the shares (systematic sampling over the items in a random order)."""
    order = list(items)
    rng.shuffle(order)
    total = sum(weight(item) for item in order) or 1.0
    bounds = list(itertools.accumulate(share for _, share in shares))
    scale = bounds[-1]
    labels = [label for label, _ in shares]
    assigned = {}
    cumulative = 0.0
    for item in order:
        w = weight(item)
        middle = (cumulative + w / 2) / total * scale
        cumulative += w
        assigned[id(item)] = labels[min(bisect.bisect_left(bounds, middle), len(labels) - 1)]
    return assigned


# --- Year profile ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class YearTargets:
    year: int
    hours: int
    participants: int
    missions: int
    contracts: int
    companies: int
    structures: int = STRUCTURES
    buyers: int = BUYERS
    works_share: float = WORKS_SHARE
    reserved_share: float = RESERVED_SHARE
    men_share: float = MEN_SHARE
    qpv_share: float = QPV_SHARE

    def scaled(self, fraction):
        def part(value):
            return max(1, round(value * fraction))

        return dataclasses.replace(
            self,
            hours=part(self.hours),
            participants=part(self.participants),
            missions=max(part(self.missions), part(self.participants)),
            contracts=part(self.contracts),
            companies=part(self.companies),
            structures=max(2, round(self.structures * fraction)),
            buyers=part(self.buyers),
        )


def published_hours(year):
    known = sorted(PUBLISHED_HOURS)
    if year in PUBLISHED_HOURS:
        return PUBLISHED_HOURS[year]
    if year > known[-1]:
        return PUBLISHED_HOURS[known[-1]]
    before = max(y for y in known if y < year)
    after = min(y for y in known if y > year)
    low, high = PUBLISHED_HOURS[before], PUBLISHED_HOURS[after]
    return round(low + (high - low) * (year - before) / (after - before))


def targets(year):
    hours = published_hours(year)
    ratio = hours / PUBLISHED_HOURS[2020]
    counts = COUNTS.get(year) or {k: round(v * ratio) for k, v in COUNTS[2020].items()}
    return YearTargets(year=year, hours=hours, companies=round(COMPANIES_2020 * ratio), **counts)


# --- Territories ----------------------------------------------------------------------------


@dataclasses.dataclass
class Territories:
    departements: list  # Departement, ordered by code
    communes: dict  # departement pk -> list of (pk, name, first postal code, epci name)
    commune_weights: dict  # departement pk -> cumulative population weights
    populations: dict  # departement pk -> population
    qpvs: dict  # (list year, departement pk) -> [(pk, name, list year, commune pk, code)]
    qpvs_by_region: dict  # (list year, region pk) -> list
    qpvs_all: dict  # list year -> list
    postal_codes: dict  # commune pk -> first postal code

    @property
    def has_qpv(self):
        return any(self.qpvs_all.values())

    def pick_commune(self, rng, departement_id):
        communes = self.communes.get(departement_id)
        if not communes:
            return None
        weights = self.commune_weights[departement_id]
        return communes[bisect.bisect_right(weights, rng.random() * weights[-1])]

    def pick_town(self, rng, departement_id, towns=12):
        """One of the ``towns`` most populated communes of the département (by population),
        where structures, buyers and works mostly are."""
        communes = self.communes.get(departement_id)
        if not communes:
            return None
        weights = self.commune_weights[departement_id][:towns]
        return communes[bisect.bisect_right(weights, rng.random() * weights[-1])]

    def pick_qpv(self, rng, departement, list_year):
        """A QPV of ``list_year`` (else of the 2024 list) in ``departement``, else in its
        region, else anywhere; None without any QPV."""
        years = list(dict.fromkeys([list_year, QpvList.QPV_2024]))
        scopes = [
            (self.qpvs, lambda year: (year, departement.pk)),
            (self.qpvs_by_region, lambda year: (year, departement.region_id)),
            (self.qpvs_all, lambda year: year),
        ]
        for table, key in scopes:
            for year in years:
                candidates = table.get(key(year))
                if candidates:
                    return candidates[rng.randrange(len(candidates))]
        return None


def load_territories():
    departements = list(
        Departement.objects.exclude(zone=Zone.COM).select_related("region").order_by("code")
    )
    if not departements:
        departements = list(Departement.objects.select_related("region").order_by("code"))
    keep = {d.pk for d in departements}
    communes, weights, populations, postal = {}, {}, {}, {}
    rows = (
        Commune.objects.filter(kind=Commune.Kind.COMMUNE, departement_id__in=keep)
        .order_by("departement_id", "-population", "code")
        .values_list("pk", "name", "postal_codes", "epci__name", "population", "departement_id")
    )
    for pk, name, postal_codes, epci, population, departement_id in rows:
        postal[pk] = (postal_codes or [""])[0]
        communes.setdefault(departement_id, []).append((pk, name, postal[pk], epci or ""))
        cumulative = weights.setdefault(departement_id, [])
        cumulative.append((cumulative[-1] if cumulative else 0) + (population or 1))
        populations[departement_id] = populations.get(departement_id, 0) + (population or 0)
    region_of = {d.pk: d.region_id for d in departements}
    first_commune = {}
    links = Qpv.communes.through.objects.order_by("qpv_id", "commune__code").values_list(
        "qpv_id", "commune_id"
    )
    for qpv_id, commune_id in links:
        first_commune.setdefault(qpv_id, commune_id)
    qpvs, by_region, everywhere = {}, {}, {}
    for pk, name, list_year, departement_id, code in Qpv.objects.order_by(
        "list_year", "code"
    ).values_list("pk", "name", "list_year", "departement_id", "code"):
        item = (pk, name, list_year, first_commune.get(pk), code)
        everywhere.setdefault(list_year, []).append(item)
        if departement_id in keep:
            qpvs.setdefault((list_year, departement_id), []).append(item)
            by_region.setdefault((list_year, region_of[departement_id]), []).append(item)
    return Territories(
        departements=departements,
        communes=communes,
        commune_weights=weights,
        populations=populations,
        qpvs=qpvs,
        qpvs_by_region=by_region,
        qpvs_all=everywhere,
        postal_codes=postal,
    )


# --- Structures (fixed whatever the seed and the year) --------------------------------------


@dataclasses.dataclass
class StructurePlan:
    index: int
    name: str
    kind: str
    departement: Departement
    commune: tuple | None
    weight: float
    buyers: list = dataclasses.field(default_factory=list)  # (siret, name, kind)
    companies: list = dataclasses.field(default_factory=list)  # (siret, name, kind, role)
    operations: list = dataclasses.field(default_factory=list)  # (name, qpv pk)


def _structure_name(kind, commune_name, departement, epci):
    if kind == FacilitatorKind.PLIE:
        return f"PLIE {_de(commune_name)}"
    if kind == FacilitatorKind.MDE:
        return f"Maison de l'emploi {_de(commune_name)}"
    if kind == FacilitatorKind.EPCI:
        return (
            f"{epci} — service des clauses sociales"
            if epci
            else (f"Communauté de communes {_de(commune_name)} — clauses sociales")
        )
    if kind == FacilitatorKind.COMMUNE:
        return f"Ville {_de(commune_name)} — mission clauses sociales"
    if kind == FacilitatorKind.DEPARTEMENT:
        return f"Département : {departement.name} — mission clauses sociales"
    return f"Association Clauses et Emploi {_de(commune_name)}"


def plan_structures(territories):
    """The 370 structures of the national data set, always the same for a territory set."""
    rng = random.Random(STRUCTURE_SEED)
    departements = territories.departements
    weights = [territories.populations.get(d.pk, 0) or 1 for d in departements]
    base = min(1, STRUCTURES // max(len(departements), 1))
    extra = largest_remainder(STRUCTURES - base * len(departements), weights)
    slots = [d for d, n in zip(departements, extra, strict=True) for _ in range(base + n)]
    rng.shuffle(slots)
    names, plans = set(), []
    for index, departement in enumerate(slots):
        for attempt in range(12):  # another kind or town when the name is taken
            kind = weighted(rng, FACILITATOR_KINDS)
            commune = territories.pick_town(rng, departement.pk, towns=8 + 4 * attempt)
            commune_name = commune[1] if commune else departement.name
            epci = commune[3] if commune else ""
            name = _structure_name(kind, commune_name, departement, epci)
            if name not in names:
                break
        else:
            name = f"{name} — antenne {index}"
        names.add(name)
        plans.append(
            StructurePlan(
                index=index,
                name=name,
                kind=kind,
                departement=departement,
                commune=commune,
                weight=math.exp(rng.gauss(0, 0.7)),
            )
        )
    total = sum(p.weight for p in plans)
    qpv_lists = [QpvList.QPV_2024, QpvList.QPV_2015]
    for plan in plans:
        srng = random.Random(f"{STRUCTURE_SEED}:{plan.index}")
        share = plan.weight / total
        _plan_buyers(plan, srng, territories, max(3, round(BUYERS * share)))
        _plan_companies(plan, srng, territories, max(16, round(COMPANIES_2020 * share)))
        qpvs = next(
            (
                territories.qpvs.get((y, plan.departement.pk))
                for y in qpv_lists
                if territories.qpvs.get((y, plan.departement.pk))
            ),
            [],
        )
        operations = min(len(qpvs), round(NPNRU_OPERATIONS * share + srng.random() * 0.5))
        chosen = srng.sample(qpvs, operations) if operations else []
        names = [f"NPNRU — quartier {q[1]}" for q in chosen]
        plan.operations = [
            (f"{name} ({q[4]})" if names.count(name) > 1 else name, q[0])
            for name, q in zip(names, chosen, strict=True)
        ]
    return plans


def _place(rng, territories, plan):
    commune = territories.pick_town(rng, plan.departement.pk, towns=30)
    return commune[1] if commune else plan.departement.name


def _plan_buyers(plan, rng, territories, count):
    departement, region = plan.departement, plan.departement.region
    names = set()
    for j in range(count):
        kind = weighted(rng, BUYER_KINDS)
        for _ in range(10):
            place = _place(rng, territories, plan)
            commune = territories.pick_town(rng, departement.pk, towns=30)
            epci = commune[3] if commune else ""
            name = {
                BuyerKind.COMMUNE: rng.choice(
                    [f"Ville {_de(place)}", epci or f"Ville {_de(place)}"]
                ),
                BuyerKind.SOCIAL_LANDLORD: rng.choice(
                    [
                        f"{place} Habitat",
                        f"Office public de l'habitat {_de(place)}",
                        f"Société d'HLM {_de(place)}",
                    ]
                ),
                BuyerKind.STATE: rng.choice(
                    [
                        f"Direction départementale des territoires ({departement.name})",
                        f"Université {_de(place)}",
                        f"Préfecture ({departement.name})",
                        f"Rectorat — lycées et collèges ({departement.name})",
                    ]
                ),
                BuyerKind.HOSPITAL: f"Centre hospitalier {_de(place)}",
                BuyerKind.PUBLIC_COMPANY: rng.choice(
                    [
                        f"Société d'économie mixte {_de(place)}",
                        f"Société publique locale d'aménagement {_de(place)}",
                    ]
                ),
                BuyerKind.DEPARTEMENT: f"Département : {departement.name}",
                BuyerKind.REGION: f"Région {region.name}",
                BuyerKind.PRIVATE: f"{rng.choice(LAST_NAMES)} Promotion (maître d'ouvrage privé)",
                BuyerKind.OTHER: f"Syndicat intercommunal {_de(place)}",
            }[kind]
            if name not in names:
                break
        else:
            name = f"{name} ({j + 1})"
        names.add(name)
        plan.buyers.append((demo_siret(60_000_000 + plan.index * 1000 + j), name, kind))


def _plan_companies(plan, rng, territories, count):
    names = set()
    roles = [(role, kind) for role, kind in REQUIRED_COMPANIES]
    mix = [((role, kind), weight) for role, kind, weight in COMPANY_MIX]
    roles += [weighted(rng, mix) for _ in range(count - len(roles))]
    for j, (role, kind) in enumerate(roles):
        place = _place(rng, territories, plan)
        for _ in range(10):
            name = rng.choice(COMPANY_NAMES[role]).format(
                last=rng.choice(LAST_NAMES),
                place=place,
                dep=plan.departement.name,
                de_place=_de(place),
            )
            if name not in names:
                break
            place = _place(rng, territories, plan)
        else:
            name = f"{name} ({j + 1})"
        names.add(name)
        commune = territories.pick_town(rng, plan.departement.pk, towns=40)
        plan.companies.append(
            (demo_siret(70_000_000 + plan.index * 2000 + j), name, kind, role, commune)
        )


# --- The year's plan ------------------------------------------------------------------------


@dataclasses.dataclass
class PlannedLot:
    contract: "PlannedContract"
    number: int
    title: str
    labour_share: Decimal
    weight: float
    legal_basis: str = ""
    clause: dict = dataclasses.field(default_factory=dict)
    amount: Decimal = Decimal(0)
    holder: int = 0  # index in the structure's companies
    co_contractor: int | None = None
    obj: Lot | None = None


@dataclasses.dataclass
class PlannedContract:
    structure: StructurePlan
    kind: str
    reserved: bool
    weight: float
    start: datetime.date = None
    months: int = 0
    window: tuple = None  # (first, last) day of the year the contract runs
    operation: int | None = None  # index of the structure's NPNRU operation
    lots: list = dataclasses.field(default_factory=list)
    obj: Contract | None = None


def _contract_dates(rng, year):
    """(notification date, duration in months): most contracts run all year."""
    draw = rng.random()
    day = datetime.date
    if draw < 0.70:  # notified in the two previous years, still running after the year
        start = day(year - 2, 1, 1) + datetime.timedelta(days=rng.randrange(0, 699))
        months = (year - start.year) * 12 + 12 - start.month + 1 + rng.randint(1, 18)
    elif draw < 0.88:  # notified during the year
        start = day(year, 1, 6) + datetime.timedelta(days=rng.randrange(0, 290))
        months = rng.randint(6, 36)
    else:  # ends during the year
        start = day(year - 3, 1, 1) + datetime.timedelta(days=rng.randrange(0, 900))
        end = day(year, 2, 15) + datetime.timedelta(days=rng.randrange(0, 280))
        months = max(1, (end.year - start.year) * 12 + end.month - start.month)
    return start, min(months, 72)


def _window(start, months, year):
    end = add_months(start, months) - datetime.timedelta(days=1)
    first, last = max(start, datetime.date(year, 1, 1)), min(end, datetime.date(year, 12, 31))
    return (first, last) if first <= last - datetime.timedelta(days=20) else None


def _required_hours(rng, lot, expected_hours, contract):
    """Hours the clause requires over the contract: the year's expected share scaled to the
    whole duration, with the calibration the calculator would give."""
    first, last = contract.window
    year_months = max(1.0, ((last - first).days + 1) / 30.4)
    lifetime = max(35.0, expected_hours * contract.months / year_months * rng.uniform(0.85, 1.25))
    cost = Decimal(rng.choice([28, 30, 32, 35]))
    share = lot.labour_share
    basis = lot.legal_basis
    fixed = basis in LegalBasis.reserved() or basis == LegalBasis.INSERTION_CONTRACT
    if fixed or (
        contract.kind in (ContractKind.SUPPLIES, ContractKind.INTELLECTUAL) and rng.random() < 0.3
    ):
        hours = Decimal(round(lifetime))
        rate = Decimal(1) if fixed else Decimal("0.10")
        lot.amount = max(Decimal(20_000), round_to(hours * cost / (share * rate), 1000))
        return fixed_clause(basis, hours)
    anru = contract.kind == ContractKind.WORKS and contract.operation is not None
    rate = (
        Decimal("0.05")
        if anru
        else Decimal(rng.choice(["0.05", "0.06", "0.07", "0.08", "0.10", "0.15"]))
    )
    amount = Decimal(lifetime) * cost / (share * rate)
    lot.amount = max(Decimal(20_000), round_to(amount, 1000))
    calculation = calculator.calculate(
        amount=lot.amount,
        labour_share=share,
        hourly_cost=cost,
        insertion_rate=rate,
        method=CalculationMethod.ANRU if anru else CalculationMethod.RATE,
        anru_scope=calculator.AnruScope.WORKS,
        trade=lot.title,
    )
    return {
        "legal_basis": basis,
        "required_hours": max(calculation.hours, Decimal(1)),
        "calculation_method": calculation.method,
        "labour_share": calculation.labour_share,
        "insertion_rate": calculation.insertion_rate,
        "hourly_cost": calculation.hourly_cost,
        "calculation_note": calculation.formula,
        "anru_target_hours": calculation.anru_target_hours,
    }


@dataclasses.dataclass
class PlannedMission:
    participant: "PlannedParticipant"
    lot: PlannedLot
    start: datetime.date
    end: datetime.date | None  # None: still running on 31 December
    last_day: datetime.date  # last day worked in the year
    monthly: list  # [(first of month, hours)]
    modality: str = ""
    work_contract_type: str = ""
    company: int = 0  # index in the structure's companies
    obj: Mission | None = None

    @property
    def hours(self):
        return sum(h for _, h in self.monthly)


@dataclasses.dataclass
class PlannedParticipant:
    structure: StructurePlan
    number: int
    missions: list = dataclasses.field(default_factory=list)
    criteria: list = dataclasses.field(default_factory=list)
    obj: Participant | None = None


def _companies_by_role(cache, structure):
    """Role -> indexes of ``structure``'s companies with that role, computed once per
    structure in ``cache`` (a dict keyed by structure index)."""
    roles = cache.get(structure.index)
    if roles is None:
        roles = cache[structure.index] = {}
        for index, company in enumerate(structure.companies):
            roles.setdefault(company[3], []).append(index)
    return roles


def _monthly(rng, start, last_day, intensity):
    hours = []
    for month in months_between(start, last_day):
        length = days_in_month(month.year, month.month)
        first = max(start, month)
        last = min(last_day, month.replace(day=length))
        worked = ((last - first).days + 1) / length
        value = round(intensity * worked * rng.uniform(0.85, 1.1))
        if value > 0:
            hours.append((month, min(value, settings.MAX_HOURS_PER_MONTH)))
    return hours


class YearGenerator:
    def __init__(self, *, year, seed, fraction, territories, structures, today):
        self.year = year
        self.today = today
        self.rng = random.Random(f"clauses-demo-national:{seed}:{year}")
        self.targets = targets(year).scaled(fraction)
        self.territories = territories
        self.structures = structures
        self.list_year = qpv_list_in_force(datetime.date(year, 1, 1))

    # Contracts and lots -------------------------------------------------------------
    def plan_contracts(self):
        rng = self.rng
        counts = largest_remainder(self.targets.contracts, [s.weight for s in self.structures])
        contracts = []
        for structure, count in zip(self.structures, counts, strict=True):
            for _ in range(max(count, 1)):
                contracts.append(
                    PlannedContract(
                        structure=structure,
                        kind="",
                        reserved=False,
                        weight=math.exp(rng.gauss(0, 1.0)),
                    )
                )
        categories = systematic(rng, contracts, lambda c: c.weight, list(CATEGORY_SHARES.items()))
        for contract in contracts:
            contract.kind, contract.reserved = categories[id(contract)]
            while True:
                contract.start, contract.months = _contract_dates(rng, self.year)
                contract.window = _window(contract.start, contract.months, self.year)
                if contract.window:
                    break
        return contracts

    def plan_lots(self, contracts):
        rng = self.rng
        lot_counts = {
            ContractKind.WORKS: [(1, 40), (2, 25), (3, 20), (4, 8), (5, 4), (6, 3)],
            ContractKind.SERVICES: [(1, 75), (2, 20), (3, 5)],
            ContractKind.SUPPLIES: [(1, 85), (2, 15)],
            ContractKind.INTELLECTUAL: [(1, 85), (2, 15)],
        }
        for contract in contracts:
            structure = contract.structure
            if contract.kind == ContractKind.WORKS and structure.operations and rng.random() < 0.3:
                contract.operation = rng.randrange(len(structure.operations))
            count = weighted(rng, lot_counts[contract.kind])
            kinds = rng.sample(LOT_KINDS[contract.kind], count)
            shares = [rng.uniform(0.5, 1.5) for _ in kinds]
            total = sum(shares)
            basis = weighted(rng, RESERVED_BASES if contract.reserved else NON_RESERVED_BASES)
            for number, ((title, labour_share, _, _), share) in enumerate(
                zip(kinds, shares, strict=True), start=1
            ):
                contract.lots.append(
                    PlannedLot(
                        contract=contract,
                        number=number,
                        title=title,
                        labour_share=Decimal(labour_share),
                        weight=contract.weight * share / total,
                        legal_basis=basis,
                    )
                )
        return [lot for contract in contracts for lot in contract.lots]

    # Participants and missions ------------------------------------------------------
    def plan_people(self, contracts, lots):
        rng = self.rng
        by_structure = {}
        for lot in lots:
            by_structure.setdefault(lot.contract.structure.index, []).append(lot)
        weights = [
            sum(lot.weight for lot in by_structure.get(s.index, [])) for s in self.structures
        ]
        people_counts = largest_remainder(self.targets.participants, weights)
        mission_counts = largest_remainder(self.targets.missions, weights)
        people, missions = [], []
        for structure, n_people, n_missions in zip(
            self.structures, people_counts, mission_counts, strict=True
        ):
            structure_lots = by_structure.get(structure.index, [])
            if not structure_lots or not n_people:
                continue
            cumulative = list(itertools.accumulate(lot.weight for lot in structure_lots))
            per_person = [1] * n_people
            extra = max(0, n_missions - n_people)
            for _ in range(extra):
                k = rng.randrange(n_people)
                if per_person[k] < 3:
                    per_person[k] += 1
            for number, count in enumerate(per_person, start=1):
                person = PlannedParticipant(structure=structure, number=number)
                self._timeline(person, count, structure_lots, cumulative)
                if person.missions:
                    people.append(person)
                    missions.extend(person.missions)
        return people, missions

    def _pick_lot(self, lots, cumulative):
        position = bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])
        return lots[min(position, len(lots) - 1)]

    def _timeline(self, person, count, lots, cumulative):
        rng = self.rng
        year_end = datetime.date(self.year, 12, 31)
        cursor = datetime.date(self.year, 1, 1) + datetime.timedelta(
            days=rng.randrange(0, 330 if count == 1 else 150)
        )
        for k in range(count):
            last_one = k == count - 1
            months = weighted(rng, MISSION_MONTHS if last_one else MISSION_MONTHS[:5])
            for _ in range(12):
                lot = self._pick_lot(lots, cumulative)
                first, last = lot.contract.window
                start = max(cursor, first)
                if start <= last - datetime.timedelta(days=14):
                    break
            else:
                return
            planned_end = add_months(start, months) - datetime.timedelta(days=rng.randrange(1, 10))
            if planned_end > year_end and last == year_end:
                end, last_day = None, year_end  # still running at the end of the year
            else:
                end = min(planned_end, last)
                last_day = end
            if end is not None and end < start:
                return
            intensity = weighted(rng, INTENSITIES)
            monthly = _monthly(rng, start, last_day, intensity)
            if not monthly:
                return
            person.missions.append(
                PlannedMission(
                    participant=person,
                    lot=lot,
                    start=start,
                    end=end,
                    last_day=last_day,
                    monthly=monthly,
                )
            )
            if end is None:
                return
            cursor = end + datetime.timedelta(days=rng.randrange(1, 45))
            if cursor > year_end - datetime.timedelta(days=30):
                return

    def scale_hours(self, missions):
        """Scale the monthly hours of each (market kind, reserved) category to its share of
        the year's hours, within the monthly ceiling."""
        ceiling = settings.MAX_HOURS_PER_MONTH
        by_category = {}
        for mission in missions:
            key = (mission.lot.contract.kind, mission.lot.contract.reserved)
            by_category.setdefault(key, []).append(mission)
        for key, share in CATEGORY_SHARES.items():
            group = by_category.get(key, [])
            target = self.targets.hours * share
            for _ in range(3):  # the ceiling may cut a little: correct twice more
                raw = sum(m.hours for m in group)
                if not raw:
                    break
                factor = target / raw
                if abs(factor - 1) < 0.0005:
                    break
                for mission in group:
                    mission.monthly = [
                        (month, max(1, min(ceiling, round(hours * factor))))
                        for month, hours in mission.monthly
                    ]

    def assign_modalities(self, missions):
        rng = self.rng
        forced, free = [], []
        for mission in missions:
            basis = mission.lot.legal_basis
            if basis in LegalBasis.reserved() or basis == LegalBasis.INSERTION_CONTRACT:
                forced.append(mission)
            else:
                free.append(mission)
        total = sum(m.hours for m in missions) or 1
        forced_hours = sum(m.hours for m in forced)
        shares = []
        for modality, share in MODALITY_SHARES:
            if modality == Modality.DIRECT_HIRE:
                share = max(0.0, share - forced_hours / total)
            shares.append((modality, share))
        assigned = systematic(rng, free, lambda m: m.hours, shares)
        companies_by_role = {}
        for mission in missions:
            structure = mission.lot.contract.structure
            roles = _companies_by_role(companies_by_role, structure)
            lot = mission.lot
            if id(mission) in assigned:
                modality = assigned[id(mission)]
                roles_wanted = MODALITY_COMPANY.get(modality)
                if roles_wanted:
                    candidates = [i for role in roles_wanted for i in roles.get(role, [])]
                    mission.company = rng.choice(candidates)
                elif lot.co_contractor is not None and rng.random() < 0.3:
                    mission.company = lot.co_contractor
                else:
                    mission.company = lot.holder
                mission.work_contract_type = weighted(rng, WORK_CONTRACTS[modality])
            else:
                modality = Modality.DIRECT_HIRE
                mission.company = lot.holder
                kind = structure.companies[lot.holder][2]
                if kind in CompanyKind.siae():
                    mission.work_contract_type = WorkContractType.CDDI
                elif kind == CompanyKind.ESAT or lot.legal_basis == LegalBasis.RESERVED_PRISON:
                    mission.work_contract_type = WorkContractType.OTHER
                else:
                    mission.work_contract_type = weighted(rng, WORK_CONTRACTS[modality][:2])
            mission.modality = modality

    def plan_holders(self, lots):
        rng = self.rng
        by_role = {}
        for lot in lots:
            roles = _companies_by_role(by_role, lot.contract.structure)
            wanted = HOLDER_ROLES.get(lot.legal_basis) or [HOLDER_BY_KIND[lot.contract.kind]]
            candidates = [i for role in wanted for i in roles.get(role, [])]
            lot.holder = rng.choice(candidates)
            if lot.legal_basis not in HOLDER_ROLES and rng.random() < 0.2:
                others = [
                    i for i in roles.get(HOLDER_BY_KIND[lot.contract.kind], []) if i != lot.holder
                ]
                if others:
                    lot.co_contractor = rng.choice(others)

    def plan_clauses(self, lots):
        total_weight = sum(lot.weight for lot in lots) or 1.0
        for lot in lots:
            expected = self.targets.hours * lot.weight / total_weight
            lot.clause = _required_hours(self.rng, lot, expected, lot.contract)

    # Participants' profile ----------------------------------------------------------
    def plan_profiles(self, people, existing_names):
        rng = self.rng
        n = len(people)
        sexes = quota(rng, n, [(Sex.MALE, MEN_SHARE), (Sex.FEMALE, 1 - MEN_SHARE)])
        qpv = quota(rng, n, [(True, QPV_SHARE), (False, 1 - QPV_SHARE)])
        bands = quota(rng, n, AGE_SHARES)
        profiles = []
        for person, sex, in_qpv, band in zip(people, sexes, qpv, bands, strict=True):
            first_start = person.missions[0].start
            low, high = AGES[band]
            names = existing_names.setdefault(person.structure.index, set())
            while True:
                first_name, last_name = person_name(rng, sex)
                age_days = rng.randint(low * 365 + 10, high * 365 + 355)
                birth = first_start - datetime.timedelta(days=age_days)
                # the age band at the first mission must be ``band``
                years = (
                    first_start.year
                    - birth.year
                    - ((first_start.month, first_start.day) < (birth.month, birth.day))
                )
                if not low <= years <= high:
                    continue
                key = (last_name.lower(), first_name.lower(), birth)
                if key not in names:
                    names.add(key)
                    break
            profiles.append((person, sex, in_qpv, band, first_name, last_name, birth))
        return profiles


# --- Writing ----------------------------------------------------------------------------------


def _bulk(model, objects):
    for start in range(0, len(objects), BATCH):
        model.objects.bulk_create(objects[start : start + BATCH])
    return objects


def _validate_sample(objects):
    for instance in objects[:SAMPLE]:
        full_clean_or_raise(instance, exclude=None)


def ensure_structures(plans):
    """The facilitator organisations of ``plans``, created once (found by SIRET)."""
    sirets = [demo_siret(50_000_000 + plan.index) for plan in plans]
    existing = {o.siret: o for o in Organisation.objects.filter(siret__in=sirets)}
    missing = []
    for plan, siret in zip(plans, sirets, strict=True):
        if siret not in existing:
            validate_siret(siret)
            missing.append(
                Organisation(
                    name=plan.name,
                    kind=OrganisationKind.FACILITATOR,
                    facilitator_kind=plan.kind,
                    siret=siret,
                    region=plan.departement.region,
                    departement=plan.departement,
                    commune_id=plan.commune[0] if plan.commune else None,
                    is_active=True,
                )
            )
    _validate_sample(missing)
    _bulk(Organisation, missing)
    existing.update({o.siret: o for o in missing})
    return [existing[siret] for siret in sirets]


def ensure_buyers_companies_operations(plans, organisations):
    buyers, companies, operations = {}, {}, {}
    org_ids = [o.pk for o in organisations]
    known_buyers = {
        (b.organisation_id, b.siret): b for b in Buyer.objects.filter(organisation_id__in=org_ids)
    }
    known_companies = {
        (c.organisation_id, c.siret): c for c in Company.objects.filter(organisation_id__in=org_ids)
    }
    known_operations = {
        (o.organisation_id, o.name): o
        for o in Operation.objects.filter(organisation_id__in=org_ids)
    }
    new_buyers, new_companies, new_operations = [], [], []
    for plan, organisation in zip(plans, organisations, strict=True):
        for j, (siret, name, kind) in enumerate(plan.buyers):
            buyer = known_buyers.get((organisation.pk, siret))
            if buyer is None:
                validate_siret(siret)
                buyer = Buyer(
                    organisation=organisation,
                    name=name,
                    siret=siret,
                    kind=kind,
                    departement=plan.departement,
                )
                new_buyers.append(buyer)
            buyers[(plan.index, j)] = buyer
        for j, (siret, name, kind, _, commune) in enumerate(plan.companies):
            company = known_companies.get((organisation.pk, siret))
            if company is None:
                validate_siret(siret)
                company = Company(
                    organisation=organisation,
                    name=name,
                    siret=siret,
                    kind=kind,
                    commune_id=commune[0] if commune else None,
                )
                new_companies.append(company)
            companies[(plan.index, j)] = company
    _validate_sample(new_buyers)
    _validate_sample(new_companies)
    _bulk(Buyer, new_buyers)
    _bulk(Company, new_companies)
    for plan, organisation in zip(plans, organisations, strict=True):
        landlords = [
            buyers[(plan.index, j)]
            for j, (_, _, kind) in enumerate(plan.buyers)
            if kind in (BuyerKind.SOCIAL_LANDLORD, BuyerKind.COMMUNE)
        ]
        for j, (name, qpv_id) in enumerate(plan.operations):
            operation = known_operations.get((organisation.pk, name))
            if operation is None:
                operation = Operation(
                    organisation=organisation,
                    name=name,
                    buyer=landlords[j % len(landlords)] if landlords else None,
                    is_npnru=True,
                    qpv_id=qpv_id,
                    anru_target_rate=Decimal("0.05"),
                    description="Projet de renouvellement urbain (NPNRU) suivi par la structure.",
                )
                new_operations.append(operation)
            operations[(plan.index, j)] = operation
    _validate_sample(new_operations)
    _bulk(Operation, new_operations)
    return buyers, companies, operations


def _contract_object(rng, contract, place):
    first = contract.lots[0]
    if contract.kind == ContractKind.WORKS:
        amount = sum(lot.amount for lot in contract.lots)
        fitting = [entry for entry in WORKS_OBJECTS if amount >= entry[2]]
        pattern, cpv, _, per_dwelling = rng.choice(fitting)
        text = pattern.format(n=max(4, round(amount / per_dwelling)) if per_dwelling else 0)
    else:
        entry = next(k for k in LOT_KINDS[contract.kind] if k[0] == first.title)
        text, cpv = entry[2], entry[3]
    suffix = ""
    if contract.lots[0].legal_basis in LegalBasis.reserved():
        suffix = {
            LegalBasis.RESERVED_SIAE: " (marché réservé aux SIAE)",
            LegalBasis.RESERVED_DISABLED: " (marché réservé EA / ESAT)",
            LegalBasis.RESERVED_ESS: " (marché réservé ESS)",
            LegalBasis.RESERVED_PRISON: " (marché réservé au travail pénitentiaire)",
        }[contract.lots[0].legal_basis]
    return f"{text} — {place}{suffix}", cpv


@dataclasses.dataclass
class Result:
    year: int
    seed: int
    fraction: float
    targets: YearTargets
    profile: dict
    structures: int
    new_structures: int
    has_qpv: bool
    qpv_stand_in: bool
    hours_rows: int


def generate(*, year, seed=1, fraction=1.0, today=None):
    """Generate the national year ``year``; returns a ``Result`` with the achieved profile."""
    today = today or datetime.date.today()
    if not FIRST_YEAR <= year < today.year:
        raise GenerationRefused(
            f"Année {year} : choisissez une année entre {FIRST_YEAR} (première liste des QPV) "
            f"et {today.year - 1} (dernière année complète)."
        )
    if not 0 < fraction <= 1:
        raise GenerationRefused("La fraction doit être comprise entre 0 (exclu) et 1.")
    territories = load_territories()
    if not territories.departements:
        raise GenerationRefused(
            "Aucun département en base : lancez d'abord « python manage.py load_territories »."
        )
    all_plans = plan_structures(territories)
    plans = all_plans[: targets(year).scaled(fraction).structures]
    with transaction.atomic():
        before = Organisation.objects.filter(
            siret__in=[demo_siret(50_000_000 + p.index) for p in plans]
        ).count()
        organisations = ensure_structures(plans)
        if Contract.objects.filter(
            organisation__in=organisations, reference__startswith=f"{year}-"
        ).exists():
            raise GenerationRefused(
                f"L'année {year} est déjà générée dans cette base : choisissez une autre année "
                "ou repartez d'une base vide."
            )
        buyers, companies, operations = ensure_buyers_companies_operations(plans, organisations)
        generator = YearGenerator(
            year=year,
            seed=seed,
            fraction=fraction,
            territories=territories,
            structures=plans,
            today=today,
        )
        org_of = {plan.index: org for plan, org in zip(plans, organisations, strict=True)}
        stand_in = _write_year(generator, org_of, buyers, companies, operations)
        contracts = Contract.objects.filter(
            organisation__in=organisations, reference__startswith=f"{year}-"
        )
        achieved = profile(contracts, year=year)
        audit.log(
            actor=ACTOR,
            action="insertion.import",
            object_repr=(
                f"Jeu de données national {year} (graine {seed}) : "
                f"{achieved['participants']} participants, {achieved['missions']} missions, "
                f"{achieved['hours_rows']} déclarations d'heures"
            )[:255],
            changes={
                "année": year,
                "graine": seed,
                "fraction": fraction,
                "structures": len(organisations),
                "heures": str(achieved["hours"]),
            },
        )
    return Result(
        year=year,
        seed=seed,
        fraction=fraction,
        targets=generator.targets,
        profile=achieved,
        structures=len(organisations),
        new_structures=len(organisations) - before,
        has_qpv=territories.has_qpv,
        qpv_stand_in=stand_in,
        hours_rows=achieved["hours_rows"],
    )


def _write_year(generator, org_of, buyers, companies, operations):
    """Plan the year, check it against the rules and write it; returns True when 2024
    contours stood in for a missing list of QPV."""
    rng, year, territories = generator.rng, generator.year, generator.territories
    contracts = generator.plan_contracts()
    lots = generator.plan_lots(contracts)
    generator.plan_holders(lots)
    generator.plan_clauses(lots)
    people, missions = generator.plan_people(contracts, lots)
    generator.scale_hours(missions)
    generator.assign_modalities(missions)

    # Contracts, by structure, with references « 2020-TX-00042 ».
    sequences, contract_objects = {}, []
    for contract in contracts:
        structure = contract.structure
        key = (structure.index, contract.kind)
        sequences[key] = sequences.get(key, 0) + 1
        buyer_pool = [
            (j, AFFINITY[contract.kind].get(kind, 1.0))
            for j, (_, _, kind) in enumerate(structure.buyers)
        ]
        buyer = buyers[(structure.index, weighted(rng, buyer_pool))]
        place = territories.pick_town(rng, structure.departement.pk, towns=40)
        text, cpv = _contract_object(
            rng, contract, place[1] if place else structure.departement.name
        )
        operation = None
        if contract.operation is not None:
            operation = operations[(structure.index, contract.operation)]
        contract.obj = Contract(
            organisation=org_of[structure.index],
            buyer=buyer,
            operation=operation,
            reference=f"{year}-{KIND_CODES[contract.kind]}-{sequences[key]:05d}",
            object=text[:500],
            kind=contract.kind,
            cpv_code=cpv,
            amount_excl_tax=sum((lot.amount for lot in contract.lots), Decimal(0)),
            notification_date=contract.start,
            duration_months=contract.months,
        )
        contract_objects.append(contract.obj)
    _validate_sample(contract_objects)
    _bulk(Contract, contract_objects)

    lot_objects, clause_objects, link_objects = [], [], []
    for lot in lots:
        lot.obj = Lot(
            contract=lot.contract.obj,
            number=str(lot.number),
            title=lot.title,
            amount_excl_tax=lot.amount,
        )
        lot_objects.append(lot.obj)
    _validate_sample(lot_objects)
    _bulk(Lot, lot_objects)
    links = {}
    for lot in lots:
        clause_objects.append(Clause(lot=lot.obj, **lot.clause))
        links[(lot.obj.pk, lot.holder)] = (lot, LotRole.HOLDER)
        if lot.co_contractor is not None:
            links[(lot.obj.pk, lot.co_contractor)] = (lot, LotRole.CO_CONTRACTOR)
    for mission in missions:
        if mission.modality in (Modality.SIAE_SUBCONTRACTING, Modality.EA_SUBCONTRACTING):
            links.setdefault(
                (mission.lot.obj.pk, mission.company), (mission.lot, LotRole.SUBCONTRACTOR)
            )
    if len(clause_objects) != len(lot_objects):  # every lot carries its clause
        raise RuntimeError("Un lot sans clause sociale a été planifié.")
    _validate_sample(clause_objects)
    _bulk(Clause, clause_objects)
    for (_, company), (lot, role) in links.items():
        structure = lot.contract.structure
        link_objects.append(
            LotCompany(lot=lot.obj, company=companies[(structure.index, company)], role=role)
        )
    _bulk(LotCompany, link_objects)

    # Participants, their eligibility, missions, hours and outcomes.
    existing_names = {}
    org_index = {org.pk: index for index, org in org_of.items()}
    for last, first, birth, org_id in Participant.objects.filter(
        organisation_id__in=list(org_index)
    ).values_list("last_name", "first_name", "birth_date", "organisation_id"):
        existing_names.setdefault(org_index[org_id], set()).add(
            (last.lower(), first.lower(), birth)
        )
    profiles = generator.plan_profiles(people, existing_names)
    stand_in = False
    participant_objects, eligibility_objects = [], []
    for person, sex, in_qpv, band, first_name, last_name, birth in profiles:
        structure = person.structure
        first_start = person.missions[0].start
        list_year = qpv_list_in_force(first_start)
        qpv = None
        commune = territories.pick_commune(rng, structure.departement.pk)
        if in_qpv:
            qpv = territories.pick_qpv(rng, structure.departement, list_year)
            if qpv is not None:
                stand_in = stand_in or qpv[2] != list_year
                if qpv[3] is not None:
                    commune = (qpv[3], "", territories.postal_codes.get(qpv[3], ""), "")
        criteria = _criteria(rng, band, in_qpv, qpv is None, person.missions)
        person.obj = Participant(
            organisation=org_of[structure.index],
            identifier=f"{year}-{person.number:05d}",
            last_name=last_name,
            first_name=first_name,
            birth_date=birth,
            postal_code=commune[2] if commune else "",
            sex=sex,
            commune_id=commune[0] if commune else None,
            qpv_id=qpv[0] if qpv else None,
            qpv_list_year=qpv[2] if qpv else list_year,
            qpv_source=QpvSource.MANUAL if list_year else QpvSource.NONE,
            education_level=weighted(rng, EDUCATION),
            prescriber=_prescriber(rng, band, criteria, person.missions),
            exception_reason=EXCEPTION_REASON if Criterion.EXCEPTION in criteria else "",
        )
        person.obj.person_key = identity.key_of(person.obj)
        participant_objects.append(person.obj)
        person.criteria = criteria
    _validate_sample(participant_objects)
    _bulk(Participant, participant_objects)
    for person in people:
        assessed = person.missions[0].start - datetime.timedelta(days=rng.randrange(7, 60))
        for criterion in person.criteria:
            eligibility_objects.append(
                Eligibility(
                    participant=person.obj,
                    criterion=criterion,
                    assessed_on=assessed,
                    valid_until=add_months(assessed, 24),
                )
            )
    _validate_sample(eligibility_objects)
    _bulk(Eligibility, eligibility_objects)

    mission_objects = []
    for mission in missions:
        structure = mission.lot.contract.structure
        mission.obj = Mission(
            participant=mission.participant.obj,
            lot=mission.lot.obj,
            company=companies[(structure.index, mission.company)],
            modality=mission.modality,
            work_contract_type=mission.work_contract_type,
            start_date=mission.start,
            end_date=mission.end,
        )
        insertion_services.check_mission(
            organisation=org_of[structure.index],
            participant=mission.obj.participant,
            lot=mission.obj.lot,
            company=mission.obj.company,
        )
        mission_objects.append(mission.obj)
    _validate_sample(mission_objects)
    _bulk(Mission, mission_objects)

    hours_objects = []
    check_hours = insertion_services.check_hours
    for mission in missions:
        for month, hours in mission.monthly:
            month, value = check_hours(mission=mission.obj, month=month, hours=Decimal(hours))
            hours_objects.append(HoursDeclaration(mission=mission.obj, month=month, hours=value))
            if len(hours_objects) >= BATCH:
                HoursDeclaration.objects.bulk_create(hours_objects)
                hours_objects = []
    HoursDeclaration.objects.bulk_create(hours_objects)

    outcome_objects = []
    for person in people:
        last = person.missions[-1]
        if last.end is None:
            continue
        for moment, delay, grid in (
            (OutcomeMoment.EXIT, 0, EXIT_OUTCOMES),
            (OutcomeMoment.SIX_MONTHS, 6, SIX_MONTH_OUTCOMES),
        ):
            if delay and rng.random() > 0.65:
                continue
            detail = weighted(rng, grid)
            observed_on = add_months(last.end, delay) if delay else last.end
            if observed_on > generator.today:
                continue  # not observed yet (last year, before the summer)
            outcome_objects.append(
                Outcome(
                    mission=last.obj,
                    moment=moment,
                    kind=OUTCOME_KIND_OF_DETAIL[detail],
                    detail=detail,
                    observed_on=observed_on,
                )
            )
    _validate_sample(outcome_objects)
    _bulk(Outcome, outcome_objects)
    return stand_in


def _criteria(rng, band, in_qpv, qpv_missing, missions):
    criteria = []
    if band == "young" and rng.random() < 0.7:
        criteria.append(Criterion.YOUNG)
    elif band == "senior" and rng.random() < 0.5:
        criteria.append(Criterion.SENIOR)
    if in_qpv and (qpv_missing or rng.random() < 0.4):
        criteria.append(Criterion.QPV_RESIDENT)
    modality = missions[0].modality
    if modality in (Modality.SIAE_SUBCONTRACTING, Modality.ETTI, Modality.AI) and (
        rng.random() < 0.3
    ):
        criteria.append(Criterion.SIAE_EMPLOYEE)
    elif modality == Modality.GEIQ and rng.random() < 0.4:
        criteria.append(Criterion.GEIQ_EMPLOYEE)
    if not in_qpv and rng.random() < 0.025:  # no criterion applies: a reasoned exception
        return [Criterion.EXCEPTION]
    if not criteria or rng.random() < 0.35:
        extra = weighted(rng, EXTRA_CRITERIA)
        if extra not in criteria:
            criteria.append(extra)
    return criteria


def _prescriber(rng, band, criteria, missions):
    if Criterion.SIAE_EMPLOYEE in criteria:
        return Prescriber.SIAE
    if band == "young" and rng.random() < 0.6:
        return Prescriber.MISSION_LOCALE
    if Criterion.RQTH in criteria or Criterion.AAH in criteria:
        return Prescriber.CAP_EMPLOI
    if Criterion.RSA in criteria and rng.random() < 0.5:
        return Prescriber.DEPARTEMENT
    return weighted(
        rng,
        [
            (Prescriber.FRANCE_TRAVAIL, 48),
            (Prescriber.PLIE, 32),
            (Prescriber.OTHER, 8),
            (Prescriber.SIAE, 6),
            (Prescriber.NONE, 6),
        ],
    )


# --- Report -------------------------------------------------------------------------------------


def report_lines(result):
    """The achieved profile against the targets, in French."""
    p, t = result.profile, result.targets
    hours_per_etp = p["hours_per_etp"]
    lines = [
        f"Année nationale {result.year} (graine {result.seed}"
        + (f", fraction {french_percent(result.fraction)}" if result.fraction < 1 else "")
        + ") — profil obtenu (cible entre parenthèses) :",
        f"  Heures d'insertion : {format_number(p['hours'])} ({format_number(t.hours)}) ; "
        f"{format_number(p['etp'], 1)} ETP (1 ETP = {format_number(hours_per_etp)} h) ; "
        f"{format_number(p['hours_rows'])} déclarations mensuelles.",
        f"  Structures de facilitation : {format_number(p['structures'])} "
        f"({format_number(t.structures)}, dont {result.new_structures} créées) ; acheteurs : "
        f"{format_number(p['buyers'])} ({format_number(t.buyers)}) ; marchés : "
        f"{format_number(p['contracts'])} ({format_number(t.contracts)}) ; lots : "
        f"{format_number(p['lots'])}.",
        f"  Participants : {format_number(p['participants'])} "
        f"({format_number(t.participants)}) ; missions : {format_number(p['missions'])} "
        f"({format_number(t.missions)}) ; entreprises mobilisées : "
        f"{format_number(p['companies'])}.",
        f"  Part des ETP en marchés de travaux : {french_percent(p['works_share'])} "
        f"({french_percent(t.works_share)}).",
        f"  Part des ETP en marchés réservés : {french_percent(p['reserved_share'])} "
        f"({french_percent(t.reserved_share)}).",
        f"  Part d'hommes parmi les participants : {french_percent(p['men_share'])} "
        f"({french_percent(t.men_share)}).",
        f"  Part d'habitants des QPV : {french_percent(p['qpv_share'])} "
        f"({french_percent(t.qpv_share)}).",
        "  Âge à l'entrée : "
        + ", ".join(
            f"{label} {french_percent(p['by_age_band'].get(code, 0))} "
            f"({french_percent(dict(AGE_SHARES)[key])})"
            for code, label, key in (
                ("moins_26", "moins de 26 ans", "young"),
                ("26_49", "26-49 ans", "middle"),
                ("50_plus", "50 ans et plus", "senior"),
            )
        )
        + ".",
        "  Modalités (part des heures) : "
        + ", ".join(
            f"{Modality(code).label} {french_percent(p['by_modality'].get(code, 0))} "
            f"({french_percent(share)})"
            for code, share in MODALITY_SHARES
        )
        + ".",
        "  Acheteurs par type (part des heures) : "
        + ", ".join(
            f"{BuyerKind(code).label} {french_percent(share)}"
            for code, share in sorted(p["by_buyer_kind"].items(), key=lambda x: -x[1])
        )
        + ".",
        f"  Opérations NPNRU : {format_number(p['npnru_hours'])} heures, dont "
        f"{french_percent(ratio(p['npnru_qpv_hours'], p['npnru_hours']))} par des habitants "
        "des QPV (objectif de la charte ANRU : 5 %).",
    ]
    if not result.has_qpv:
        lines.append(
            "  Attention : aucun QPV n'est chargé. Les habitants des QPV (23 %) sont marqués par "
            "le critère « Habitant d'un QPV éloigné de l'emploi », sans QPV de résidence : la "
            "part d'habitants des QPV ci-dessus vaut donc 0 %. Chargez les territoires "
            "(« python manage.py load_territories ») pour l'obtenir."
        )
    elif result.qpv_stand_in:
        lines.append(
            "  Note : la liste des QPV de 2015 n'est chargée que pour l'Occitanie ; ailleurs, "
            "les contours de 2024 la remplacent (millésime 2024 enregistré)."
        )
    return lines
