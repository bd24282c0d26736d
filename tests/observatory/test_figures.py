"""clauses/observatory/figures.py on the hand-built dataset of conftest.py: every answer known."""

from decimal import Decimal

import pytest

from clauses.observatory import registry
from clauses.observatory.figures import Period, Scope, compute
from tests.tracking.factories import OperationFactory

pytestmark = pytest.mark.django_db

YEAR = Period.of_year(2025)


def rows(figures, code):
    return {row.code: row for row in figures.breakdowns[code].rows}


def test_national_counts(known):
    figures = compute(Scope.national(), YEAR)
    assert figures["hours"] == Decimal(400)
    assert figures["etp"] == Decimal("0.25")
    assert figures["missions"] == 4
    assert figures["contracts"] == 3
    assert figures["companies"] == 2  # S1 is followed by A and by B: one company
    assert figures["buyers"] == 3
    assert figures["organisations"] == 3


def test_a_person_followed_by_two_structures_counts_once(known):
    figures = compute(Scope.national(), YEAR)
    assert figures["participants"] == 3
    assert figures["participants_several_structures"] == 1
    assert figures["participants_local_key"] == 1


def test_headline_shares_and_their_denominators(known):
    figures = compute(Scope.national(), YEAR)
    assert figures["share_etp_works"] == Decimal("0.75")  # 300 of 400 hours
    assert figures["share_etp_outside_works"] == Decimal("0.25")
    assert figures["share_etp_reserved"] == Decimal("0.1")  # 40 of 400 hours
    assert figures["share_participants_women"] == Decimal("0.3333")  # 1 of 3 people
    assert figures["share_participants_men"] == Decimal("0.6667")
    assert figures["share_participants_qpv"] == Decimal("0.3333")
    assert figures["share_hours_women"] == Decimal("0.475")  # 190 of 400 hours
    assert figures["share_hours_qpv"] == Decimal("0.475")
    assert registry.INDICATOR["share_etp_works"].denominator == registry.OF_HOURS
    assert registry.INDICATOR["share_participants_qpv"].denominator == registry.OF_PEOPLE


def test_people_are_described_at_their_first_mission_of_the_period(known):
    figures = compute(Scope.national(), YEAR)
    ages = rows(figures, "age_band")
    # Claire is 25 when her first mission of 2025 starts (A's, 1 February).
    assert (ages["moins_26"].people, ages["26_49"].people, ages["50_plus"].people) == (1, 0, 1)
    assert ages["inconnu"].people == 1
    education = rows(figures, "education_level")
    assert education["3"].people == 1  # A's record, not B's (level 4)
    assert education["4"].people == 0
    prescribers = rows(figures, "prescriber")
    assert prescribers["mission_locale"].people == 1
    assert prescribers["plie"].people == 0


def test_criteria_are_shares_of_people_that_need_not_add_up(known):
    criteria = rows(compute(Scope.national(), YEAR), "criteria")
    assert criteria["rsa"].people == 1
    assert criteria["residant_qpv"].people == 1
    assert criteria["de_longue_duree"].people == 1
    assert criteria["jeune"].people == 0
    assert criteria["rsa"].share == Decimal("0.3333")


def test_sex_and_qpv_are_also_given_in_hours(known):
    figures = compute(Scope.national(), YEAR)
    sex = rows(figures, "sex")
    assert (sex["F"].people, sex["F"].hours, sex["F"].share_of_hours) == (
        1,
        Decimal(190),
        Decimal("0.475"),
    )
    qpv = rows(figures, "qpv")
    assert (qpv["qpv"].people, qpv["hors_qpv"].people) == (1, 2)


def test_hours_breakdowns(known):
    figures = compute(Scope.national(), YEAR)
    kinds = rows(figures, "contract_kind")
    assert (kinds["travaux"].hours, kinds["services"].hours, kinds["fournitures"].hours) == (
        Decimal(300),
        Decimal(40),
        Decimal(60),
    )
    assert rows(figures, "reserved")["reserve"].hours == Decimal(40)
    assert rows(figures, "legal_basis")["L2113-13"].hours == Decimal(40)
    modality = rows(figures, "modality")
    assert (modality["embauche_directe"].hours, modality["etti"].hours) == (
        Decimal(360),
        Decimal(40),
    )
    work_contracts = rows(figures, "work_contract_type")
    assert (work_contracts["cdd"].missions, work_contracts["cdd"].hours) == (1, Decimal(100 + 50))
    assert rows(figures, "company_kind")["ordinaire"].share == Decimal(1)
    assert rows(figures, "buyer_kind")["commune_epci"].hours == Decimal(400)


def test_exclusive_breakdowns_add_up_to_the_whole(known):
    figures = compute(Scope.national(), YEAR)
    for code, breakdown in figures.breakdowns.items():
        if not breakdown.breakdown.exclusive or not breakdown.total:
            continue
        total = sum((row.share or 0 for row in breakdown.rows), Decimal(0))
        assert abs(total - 1) <= Decimal("0.0003"), code


def test_outcomes(known):
    figures = compute(Scope.national(), YEAR)
    exits = rows(figures, "outcome_exit")
    assert exits["emploi_durable"].missions == 1
    assert exits["emploi_durable"].share == Decimal(1)
    assert figures.breakdowns["outcome_six_months"].total == 0


def test_territories_follow_the_structure(known):
    figures = compute(Scope.national(), YEAR)
    regions = rows(figures, "region")
    assert (regions["11"].hours, regions["11"].people) == (Decimal(340), 2)
    assert (regions["75"].hours, regions["75"].people) == (Decimal(60), 1)
    departements = rows(figures, "departement")
    assert (departements["93"].hours, departements["93"].people) == (Decimal(300), 2)
    assert (departements["94"].hours, departements["94"].people) == (Decimal(40), 1)


def test_scopes(known):
    region = compute(Scope.region(known.idf), YEAR)
    assert (region["hours"], region["participants"]) == (Decimal(340), 2)
    assert region["participants_several_structures"] == 1
    assert (region["contracts"], region["contracts_with_hours"]) == (2, 2)
    departement = compute(Scope.departement(known.d94), YEAR)
    assert (departement["hours"], departement["participants"]) == (Decimal(40), 1)
    structure = compute(Scope.organisations([known.org_a]), YEAR)
    assert (structure["hours"], structure["participants"]) == (Decimal(300), 2)
    assert structure["participants_several_structures"] == 0
    contract = compute(Scope.of("contract", known.contract_c), YEAR)
    assert contract["hours"] == Decimal(60)
    buyer = compute(Scope.of("buyer", known.contract_b.buyer), YEAR)
    assert buyer["hours"] == Decimal(40)


def test_contracts_running_in_the_period_or_with_hours_count(known):
    # Notified on 15 January 2025 for 24 months: running until 15 January 2027, not in 2024 —
    # but A's contract has hours in December 2024 (declared before its notification).
    assert compute(Scope.national(), Period.of_year(2026))["contracts"] == 3
    assert compute(Scope.national(), Period.of_year(2026))["contracts_with_hours"] == 0
    last_year = compute(Scope.national(), Period.of_year(2024))
    assert (last_year["contracts"], last_year["contracts_with_hours"]) == (1, 1)
    assert compute(Scope.national(), Period.of_year(2027))["contracts"] == 3
    assert compute(Scope.national(), Period.of_year(2028))["contracts"] == 0


def test_periods(known):
    assert compute(Scope.national(), Period.of_year(2024))["hours"] == Decimal(80)
    assert compute(Scope.national(), Period.everything())["hours"] == Decimal(480)
    first_quarter = Period.between(YEAR.start, YEAR.start.replace(month=3, day=31))
    figures = compute(Scope.national(), first_quarter)
    assert (figures["hours"], figures["participants"]) == (Decimal(250), 2)


def test_an_empty_scope_has_no_shares(known, db):
    figures = compute(Scope.national(), Period.of_year(2019))
    assert figures["hours"] == 0
    assert figures["participants"] == 0
    assert figures["share_etp_works"] is None
    assert figures["share_participants_women"] is None


def test_territories_carry_their_shares_for_the_maps(known):
    regions = rows(compute(Scope.national(), YEAR), "region")
    assert regions["11"].shares["share_participants_women"] == Decimal("0.5")  # Claire, Paul
    assert regions["11"].shares["share_etp_works"] == Decimal("0.8824")  # 300 of 340 hours
    assert regions["11"].shares["share_etp_reserved"] == Decimal("0.1176")
    assert regions["75"].shares["share_participants_qpv"] == Decimal(0)


def test_npnru_operations(known):
    # A's works contract belongs to an NPNRU operation: Claire's 150 hours (QPV resident) and
    # Paul's 150 of 2025; B's and C's 100 hours are outside.
    known.contract_a.operation = OperationFactory(organisation=known.org_a, is_npnru=True)
    known.contract_a.save()
    figures = compute(Scope.national(), YEAR)
    assert figures["hours_npnru"] == Decimal(300)
    assert figures["share_hours_qpv_npnru"] == Decimal("0.5")
    npnru = rows(figures, "npnru")
    assert (npnru["npnru"].hours, npnru["hors_npnru"].hours) == (Decimal(300), Decimal(100))
    assert npnru["npnru"].share == Decimal("0.75")
    assert registry.INDICATOR["share_hours_qpv_npnru"].denominator == registry.OF_NPNRU_HOURS
    # An operation that is not NPNRU counts outside.
    known.contract_a.operation.is_npnru = False
    known.contract_a.operation.save()
    figures = compute(Scope.national(), YEAR)
    assert figures["hours_npnru"] == 0
    assert figures["share_hours_qpv_npnru"] is None


def test_every_line_has_its_people_and_its_hours(known):
    figures = compute(Scope.national(), YEAR)
    kinds = rows(figures, "contract_kind")
    # Works: Claire (A) and Paul; services: Claire (B), the same person; supplies: one man.
    assert (kinds["travaux"].people, kinds["services"].people, kinds["fournitures"].people) == (
        2,
        1,
        1,
    )
    # A person counts in each line they have hours in: the lines' people may exceed the whole.
    assert sum(row.people for row in kinds.values()) == 4 > figures["participants"]
    # People lines carry the hours of the people counted in them, and add up to the hours.
    ages = rows(figures, "age_band")
    assert (ages["moins_26"].hours, ages["50_plus"].hours, ages["inconnu"].hours) == (
        Decimal(190),
        Decimal(150),
        Decimal(60),
    )
    for code in ("sex", "age_band", "qpv", "education_level", "prescriber"):
        assert sum(row.hours for row in figures.breakdowns[code].rows) == figures["hours"], code
