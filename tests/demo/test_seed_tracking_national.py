"""The national tracking data set (``seed_demo --scale national``), on a reduced size:
deterministic for a seed, with the published profile, obeying the rules, several years in
one database."""

import hashlib
import io

import pytest
import shapely
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from clauses.accounts.models import Organisation
from clauses.core.validators import validate_siret
from clauses.demo.tracking_common import profile
from clauses.insertion.enums import Criterion, Modality, Sex
from clauses.insertion.models import Eligibility, HoursDeclaration, Mission, Outcome, Participant
from clauses.insertion.services import _month_within
from clauses.procurement.models import Buyer, Company, Contract, Lot
from clauses.territories.models import Commune, Departement, Qpv
from tests.factories import DepartementFactory, RegionFactory

FRACTION = "0.01"
DEPARTEMENTS = {
    "93": ("Seine-Saint-Denis", "11", "Saint-Denis", 150_000),
    "75": ("Paris", "11", "Paris", 2_100_000),
    "69": ("Rhône", "84", "Lyon", 520_000),
    "13": ("Bouches-du-Rhône", "93", "Marseille", 870_000),
    "59": ("Nord", "32", "Lille", 236_000),
    "31": ("Haute-Garonne", "76", "Toulouse", 500_000),
}
REGIONS = {
    "11": "Île-de-France",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "32": "Hauts-de-France",
    "76": "Occitanie",
}


@pytest.fixture
def departements(db):
    regions = {code: RegionFactory(code=code, name=name) for code, name in REGIONS.items()}
    for number, (code, (name, region, city, population)) in enumerate(DEPARTEMENTS.items()):
        departement = DepartementFactory(code=code, name=name, region=regions[region])
        for k in range(3):
            Commune.objects.create(
                code=f"{code}{100 + k:03d}"[:5],
                name=city if k == 0 else f"{city}-{k}",
                departement=departement,
                postal_codes=[f"{code}{k:03d}"[:5]],
                population=population // (k + 1),
                lat=45 + number,
                lon=2 + k / 10,
            )


@pytest.fixture
def territories(departements):
    """Two QPV (2024 list) per département."""
    for departement in Departement.objects.order_by("code"):
        commune = departement.communes.order_by("code").first()
        for k in range(2):
            qpv = Qpv.objects.create(
                code=f"QN{departement.code:0>3}{k:02d}M",
                name=f"Quartier {k + 1} de {commune.name}",
                list_year=2024,
                departement=departement,
                geometry=shapely.to_wkb(shapely.box(2, 45, 2.01, 45.01)),
            )
            qpv.communes.add(commune)


def national(year=2020, seed=1, fraction=FRACTION):
    out = io.StringIO()
    call_command(
        "seed_demo",
        "--scale",
        "national",
        "--year",
        str(year),
        "--seed",
        str(seed),
        "--fraction",
        fraction,
        stdout=out,
    )
    return out.getvalue()


def year_contracts(year):
    return Contract.objects.filter(reference__startswith=f"{year}-")


def fingerprint(year=2020):
    """A digest of the year's data by natural keys (never primary keys)."""
    digest = hashlib.sha256()
    rows = [
        Organisation.objects.filter(kind="facilitateur")
        .order_by("siret")
        .values_list("siret", "name", "departement__code"),
        year_contracts(year)
        .order_by("organisation__siret", "reference")
        .values_list(
            "organisation__siret",
            "reference",
            "object",
            "kind",
            "amount_excl_tax",
            "notification_date",
            "duration_months",
            "buyer__siret",
        ),
        Lot.objects.order_by(
            "contract__organisation__siret", "contract__reference", "number"
        ).values_list(
            "contract__reference",
            "number",
            "title",
            "clause__legal_basis",
            "clause__required_hours",
            "clause__calculation_note",
        ),
        Participant.objects.order_by("organisation__siret", "identifier").values_list(
            "identifier", "sex", "birth_date", "last_name", "qpv__code", "commune__code"
        ),
        Mission.objects.order_by(
            "participant__organisation__siret", "participant__identifier", "start_date"
        ).values_list(
            "participant__identifier",
            "lot__contract__reference",
            "lot__number",
            "company__siret",
            "modality",
            "work_contract_type",
            "start_date",
            "end_date",
        ),
        HoursDeclaration.objects.order_by(
            "mission__participant__organisation__siret",
            "mission__participant__identifier",
            "mission__start_date",
            "month",
        ).values_list("mission__participant__identifier", "month", "hours"),
        Outcome.objects.order_by(
            "mission__participant__organisation__siret",
            "mission__participant__identifier",
            "moment",
        ).values_list("mission__participant__identifier", "moment", "detail", "observed_on"),
    ]
    for queryset in rows:
        for row in queryset:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_a_seed_always_gives_the_same_year(territories):
    with transaction.atomic():
        national(seed=7)
        first = fingerprint()
        first_profile = profile(year_contracts(2020), year=2020)
        transaction.set_rollback(True)
    assert not Organisation.objects.filter(kind="facilitateur").exists()

    national(seed=7)

    assert fingerprint() == first
    assert profile(year_contracts(2020), year=2020) == first_profile


def test_another_seed_gives_another_year(territories):
    with transaction.atomic():
        national(seed=7)
        first = fingerprint()
        transaction.set_rollback(True)

    national(seed=8)

    assert fingerprint() != first


def test_the_year_has_the_published_2020_profile(territories):
    output = national()

    achieved = profile(year_contracts(2020), year=2020)
    assert achieved["structures"] == 4  # 1 % of 370
    assert achieved["hours"] == pytest.approx(200_000, rel=0.01)
    assert achieved["participants"] == 480
    assert achieved["missions"] == pytest.approx(600, rel=0.05)
    assert achieved["contracts"] == 465
    assert achieved["works_share"] == pytest.approx(0.56, abs=0.005)
    assert achieved["reserved_share"] == pytest.approx(0.08, abs=0.005)
    assert achieved["men_share"] == pytest.approx(0.82, abs=0.005)
    assert achieved["qpv_share"] == pytest.approx(0.23, abs=0.005)
    assert achieved["by_age_band"]["moins_26"] == pytest.approx(0.25, abs=0.005)
    assert achieved["by_modality"][Modality.DIRECT_HIRE] == pytest.approx(0.32, abs=0.02)
    assert achieved["by_modality"][Modality.ETTI] == pytest.approx(0.30, abs=0.02)
    assert "Part des ETP en marchés de travaux : " in output
    assert "(56,0\u00a0%)" in output
    assert "Part d'hommes parmi les participants : 82,1\u00a0% (82,0\u00a0%)" in output


def test_the_national_year_obeys_the_rules(territories):
    national()

    assert not Lot.objects.filter(clause__isnull=True).exists()
    for siret in [
        *Buyer.objects.values_list("siret", flat=True),
        *Company.objects.values_list("siret", flat=True),
        *Organisation.objects.filter(kind="facilitateur").values_list("siret", flat=True),
    ]:
        validate_siret(siret)
    assert not HoursDeclaration.objects.filter(hours__gt=settings.MAX_HOURS_PER_MONTH).exists()
    assert not HoursDeclaration.objects.filter(hours__lte=0).exists()
    for declaration in HoursDeclaration.objects.select_related("mission").iterator():
        mission = declaration.mission
        assert _month_within(declaration.month, mission.start_date, mission.end_date)
        assert declaration.month.year == 2020
    for mission in Mission.objects.select_related("participant", "lot__contract", "company"):
        assert mission.lot.contract.organisation_id == mission.participant.organisation_id
        assert mission.company.organisation_id == mission.participant.organisation_id
    for outcome in Outcome.objects.select_related("mission"):
        assert outcome.observed_on >= outcome.mission.end_date
    duplicates = (
        Participant.objects.values("organisation", "last_name", "first_name", "birth_date")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
    assert Eligibility.objects.count() >= Participant.objects.count()


def test_two_years_in_one_database_share_the_structures(territories):
    national(year=2019)
    structures = Organisation.objects.filter(kind="facilitateur").count()
    buyers = Buyer.objects.count()

    output = national(year=2020)

    assert Organisation.objects.filter(kind="facilitateur").count() == structures
    assert Buyer.objects.count() == buyers
    assert "dont 0 créées" in output
    for year in (2019, 2020):
        achieved = profile(year_contracts(year), year=year)
        assert achieved["men_share"] == pytest.approx(0.82, abs=0.005)
        assert achieved["works_share"] == pytest.approx(0.56, abs=0.005)
    assert (
        profile(year_contracts(2019), year=2019)["hours"]
        < profile(year_contracts(2020), year=2020)["hours"]
    )
    assert set(Participant.objects.values_list("identifier", flat=True).distinct()) >= {
        "2019-00001",
        "2020-00001",
    }


def test_a_year_already_generated_is_refused(territories):
    national()
    before = HoursDeclaration.objects.count()

    with pytest.raises(CommandError, match="déjà générée"):
        national()

    assert HoursDeclaration.objects.count() == before


def test_without_qpv_the_residents_carry_the_qpv_criterion(departements):
    output = national()

    people = Participant.objects.count()
    residents = (
        Eligibility.objects.filter(criterion=Criterion.QPV_RESIDENT)
        .values("participant")
        .distinct()
        .count()
    )
    assert not Participant.objects.exclude(qpv=None).exists()
    assert residents == pytest.approx(0.23 * people, abs=1)
    assert "aucun QPV n'est chargé" in output
    assert Participant.objects.filter(sex=Sex.MALE).count() == round(0.82 * people)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--scale", "national"], "--year 2020"),
        (["--scale", "national", "--year", "2010"], "entre 2015"),
        (["--year", "2020"], "--scale national"),
    ],
)
def test_national_options_are_checked(territories, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed_demo", *arguments, stdout=io.StringIO())
