"""The workspace's figures page (/espace/chiffres/) on the hand-built dataset of
tests/observatory/conftest.py: each role its scope, downloads read back, one figure for one
contract on its page, its report and the indicators."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse

from clauses.insertion import services as insertion_services
from clauses.insertion.models import Mission
from clauses.observatory.figures import Period, Scope, compute
from clauses.procurement.models import Clause
from tests.factories import MembershipFactory
from tests.observatory.conftest import known  # noqa: F401
from tests.tracking.factories import ClauseFactory, ContractFactory, LotFactory, OperationFactory

pytestmark = pytest.mark.django_db
URL = reverse("observatory:dashboard")


def figures_of(response):
    return response.context["figures"]


def login(client, **membership):
    user = MembershipFactory(**membership).user
    client.force_login(user)
    return user


def test_a_facilitator_reads_its_structure(client, known):  # noqa: F811
    login(client, organisation=known.org_a)
    response = client.get(URL, {"annee": 2025})
    assert response.status_code == 200
    figures = figures_of(response)
    assert figures.scope.ids == (known.org_a.pk,)
    assert (figures["hours"], figures["participants"]) == (Decimal(300), 2)
    content = response.content.decode()
    assert "PLIE A" in content
    assert "part des participants (personnes)" in content
    assert "1 ETP = 1\u202f600 heures" in content
    units = {card.code: card.unit for card in response.context["cards"]}
    assert (units["organisations"], units["participants"]) == ("structure", "personnes")


def test_a_facilitator_cannot_read_another_structure(client, known):  # noqa: F811
    login(client, organisation=known.org_a)
    assert client.get(URL, {"echelle": f"structure-{known.org_b.pk}"}).status_code == 404
    assert client.get(URL, {"echelle": "national"}).status_code == 404


def test_a_regional_coordinator_reads_its_region_and_its_departements(client, known):  # noqa: F811
    login(client, organisation=known.org_a, coordinator=True)
    figures = figures_of(client.get(URL, {"annee": 2025}))
    assert figures.scope.kind == "region"
    assert (figures["hours"], figures["participants"]) == (Decimal(340), 2)
    departement = figures_of(client.get(URL, {"annee": 2025, "echelle": "departement-94"}))
    assert departement["hours"] == Decimal(40)
    assert client.get(URL, {"echelle": "departement-33"}).status_code == 404
    assert client.get(URL, {"echelle": f"structure-{known.org_c.pk}"}).status_code == 404


def test_the_national_administrator_reads_the_country(client, known):  # noqa: F811
    login(client, national_admin=True)
    response = client.get(URL, {"annee": 2025})
    figures = figures_of(response)
    assert figures.scope.kind == "national"
    assert (figures["hours"], figures["participants"]) == (Decimal(400), 3)
    content = response.content.decode()
    assert "1 suivi par plusieurs structures" in content
    # The map's list links to each region's figures.
    assert "?echelle=region-11&amp;annee=2025" in content
    region = figures_of(client.get(URL, {"annee": 2025, "echelle": "region-75"}))
    assert region["hours"] == Decimal(60)


def test_the_headline_gives_the_change_on_the_previous_year(client, known):  # noqa: F811
    login(client, national_admin=True)
    cards = {card.code: card for card in client.get(URL, {"annee": 2025}).context["cards"]}
    assert cards["hours"].value == "400"
    assert cards["hours"].change == "+400\u00a0%"  # 80 hours in 2024
    assert cards["share_etp_works"].denominator == "part des heures (et donc des ETP)"


def test_a_range_of_months(client, known):  # noqa: F811
    login(client, national_admin=True)
    figures = figures_of(client.get(URL, {"du": "2025-01", "au": "2025-03"}))
    assert figures.period == Period(datetime.date(2025, 1, 1), datetime.date(2025, 3, 1))
    assert figures["hours"] == Decimal(250)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"du": "2025-01"}, "indiquez le premier et le dernier mois"),
        ({"du": "2025-13", "au": "2025-12"}, "Premier mois : indiquez un mois au format"),
        ({"du": "2025-06", "au": "2025-01"}, "le dernier mois précède le premier"),
    ],
)
def test_a_bad_period_is_explained(client, known, params, message):  # noqa: F811
    login(client, national_admin=True)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_figures_download_as_csv_and_xlsx(client, known):  # noqa: F811
    login(client, national_admin=True)
    response = client.get(URL, {"annee": 2025, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Échelle", "Période", "Indicateur ou répartition", "Ligne", "Valeur"]
    hours = next(row for row in rows if row[2] == "Heures d'insertion")
    assert hours[4] == "400,0"
    women = next(row for row in rows if row[2] == "Part des femmes")
    assert women[11] == "part des participants (personnes)"

    response = client.get(URL, {"annee": 2025, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    etp = next(row for row in values if row[2] == "Équivalents temps plein (ETP)")
    assert etp[4] == 0.25
    assert etp[13] == "1 ETP = 1\u202f600 heures"
    sex = [row for row in values if row[2] == "Sexe"]
    assert {row[3]: row[6] for row in sex} == {"Femme": 1, "Homme": 2}


def test_a_contract_page_its_report_and_the_indicators_agree(client, known):  # noqa: F811
    login(client, organisation=known.org_a)
    contract = known.contract_a
    page = client.get(reverse("tracking:contract_detail", kwargs={"pk": contract.pk}))
    report = client.get(reverse("reports:contract", kwargs={"pk": contract.pk}))
    indicators = compute(Scope.of("contract", contract), Period.everything())
    assert page.context["contract"].hours_done == Decimal(380)
    assert report.context["report"].indicators.hours_done == Decimal(380)
    assert indicators["hours"] == Decimal(380)


def test_cached_figures_follow_an_audited_write(client, known, settings):  # noqa: F811
    settings.OBSERVATORY_CACHE_SECONDS = 600
    cache.clear()
    user = login(client, organisation=known.org_a)
    assert figures_of(client.get(URL, {"annee": 2025}))["hours"] == Decimal(300)
    mission = Mission.objects.get(participant=known.paul)
    insertion_services.declare_hours(
        actor=user, entries=[(mission, datetime.date(2025, 2, 1), Decimal(20))]
    )
    assert figures_of(client.get(URL, {"annee": 2025}))["hours"] == Decimal(320)


def test_national_figures_follow_a_write_within_the_stale_window(
    client,
    known,  # noqa: F811
    settings,
    monkeypatch,
):
    from clauses.observatory import live

    settings.OBSERVATORY_CACHE_SECONDS = 600
    settings.OBSERVATORY_STALE_SECONDS = 300
    cache.clear()
    now = [1_000_000.0]
    monkeypatch.setattr(live.time, "time", lambda: now[0])
    facilitator = MembershipFactory(organisation=known.org_a).user
    login(client, national_admin=True)
    national = {"annee": 2025, "echelle": "national"}
    before = figures_of(client.get(URL, national))["hours"]
    mission = Mission.objects.get(participant=known.paul)
    insertion_services.declare_hours(
        actor=facilitator, entries=[(mission, datetime.date(2025, 2, 1), Decimal(20))]
    )
    now[0] += 299
    response = client.get(URL, national)
    assert figures_of(response)["hours"] == before
    assert "apparaissent dans les 5 minutes" in response.content.decode()
    now[0] += 2
    assert figures_of(client.get(URL, national))["hours"] == before + 20
    # The structure's own figures followed the write at once.
    client.force_login(facilitator)
    response = client.get(URL, {"annee": 2025})
    assert figures_of(response)["hours"] == Decimal(320)
    assert "chaque saisie y apparaît aussitôt" in response.content.decode()


def test_the_anru_progress_counts_the_npnru_contracts_of_the_period(client, known):  # noqa: F811
    operation = OperationFactory(organisation=known.org_a, anru_target_rate=Decimal("0.05"))
    known.contract_a.operation = operation
    known.contract_a.save()
    Clause.objects.filter(lot__contract=known.contract_a).update(anru_target_hours=100)
    # Another NPNRU contract of A's, over in 2020, without hours: not one of 2025's.
    ended = ContractFactory(
        organisation=known.org_a,
        operation=operation,
        notification_date=datetime.date(2019, 3, 1),
        duration_months=12,
    )
    ClauseFactory(lot=LotFactory(contract=ended), anru_target_hours=50)
    login(client, organisation=known.org_a)
    anru = client.get(URL, {"annee": 2025}).context["anru"]
    # 2025: the lot's 300 hours, all of A's, half of them Claire's (QPV resident).
    assert (anru["hours"], anru["share_of_hours"], anru["qpv_share"]) == (
        "300",
        "100\xa0%",
        "50\xa0%",
    )
    # Since it began: Claire's 150 hours of the lot's 380, for 100 targeted.
    progress = anru["progress"]
    assert progress["lots"] == 1
    assert progress["qpv_hours"] == "150"
    assert progress["target_hours"] == "100"
    # In 2024 the contract was not yet notified but has Paul's December hours.
    assert client.get(URL, {"annee": 2024}).context["anru"]["progress"]["lots"] == 1
    page = client.get(URL, {"annee": 2025}).content.decode()
    assert "Charte ANRU des opérations NPNRU" in page
    # The country: the period's figures, each project's progress left to its report.
    login(client, national_admin=True)
    response = client.get(URL, {"annee": 2025, "echelle": "national"})
    anru = response.context["anru"]
    assert (anru["hours"], anru["share_of_hours"], anru["progress"]) == ("300", "75\xa0%", None)
    assert "figure dans le bilan de son opération" in response.content.decode()


def test_the_contract_list_has_a_structure_and_region_column_and_filter(client, known):  # noqa: F811
    login(client, national_admin=True)
    url = reverse("tracking:contract_list")
    response = client.get(url)
    content = response.content.decode()
    assert '<th scope="col">Structure</th>' in content
    assert "PLIE C" in content
    by_region = client.get(url, {"region": known.aquitaine.pk}).context["page_obj"].object_list
    assert [c.pk for c in by_region] == [known.contract_c.pk]
    by_structure = client.get(url, {"organisation": known.org_b.pk}).context["page_obj"]
    assert [c.pk for c in by_structure.object_list] == [known.contract_b.pk]


def test_a_facilitator_has_no_structure_filter(client, known):  # noqa: F811
    login(client, organisation=known.org_a)
    response = client.get(reverse("tracking:contract_list"))
    assert "organisation" not in response.context["form"].fields
    assert '<th scope="col">Structure</th>' not in response.content.decode()


def test_the_current_year_is_compared_month_for_month(client, known, monkeypatch):  # noqa: F811
    from clauses.www.observatory import views

    monkeypatch.setattr(views, "_today", lambda: datetime.date(2025, 5, 15))
    login(client, national_admin=True)
    response = client.get(URL, {"annee": 2025})
    figures = figures_of(response)
    assert figures.period == Period(datetime.date(2025, 1, 1), datetime.date(2025, 4, 1))
    assert figures["hours"] == Decimal(300)
    assert response.context["previous_label"] == "01/2024 à 04/2024"


def test_the_national_administrator_downloads_the_audit_file(client, known):  # noqa: F811
    from clauses.core.models import AuditEntry

    user = login(client, national_admin=True)
    response = client.get(reverse("observatory:facts"), {"annee": 2025})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][0] == "Pseudonyme"
    assert len(rows) == 1 + 5
    assert "Martin" not in content
    entry = AuditEntry.objects.get(action="observatory.facts_exported")
    assert entry.actor == user
    assert entry.changes["lignes"] == 5


def test_only_the_national_administrator_downloads_the_audit_file(client, known):  # noqa: F811
    login(client, organisation=known.org_a, coordinator=True)
    assert client.get(reverse("observatory:facts"), {"annee": 2025}).status_code == 404


def test_a_report_and_the_indicators_describe_the_same_people(client, known):  # noqa: F811
    from clauses.observatory import reports
    from clauses.procurement.models import Lot

    report = reports.compute(Lot.objects.filter(contract__organisation=known.org_a))
    engine = compute(Scope.organisations([known.org_a]), Period.everything())
    assert report.participants == engine["participants"] == 2
    assert {row.code: row.count for row in report.by_sex} == {
        row.code: row.people for row in engine.breakdowns["sex"].rows
    }
    assert report.qpv_share == engine["share_participants_qpv"]
    assert {row.code: row.hours for row in report.by_modality} == {
        row.code: row.hours for row in engine.breakdowns["modality"].rows if row.hours
    }
