"""Reports (bilans) per contract, operation and buyer: page, real PDF, real XLSX."""

import html
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils.html import strip_tags
from openpyxl import load_workbook
from pypdf import PdfReader

from clauses.core.models import AuditEntry
from clauses.insertion.models import HoursDeclaration, Mission, Participant
from clauses.procurement.models import Clause
from tests.factories import MembershipFactory, OrganisationFactory

from .factories import (
    BuyerFactory,
    ContractFactory,
    HoursDeclarationFactory,
    LotFactory,
    MissionFactory,
    OutcomeFactory,
    ParticipantFactory,
    tracked_contract,
)

pytestmark = pytest.mark.django_db


def mentions(content, word):
    """Whether ``word`` appears as a whole word (a name like "Marc" is not in "Marché")."""
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", content) is not None


def text(content):
    """Visible text: tags dropped, entities decoded, every run of spaces made one space."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(content)))


def raw(response):
    return html.unescape(response.content.decode())


def fr(value, decimals=0):
    """French grouping, as the templates print it (1 080, 0,68)."""
    quantum = Decimal(1).scaleb(-decimals)
    number = f"{Decimal(value).quantize(quantum, ROUND_HALF_UP):,.{decimals}f}"
    return number.replace(",", " ").replace(".", ",")


@pytest.fixture
def facilitator():
    return MembershipFactory()


@pytest.fixture
def reader():
    return MembershipFactory(reader=True)


@pytest.fixture
def tracked(facilitator, reader):
    """A contract of the facilitator's organisation, whose buyer is the reader's, with three
    participants (one woman), outcomes, and a second contract of the same buyer."""
    objects = tracked_contract(
        facilitator.organisation, buyer_account=reader.organisation, participants=3
    )
    woman = objects["missions"][1].participant
    woman.sex = "F"
    woman.save()
    OutcomeFactory(mission=objects["missions"][0])
    OutcomeFactory(mission=objects["missions"][1], moment="six_mois")
    second = ContractFactory(
        organisation=facilitator.organisation, buyer=objects["buyer"], operation=None
    )
    lot = LotFactory(contract=second)
    Clause.objects.create(lot=lot, legal_basis="L2113-13", required_hours=Decimal(700))
    mission = MissionFactory(
        participant=ParticipantFactory(organisation=facilitator.organisation),
        lot=lot,
        company=objects["company"],
        modality="sous_traitance_siae",
    )
    HoursDeclarationFactory(mission=mission, hours=Decimal("45.5"))
    objects["second"] = second
    # Names no page could print by chance (the header shows the user's own name).
    for number, participant in enumerate(
        Participant.objects.filter(organisation=facilitator.organisation)
    ):
        participant.last_name = f"Nomconfidentiel{number}"
        participant.first_name = f"Prenomconfidentiel{number}"
        participant.save(update_fields=["last_name", "first_name"])
    return objects


def expected_for(**filters):
    missions = Mission.objects.filter(**filters)
    hours = sum(
        (h.hours for h in HoursDeclaration.objects.filter(mission__in=missions)), Decimal(0)
    )
    required = sum(
        (c.required_hours for c in Clause.objects.filter(**filters)),
        Decimal(0),
    )
    names = [n for m in missions for n in (m.participant.last_name, m.participant.first_name)]
    identifiers = [m.participant.identifier for m in missions]
    return {
        "hours": hours,
        "required": required,
        "participants": missions.values("participant").distinct().count(),
        "women": missions.filter(participant__sex="F").values("participant").distinct().count(),
        "names": names,
        "identifiers": identifiers,
    }


def test_contract_report_page(client, facilitator, tracked):
    client.force_login(facilitator.user)
    contract = tracked["contract"]
    response = client.get(reverse("reports:contract", args=[contract.pk]))
    assert response.status_code == 200
    page = text(response.content.decode())
    expected = expected_for(lot__contract=contract)
    assert f"Bilan de la clause sociale — marché {contract.reference}" in page
    assert tracked["buyer"].name in page and contract.object in page
    assert (
        f"{fr(expected['hours'])} heures réalisées sur {fr(expected['required'])} heures exigées"
        in page
    )
    assert '<progress class="clauses-progress fr-mb-2w"' in raw(response)
    assert "1 ETP = 1 600 heures" in page
    assert f"{fr(expected['hours'] / 1600, 2)} ETP réalisés" in page
    assert f"{expected['participants']} participants" in page
    assert "Objectif de la charte ANRU" in page  # the factory's operation is NPNRU
    for secret in expected["names"] + expected["identifiers"]:
        assert not mentions(page, secret)
    # The second contract of the same buyer is not in this contract's report.
    assert tracked["second"].reference not in page


def test_contract_pdf_is_a_real_pdf_with_the_figures(client, facilitator, tracked):
    client.force_login(facilitator.user)
    contract = tracked["contract"]
    response = client.get(reverse("reports:contract_pdf", args=[contract.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="bilan-marche-')
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    content = text("\n".join(page.extract_text() for page in reader.pages))
    expected = expected_for(lot__contract=contract)
    assert contract.reference in content
    assert (
        f"{fr(expected['hours'])} heures réalisées sur {fr(expected['required'])} heures exigées"
        in content
    )
    assert "1 ETP = 1 600 heures" in content
    assert "Par sexe" in content and "Femme 1" in content
    for secret in expected["names"] + expected["identifiers"]:
        assert not mentions(content, secret)
    entry = AuditEntry.objects.get(action="insertion.report_downloaded")
    assert entry.actor == facilitator.user and entry.object_id == str(contract.pk)
    assert "(PDF)" in entry.object_repr


def test_contract_xlsx_has_one_sheet_per_section(client, facilitator, tracked):
    client.force_login(facilitator.user)
    contract = tracked["contract"]
    response = client.get(reverse("reports:contract_xlsx", args=[contract.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Synthèse",
        "Heures par année",
        "Heures par lot",
        "Participants",
        "Modalités",
        "Contrats de travail",
        "Sorties",
        "Objectif ANRU",
    ]
    expected = expected_for(lot__contract=contract)
    summary = {
        row[0]: row[1] for row in workbook["Synthèse"].iter_rows(min_row=2, values_only=True)
    }
    assert Decimal(str(summary["Heures d'insertion réalisées"])) == expected["hours"]
    assert Decimal(str(summary["Heures d'insertion exigées"])) == expected["required"]
    assert summary["Participants"] == expected["participants"]
    assert summary["Conversion"].replace("\u00a0", " ") == "1 ETP = 1 600 heures"
    people = list(workbook["Participants"].iter_rows(min_row=2, values_only=True))
    assert ("Sexe", "Femme", expected["women"]) == people[0][:3]
    exits = list(workbook["Sorties"].iter_rows(min_row=2, values_only=True))
    assert exits[0][:3] == ("À la sortie", "Emploi durable", 1)
    all_cells = [
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    ]
    for secret in expected["names"] + expected["identifiers"]:
        assert secret not in all_cells
    assert AuditEntry.objects.filter(action="insertion.report_downloaded").count() == 1


def test_buyer_report_adds_up_the_buyer_s_contracts(client, facilitator, tracked):
    client.force_login(facilitator.user)
    response = client.get(reverse("reports:buyer", args=[tracked["buyer"].pk]))
    page = text(response.content.decode())
    expected = expected_for(lot__contract__buyer=tracked["buyer"])
    assert (
        f"{fr(expected['hours'])} heures réalisées sur {fr(expected['required'])} heures exigées"
        in page
    )
    assert tracked["contract"].reference in page and tracked["second"].reference in page
    assert "Sous-traitance ou cotraitance avec une SIAE" in page


def test_operation_report_shows_the_anru_target(client, facilitator, tracked):
    client.force_login(facilitator.user)
    operation = tracked["operation"]
    response = client.get(reverse("reports:operation", args=[operation.pk]))
    page = text(response.content.decode())
    expected = expected_for(lot__contract__operation=operation)
    assert f"{fr(expected['hours'])} heures réalisées" in page
    assert tracked["second"].reference not in page  # not part of the operation
    clause = tracked["clause"]
    target = (
        tracked["lot"].amount_excl_tax
        * clause.labour_share
        / clause.hourly_cost
        * operation.anru_target_rate
    ).quantize(Decimal(1), ROUND_HALF_UP)
    assert f"sur un objectif de {fr(target)} heures" in page


def test_operation_pdf(client, facilitator, tracked):
    client.force_login(facilitator.user)
    response = client.get(reverse("reports:operation_pdf", args=[tracked["operation"].pk]))
    content = text("".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages))
    assert "Objectif de la charte ANRU" in content


def test_buyer_reader_reads_their_own_contract_and_buyer_reports(client, reader, tracked):
    client.force_login(reader.user)
    assert client.get(reverse("reports:contract", args=[tracked["contract"].pk])).status_code == 200
    assert client.get(reverse("reports:buyer", args=[tracked["buyer"].pk])).status_code == 200
    response = client.get(reverse("reports:buyer_xlsx", args=[tracked["buyer"].pk]))
    assert response.status_code == 200
    assert AuditEntry.objects.get(action="insertion.report_downloaded").actor == reader.user


def test_another_buyer_s_reader_gets_404(client, tracked):
    other_reader = MembershipFactory(reader=True)
    client.force_login(other_reader.user)
    for name in ("reports:contract", "reports:contract_pdf", "reports:contract_xlsx"):
        assert client.get(reverse(name, args=[tracked["contract"].pk])).status_code == 404
    assert client.get(reverse("reports:buyer", args=[tracked["buyer"].pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="insertion.report_downloaded").exists()


def test_another_organisation_s_facilitator_gets_404(client, tracked):
    client.force_login(MembershipFactory().user)
    assert (
        client.get(reverse("reports:operation", args=[tracked["operation"].pk])).status_code == 404
    )


def test_empty_contract_report(client, facilitator):
    contract = ContractFactory(organisation=facilitator.organisation)
    client.force_login(facilitator.user)
    page = text(client.get(reverse("reports:contract", args=[contract.pk])).content.decode())
    assert "Aucune heure n’a encore été déclarée sur ce périmètre." in page
    assert "Aucun participant n’a encore de mission sur ce périmètre." in page
    response = client.get(reverse("reports:contract_pdf", args=[contract.pk]))
    assert response.content.startswith(b"%PDF")


def test_report_page_queries_stay_flat(client, facilitator, django_assert_max_num_queries):
    client.force_login(facilitator.user)
    objects = tracked_contract(facilitator.organisation, participants=2)
    url = reverse("reports:contract", args=[objects["contract"].pk])
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(3):
        LotFactory(contract=objects["contract"])
    for _ in range(12):
        mission = MissionFactory(
            participant=ParticipantFactory(organisation=facilitator.organisation),
            lot=objects["lot"],
            company=objects["company"],
        )
        HoursDeclarationFactory(mission=mission)
        OutcomeFactory(mission=mission)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# The list of reports.


def test_index_lists_readable_contracts_with_their_hours(client, facilitator, tracked):
    tracked_contract(OrganisationFactory(), participants=1)  # another organisation's
    client.force_login(facilitator.user)
    response = client.get(reverse("reports:index"))
    page = text(response.content.decode())
    expected = expected_for(lot__contract=tracked["contract"])
    assert "2 résultats" in page
    assert f"{fr(expected['hours'])} / {fr(expected['required'])} h" in page
    assert reverse("reports:contract", args=[tracked["contract"].pk]) in raw(response)


def test_index_search_and_views(client, facilitator, tracked):
    client.force_login(facilitator.user)
    page = text(
        client.get(reverse("reports:index"), {"q": tracked["second"].reference}).content.decode()
    )
    assert "1 résultat" in page and tracked["contract"].reference not in page
    page = text(client.get(reverse("reports:index"), {"vue": "operations"}).content.decode())
    assert tracked["operation"].name in page
    page = text(client.get(reverse("reports:index"), {"vue": "acheteurs"}).content.decode())
    assert tracked["buyer"].name in page


def test_index_for_a_reader_shows_their_contracts_only(client, reader, tracked):
    BuyerFactory(organisation=tracked["contract"].organisation, name="Autre acheteur")
    client.force_login(reader.user)
    page = text(client.get(reverse("reports:index"), {"vue": "acheteurs"}).content.decode())
    assert tracked["buyer"].name in page and "Autre acheteur" not in page


def test_index_empty_state(client):
    client.force_login(MembershipFactory(company=True).user)
    page = text(client.get(reverse("reports:index")).content.decode())
    assert "Aucun bilan à consulter" in page


def test_index_queries_stay_flat(client, facilitator, django_assert_max_num_queries):
    client.force_login(facilitator.user)
    tracked_contract(facilitator.organisation)
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("reports:index"))
    for _ in range(8):
        tracked_contract(facilitator.organisation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("reports:index"))


def test_pdf_without_pango_says_why_and_keeps_the_report(client, facilitator, tracked, monkeypatch):
    """A server without Pango (WeasyPrint raises OSError when imported): a French message on
    the report's page, no error page, no download audited."""
    import builtins

    real_import = builtins.__import__

    def without_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_pango)
    client.force_login(facilitator.user)
    contract = tracked["contract"]
    response = client.get(reverse("reports:contract_pdf", args=[contract.pk]), follow=True)
    assert response.redirect_chain == [(reverse("reports:contract", args=[contract.pk]), 302)]
    page = text(response.content.decode())
    assert "Le PDF ne peut pas être produit sur ce serveur : la bibliothèque Pango manque" in page
    assert f"Bilan de la clause sociale — marché {contract.reference}" in page
    assert not AuditEntry.objects.filter(action="insertion.report_downloaded").exists()


def test_a_buyer_reads_no_small_group_of_people(client, reader, tracked):
    """Three participants, one woman: the structure's facilitator reads the counts; the
    buyer's reader reads « moins de 5 », on the page and in the spreadsheet."""
    contract = tracked["contract"]
    client.force_login(reader.user)
    report = client.get(reverse("reports:contract", args=[contract.pk])).context["report"]
    assert report.protected
    women = next(row for row in report.indicators.by_sex if row.code == "F")
    assert (women.shown, women.share) == ("moins de 5", None)
    assert report.indicators.participants_shown == "moins de 5"
    page = text(client.get(reverse("reports:contract", args=[contract.pk])).content.decode())
    assert "Participants : moins de 5" in page
    assert "3 participants" not in page
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("reports:contract_xlsx", args=[contract.pk])).content)
    )
    people = list(workbook["Participants"].iter_rows(values_only=True))
    assert ("Sexe", "Femme", "moins de 5", None) in people
    assert all(row[2] not in (1, 2, 3) for row in people[1:])


def test_the_structure_reads_its_own_counts(client, facilitator, tracked):
    client.force_login(facilitator.user)
    report = client.get(reverse("reports:contract", args=[tracked["contract"].pk])).context[
        "report"
    ]
    assert not report.protected
    women = next(row for row in report.indicators.by_sex if row.code == "F")
    assert women.shown == 1
