"""The procurement side of the workspace: forms, lists, detail pages, dashboard, progress."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from clauses.observatory import progress
from clauses.observatory.figures import Period
from clauses.procurement.models import Buyer, Clause, Company, Contract, Lot, LotCompany
from clauses.territories.models import Qpv
from tests.factories import MembershipFactory, OrganisationFactory

from .factories import (
    BuyerFactory,
    ClauseFactory,
    CompanyFactory,
    ContractFactory,
    HoursDeclarationFactory,
    LotCompanyFactory,
    LotFactory,
    MissionFactory,
    OperationFactory,
    OutcomeFactory,
    ParticipantFactory,
    make_siret,
    tracked_contract,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """A fixed « today »."""
    monkeypatch.setattr("clauses.www.tracking.views._today", lambda: TODAY)


@pytest.fixture
def facilitator():
    return MembershipFactory(organisation__name="PLIE Est 93")


@pytest.fixture
def logged(client, facilitator):
    client.force_login(facilitator.user)
    return client


def _text(response):
    """The page's visible text, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


# Progress: one rule for every page.


def test_elapsed_share_counts_days_from_notification_to_end():
    start = datetime.date(2025, 1, 1)
    end = datetime.date(2026, 1, 1)
    assert progress.elapsed_share(start, end, datetime.date(2024, 12, 1)) == 0
    assert progress.elapsed_share(start, end, datetime.date(2027, 1, 1)) == 1
    middle = progress.elapsed_share(start, end, datetime.date(2025, 7, 2))
    assert middle == Decimal(182) / Decimal(365)
    assert progress.elapsed_share(start, None, datetime.date(2025, 7, 2)) is None


@pytest.mark.parametrize(
    ("done", "behind"),
    [("400", True), ("449", True), ("450", False), ("500", False)],
)
def test_behind_means_under_the_pro_rata_by_more_than_the_tolerance(done, behind):
    # Half of a 12-month contract (183 days of 366) has elapsed: 500 h of 1,000 expected,
    # with a tolerance of 5 % of the hours required.
    state = progress.progress(
        Decimal(done),
        Decimal(1000),
        notification_date=datetime.date(2024, 1, 1),
        duration_months=12,
        today=datetime.date(2024, 7, 2),
    )
    assert state.expected == 500
    assert state.is_behind is behind


def test_progress_without_dates_or_requirement_is_never_behind():
    assert not progress.progress(0, 1000).is_behind
    state = progress.progress(
        50, 0, notification_date=datetime.date(2025, 1, 1), duration_months=12
    )
    assert not state.is_behind and state.percent is None


def test_hours_are_not_multiplied_by_lots_missions_or_months():
    contract = ContractFactory()
    organisation = contract.organisation
    for number, required in (("1", "1000"), ("2", "500")):
        lot = LotFactory(contract=contract, number=number)
        ClauseFactory(lot=lot, required_hours=Decimal(required))
        for _ in range(2):
            mission = MissionFactory(
                participant=ParticipantFactory(organisation=organisation), lot=lot
            )
            for month in (2, 3, 4):
                HoursDeclarationFactory(
                    mission=mission, month=datetime.date(2025, month, 1), hours=Decimal("10")
                )
    annotated = progress.with_contract_progress(Contract.objects.filter(pk=contract.pk)).get()
    assert annotated.hours_done == Decimal(120)
    assert annotated.hours_required == Decimal(1500)
    buyer = progress.with_buyer_progress(Buyer.objects.filter(pk=contract.buyer_id)).get()
    assert (buyer.hours_done, buyer.hours_required, buyer.contracts_count) == (120, 1500, 1)
    lots = progress.with_lot_progress(contract.lots.order_by("number"))
    assert [(lot.hours_done, lot.missions_count) for lot in lots] == [(60, 2), (60, 2)]


@pytest.mark.parametrize(
    ("notified", "duration", "running"),
    [
        (datetime.date(2025, 12, 31), 1, True),  # ends 31/01/2026
        (datetime.date(2024, 12, 15), 12, False),  # ended 15/12/2025
        (datetime.date(2025, 1, 1), 12, True),  # ends 01/01/2026
        (datetime.date(2026, 12, 31), 6, True),
        (datetime.date(2027, 1, 1), 6, False),
        (datetime.date(2010, 1, 1), None, True),  # duration unknown
    ],
)
def test_running_during_a_year(notified, duration, running):
    contract = ContractFactory(notification_date=notified, duration_months=duration)
    found = progress.running_in(Contract.objects.all(), Period.of_year(2026))
    assert (contract in found) is running


# Forms: create, with the services' rules shown on the fields.


def test_facilitator_creates_buyer_contract_lot_with_clause_and_company(logged, facilitator):
    siret = make_siret(7)
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    response = logged.post(
        reverse("tracking:buyer_create"),
        {"name": "Ville de Bondy", "siret": spaced, "kind": "commune_epci"},
    )
    buyer = Buyer.objects.get()
    assert response.url == reverse("tracking:buyer_detail", args=[buyer.pk])
    assert (buyer.siret, buyer.organisation) == (siret, facilitator.organisation)

    response = logged.post(
        reverse("tracking:contract_create"),
        {
            "buyer": buyer.pk,
            "reference": "2026-TX-001",
            "object": "Rénovation du groupe scolaire",
            "kind": "travaux",
            "amount_excl_tax": "1000000",
            "notification_date": "2026-01-15",
            "duration_months": "18",
        },
    )
    contract = Contract.objects.get()
    assert response.url == reverse("tracking:contract_detail", args=[contract.pk])

    response = logged.post(
        reverse("tracking:lot_create", args=[contract.pk]),
        {
            "number": "1",
            "title": "Gros œuvre",
            "legal_basis": "L2112-2",
            "required_hours": "833",
            "calculation_method": "taux",
            "labour_share": "50",
            "insertion_rate": "5",
            "hourly_cost": "30",
            "calculation_note": "1 M€ × 50 % × 5 % ÷ 30 €",
        },
    )
    lot = Lot.objects.get()
    assert response.url.endswith(f"#lot-{lot.pk}")
    clause = Clause.objects.get(lot=lot)
    assert (clause.required_hours, clause.labour_share, clause.insertion_rate) == (
        Decimal(833),
        Decimal("0.5"),
        Decimal("0.05"),
    )

    logged.post(
        reverse("tracking:company_create"),
        {"name": "Bâtiment Est", "siret": make_siret(8), "kind": "ei"},
    )
    company = Company.objects.get()
    response = logged.post(
        reverse("tracking:lot_company_add", args=[contract.pk, lot.pk]),
        {"company": company.pk, "role": "titulaire"},
    )
    assert LotCompany.objects.get().role == "titulaire"

    page = _text(logged.get(reverse("tracking:contract_detail", args=[contract.pk])))
    assert "Clause d'exécution (L2112-2)" in page
    assert "0 h sur 833 h (0 %)" in page
    assert "part de main-d'œuvre 50 % ; taux d'insertion 5 %" in page
    assert "Bâtiment Est SIAE Titulaire" in page


def test_invalid_siret_is_shown_on_the_siret_field(logged):
    response = logged.post(
        reverse("tracking:buyer_create"),
        {"name": "Ville", "siret": "123 456 789 01234", "kind": "commune_epci"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["siret"] == [
        "SIRET : Le SIRET « 12345678901234 » n'est pas valide (clé de contrôle incorrecte)."
    ]
    assert "clé de contrôle incorrecte" in _text(response)
    assert not Buyer.objects.exists()


def test_lot_without_clause_is_refused_with_the_reason(logged, facilitator):
    contract = ContractFactory(organisation=facilitator.organisation)
    response = logged.post(
        reverse("tracking:lot_create", args=[contract.pk]),
        {"number": "2", "title": "Second œuvre", "calculation_method": "taux"},
    )
    assert response.status_code == 200
    page = _text(response)
    assert "Un lot suivi doit porter une clause sociale : choisissez son fondement juridique." in (
        page
    )
    assert "indiquez le nombre d'heures d'insertion exigées" in page
    assert not Lot.objects.exists()


def test_duplicate_lot_number_is_refused_by_the_service(logged, facilitator):
    contract = ContractFactory(organisation=facilitator.organisation)
    ClauseFactory(lot=LotFactory(contract=contract, number="1"))
    response = logged.post(
        reverse("tracking:lot_create", args=[contract.pk]),
        {
            "number": "1",
            "legal_basis": "L2112-2",
            "required_hours": "100",
            "calculation_method": "forfait",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Lot.objects.count() == 1


def test_implausible_notification_date_is_refused(logged, facilitator):
    contract = ContractFactory(organisation=facilitator.organisation)
    response = logged.post(
        reverse("tracking:contract_edit", args=[contract.pk]),
        {
            "buyer": contract.buyer_id,
            "reference": contract.reference,
            "object": contract.object,
            "kind": "travaux",
            "notification_date": "0218-03-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["notification_date"]
    assert errors == [
        "Date de notification : La date 0218-03-01 n'est pas plausible (année attendue "
        "entre 1900 et 2100)."
    ]
    contract.refresh_from_db()
    assert contract.notification_date == datetime.date(2025, 1, 15)


def test_selects_offer_only_the_organisations_objects(logged, facilitator):
    own = BuyerFactory(organisation=facilitator.organisation, name="Acheteur à nous")
    other = BuyerFactory(name="Acheteur d'une autre structure")
    response = logged.get(reverse("tracking:contract_create"))
    choices = list(response.context["form"].fields["buyer"].queryset)
    assert choices == [own]
    response = logged.post(
        reverse("tracking:contract_create"),
        {"buyer": other.pk, "reference": "X", "object": "Y", "kind": "travaux"},
    )
    assert "buyer" in response.context["form"].errors
    assert not Contract.objects.exists()


def test_contract_delete_asks_then_deletes(logged, facilitator):
    contract = ContractFactory(organisation=facilitator.organisation)
    ClauseFactory(lot=LotFactory(contract=contract))
    url = reverse("tracking:contract_delete", args=[contract.pk])
    assert "Cette suppression est définitive" in _text(logged.get(url))
    response = logged.post(url)
    assert response.url == reverse("tracking:contract_list")
    assert not Contract.objects.exists()


def test_contract_with_missions_is_not_deleted(logged, facilitator):
    mission = MissionFactory(participant__organisation=facilitator.organisation)
    contract = mission.lot.contract
    url = reverse("tracking:contract_delete", args=[contract.pk])
    assert "Ce marché porte 1 mission" in _text(logged.get(url))
    response = logged.post(url, follow=True)
    assert "supprimez-les avant de supprimer le marché" in _text(response)
    assert Contract.objects.filter(pk=contract.pk).exists()


def test_removing_a_company_from_a_lot(logged, facilitator):
    link = LotCompanyFactory(lot__contract__organisation=facilitator.organisation)
    lot = link.lot
    url = reverse("tracking:lot_company_remove", args=[lot.contract_id, lot.pk, link.pk])
    assert logged.get(url).status_code == 405
    response = logged.post(url, follow=True)
    assert f"{link.company.name} est retirée du Lot" in _text(response)
    assert not LotCompany.objects.exists()


def test_company_with_missions_stays_on_its_lot(logged, facilitator):
    objects = tracked_contract(facilitator.organisation)
    link = LotCompany.objects.get()
    url = reverse(
        "tracking:lot_company_remove", args=[objects["contract"].pk, objects["lot"].pk, link.pk]
    )
    response = logged.post(url, follow=True)
    assert "Des missions sont rattachées à cette entreprise" in _text(response)
    assert LotCompany.objects.exists()


def test_company_created_from_a_lot_returns_to_it(logged, facilitator):
    lot = LotFactory(contract__organisation=facilitator.organisation)
    add_url = reverse("tracking:lot_company_add", args=[lot.contract_id, lot.pk])
    assert "Aucune entreprise enregistrée" in _text(logged.get(add_url))
    response = logged.post(
        f"{reverse('tracking:company_create')}?suite={add_url}",
        {"name": "ETTI du Canal", "siret": make_siret(9), "kind": "etti"},
    )
    company = Company.objects.get()
    assert response.url == f"{add_url}?entreprise={company.pk}"
    form = logged.get(response.url).context["form"]
    assert form["company"].value() == str(company.pk)
    # Never back to another site.
    response = logged.post(
        f"{reverse('tracking:company_create')}?suite=https://exemple.com/",
        {"name": "Autre", "siret": make_siret(10), "kind": "ordinaire"},
    )
    assert response.url == reverse(
        "tracking:company_detail", args=[Company.objects.get(name="Autre").pk]
    )


def test_operation_form_takes_a_qpv_code_and_a_percentage(logged, facilitator, world_qpv):
    response = logged.post(
        reverse("tracking:operation_create"),
        {"name": "NPNRU Bondy Nord", "is_npnru": "on", "qpv": "qn09301m", "anru_target_rate": "5"},
    )
    operation = facilitator.organisation.operations.get()
    assert response.url == reverse("tracking:operation_detail", args=[operation.pk])
    assert operation.qpv == world_qpv
    assert operation.anru_target_rate == Decimal("0.05")
    response = logged.get(reverse("tracking:operation_edit", args=[operation.pk]))
    assert response.context["form"].initial["anru_target_rate"] == Decimal(5)
    response = logged.post(
        reverse("tracking:operation_create"), {"name": "Autre", "qpv": "QN00000X"}
    )
    assert response.context["form"].errors["qpv"] == [
        "Aucun quartier prioritaire n'a le code « QN00000X »."
    ]


@pytest.fixture
def world_qpv():
    from shapely.geometry import box

    from tests.factories import DepartementFactory

    return Qpv.objects.create(
        code="QN09301M",
        name="Quartier de test",
        list_year=2024,
        departement=DepartementFactory(),
        geometry=box(2.45, 48.9, 2.46, 48.91).wkb,
        min_lon=2.45,
        min_lat=48.9,
        max_lon=2.46,
        max_lat=48.91,
    )


# Permissions beyond the URL-by-role table.


@pytest.mark.parametrize(
    "name",
    ["contract_edit", "contract_delete", "lot_create", "buyer_edit", "company_edit"],
)
@pytest.mark.parametrize("role", ["other_facilitator", "national_admin"])
def test_edit_pages_of_another_organisation_answer_404(client, name, role):
    objects = tracked_contract(OrganisationFactory())
    user = (
        MembershipFactory().user
        if role == "other_facilitator"
        else MembershipFactory(national_admin=True).user
    )
    client.force_login(user)
    target = {
        "contract_edit": "contract",
        "contract_delete": "contract",
        "lot_create": "contract",
        "buyer_edit": "buyer",
        "company_edit": "company",
    }[name]
    url = reverse(f"tracking:{name}", args=[objects[target].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


def test_buyer_reader_reads_contracts_without_names_nor_buttons(client, facilitator):
    reader = MembershipFactory(reader=True, organisation__name="Office HLM 93")
    objects = tracked_contract(facilitator.organisation, buyer_account=reader.organisation)
    participant = objects["participant"]
    # A name no generated user, company or buyer can carry, so that finding it means a leak.
    participant.last_name = "Nom-Jamais-Affiché"
    participant.save(update_fields=["last_name"])
    client.force_login(reader.user)

    listing = _text(client.get(reverse("tracking:contract_list")))
    assert objects["contract"].reference in listing
    assert "Nouveau marché" not in listing

    response = client.get(reverse("tracking:contract_detail", args=[objects["contract"].pk]))
    page = _text(response)
    assert "360 h sur 1 500 h (24 %)" in page
    assert objects["company"].name in page
    assert "Lecture seule" in page
    for hidden in ("Modifier", "Supprimer", "Ajouter", "Retirer"):
        assert hidden not in page
    assert participant.last_name not in page and participant.identifier not in page
    # Operations and companies are the facilitator's records: no link to them.
    html = response.content.decode()
    assert reverse("tracking:company_detail", args=[objects["company"].pk]) not in html
    assert reverse("tracking:operation_detail", args=[objects["operation"].pk]) not in html

    dashboard = _text(client.get(reverse("tracking:dashboard")))
    assert "lecture seule" in dashboard
    assert "Nouveau marché" not in dashboard


# Lists: filters, search, sort.


def test_contract_list_search_filters_and_sort(logged, facilitator):
    organisation = facilitator.organisation
    bondy = BuyerFactory(organisation=organisation, name="Ville de Bondy")
    hlm = BuyerFactory(organisation=organisation, name="Seine-Saint-Denis Habitat")
    small = ContractFactory(
        organisation=organisation, buyer=bondy, reference="A-1", amount_excl_tax=100
    )
    big = ContractFactory(
        organisation=organisation,
        buyer=hlm,
        reference="B-2",
        kind="services",
        amount_excl_tax=900,
        notification_date=datetime.date(2024, 5, 1),
    )
    ContractFactory(reference="C-3")  # another organisation's
    url = reverse("tracking:contract_list")

    def references(params):
        return [c.reference for c in logged.get(url, params).context["page_obj"]]

    assert references({}) == ["A-1", "B-2"]  # most recent notification first
    assert references({"q": "bondy"}) == ["A-1"]
    assert references({"buyer": hlm.pk}) == ["B-2"]
    assert references({"kind": "services"}) == ["B-2"]
    assert references({"year": 2024}) == ["B-2"]
    assert references({"tri": "-amount"}) == ["B-2", "A-1"]
    assert references({"tri": "amount"}) == ["A-1", "B-2"]
    response = logged.get(url, {"tri": "amount"})
    header = response.context["sort"]["amount"]
    assert header["aria_sort"] == "ascending" and "tri=-amount" in header["url"]
    assert small and big


def test_contract_list_filters_contracts_behind_their_pro_rata(logged, facilitator):
    organisation = facilitator.organisation
    late = tracked_contract(organisation)["contract"]  # 360 h of 1,500, 14 of 24 months
    on_time = ContractFactory(organisation=organisation, reference="A-JOUR")
    ClauseFactory(lot=LotFactory(contract=on_time), required_hours=Decimal(10))
    mission = MissionFactory(participant__organisation=organisation, lot=on_time.lots.get())
    HoursDeclarationFactory(mission=mission, hours=Decimal(10))
    url = reverse("tracking:contract_list")
    response = logged.get(url, {"behind": "on"})
    assert [c.pk for c in response.context["page_obj"]] == [late.pk]
    page = _text(response)
    assert "En retard" in page and "1 marché pour ces critères" in page


def test_company_list_kind_filter_and_siae_badge(logged, facilitator):
    CompanyFactory(organisation=facilitator.organisation, name="Régie de quartier", kind="aci")
    CompanyFactory(organisation=facilitator.organisation, name="Bâti Plus", kind="ordinaire")
    url = reverse("tracking:company_list")
    siae = logged.get(url, {"kind": "siae"})
    assert [c.name for c in siae.context["page_obj"]] == ["Régie de quartier"]
    assert "Régie de quartier SIAE" in _text(siae)
    assert [c.name for c in logged.get(url, {"q": "bâti"}).context["page_obj"]] == ["Bâti Plus"]


def test_buyer_and_operation_lists_filter(logged, facilitator):
    organisation = facilitator.organisation
    BuyerFactory(organisation=organisation, name="Ville de Bondy", kind="commune_epci")
    BuyerFactory(organisation=organisation, name="Bailleur", kind="bailleur_social")
    buyers = logged.get(reverse("tracking:buyer_list"), {"kind": "commune_epci"})
    assert [b.name for b in buyers.context["page_obj"]] == ["Ville de Bondy"]
    OperationFactory(organisation=organisation, name="NPNRU Nord", is_npnru=True)
    OperationFactory(organisation=organisation, name="ZAC Sud", is_npnru=False)
    operations = logged.get(reverse("tracking:operation_list"), {"npnru": "non"})
    assert [o.name for o in operations.context["page_obj"]] == ["ZAC Sud"]


def test_empty_lists_explain_what_to_do(logged):
    page = _text(logged.get(reverse("tracking:contract_list")))
    assert "Aucun marché suivi pour le moment" in page


# Detail pages.


def test_operation_detail_shows_anru_progress_of_qpv_residents(logged, facilitator, world_qpv):
    objects = tracked_contract(facilitator.organisation)
    Clause.objects.update(anru_target_hours=Decimal(200))
    participant = objects["participant"]
    participant.qpv = world_qpv
    participant.save()
    page = _text(logged.get(reverse("tracking:operation_detail", args=[objects["operation"].pk])))
    assert "360 h sur 200 h (180 %) Objectif atteint" in page
    assert "5 % des heures travaillées" in page


def test_company_detail_lists_lots_roles_and_hours(logged, facilitator):
    objects = tracked_contract(facilitator.organisation, participants=2)
    page = _text(logged.get(reverse("tracking:company_detail", args=[objects["company"].pk])))
    assert objects["contract"].reference in page
    assert "Titulaire 2 720 h" in page.replace("\xa0", " ")


# Dashboard.


@pytest.fixture
def dashboard_world(facilitator):
    organisation = facilitator.organisation
    objects = tracked_contract(organisation)
    lot, company = objects["lot"], objects["company"]
    ending = MissionFactory(
        participant=ParticipantFactory(organisation=organisation, last_name="Bientôt"),
        lot=lot,
        company=company,
        start_date=datetime.date(2026, 1, 1),
        end_date=TODAY + datetime.timedelta(days=20),
    )
    HoursDeclarationFactory(mission=ending, month=datetime.date(2026, 2, 1), hours=Decimal(70))
    due = MissionFactory(
        participant=ParticipantFactory(organisation=organisation, last_name="Sixmois"),
        lot=lot,
        company=company,
        start_date=datetime.date(2025, 6, 1),
        end_date=datetime.date(2025, 9, 10),
    )
    done = MissionFactory(
        participant=ParticipantFactory(organisation=organisation, last_name="Suivi"),
        lot=lot,
        company=company,
        start_date=datetime.date(2025, 6, 1),
        end_date=datetime.date(2025, 9, 12),
    )
    OutcomeFactory(mission=done, moment="six_mois", observed_on=datetime.date(2026, 3, 12))
    return {**objects, "ending": ending, "due": due, "done": done}


def test_dashboard_shows_hours_late_contracts_and_what_is_due(logged, dashboard_world):
    response = logged.get(reverse("tracking:dashboard"))
    assert response.context["hours_this_year"] == Decimal(70)
    assert response.context["behind_count"] == 1
    page = _text(response)
    assert "70 h" in page
    assert dashboard_world["contract"].reference in page
    ending = [row["mission"] for row in response.context["ending"]]
    assert ending == [dashboard_world["ending"]]
    due = [row["mission"] for row in response.context["outcomes_due"]]
    assert due == [dashboard_world["due"]]
    assert "Bientôt" in page and "Sixmois" in page and "Suivi" not in page
    assert "Nouveau marché" in page
    html = response.content.decode()
    outcome_url = reverse("insertion:outcome_record", args=[dashboard_world["due"].pk])
    assert f'href="{outcome_url}?moment=six_mois"' in html


def test_dashboard_counts_the_contracts_its_behind_link_lists(logged, dashboard_world):
    # Ended in 2024, short of its hours: not running this year, still behind.
    ended = ContractFactory(
        organisation=dashboard_world["contract"].organisation,
        reference="FINI-2024",
        notification_date=datetime.date(2023, 1, 10),
        duration_months=12,
    )
    ClauseFactory(lot=LotFactory(contract=ended), required_hours=Decimal(800))
    dashboard = logged.get(reverse("tracking:dashboard"))
    listing = logged.get(reverse("tracking:contract_list"), {"behind": "on"})
    behind = [contract.pk for contract in listing.context["page_obj"]]
    assert sorted(behind) == sorted([dashboard_world["contract"].pk, ended.pk])
    assert dashboard.context["behind_count"] == len(behind) == 2
    assert dashboard.context["behind"][0]["reference"] == "FINI-2024"  # the largest gap
    # Commitments stay those of the contracts running this year.
    assert dashboard.context["running_count"] == 1
    assert dashboard.context["running"].required == dashboard_world["clause"].required_hours


def test_dashboard_counts_last_month_s_missions_without_hours(logged, dashboard_world):
    # Today is 16 March 2026: February's hours are due. The « ending » mission has them;
    # a new one running since January has none yet.
    MissionFactory(
        participant=ParticipantFactory(organisation=dashboard_world["contract"].organisation),
        lot=dashboard_world["lot"],
        company=dashboard_world["company"],
        start_date=datetime.date(2026, 1, 1),
        end_date=None,
    )
    response = logged.get(reverse("tracking:dashboard"))
    to_enter = response.context["to_enter"]
    assert (to_enter["missions"], to_enter["missing"]) == (2, 1)
    text = " ".join(_text(response).split())
    assert "Missions sans heures en février 2026 1 Sur 2 missions en cours ce mois-là" in text


def test_dashboard_has_no_missing_hours_tile_without_missions_last_month(logged, facilitator):
    tracked_contract(facilitator.organisation)  # its mission ended in July 2025
    response = logged.get(reverse("tracking:dashboard"))
    assert response.context["to_enter"] is None
    assert "Missions sans heures" not in _text(response)


def test_dashboard_is_read_only_and_nameless_for_a_coordinator(client, dashboard_world):
    coordinator = MembershipFactory(coordinator=True)
    client.force_login(coordinator.user)
    response = client.get(reverse("tracking:dashboard"))
    assert response.context["behind_count"] == 1
    assert [row["participant"] for row in response.context["ending"]] == [None]
    page = _text(response)
    assert "lecture seule" in page
    assert "Bientôt" not in page and "Nouveau marché" not in page
    assert "Renseigner" not in page
    assert response.context["to_enter"] is None and "heures-a-saisir" not in page


# Query counts stay flat whatever the number of rows.


def _populate(organisation, contracts):
    for _ in range(contracts):
        objects = tracked_contract(organisation)
        lot = LotFactory(contract=objects["contract"])
        ClauseFactory(lot=lot)
        LotCompanyFactory(lot=lot, company=objects["company"])


@pytest.mark.parametrize(
    ("name", "max_queries"),
    [
        ("tracking:dashboard", 14),
        ("tracking:contract_list", 9),
        ("tracking:buyer_list", 6),
        ("tracking:operation_list", 6),
        ("tracking:company_list", 6),
    ],
)
def test_list_queries_stay_flat(
    logged, facilitator, django_assert_max_num_queries, name, max_queries
):
    for size in (1, 6):
        _populate(facilitator.organisation, size)
        with django_assert_max_num_queries(max_queries):
            response = logged.get(reverse(name))
        assert response.status_code == 200


def test_behind_filter_queries_stay_flat(logged, facilitator, django_assert_max_num_queries):
    for size in (1, 6):
        _populate(facilitator.organisation, size)
        with django_assert_max_num_queries(11):
            response = logged.get(reverse("tracking:contract_list"), {"behind": "on"})
        assert len(response.context["page_obj"].object_list) == Contract.objects.count()


def test_contract_detail_queries_stay_flat(logged, facilitator, django_assert_max_num_queries):
    contract = tracked_contract(facilitator.organisation)["contract"]
    url = reverse("tracking:contract_detail", args=[contract.pk])
    for lots in (1, 6):
        for _ in range(lots):
            lot = LotFactory(contract=contract)
            ClauseFactory(lot=lot)
            LotCompanyFactory(lot=lot)
        with django_assert_max_num_queries(14):
            assert logged.get(url).status_code == 200


@pytest.mark.parametrize(("name", "max_queries"), [("buyer", 9), ("operation", 8)])
def test_buyer_and_operation_pages_queries_stay_flat(
    logged, facilitator, django_assert_max_num_queries, name, max_queries
):
    objects = tracked_contract(facilitator.organisation)
    url = reverse(f"tracking:{name}_detail", args=[objects[name].pk])
    for contracts in (1, 6):
        for _ in range(contracts):
            contract = ContractFactory(
                organisation=facilitator.organisation,
                buyer=objects["buyer"],
                operation=objects["operation"],
            )
            ClauseFactory(lot=LotFactory(contract=contract))
        with django_assert_max_num_queries(max_queries):
            response = logged.get(url)
        assert len(response.context["page_obj"].object_list) == Contract.objects.count()


# Header navigation.


def test_header_menu_depends_on_the_role(client, facilitator):
    client.force_login(facilitator.user)
    header = client.get(reverse("workspace:home")).content.decode().split("</header>")[0]
    for label in ("Tableau de bord", "Marchés", "Acheteurs", "Opérations", "Entreprises"):
        assert f">{label}</a>" in header
    reader = MembershipFactory(reader=True)
    client.force_login(reader.user)
    header = client.get(reverse("workspace:home")).content.decode().split("</header>")[0]
    assert ">Marchés</a>" in header and ">Entreprises</a>" not in header
    company = MembershipFactory(company=True)
    client.force_login(company.user)
    header = client.get(reverse("workspace:home")).content.decode().split("</header>")[0]
    assert ">Marchés</a>" not in header


def test_contract_detail_lists_companies_with_missions_on_a_lot_they_are_not_attached_to(
    logged, facilitator
):
    objects = tracked_contract(facilitator.organisation)
    etti = CompanyFactory(
        organisation=facilitator.organisation, name="Tremplin Intérim 93", kind="etti"
    )
    mission = MissionFactory(
        participant=ParticipantFactory(organisation=facilitator.organisation),
        lot=objects["lot"],
        company=etti,
        modality="etti",
    )
    HoursDeclarationFactory(mission=mission, month=datetime.date(2025, 2, 1), hours=Decimal(70))
    response = logged.get(reverse("tracking:contract_detail", args=[objects["contract"].pk]))
    page = re.sub(r"\s+", " ", unescape(response.content.decode()))
    row = re.search(r"<tr>(?:(?!</tr>).)*Tremplin Intérim 93(?:(?!</tr>).)*</tr>", page)
    assert row, "the ETTI's row is missing"
    cells = re.findall(r"<td>\s*(.*?)\s*</td>", row.group(0))
    assert cells[1:4] == ["Missions sans rattachement au lot", "1", "70 h"]
    assert reverse("tracking:company_detail", args=[etti.pk]) in row.group(0)
    assert "Retirer" not in row.group(0)


def test_contract_page_leads_coordinators_and_national_admins_to_its_monthly_hours(client):
    objects = tracked_contract(OrganisationFactory())
    url = reverse("tracking:contract_detail", args=[objects["contract"].pk])
    grid = f"{reverse('insertion:hours_grid')}?marche={objects['contract'].pk}"
    client.force_login(MembershipFactory(national_admin=True).user)
    page = unescape(client.get(url).content.decode())
    assert f'href="{grid}">Heures par mois</a>' in page
    assert "Saisir les heures" not in page
    assert client.get(grid).status_code == 200
