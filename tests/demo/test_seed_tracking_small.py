"""The small tracking demo (``seed_demo``, what ``make demo`` loads): realistic, through the
services, obeying every rule, idempotent."""

import datetime
import io

import pytest
import shapely
from django.conf import settings
from django.core.management import call_command
from django.db.models import Max, Min

from clauses.accounts.models import User
from clauses.core.models import AuditEntry
from clauses.core.validators import validate_siret
from clauses.demo import data, services, tracking_small
from clauses.insertion.enums import OutcomeMoment
from clauses.insertion.models import Eligibility, HoursDeclaration, Mission, Outcome, Participant
from clauses.insertion.services import _month_within
from clauses.procurement.enums import CompanyKind, LegalBasis
from clauses.procurement.models import Buyer, Clause, Company, Contract, Lot, LotCompany, Operation
from clauses.territories import geo
from clauses.territories.models import Commune, Departement, Qpv
from tests.factories import DepartementFactory, RegionFactory

TODAY = datetime.date(2026, 6, 15)
TRACKING_MODELS = [
    Buyer,
    Operation,
    Contract,
    Lot,
    Clause,
    Company,
    LotCompany,
    Participant,
    Eligibility,
    Mission,
    HoursDeclaration,
    Outcome,
]


@pytest.fixture
def territories(db):
    regions = {code: RegionFactory(code=code, name=name) for code, name in data.REGIONS.items()}
    for code, (name, region_code) in data.DEPARTEMENTS.items():
        DepartementFactory(code=code, name=name, region=regions[region_code])
    geo.invalidate_index()
    yield
    geo.invalidate_index()


@pytest.fixture
def qpv(territories):
    """Saint-Denis (93) and one small QPV north-east of its centre (2024 list)."""
    departement = Departement.objects.get(code="93")
    commune = Commune.objects.create(
        code="93066",
        name="Saint-Denis",
        departement=departement,
        postal_codes=["93200"],
        population=150_000,
        lat=48.9378,
        lon=2.3657,
    )
    box = shapely.box(2.40, 48.95, 2.404, 48.954)
    qpv = Qpv.objects.create(
        code="QN09328M",
        name="Franc Moisin - Cosmonautes",
        list_year=2024,
        departement=departement,
        geometry=shapely.to_wkb(box),
        min_lon=2.40,
        min_lat=48.95,
        max_lon=2.404,
        max_lat=48.954,
    )
    qpv.communes.add(commune)
    geo.invalidate_index()
    return qpv


def seed(today=TODAY):
    return services.seed(today=today)


def counts():
    return {model.__name__: model.objects.count() for model in [*TRACKING_MODELS, AuditEntry]}


def plie_93():
    return services.seed_organisations()["plie_93"]


def test_seed_demo_gives_the_demo_facilitators_realistic_tracking_data(territories):
    output = io.StringIO()
    call_command("seed_demo", stdout=output)

    organisation = plie_93()
    assert "Suivi de la clause : 5 structures de facilitation" in output.getvalue()
    assert Contract.objects.filter(organisation=organisation).count() == 9
    assert Participant.objects.filter(organisation=organisation).count() == 50
    with_missions = Participant.objects.filter(organisation=organisation, missions__isnull=False)
    assert with_missions.distinct().count() == 50
    assert Buyer.objects.filter(organisation=organisation).count() == 4
    assert Company.objects.filter(organisation=organisation, kind__in=CompanyKind.siae()).exists()
    facilitator = User.objects.get(email="facilitateur@example.org")
    assert (
        AuditEntry.objects.filter(actor=facilitator, action="procurement.contract_created").count()
        == Contract.objects.filter(organisation=organisation).count()
    )


def test_three_years_of_monthly_hours_up_to_last_month_and_outcomes(territories):
    seed(today=TODAY)

    months = HoursDeclaration.objects.aggregate(first=Min("month"), last=Max("month"))
    assert months["first"].year == 2024
    assert months["last"] == datetime.date(2026, 5, 1)  # June is not over on 15 June
    assert Outcome.objects.filter(moment=OutcomeMoment.EXIT).exists()
    assert Outcome.objects.filter(moment=OutcomeMoment.SIX_MONTHS).exists()
    years = {month.year for month in HoursDeclaration.objects.values_list("month", flat=True)}
    assert years == {2024, 2025, 2026}


def test_small_seed_obeys_the_rules(territories):
    seed()

    assert not Lot.objects.filter(clause__isnull=True).exists()
    for siret in [*Buyer.objects.values_list("siret", flat=True)] + [
        *Company.objects.values_list("siret", flat=True)
    ]:
        validate_siret(siret)
    assert not HoursDeclaration.objects.filter(hours__gt=settings.MAX_HOURS_PER_MONTH).exists()
    assert not HoursDeclaration.objects.filter(month__gt=TODAY).exists()
    for declaration in HoursDeclaration.objects.select_related("mission"):
        mission = declaration.mission
        assert _month_within(declaration.month, mission.start_date, mission.end_date)
    for mission in Mission.objects.select_related(
        "participant", "lot__contract", "company"
    ).iterator():
        organisation = mission.participant.organisation_id
        assert mission.lot.contract.organisation_id == organisation
        assert mission.company.organisation_id == organisation
    for outcome in Outcome.objects.select_related("mission"):
        assert outcome.observed_on >= outcome.mission.end_date
        assert outcome.observed_on <= TODAY


def test_clauses_have_various_legal_bases_and_calibrations(territories):
    seed()

    bases = set(Clause.objects.values_list("legal_basis", flat=True))
    assert {
        LegalBasis.EXECUTION_CLAUSE,
        LegalBasis.AWARD_CRITERION,
        LegalBasis.RESERVED_SIAE,
        LegalBasis.RESERVED_DISABLED,
        LegalBasis.RESERVED_ESS,
        LegalBasis.INSERTION_CONTRACT,
    } <= bases
    calculated = Clause.objects.filter(calculation_method="taux").first()
    assert "heures d'insertion" in calculated.calculation_note
    assert calculated.required_hours > 0


def test_the_reader_sees_the_contracts_of_their_buyer_and_no_participant(territories):
    seed()

    reader = User.objects.get(email="lecteur@example.org")
    buyer = Buyer.objects.get(account__name="Seine-Est Habitat (office public de l'habitat)")
    visible = Contract.objects.for_user(reader)
    assert visible.count() == Contract.objects.filter(buyer=buyer).count() > 0
    assert Participant.objects.for_user(reader).count() == 0


def test_npnru_operation_in_a_loaded_qpv_with_geocoded_residents(qpv):
    seed()

    operation = Operation.objects.get(organisation=plie_93(), is_npnru=True)
    assert operation.qpv == qpv
    assert Clause.objects.filter(lot__contract__operation=operation, calculation_method="anru")
    residents = Participant.objects.filter(qpv=qpv)
    assert residents.exists()
    assert set(residents.values_list("qpv_source", flat=True)) == {"geocodage"}
    assert HoursDeclaration.objects.filter(
        mission__lot__contract__operation=operation, mission__participant__qpv__isnull=False
    ).exists()


def test_no_npnru_operation_without_qpv(territories):
    seed()

    assert not Operation.objects.filter(is_npnru=True).exists()
    assert not Clause.objects.filter(calculation_method="anru").exists()
    assert not Participant.objects.exclude(qpv=None).exists()


def test_small_seed_is_idempotent(qpv):
    seed()
    first = counts()

    seed()

    assert counts() == first


def test_a_later_run_adds_the_months_elapsed_since(territories):
    seed(today=TODAY)
    before = HoursDeclaration.objects.count()

    seed(today=datetime.date(2026, 9, 2))

    assert HoursDeclaration.objects.count() > before
    assert HoursDeclaration.objects.aggregate(last=Max("month"))["last"] == datetime.date(
        2026, 8, 1
    )
    assert Participant.objects.count() == 50 * len(tracking_small.PLANS)


def test_last_month_s_hours_of_one_company_per_organisation_are_still_awaited(territories):
    from clauses.insertion import entry

    seed(today=TODAY)
    may = datetime.date(2026, 5, 1)
    organisation = plie_93()
    rows = entry.entry_by_contract(entry.missions_entered_by([organisation]), may)
    missing = sum(row.missing for row in rows)
    assert 0 < missing < sum(row.missions for row in rows)
    running = Mission.objects.filter(lot__contract__organisation=organisation).running_between(
        may, datetime.date(2026, 5, 31)
    )
    waiting = running.exclude(hours__month=may)
    assert waiting.count() == missing
    assert waiting.values("company").distinct().count() == 1
    # A month on, they are entered.
    seed(today=datetime.date(2026, 7, 15))
    rows = entry.entry_by_contract(entry.missions_entered_by([organisation]), may)
    assert sum(row.missing for row in rows) == 0
