"""clauses/observatory/reports.py: the figures of the reports, computed from factory data."""

import datetime
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import override_settings

from clauses.insertion.models import Mission
from clauses.observatory import reports as indicators
from clauses.procurement.models import Lot
from clauses.territories.models import Qpv
from tests.factories import OrganisationFactory

from .factories import (
    ClauseFactory,
    CompanyFactory,
    ContractFactory,
    HoursDeclarationFactory,
    LotFactory,
    MissionFactory,
    OperationFactory,
    OutcomeFactory,
    ParticipantFactory,
    tracked_contract,
)

pytestmark = pytest.mark.django_db

D = datetime.date

# One line per mission: who, where, how, when, which band at the start of their FIRST
# mission, and the hours declared per month.
PEOPLE = {
    "P1": {"sex": "F", "birth_date": D(2002, 5, 10), "qpv": True},
    "P2": {"sex": "M", "birth_date": D(1970, 3, 1), "qpv": False},
    "P3": {"sex": "M", "birth_date": D(1990, 6, 15), "qpv": True},
    "P4": {"sex": "F", "birth_date": None, "qpv": False},
    "P5": {"sex": "M", "birth_date": D(1999, 2, 1), "qpv": False},  # 26 on their start day
}
BANDS = {"P1": "moins_26", "P2": "50_plus", "P3": "26_49", "P4": "inconnu", "P5": "26_49"}
H1 = {D(2024, 11, 1): 100, D(2024, 12, 1): 80, D(2025, 1, 1): 120}
H2 = {D(2025, 2, 1): 150, D(2025, 3, 1): 140}
H3 = {D(2025, 1, 1): 60, D(2025, 2, 1): 70}
MISSIONS = [
    ("P1", "1", "embauche_directe", "cdd", D(2024, 11, 1), H1),
    ("P2", "1", "etti", "interim", D(2025, 2, 1), H2),
    ("P3", "2", "geiq", "professionnalisation", D(2025, 1, 15), H3),
    ("P3", "1", "embauche_directe", "cdi", D(2025, 4, 1), {D(2025, 4, 1): 30}),
    ("P4", "2", "etti", "interim", D(2025, 3, 1), {}),
    ("P5", "1", "embauche_directe", "cdd", D(2025, 2, 1), {D(2025, 2, 1): 10}),
]
OUTCOMES = [  # (mission index, moment, kind, detail)
    (0, "sortie", "emploi_durable", "cdi"),
    (0, "six_mois", "emploi_durable", "cdi"),
    (1, "sortie", "emploi_transition", "interim_court"),
    (2, "sortie", "sortie_positive", "formation_qualifiante"),
]
LOT_1 = {
    "amount": Decimal(1_200_000),
    "required": Decimal(1500),
    "share": Decimal("0.40"),
    "cost": Decimal(35),
}
LOT_2 = {"amount": Decimal(300_000), "required": Decimal(400), "anru_target": Decimal(120)}


@pytest.fixture
def data():
    organisation = OrganisationFactory()
    qpv = Qpv.objects.create(code="QN09301M", name="Les Courtillières", list_year=2024)
    operation = OperationFactory(
        organisation=organisation, is_npnru=True, anru_target_rate=Decimal("0.05")
    )
    contract = ContractFactory(organisation=organisation, operation=operation)
    lots = {
        "1": LotFactory(contract=contract, number="1", amount_excl_tax=LOT_1["amount"]),
        "2": LotFactory(contract=contract, number="2", amount_excl_tax=LOT_2["amount"]),
    }
    ClauseFactory(
        lot=lots["1"],
        required_hours=LOT_1["required"],
        labour_share=LOT_1["share"],
        hourly_cost=LOT_1["cost"],
    )
    ClauseFactory(
        lot=lots["2"], required_hours=LOT_2["required"], anru_target_hours=LOT_2["anru_target"]
    )
    company = CompanyFactory(organisation=organisation)
    people = {
        key: ParticipantFactory(
            organisation=organisation,
            sex=spec["sex"],
            birth_date=spec["birth_date"],
            qpv=qpv if spec["qpv"] else None,
        )
        for key, spec in PEOPLE.items()
    }
    missions = []
    for who, lot, modality, work_contract, start, hours in MISSIONS:
        mission = MissionFactory(
            participant=people[who],
            lot=lots[lot],
            company=company,
            modality=modality,
            work_contract_type=work_contract,
            start_date=start,
            end_date=None,
        )
        for month, value in hours.items():
            HoursDeclarationFactory(mission=mission, month=month, hours=Decimal(value))
        missions.append(mission)
    for index, moment, kind, detail in OUTCOMES:
        OutcomeFactory(mission=missions[index], moment=moment, kind=kind, detail=detail)
    # Another organisation's contract, with hours: never counted.
    tracked_contract(OrganisationFactory(), participants=2)
    return {"contract": contract, "lots": lots, "missions": missions}


def _lots(data):
    return Lot.objects.filter(contract=data["contract"])


def test_hours_done_required_and_etp(data):
    result = indicators.compute(_lots(data))
    expected_done = sum(Decimal(v) for *_, hours in MISSIONS for v in hours.values())
    assert result.hours_done == expected_done
    assert result.required_hours == LOT_1["required"] + LOT_2["required"]
    assert result.progress == (expected_done / result.required_hours).quantize(Decimal("0.0001"))
    assert result.etp_done == (expected_done / 1600).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert result.remaining_hours == result.required_hours - expected_done


@override_settings(HOURS_PER_ETP=1607)
def test_etp_follow_the_conversion_setting(data):
    result = indicators.compute(_lots(data))
    assert result.hours_per_etp == 1607
    assert result.etp_required == (result.required_hours / 1607).quantize(
        Decimal("0.01"), ROUND_HALF_UP
    )


def test_hours_by_year_and_by_lot_and_period(data):
    result = indicators.compute(_lots(data))
    by_year, by_lot, qpv_by_year = defaultdict(Decimal), defaultdict(Decimal), defaultdict(Decimal)
    for who, lot, *_, hours in MISSIONS:
        for month, value in hours.items():
            by_year[month.year] += value
            by_lot[lot] += value
            if PEOPLE[who]["qpv"]:
                qpv_by_year[month.year] += value
    assert [(y.year, y.hours, y.qpv_hours) for y in result.hours_by_year] == [
        (year, by_year[year], qpv_by_year[year]) for year in sorted(by_year)
    ]
    assert {lot.number: lot.hours_done for lot in result.lots} == dict(by_lot)
    months = [month for *_, hours in MISSIONS for month in hours]
    assert (result.first_month, result.last_month) == (min(months), max(months))


def test_participants_by_sex_age_band_and_qpv(data):
    result = indicators.compute(_lots(data))
    assert result.participants == len(PEOPLE)
    sexes = Counter(spec["sex"] for spec in PEOPLE.values())
    assert {row.code: row.count for row in result.by_sex} == {"F": sexes["F"], "M": sexes["M"]}
    assert {row.code: row.share for row in result.by_sex}["F"] == (
        Decimal(sexes["F"]) / len(PEOPLE)
    ).quantize(Decimal("0.0001"))
    bands = Counter(BANDS.values())
    assert {row.code: row.count for row in result.by_age_band if row.count} == dict(bands)
    assert result.by_age_band[-1].label == "Non renseigné"
    assert result.qpv_residents == sum(spec["qpv"] for spec in PEOPLE.values())


def test_modalities_are_shares_of_hours_and_work_contracts_are_counted(data):
    result = indicators.compute(_lots(data))
    hours, people = defaultdict(Decimal), defaultdict(set)
    contracts = Counter()
    for who, _lot, modality, work_contract, _start, declared in MISSIONS:
        hours[modality] += sum(Decimal(v) for v in declared.values())
        people[modality].add(who)
        contracts[work_contract] += 1
    assert {row.code: row.hours for row in result.by_modality} == dict(hours)
    assert {row.code: row.count for row in result.by_modality} == {
        k: len(v) for k, v in people.items()
    }
    total = sum(hours.values())
    assert {row.code: row.share for row in result.by_modality} == {
        k: (v / total).quantize(Decimal("0.0001")) for k, v in hours.items()
    }
    assert result.work_contracts == len(MISSIONS)
    assert {row.code: row.count for row in result.by_work_contract} == dict(contracts)


def test_outcomes_at_exit_and_at_six_months_by_iae_kind(data):
    result = indicators.compute(_lots(data))
    expected = Counter((moment, kind) for _, moment, kind, _ in OUTCOMES)
    groups = {group.moment: group for group in result.outcomes}
    assert set(groups) == {"sortie", "six_mois"}
    for moment, group in groups.items():
        assert group.total == sum(n for (m, _), n in expected.items() if m == moment)
        assert {row.code: row.count for row in group.rows if row.count} == {
            kind: n for (m, kind), n in expected.items() if m == moment
        }


def test_anru_progress_on_npnru_lots(data):
    result = indicators.compute(_lots(data))
    lot_1_target = (LOT_1["amount"] * LOT_1["share"] / LOT_1["cost"] * Decimal("0.05")).quantize(
        Decimal(1), ROUND_HALF_UP
    )
    qpv_hours = sum(
        Decimal(v) for who, *_, hours in MISSIONS if PEOPLE[who]["qpv"] for v in hours.values()
    )
    assert result.anru.target_hours == lot_1_target + LOT_2["anru_target"]
    assert result.anru.qpv_hours == qpv_hours
    assert result.anru.progress == (qpv_hours / result.anru.target_hours).quantize(
        Decimal("0.0001")
    )
    assert result.anru.lots == 2 and result.anru.lots_without_target == 0


def test_no_anru_section_outside_npnru_operations():
    objects = tracked_contract(OrganisationFactory())
    objects["operation"].is_npnru = False
    objects["operation"].save()
    assert indicators.compute(Lot.objects.filter(pk=objects["lot"].pk)).anru is None


def test_a_lot_without_figures_has_no_computable_target():
    objects = tracked_contract(OrganisationFactory())
    objects["clause"].hourly_cost = None
    objects["clause"].save()
    anru = indicators.compute(Lot.objects.filter(pk=objects["lot"].pk)).anru
    assert anru.lots_without_target == 1 and anru.target_hours == 0 and anru.progress is None


def test_from_missions(data):
    """A queryset of missions works too: here, lot 2's missions only."""
    missions = Mission.objects.filter(lot=data["lots"]["2"])
    result = indicators.compute(missions)
    assert result.required_hours == LOT_2["required"]
    assert result.hours_done == sum(
        Decimal(v) for _, lot, *_, hours in MISSIONS if lot == "2" for v in hours.values()
    )
    assert result.participants == len({who for who, lot, *_ in MISSIONS if lot == "2"})


def test_empty_scope():
    result = indicators.compute(Lot.objects.none())
    assert result.hours_done == result.required_hours == 0
    assert result.progress is None and result.participants == 0
    assert [row.count for row in result.by_sex] == [0, 0]
    assert all(row.share is None for row in result.by_sex)


def test_five_queries_whatever_the_size(data, django_assert_num_queries):
    with django_assert_num_queries(5):
        indicators.compute(_lots(data))
    lot = data["lots"]["1"]
    for _ in range(10):
        mission = MissionFactory(participant__organisation=lot.contract.organisation, lot=lot)
        HoursDeclarationFactory(mission=mission)
        OutcomeFactory(mission=mission)
    with django_assert_num_queries(5):
        indicators.compute(_lots(data))
