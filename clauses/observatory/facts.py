"""The national administrator's audit file: one row per hours declaration of a year.

Each row is a fact the national figures are computed from: the hours of one mission in one
month, with the person's profile at the mission's start (sex, birth year, QPV), the market
(kind, reserved or not, legal basis), the mission (modality, work contract), the buyer's
and the company's kinds, and the structure that follows the contract with its territory
(``registry.TERRITORY_RULE``: the structure's département, its region that of the
département, else the structure's own region).

It carries no name, birth date, address nor identifier. People are pseudonymised for the
file only: the rows are read in a fixed order (month, mission) and the n-th distinct person
met (their ``Participant.person_key``, so one person followed by two structures is one
pseudonym) is « P000001 », « P000002 »... The same person gets another pseudonym in another
year's file, and the pseudonym says nothing of the key.

``fact_rows(year)`` is a row iterator (``clauses.core.exports``: header, then one list per
row, values typed), read from the database in chunks: ``write_csv`` streams it to a file,
``render_xlsx`` would make a workbook of it.
"""

import datetime
from decimal import Decimal

from clauses.insertion.enums import Modality, Sex, WorkContractType
from clauses.insertion.models import HoursDeclaration
from clauses.procurement.enums import BuyerKind, CompanyKind, ContractKind, LegalBasis

CHUNK_SIZE = 5000
PSEUDONYM_FORMAT = "P{:06d}"
YES, NO = "oui", "non"

# The file's French headers, in order (one row per hours declaration).
FACT_COLUMNS = [
    "Pseudonyme",
    "Mois",
    "Heures",
    "Sexe",
    "Année de naissance",
    "Début de la mission",
    "Code QPV au début de la mission",
    "Nature du marché",
    "Marché réservé",
    "Fondement juridique",
    "Modalité",
    "Type de contrat de travail",
    "Type d'acheteur",
    "Type d'entreprise",
    "Structure",
    "Code département de la structure",
    "Code région de la structure",
]

# What is read of each declaration: the person, the columns, the territory rule's parts.
_FIELDS = [
    "mission__participant_id",
    "mission__participant__person_key",
    "month",
    "hours",
    "mission__participant__sex",
    "mission__participant__birth_date",
    "mission__start_date",
    "mission__participant__qpv__code",
    "mission__lot__contract__kind",
    "mission__lot__clause__legal_basis",
    "mission__modality",
    "mission__work_contract_type",
    "mission__lot__contract__buyer__kind",
    "mission__company__kind",
    "mission__lot__contract__organisation__name",
    "mission__lot__contract__organisation__departement__code",
    "mission__lot__contract__organisation__departement__region__code",
    "mission__lot__contract__organisation__region__code",
]
_RESERVED = frozenset(basis.value for basis in LegalBasis.reserved())


def _labels(enum):
    return dict(enum.choices)


class Pseudonyms:
    """The file's pseudonyms: « P000001 » for the first person met, and so on."""

    def __init__(self):
        self._by_key = {}

    def __len__(self):
        return len(self._by_key)

    def of(self, person_key, participant_id):
        # A participant without a key (not yet keyed) is a person of their own.
        key = person_key or f"participant:{participant_id}"
        pseudonym = self._by_key.get(key)
        if pseudonym is None:
            pseudonym = self._by_key[key] = PSEUDONYM_FORMAT.format(len(self._by_key) + 1)
        return pseudonym


def _number(value):
    """Hours without useless trailing zeros (150.00 -> 150, 37.50 -> 37.5)."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()


def declarations_of(year):
    """The year's hours declarations, in the file's order (month, mission)."""
    return HoursDeclaration.objects.filter(
        month__gte=datetime.date(year, 1, 1), month__lt=datetime.date(year + 1, 1, 1)
    ).order_by("month", "mission_id")


def fact_rows(year, *, pseudonyms=None):
    """The audit file of ``year``: ``FACT_COLUMNS``, then one list per hours declaration.

    Pass a ``Pseudonyms()`` to know, once the rows are read, how many people they hold.
    """
    pseudonyms = Pseudonyms() if pseudonyms is None else pseudonyms
    sexes, kinds, bases = _labels(Sex), _labels(ContractKind), _labels(LegalBasis)
    modalities, work_contracts = _labels(Modality), _labels(WorkContractType)
    buyer_kinds, company_kinds = _labels(BuyerKind), _labels(CompanyKind)
    yield list(FACT_COLUMNS)
    rows = declarations_of(year).values_list(*_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    for (
        participant_id,
        person_key,
        month,
        hours,
        sex,
        birth_date,
        start_date,
        qpv_code,
        contract_kind,
        legal_basis,
        modality,
        work_contract,
        buyer_kind,
        company_kind,
        structure,
        departement_code,
        departement_region_code,
        organisation_region_code,
    ) in rows:
        yield [
            pseudonyms.of(person_key, participant_id),
            f"{month:%m/%Y}",
            _number(hours),
            sexes.get(sex, sex),
            birth_date.year if birth_date else None,
            start_date,
            qpv_code or "",
            kinds.get(contract_kind, contract_kind),
            YES if legal_basis in _RESERVED else NO,
            bases.get(legal_basis, legal_basis or ""),
            modalities.get(modality, modality),
            work_contracts.get(work_contract, work_contract),
            buyer_kinds.get(buyer_kind, buyer_kind),
            company_kinds.get(company_kind, company_kind),
            structure,
            departement_code or "",
            (departement_region_code if departement_code else organisation_region_code) or "",
        ]
