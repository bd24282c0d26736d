"""Building blocks shared by the small and the national tracking demo data.

Valid SIRETs derived from a number, fictitious French names, month arithmetic, and the
achieved profile of a set of contracts (hours, ETP, shares) computed from the database, so
that the command, the benchmark and the tests read the same figures.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Min, Q, Sum
from stdnum import luhn

from clauses.core.dates import add_months
from clauses.insertion.enums import (
    AgeBand,
    Criterion,
    EducationLevel,
    Modality,
    OutcomeMoment,
    Sex,
    WorkContractType,
)
from clauses.insertion.models import HoursDeclaration, Mission, Outcome, age_band
from clauses.procurement import calculator
from clauses.procurement.enums import CalculationMethod, ContractKind, LegalBasis

ZERO = Decimal(0)


def demo_siret(n):
    """A valid SIRET (Luhn keys of the SIREN and of the SIRET) derived from ``n``.

    Distinct ``n`` below 10**8 give distinct SIREN (7919 is prime to 10**8); the same rule
    as ``tests.tracking.factories.make_siret``.
    """
    siren8 = f"{(n * 7919 + 12345678) % 10**8:08d}"
    siren = siren8 + luhn.calc_check_digit(siren8)
    first13 = siren + f"{n % 10000:04d}"
    return first13 + luhn.calc_check_digit(first13)


MALE_FIRST_NAMES = [
    "Abdel",
    "Adrien",
    "Ahmed",
    "Alexandre",
    "Amadou",
    "Antoine",
    "Bakary",
    "Baptiste",
    "Bilal",
    "Boris",
    "Bruno",
    "Cédric",
    "Christophe",
    "Cyril",
    "Damien",
    "David",
    "Dylan",
    "Éric",
    "Fabien",
    "Farid",
    "Florian",
    "Franck",
    "Grégory",
    "Guillaume",
    "Hakim",
    "Hugo",
    "Ibrahima",
    "Issa",
    "Jérémy",
    "Jonathan",
    "Julien",
    "Karim",
    "Kévin",
    "Laurent",
    "Loïc",
    "Lucas",
    "Mamadou",
    "Marc",
    "Mathieu",
    "Mehdi",
    "Michel",
    "Mohamed",
    "Moussa",
    "Nicolas",
    "Olivier",
    "Pascal",
    "Patrick",
    "Quentin",
    "Rachid",
    "Romain",
    "Samir",
    "Sébastien",
    "Stéphane",
    "Sofiane",
    "Thierry",
    "Thomas",
    "Tony",
    "Vincent",
    "Yacine",
    "Yannick",
]
FEMALE_FIRST_NAMES = [
    "Aïcha",
    "Amina",
    "Anaïs",
    "Audrey",
    "Aurélie",
    "Awa",
    "Camille",
    "Céline",
    "Chloé",
    "Claire",
    "Djeneba",
    "Élodie",
    "Émilie",
    "Fatima",
    "Fatoumata",
    "Françoise",
    "Hélène",
    "Inès",
    "Jessica",
    "Julie",
    "Karima",
    "Laetitia",
    "Léa",
    "Leïla",
    "Lucie",
    "Mariam",
    "Marie",
    "Mélanie",
    "Nadia",
    "Nathalie",
    "Océane",
    "Rachida",
    "Samia",
    "Sandrine",
    "Sarah",
    "Sophie",
    "Stéphanie",
    "Valérie",
    "Virginie",
    "Yasmina",
]
LAST_NAMES = [
    "Abadie",
    "Bah",
    "Barbier",
    "Benali",
    "Bertrand",
    "Blanc",
    "Bonnet",
    "Boyer",
    "Camara",
    "Carpentier",
    "Chevalier",
    "Cissé",
    "Colin",
    "Coulibaly",
    "Da Silva",
    "David",
    "Delattre",
    "Diallo",
    "Diop",
    "Dubois",
    "Dufour",
    "Durand",
    "Fabre",
    "Fernandes",
    "Fontaine",
    "Fournier",
    "Gaillard",
    "Garcia",
    "Gauthier",
    "Girard",
    "Grondin",
    "Guerin",
    "Hamidi",
    "Hoarau",
    "Henry",
    "Joly",
    "Kanté",
    "Keita",
    "Lacroix",
    "Lambert",
    "Laurent",
    "Lebrun",
    "Leclerc",
    "Lefebvre",
    "Legrand",
    "Lemaire",
    "Lopez",
    "Marchal",
    "Martin",
    "Martinez",
    "Mercier",
    "Meyer",
    "Morel",
    "Moreau",
    "Nguyen",
    "Nicolas",
    "Payet",
    "Perrin",
    "Petit",
    "Renaud",
    "Riviere",
    "Robert",
    "Roche",
    "Rodrigues",
    "Roussel",
    "Roux",
    "Sanchez",
    "Sow",
    "Tessier",
    "Traoré",
    "Vidal",
    "Weber",
    "Yildiz",
]
STREETS = [
    "rue de la République",
    "avenue Jean-Jaurès",
    "rue Victor-Hugo",
    "allée des Tilleuls",
    "rue Pasteur",
    "boulevard Gambetta",
    "rue des Écoles",
    "place de la Mairie",
    "rue Jules-Ferry",
    "avenue de la Libération",
    "rue du Moulin",
    "chemin des Vignes",
    "rue Louise-Michel",
    "résidence Les Peupliers",
    "cité des Fleurs",
]


# Weighted draws shared by both scales: (value, weight) pairs for ``weighted``.
EDUCATION = [
    (EducationLevel.NONE, 34),
    (EducationLevel.LEVEL_3, 36),
    (EducationLevel.LEVEL_4, 17),
    (EducationLevel.LEVEL_5, 5),
    (EducationLevel.LEVEL_6_PLUS, 2),
    (EducationLevel.UNKNOWN, 6),
]
WORK_CONTRACTS = {
    Modality.DIRECT_HIRE: [
        (WorkContractType.CDD, 55),
        (WorkContractType.CDI, 20),
        (WorkContractType.APPRENTICESHIP, 10),
        (WorkContractType.PROFESSIONALISATION, 15),
    ],
    Modality.ETTI: [(WorkContractType.TEMPORARY, 1)],
    Modality.AI: [(WorkContractType.AI_MADE_AVAILABLE, 1)],
    Modality.GEIQ: [
        (WorkContractType.PROFESSIONALISATION, 85),
        (WorkContractType.APPRENTICESHIP, 15),
    ],
    Modality.TEMP_AGENCY: [(WorkContractType.TEMPORARY, 1)],
    Modality.SIAE_SUBCONTRACTING: [(WorkContractType.CDDI, 1)],
    Modality.EA_SUBCONTRACTING: [(WorkContractType.CDD, 60), (WorkContractType.CDI, 40)],
    Modality.TRAINING: [(WorkContractType.TRAINING, 1)],
}
# Eligibility criterion added to a participant's others (or given when none applies).
EXTRA_CRITERIA = [
    (Criterion.LONG_TERM_JOBSEEKER, 40),
    (Criterion.RSA, 30),
    (Criterion.ASS, 7),
    (Criterion.RQTH, 10),
    (Criterion.AAH, 3),
]


def weighted(rng, pairs):
    """One value of the (value, weight) ``pairs``, drawn with ``rng``."""
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def fixed_clause(legal_basis, hours):
    """The values of a clause whose hours the buyer fixed (no calculation), with the note
    the calculator page would write."""
    return {
        "legal_basis": legal_basis,
        "required_hours": hours,
        "calculation_method": CalculationMethod.FIXED,
        "calculation_note": (
            "Volume fixé par l'acheteur dans le cahier des charges : "
            f"{calculator.format_number(hours)}\u00a0heures d'insertion."
        ),
    }


def person_name(rng, sex):
    """A fictitious (first name, last name) of the given sex."""
    names = MALE_FIRST_NAMES if sex == Sex.MALE else FEMALE_FIRST_NAMES
    return rng.choice(names), rng.choice(LAST_NAMES)


def first_of_month(day):
    return day.replace(day=1)


def months_between(start, end):
    """First days of the months from ``start``'s month to ``end``'s month, inclusive."""
    month, last = first_of_month(start), first_of_month(end)
    months = []
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def round_to(value, step):
    """``value`` rounded (half up) to a multiple of ``step``: 1 234 567 -> 1 235 000."""
    step = Decimal(step)
    return (Decimal(value) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def largest_remainder(total, weights):
    """Split the integer ``total`` in proportion to ``weights`` (integers summing to total)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


# --- Achieved profile ---------------------------------------------------------------------


def share(part, whole):
    return float(part) / float(whole) if whole else 0.0


def profile(contracts, *, year=None):
    """The figures of ``contracts`` (a Contract queryset): counts, hours and ETP, and the
    shares the national level publishes (DOMAIN.md § 2 and 5).

    Market-kind, reserved, modality, buyer-kind and legal-basis shares are shares of hours;
    sex, QPV and age shares are shares of participants (people with hours in the period).
    ``year`` restricts the hours to one calendar year.
    """
    hours = HoursDeclaration.objects.filter(mission__lot__contract__in=contracts)
    if year is not None:
        hours = hours.filter(month__year=year)
    total = hours.aggregate(total=Sum("hours"), rows=Count("pk"))
    total_hours = total["total"] or ZERO

    def hours_by(path):
        rows = hours.values(path).annotate(total=Sum("hours")).order_by(path)
        return {row[path]: share(row["total"], total_hours) for row in rows}

    reserved = hours.filter(mission__lot__clause__legal_basis__in=LegalBasis.reserved()).aggregate(
        total=Sum("hours")
    )["total"]
    missions = Mission.objects.filter(pk__in=hours.values("mission_id"))
    people = list(
        missions.values(
            "participant_id", "participant__sex", "participant__qpv_id", "participant__birth_date"
        )
        .annotate(start=Min("start_date"))
        .order_by("participant_id")
    )
    age_counts = {}
    for person in people:
        band = age_band(person["participant__birth_date"], person["start"])
        age_counts[band] = age_counts.get(band, 0) + 1
    outcomes = (
        Outcome.objects.filter(mission__in=missions)
        .values("moment", "kind")
        .annotate(count=Count("pk"))
        .order_by("moment", "kind")
    )
    hours_per_etp = settings.HOURS_PER_ETP
    by_kind = hours_by("mission__lot__contract__kind")
    return {
        "hours": total_hours,
        "hours_rows": total["rows"],
        "etp": total_hours / Decimal(hours_per_etp),
        "hours_per_etp": hours_per_etp,
        "structures": contracts.values("organisation_id").distinct().count(),
        "buyers": contracts.values("buyer_id").distinct().count(),
        "contracts": contracts.count(),
        "lots": contracts.aggregate(n=Count("lots"))["n"],
        "companies": missions.values("company_id").distinct().count(),
        "missions": missions.count(),
        "participants": len(people),
        "works_share": by_kind.get(ContractKind.WORKS, 0.0),
        "reserved_share": share(reserved or ZERO, total_hours),
        "men_share": share(sum(p["participant__sex"] == Sex.MALE for p in people), len(people)),
        "qpv_share": share(sum(p["participant__qpv_id"] is not None for p in people), len(people)),
        "by_contract_kind": by_kind,
        "by_buyer_kind": hours_by("mission__lot__contract__buyer__kind"),
        "by_modality": hours_by("mission__modality"),
        "by_legal_basis": hours_by("mission__lot__clause__legal_basis"),
        "by_age_band": {
            band: share(age_counts.get(band, 0), len(people)) for band in AgeBand.values
        },
        "outcomes": {
            moment: {row["kind"]: row["count"] for row in outcomes if row["moment"] == moment}
            for moment in OutcomeMoment.values
        },
        "npnru_hours": hours.filter(mission__lot__contract__operation__is_npnru=True).aggregate(
            total=Sum("hours")
        )["total"]
        or ZERO,
        "npnru_qpv_hours": hours.filter(
            Q(mission__lot__contract__operation__is_npnru=True)
            & Q(mission__participant__qpv__isnull=False)
        ).aggregate(total=Sum("hours"))["total"]
        or ZERO,
    }


def french_percent(value):
    """A share as a percentage with one decimal, always (« 56,0 % »): the profile's lines
    read as a column."""
    return f"{calculator.format_number(value * 100, 1)}\u00a0%"
