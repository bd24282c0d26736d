"""A facilitator records a participant, a mission on an existing contract, fills six months
of hours in the monthly grid (one mistake, corrected) and reads the participant's file."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect
from shapely.geometry import box

from clauses.core.models import AuditEntry
from clauses.insertion.models import HoursDeclaration, Participant
from clauses.territories import geo
from clauses.territories.models import Commune, PostalCode, Qpv
from tests.factories import DepartementFactory, MembershipFactory
from tests.tracking.factories import (
    ClauseFactory,
    CompanyFactory,
    ContractFactory,
    LotCompanyFactory,
    LotFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.e2e

HOURS = {"janvier": "120", "février": "130", "mars": "250", "avril": "140", "mai": "150"}


@pytest.fixture
def world():
    departement = DepartementFactory()
    bobigny = Commune.objects.create(code="93008", name="Bobigny", departement=departement)
    PostalCode.objects.create(code="93000", commune=bobigny, name="BOBIGNY")
    qpv = Qpv.objects.create(
        code="QN09301M",
        name="L'Abreuvoir",
        list_year=2024,
        departement=departement,
        geometry=box(2.45, 48.9, 2.46, 48.91).wkb,
    )
    qpv.communes.add(bobigny)
    geo.invalidate_index()
    facilitator = MembershipFactory(
        organisation__name="PLIE Est 93", organisation__departement=departement
    )
    organisation = facilitator.organisation
    contract = ContractFactory(
        organisation=organisation,
        reference="2025-TX-0042",
        object="Réhabilitation de 120 logements",
    )
    lot = LotFactory(contract=contract, number="2", title="Peinture")
    ClauseFactory(lot=lot)
    LotCompanyFactory(lot=lot, company__name="Peintures du Nord")
    CompanyFactory(organisation=organisation, name="Autre entreprise")
    yield {"user": facilitator.user, "contract": contract}
    geo.invalidate_index()


def _cell(page, month):
    return page.get_by_label(f"Heures de P-00012 en {month} 2025", exact=True)


def test_facilitator_records_a_participant_a_mission_and_its_hours(page, login, live_server, world):
    login(world["user"])

    # The participant.
    page.goto(reverse("insertion:participant_list"))
    expect(page.locator("h1")).to_have_text("Participants")
    expect(page.locator("main")).to_contain_text("Aucun participant pour l'instant")
    page.get_by_role("link", name="Nouveau participant").click()
    expect(page.locator("h1")).to_have_text("Nouveau participant")
    page.get_by_label("Identifiant").fill("P-00012")
    page.get_by_label(re.compile(r"^\s*Nom\b")).fill("Martin")
    page.get_by_label("Prénom").fill("Léa")
    page.get_by_label("Date de naissance").fill("1990-05-04")
    page.get_by_text("Femme", exact=True).click()
    page.get_by_label("Adresse").fill("12 rue de la République")
    page.get_by_label("Code postal").fill("93000")
    page.get_by_label(re.compile(r"^\s*Commune\b")).fill("Bobigny")
    page.get_by_label(re.compile(r"^\s*Commune\b")).press("Tab")
    # The QPV list follows the commune typed.
    qpv = page.get_by_label("Quartier prioritaire (QPV) de résidence")
    expect(qpv.locator("option", has_text="L'Abreuvoir (QN09301M)")).to_have_count(1)
    expect(page.locator("#champ-qpv")).to_contain_text("Les QPV de Bobigny, liste 2024")
    qpv.select_option(label="L'Abreuvoir (QN09301M)")
    page.get_by_label("Prescripteur").select_option(label="Mission locale")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status").first).to_contain_text("Participant P-00012 créé.")
    expect(page.locator("h1")).to_have_text("Participant P-00012")
    expect(page.locator("main")).to_contain_text("L'Abreuvoir (QN09301M)")
    participant = Participant.objects.get()
    assert participant.commune.name == "Bobigny"

    # The mission, on the existing contract.
    page.get_by_role("link", name="Nouvelle mission").click()
    expect(page.locator("h1")).to_have_text("Nouvelle mission")
    expect(page.get_by_label("Participant")).to_have_value(str(participant.pk))
    page.get_by_label("Marché et lot").select_option(label="2025-TX-0042 — Lot 2 — Peinture")
    company = page.get_by_label("Entreprise")
    expect(company.locator("optgroup[label='Entreprises du lot'] option")).to_have_text(
        "Peintures du Nord"
    )
    company.select_option(label="Peintures du Nord")
    page.get_by_label("Modalité de mise en œuvre").select_option(label="Embauche directe")
    page.get_by_label("Type de contrat de travail").select_option(label="CDD")
    page.get_by_label("Début").fill("2025-01-06")
    page.get_by_label(re.compile(r"^\s*Fin\b")).fill("2025-06-30")
    page.get_by_role("button", name="Enregistrer la mission").click()

    expect(page.locator("h1")).to_have_text("Participant P-00012")
    mission = page.locator("article", has_text="2025-TX-0042 — Lot 2 — Peinture")
    expect(mission).to_contain_text("Peintures du Nord")
    expect(mission).to_contain_text("Aucune heure déclarée pour cette mission.")

    # Six months of hours in the grid, saved cell by cell.
    mission.get_by_role("link", name="Saisir les heures").click()
    expect(page.locator("h1")).to_have_text("Heures mensuelles — 2025-TX-0042")
    expect(page.get_by_role("table")).to_contain_text("Heures réalisées en 2025")
    expect(
        page.get_by_label("Heures de P-00012 en juillet 2025 (hors des dates de la mission)")
    ).to_be_disabled()
    status = page.locator("#statut-grille")
    for month, hours in HOURS.items():
        _cell(page, month).fill(hours)
        _cell(page, month).press("Tab")
        if month == "mars":
            expect(
                page.locator("#cellule-" + _cell(page, month).get_attribute("id"))
            ).to_contain_text("250 h en mars 2025 dépasse le plafond plausible de 200 h par mois.")
            expect(_cell(page, month)).to_have_attribute("aria-invalid", "true")
        else:
            expect(status).to_have_text(
                re.compile(rf"P-00012, {month} 2025 : {hours} h enregistrées\.")
            )
    # Tab moved the focus to the next month, in order.
    expect(_cell(page, "juin")).to_be_focused()
    _cell(page, "juin").fill("80,5")
    _cell(page, "juin").press("Tab")
    expect(status).to_have_text("P-00012, juin 2025 : 80,5 h enregistrées.")
    assert not HoursDeclaration.objects.filter(month=datetime.date(2025, 3, 1)).exists()
    expect(page.locator("#total-annee")).to_have_text("620,5")

    # The mistake, corrected.
    _cell(page, "mars").fill("100")
    _cell(page, "mars").press("Tab")
    expect(status).to_have_text("P-00012, mars 2025 : 100 h enregistrées.")
    expect(page.locator("main")).not_to_contain_text("dépasse le plafond")
    expect(_cell(page, "mars")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#total-2025-03")).to_have_text("100")
    expect(page.locator("#total-annee")).to_have_text("720,5")
    row_total = page.locator(f"#total-m{participant.missions.get().pk}")
    expect(row_total).to_have_text("720,5")
    # The totals hold after a reload: everything is saved.
    page.reload()
    expect(page.locator("#total-annee")).to_have_text("720,5")
    expect(_cell(page, "juin")).to_have_value("80,5")

    # The participant's file.
    page.get_by_role("link", name="P-00012 — MARTIN Léa").click()
    expect(page.locator("h1")).to_have_text("Participant P-00012")
    hours_table = page.get_by_role("table", name="Heures réalisées par mois")
    expect(hours_table.get_by_role("row", name="mars 2025")).to_contain_text("100")
    expect(hours_table).to_contain_text("720,5 h")
    assert AuditEntry.objects.filter(action="insertion.participant_viewed").count() >= 1
    expect(page.locator("main")).to_contain_text("Votre consultation est enregistrée")


def test_hours_grid_works_without_javascript(browser, live_server, browser_errors, world):
    """Progressive enhancement: with JavaScript off, the grid is a plain form."""
    from django.conf import settings

    from tests.tracking.factories import MissionFactory, ParticipantFactory

    contract = world["contract"]
    participant = ParticipantFactory(organisation=contract.organisation, identifier="P-00077")
    MissionFactory(
        participant=participant,
        lot=contract.lots.get(),
        company=contract.organisation.companies.get(name="Peintures du Nord"),
        start_date=datetime.date(2025, 3, 1),
        end_date=datetime.date(2025, 4, 30),
    )
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(reverse("accounts:login"))
        page.get_by_label("Adresse e-mail", exact=True).fill(world["user"].email)
        page.get_by_label("Mot de passe", exact=True).fill(settings.DEMO_PASSWORD)
        page.locator("main").get_by_role("button", name="Se connecter").click()
        page.goto(f"{reverse('insertion:hours_grid')}?marche={contract.pk}&annee=2025")

        page.get_by_label("Heures de P-00077 en mars 2025", exact=True).fill("300")
        page.get_by_label("Heures de P-00077 en avril 2025", exact=True).fill("42,5")
        page.get_by_role("button", name="Enregistrer les heures").click()
        expect(page.get_by_role("alert")).to_contain_text("Aucune heure n'a été enregistrée")
        expect(page.get_by_role("alert")).to_contain_text("300 h en mars 2025 dépasse le plafond")
        expect(page.get_by_label("Heures de P-00077 en avril 2025", exact=True)).to_have_value(
            "42,5"
        )
        assert not HoursDeclaration.objects.exists()

        page.get_by_label("Heures de P-00077 en mars 2025", exact=True).fill("150")
        page.get_by_role("button", name="Enregistrer les heures").click()
        expect(page.get_by_role("status").first).to_contain_text(
            "2 déclarations d'heures enregistrées."
        )
        expect(page.locator("#total-annee")).to_have_text("192,5")
    finally:
        context.close()


def test_a_company_chosen_while_the_lot_s_companies_load_is_kept(
    page, login, live_server, world, monkeypatch
):
    """The company list is refreshed (htmx) when the lot changes; a company chosen before the
    refresh arrives stays chosen (keep-choices.js), as a quick keyboard user would expect."""
    import time

    from clauses.www.insertion import views

    participant = ParticipantFactory(
        organisation=world["contract"].organisation, identifier="P-00077"
    )
    render = views.render

    def slow_render(request, template_name, *args, **kwargs):
        if template_name == "insertion/_company_field.html":
            time.sleep(1.5)  # a slow network: the person chooses before the answer
        return render(request, template_name, *args, **kwargs)

    monkeypatch.setattr(views, "render", slow_render)
    login(world["user"])
    page.goto(reverse("insertion:mission_create"))
    page.get_by_label("Participant").select_option(value=str(participant.pk))
    page.get_by_label("Marché et lot").select_option(label="2025-TX-0042 — Lot 2 — Peinture")
    company = page.get_by_label("Entreprise")
    company.select_option(label="Autre entreprise")  # not (yet) attached to the lot
    # The refreshed list arrives: the lot's companies first, the choice kept.
    expect(company.locator("optgroup[label='Entreprises du lot'] option")).to_have_text(
        "Peintures du Nord"
    )
    expect(company.locator("option:checked")).to_have_text("Autre entreprise")


def test_the_month_s_missions_without_hours_lead_from_the_dashboard_to_their_entry(
    page, login, world
):
    """At the start of a month the dashboard counts last month's missions without hours;
    its link opens the month's entry on them, every contract at once; the hours grid lists
    the same by contract; entering them empties both."""
    from clauses.core.dates import add_months
    from clauses.insertion.services import month_label
    from tests.tracking.factories import MissionFactory

    month = add_months(datetime.date.today().replace(day=1), -1)
    contract = world["contract"]
    MissionFactory(
        participant=ParticipantFactory(organisation=contract.organisation, identifier="P-00088"),
        lot=contract.lots.get(),
        company=contract.organisation.companies.get(name="Peintures du Nord"),
        start_date=add_months(month, -2),
        end_date=None,
    )
    other = ContractFactory(organisation=contract.organisation, reference="2025-SV-0007")
    ClauseFactory(lot=LotFactory(contract=other))
    label = month_label(month)
    login(world["user"])

    page.goto(reverse("tracking:dashboard"))
    tile_link = page.get_by_role("link", name=f"Missions sans heures en {label}")
    tile = page.locator(".fr-tile").filter(has=tile_link)
    expect(tile.locator(".clauses-figure")).to_have_text("1")
    tile_link.click()
    expect(page.locator("h1")).to_have_text("Heures du mois")
    expect(page.get_by_label("Seulement les missions sans heures")).to_be_checked()
    cell = page.get_by_label(f"Heures de P-00088 en {label}", exact=True)
    expect(cell).to_be_focused()  # the cursor waits in the first empty cell
    cell.fill("250")
    cell.press("Tab")
    expect(page.locator("#statut-grille")).to_contain_text("dépasse le plafond")
    expect(cell).to_have_attribute("aria-invalid", "true")
    assert not HoursDeclaration.objects.exists()
    cell.fill("35,5")
    cell.press("Tab")
    expect(page.locator("#statut-grille")).to_contain_text(
        f"P-00088, {label} : 35,5 h enregistrées."
    )
    expect(page.locator(f"#total-{month:%Y-%m}")).to_have_text("35,5")
    # The month's sheet to send to the company, in the import format.
    page.goto(reverse("insertion:hours_month"))
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Relevé à compléter")).click()
    assert download.value.suggested_filename == f"heures-{month:%Y-%m}.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert [cell.value for cell in sheet[2]][:7] == [
        "P-00088",
        "2025-TX-0042",
        "2",
        contract.organisation.companies.get(name="Peintures du Nord").siret,
        datetime.datetime.combine(add_months(month, -2), datetime.time()),
        f"{month:%m/%Y}",
        35.5,
    ]

    page.goto(reverse("insertion:hours_grid"))
    row = page.get_by_role("row", name=re.compile("2025-TX-0042"))
    expect(row).to_contain_text("1 sur 1")
    expect(row).to_contain_text("Complet")
    expect(page.get_by_role("row", name=re.compile("2025-SV-0007"))).to_have_count(0)
    page.goto(reverse("tracking:dashboard"))
    expect(tile.locator(".clauses-figure")).to_have_text("0")


def test_enter_goes_down_to_the_next_mission_as_in_a_spreadsheet(page, login, world):
    """In the month's page, Enter saves the cell and moves to the one below; Shift+Enter
    goes back up; below the last row waits the button that sends the whole page."""
    from clauses.core.dates import add_months
    from clauses.insertion.services import month_label
    from tests.tracking.factories import MissionFactory

    month = add_months(datetime.date.today().replace(day=1), -1)
    contract = world["contract"]
    for identifier in ("P-00091", "P-00092"):
        MissionFactory(
            participant=ParticipantFactory(
                organisation=contract.organisation, identifier=identifier
            ),
            lot=contract.lots.get(),
            company=contract.organisation.companies.get(name="Peintures du Nord"),
            start_date=add_months(month, -1),
            end_date=None,
        )
    label = month_label(month)
    login(world["user"])
    page.goto(reverse("insertion:hours_month"))
    first = page.get_by_label(f"Heures de P-00091 en {label}", exact=True)
    second = page.get_by_label(f"Heures de P-00092 en {label}", exact=True)
    expect(first).to_be_focused()

    first.fill("70")
    first.press("Enter")
    expect(second).to_be_focused()
    expect(page.locator("#statut-grille")).to_contain_text(f"P-00091, {label} : 70 h")
    second.press("Shift+Enter")
    expect(first).to_be_focused()
    first.press("Enter")
    second.fill("80")
    second.press("Enter")
    expect(page.get_by_role("button", name="Enregistrer les heures")).to_be_focused()
    expect(page.locator("#statut-grille")).to_contain_text(f"P-00092, {label} : 80 h")
    assert sorted(HoursDeclaration.objects.values_list("hours", flat=True)) == [70, 80]
