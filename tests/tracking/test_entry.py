"""The month's hours still to enter, contract by contract (clauses.insertion.entry)."""

import datetime
from decimal import Decimal

import pytest

from clauses.insertion import entry
from clauses.insertion.models import Mission
from tests.factories import OrganisationFactory

from .factories import (
    ClauseFactory,
    ContractFactory,
    HoursDeclarationFactory,
    LotFactory,
    MissionFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)


def contract_with_missions(organisation, reference, *periods):
    """A contract with a clause and one mission per (start, end) period."""
    contract = ContractFactory(organisation=organisation, reference=reference)
    lot = LotFactory(contract=contract)
    ClauseFactory(lot=lot)
    return [
        MissionFactory(
            participant=ParticipantFactory(organisation=organisation),
            lot=lot,
            start_date=start,
            end_date=end,
        )
        for start, end in periods
    ]


@pytest.mark.parametrize(
    ("today", "month"),
    [
        (datetime.date(2026, 11, 27), datetime.date(2026, 10, 1)),
        (datetime.date(2026, 11, 1), datetime.date(2026, 10, 1)),
        (datetime.date(2027, 1, 5), datetime.date(2026, 12, 1)),
    ],
)
def test_the_month_to_enter_is_the_one_before_today_s(today, month):
    assert entry.month_to_enter(today) == month


def test_heading_elides_before_a_vowel():
    assert entry.heading(datetime.date(2026, 10, 1)) == "Heures d'octobre 2026"
    assert entry.heading(datetime.date(2026, 4, 1)) == "Heures d'avril 2026"
    assert entry.heading(datetime.date(2026, 3, 1)) == "Heures de mars 2026"


def test_each_contract_counts_its_running_missions_and_those_entered():
    organisation = OrganisationFactory()
    day = datetime.date
    late = contract_with_missions(
        organisation,
        "2026-A",
        (day(2026, 1, 1), None),  # open-ended: runs in October
        (day(2026, 10, 31), day(2027, 3, 31)),  # starts on October's last day
        (day(2025, 1, 1), day(2026, 10, 1)),  # ends on October's first day
        (day(2025, 1, 1), day(2026, 9, 30)),  # ended in September: not counted
        (day(2026, 11, 1), None),  # starts in November: not counted
    )
    done = contract_with_missions(organisation, "2026-B", (day(2026, 5, 1), day(2026, 12, 31)))
    # Entered: a declaration of October; one of another month does not count.
    HoursDeclarationFactory(mission=late[0], month=OCTOBER, hours=Decimal("35.5"))
    HoursDeclarationFactory(mission=late[1], month=datetime.date(2026, 9, 1))
    HoursDeclarationFactory(mission=late[3], month=OCTOBER - datetime.timedelta(days=30))
    HoursDeclarationFactory(mission=done[0], month=OCTOBER, hours=Decimal(120))

    rows = entry.entry_by_contract(Mission.objects.all(), OCTOBER)

    assert [(r.contract.reference, r.missions, r.entered, r.missing) for r in rows] == [
        ("2026-A", 3, 1, 2),
        ("2026-B", 1, 1, 0),
    ]
    assert entry.month_totals(Mission.objects.all(), OCTOBER) == (4, 2)


def test_contracts_with_the_most_missing_come_first_then_by_reference():
    organisation = OrganisationFactory()
    running = (datetime.date(2026, 1, 1), None)
    contract_with_missions(organisation, "C", running)
    contract_with_missions(organisation, "B", running, running)
    contract_with_missions(organisation, "A", running)

    rows = entry.entry_by_contract(Mission.objects.all(), OCTOBER)

    assert [(r.contract.reference, r.missing) for r in rows] == [("B", 2), ("A", 1), ("C", 1)]


def test_the_missions_entered_by_an_organisation_are_those_of_its_contracts_with_a_clause():
    organisation, other = OrganisationFactory(), OrganisationFactory()
    running = (datetime.date(2026, 1, 1), None)
    ours = contract_with_missions(organisation, "OURS", running)
    contract_with_missions(other, "THEIRS", running)
    without_clause = MissionFactory(
        participant=ParticipantFactory(organisation=organisation),
        lot__contract__organisation=organisation,
        start_date=running[0],
        end_date=None,
    )

    missions = entry.missions_entered_by([organisation])

    assert list(missions) == ours
    assert without_clause not in missions


def test_two_queries_whatever_the_number_of_contracts(django_assert_num_queries):
    organisation = OrganisationFactory()
    for number in range(6):
        contract_with_missions(organisation, f"R-{number}", (datetime.date(2026, 1, 1), None))
    with django_assert_num_queries(2):
        rows = entry.entry_by_contract(entry.missions_entered_by([organisation]), OCTOBER)
        assert [row.contract.object for row in rows]
