import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from clauses.core.exceptions import DomainError
from clauses.core.models import AuditEntry
from clauses.insertion import services as insertion
from clauses.insertion.models import HoursDeclaration, Participant
from clauses.procurement import services as procurement
from clauses.procurement.models import Lot
from tests.factories import MembershipFactory

from .factories import ContractFactory, MissionFactory, ParticipantFactory, make_siret

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory()


def test_invalid_siret_is_refused_with_the_field_named(member):
    with pytest.raises(DomainError) as error:
        procurement.save_buyer(
            actor=member.user,
            organisation=member.organisation,
            name="Ville",
            siret="12345678901234",
            kind="commune_epci",
        )
    assert error.value.field == "siret"
    assert "SIRET" in error.value.message and "clé de contrôle" in error.value.message


def test_siret_is_stored_without_spaces(member):
    siret = make_siret(1)
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    buyer = procurement.save_buyer(
        actor=member.user,
        organisation=member.organisation,
        name="Ville",
        siret=spaced,
        kind="commune_epci",
    )
    assert buyer.siret == siret
    assert AuditEntry.objects.filter(action="procurement.buyer_created").count() == 1


def test_lot_without_clause_is_refused_and_nothing_saved(member):
    contract = ContractFactory(organisation=member.organisation)
    with pytest.raises(DomainError) as error:
        procurement.save_lot(actor=member.user, contract=contract, number="2", clause={})
    assert error.value.field == "legal_basis"
    assert not Lot.objects.filter(contract=contract, number="2").exists()


def test_implausible_date_is_refused(member):
    contract = ContractFactory(organisation=member.organisation)
    with pytest.raises(DomainError) as error:
        procurement.save_contract(
            actor=member.user,
            organisation=member.organisation,
            contract=contract,
            notification_date=datetime.date(218, 3, 1),
        )
    assert error.value.field == "notification_date"
    assert "0218-03-01" in error.value.message


def test_duplicate_participant_by_name_and_birth_date(member):
    ParticipantFactory(
        organisation=member.organisation,
        identifier="A1",
        last_name="Martin",
        first_name="Léa",
        birth_date=datetime.date(1990, 5, 4),
    )
    with pytest.raises(DomainError) as error:
        insertion.save_participant(
            actor=member.user,
            organisation=member.organisation,
            identifier="A2",
            last_name="MARTIN",
            first_name="léa",
            birth_date=datetime.date(1990, 5, 4),
            sex="F",
        )
    assert error.value.field == "last_name"
    assert Participant.objects.count() == 1


@override_settings(MAX_HOURS_PER_MONTH=200)
@pytest.mark.parametrize(
    ("month", "hours", "words"),
    [
        (datetime.date(2025, 3, 1), "-4", "négatif"),
        (datetime.date(2025, 3, 1), "250", "plafond"),
        (datetime.date(2025, 9, 1), "10", "hors des dates"),
        (datetime.date(2025, 3, 1), "douze", "pas un nombre"),
    ],
)
def test_bad_hours_are_refused_and_nothing_is_written(member, month, hours, words):
    mission = MissionFactory(participant__organisation=member.organisation)
    good = (mission, datetime.date(2025, 2, 1), "35")
    with pytest.raises(DomainError) as error:
        insertion.declare_hours(actor=member.user, entries=[good, (mission, month, hours)])
    assert words in error.value.message
    assert not HoursDeclaration.objects.exists()


def test_declaring_hours_twice_updates_then_zero_deletes(member):
    mission = MissionFactory(participant__organisation=member.organisation)
    march = datetime.date(2025, 3, 1)
    assert insertion.declare_hours(actor=member.user, entries=[(mission, march, "35,5")]) == 1
    assert insertion.declare_hours(actor=member.user, entries=[(mission, march, "35.5")]) == 0
    assert HoursDeclaration.objects.get().hours == Decimal("35.5")
    assert insertion.declare_hours(actor=member.user, entries=[(mission, march, "")]) == 1
    assert not HoursDeclaration.objects.exists()
