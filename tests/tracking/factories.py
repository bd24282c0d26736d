"""Factories of the tracking data (procurement and insertion), valid by construction."""

import datetime
from decimal import Decimal

import factory
from stdnum import luhn

from clauses.insertion import identity
from clauses.insertion.models import HoursDeclaration, Mission, Outcome, Participant
from clauses.procurement.models import Buyer, Clause, Company, Contract, Lot, LotCompany, Operation
from tests.factories import OrganisationFactory


def make_siret(n):
    """A valid SIRET (SIREN and SIRET Luhn keys) derived from ``n``."""
    siren8 = f"{(n * 7919 + 12345678) % 10**8:08d}"
    siren = siren8 + luhn.calc_check_digit(siren8)
    nic4 = f"{n % 10000:04d}"
    first13 = siren + nic4
    return first13 + luhn.calc_check_digit(first13)


class BuyerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Buyer

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Office public de l'habitat {n}")
    siret = factory.Sequence(lambda n: make_siret(n + 1000))
    kind = "bailleur_social"


class OperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operation

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Renouvellement urbain du quartier {n}")
    is_npnru = True
    anru_target_rate = Decimal("0.05")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    organisation = factory.SubFactory(OrganisationFactory)
    buyer = factory.SubFactory(BuyerFactory, organisation=factory.SelfAttribute("..organisation"))
    reference = factory.Sequence(lambda n: f"2025-TX-{n:04d}")
    object = "Réhabilitation de 120 logements"
    kind = "travaux"
    cpv_code = "45453000"
    amount_excl_tax = Decimal("2400000")
    notification_date = datetime.date(2025, 1, 15)
    duration_months = 24


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    contract = factory.SubFactory(ContractFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = "Gros œuvre"
    amount_excl_tax = Decimal("1200000")


class ClauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clause

    lot = factory.SubFactory(LotFactory)
    legal_basis = "L2112-2"
    required_hours = Decimal("1500")
    calculation_method = "taux"
    labour_share = Decimal("0.40")
    insertion_rate = Decimal("0.07")
    hourly_cost = Decimal("35")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Bâtiment Est {n}")
    siret = factory.Sequence(lambda n: make_siret(n + 5000))
    kind = "ordinaire"


class LotCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LotCompany

    lot = factory.SubFactory(LotFactory)
    company = factory.SubFactory(
        CompanyFactory, organisation=factory.SelfAttribute("..lot.contract.organisation")
    )
    role = "titulaire"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    organisation = factory.SubFactory(OrganisationFactory)
    identifier = factory.Sequence(lambda n: f"P-{n:05d}")
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    birth_date = factory.Sequence(lambda n: datetime.date(1970 + n % 35, 1 + n % 12, 1 + n % 28))
    sex = "M"
    education_level = "3"
    prescriber = "france_travail"
    person_key = factory.LazyAttribute(
        lambda o: identity.person_key(
            last_name=o.last_name,
            first_name=o.first_name,
            birth_date=o.birth_date,
            organisation_id=o.organisation.pk,
            identifier=o.identifier,
        )
    )


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission

    participant = factory.SubFactory(ParticipantFactory)
    lot = factory.SubFactory(
        LotFactory, contract__organisation=factory.SelfAttribute("...participant.organisation")
    )
    company = factory.SubFactory(
        CompanyFactory, organisation=factory.SelfAttribute("..participant.organisation")
    )
    modality = "embauche_directe"
    work_contract_type = "cdd"
    start_date = datetime.date(2025, 2, 1)
    end_date = datetime.date(2025, 7, 31)


class HoursDeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HoursDeclaration

    mission = factory.SubFactory(MissionFactory)
    month = datetime.date(2025, 3, 1)
    hours = Decimal("120")


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    mission = factory.SubFactory(MissionFactory)
    moment = "sortie"
    kind = "emploi_durable"
    detail = "cdi"
    observed_on = datetime.date(2025, 8, 1)


def tracked_contract(organisation, *, buyer_account=None, participants=1):
    """A contract of ``organisation`` with one lot, its clause, a holder company and
    ``participants`` missions with three months of hours. Returns a dict of the objects."""
    buyer = BuyerFactory(organisation=organisation, account=buyer_account)
    operation = OperationFactory(organisation=organisation, buyer=buyer)
    contract = ContractFactory(organisation=organisation, buyer=buyer, operation=operation)
    lot = LotFactory(contract=contract)
    clause = ClauseFactory(lot=lot)
    company = CompanyFactory(organisation=organisation)
    LotCompanyFactory(lot=lot, company=company)
    missions = []
    for _ in range(participants):
        participant = ParticipantFactory(organisation=organisation)
        mission = MissionFactory(participant=participant, lot=lot, company=company)
        for month in (2, 3, 4):
            HoursDeclarationFactory(mission=mission, month=datetime.date(2025, month, 1))
        missions.append(mission)
    return {
        "buyer": buyer,
        "operation": operation,
        "contract": contract,
        "lot": lot,
        "clause": clause,
        "company": company,
        "participant": missions[0].participant if missions else None,
        "mission": missions[0] if missions else None,
        "missions": missions,
    }
