"""A hand-built dataset whose every figure is known (tests/observatory/test_figures.py).

Three structures: A (Seine-Saint-Denis) and B (Val-de-Marne) in Île-de-France, C (Gironde) in
Nouvelle-Aquitaine. Claire MARTIN (woman, born 1 May 1999, QPV resident) is followed by A
and by B; Paul DURAND (man, born 1 January 1970) by A; a man without a birth date by C.
2025's hours:

| who            | structure | contract              | company (SIRET) | hours          |
|----------------|-----------|-----------------------|-----------------|----------------|
| Claire (A)     | A         | A works, L2112-2      | S1              | 100 (3) 50 (4) |
| Paul           | A         | A works, L2112-2      | S1              | 150 (3)        |
| Claire (B)     | B         | B services, L2113-13  | S1 (B's record) | 40 (5)         |
| man without... | C         | C supplies, L2112-2   | S2              | 60 (6)         |

and 80 hours of Paul's in December 2024 (outside 2025).
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from clauses.territories.models import Qpv
from tests.factories import DepartementFactory, OrganisationFactory, RegionFactory
from tests.tracking.factories import (
    BuyerFactory,
    ClauseFactory,
    CompanyFactory,
    ContractFactory,
    HoursDeclarationFactory,
    LotFactory,
    MissionFactory,
    OutcomeFactory,
    ParticipantFactory,
    make_siret,
)

SIRET_S1 = make_siret(901)
SIRET_S2 = make_siret(902)


def month(year, number):
    return datetime.date(year, number, 1)


@pytest.fixture
def known():
    idf = RegionFactory(code="11", name="Île-de-France")
    aquitaine = RegionFactory(code="75", name="Nouvelle-Aquitaine")
    d93 = DepartementFactory(code="93", name="Seine-Saint-Denis", region=idf)
    d94 = DepartementFactory(code="94", name="Val-de-Marne", region=idf)
    d33 = DepartementFactory(code="33", name="Gironde", region=aquitaine)
    org_a = OrganisationFactory(name="PLIE A", departement=d93, region=idf)
    org_b = OrganisationFactory(name="PLIE B", departement=d94, region=idf)
    org_c = OrganisationFactory(name="PLIE C", departement=d33, region=aquitaine)
    qpv = Qpv.objects.create(code="QN09301M", name="Quartier test", list_year=2024, departement=d93)

    def contract(organisation, kind, legal_basis, siret):
        buyer = BuyerFactory(organisation=organisation, kind="commune_epci")
        item = ContractFactory(organisation=organisation, buyer=buyer, kind=kind)
        lot = LotFactory(contract=item)
        ClauseFactory(lot=lot, legal_basis=legal_basis, required_hours=Decimal(1000))
        company = CompanyFactory(organisation=organisation, siret=siret)
        return item, lot, company

    contract_a, lot_a, company_a = contract(org_a, "travaux", "L2112-2", SIRET_S1)
    contract_b, lot_b, company_b = contract(org_b, "services", "L2113-13", SIRET_S1)
    contract_c, lot_c, company_c = contract(org_c, "fournitures", "L2112-2", SIRET_S2)

    claire_a = ParticipantFactory(
        organisation=org_a,
        last_name="Martin",
        first_name="Claire",
        birth_date=datetime.date(1999, 5, 1),
        sex="F",
        qpv=qpv,
        qpv_list_year=2024,
        education_level="3",
        prescriber="mission_locale",
    )
    claire_b = ParticipantFactory(
        organisation=org_b,
        last_name="MARTIN",
        first_name="claire",
        birth_date=datetime.date(1999, 5, 1),
        sex="F",
        qpv=qpv,
        qpv_list_year=2024,
        education_level="4",
        prescriber="plie",
    )
    paul = ParticipantFactory(
        organisation=org_a,
        last_name="Durand",
        first_name="Paul",
        birth_date=datetime.date(1970, 1, 1),
        sex="M",
        education_level="aucun",
        prescriber="france_travail",
    )
    anonymous = ParticipantFactory(
        organisation=org_c,
        last_name="",
        first_name="",
        birth_date=None,
        sex="M",
        education_level="inconnu",
        prescriber="aucun",
    )
    claire_a.eligibilities.create(criterion="rsa", assessed_on=datetime.date(2025, 1, 10))
    claire_a.eligibilities.create(criterion="residant_qpv", assessed_on=datetime.date(2025, 1, 10))
    claire_b.eligibilities.create(criterion="jeune", assessed_on=datetime.date(2025, 4, 10))
    paul.eligibilities.create(criterion="de_longue_duree", assessed_on=datetime.date(2024, 11, 2))

    def mission(participant, lot, company, start, end, modality, work_contract, hours):
        item = MissionFactory(
            participant=participant,
            lot=lot,
            company=company,
            start_date=start,
            end_date=end,
            modality=modality,
            work_contract_type=work_contract,
        )
        for when, value in hours:
            HoursDeclarationFactory(mission=item, month=when, hours=Decimal(value))
        return item

    mission(
        claire_a,
        lot_a,
        company_a,
        datetime.date(2025, 2, 1),
        datetime.date(2025, 4, 30),
        "embauche_directe",
        "cdd",
        [(month(2025, 3), 100), (month(2025, 4), 50)],
    )
    paul_mission = mission(
        paul,
        lot_a,
        company_a,
        datetime.date(2024, 12, 1),
        datetime.date(2025, 3, 31),
        "embauche_directe",
        "cdi",
        [(month(2024, 12), 80), (month(2025, 3), 150)],
    )
    mission(
        claire_b,
        lot_b,
        company_b,
        datetime.date(2025, 5, 1),
        datetime.date(2025, 5, 31),
        "etti",
        "interim",
        [(month(2025, 5), 40)],
    )
    mission(
        anonymous,
        lot_c,
        company_c,
        datetime.date(2025, 6, 1),
        None,
        "embauche_directe",
        "cddi",
        [(month(2025, 6), 60)],
    )
    OutcomeFactory(
        mission=paul_mission,
        moment="sortie",
        kind="emploi_durable",
        detail="cdi",
        observed_on=datetime.date(2025, 4, 1),
    )
    return SimpleNamespace(
        idf=idf,
        aquitaine=aquitaine,
        d93=d93,
        d94=d94,
        d33=d33,
        org_a=org_a,
        org_b=org_b,
        org_c=org_c,
        contract_a=contract_a,
        contract_b=contract_b,
        contract_c=contract_c,
        claire_a=claire_a,
        claire_b=claire_b,
        paul=paul,
        anonymous=anonymous,
    )
