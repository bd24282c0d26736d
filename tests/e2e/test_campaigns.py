"""The yearly campaign in a real browser, from opening to publication: the national
administrator opens 2025, a facilitator submits its year from its tracking data, the
regional coordinator sends it back with a message, the facilitator reads it and submits
again, the coordinator then the national administrator validate, and the year is published.
axe-core finds no A or AA violation on the board nor on the structure's page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clauses.observatory.enums import SubmissionStatus
from clauses.observatory.models import Campaign
from tests.factories import MembershipFactory
from tests.observatory.conftest import known  # noqa: F401

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(transactional_db, known):  # noqa: F811
    return known


def switch_to(page, login, user):
    """Log ``user`` in on ``page``, whoever was logged in there before."""
    page.context.clear_cookies()
    login(user, on=page)


def test_a_year_from_opening_to_publication(page, other_page, login, world, axe):
    national = MembershipFactory(national_admin=True).user
    facilitator = MembershipFactory(organisation=world.org_a).user
    coordinator = MembershipFactory(organisation=world.org_a, coordinator=True).user
    structure = reverse(
        "campaigns:submission", kwargs={"year": 2025, "organisation": world.org_a.pk}
    )

    # The national administrator opens 2025 from the workspace menu.
    login(national)
    page.goto(reverse("workspace:home"))
    page.get_by_role("link", name="Campagne annuelle").first.click()
    expect(page.locator("h1")).to_have_text("Campagne annuelle de consolidation")
    page.get_by_label("Année consolidée").fill("2025")
    page.get_by_label("Date limite de dépôt").fill("2026-03-31")
    page.get_by_label("Date limite de validation").fill("2026-01-01")
    page.get_by_label("Fin de la fenêtre de correction").fill("2026-06-30")
    page.get_by_role("button", name="Ouvrir la campagne").click()
    expect(page.locator(".fr-error-text")).to_contain_text("Les dates doivent se suivre")
    page.get_by_label("Date limite de validation").fill("2026-04-30")
    page.get_by_role("button", name="Ouvrir la campagne").click()
    expect(page.locator("h1")).to_have_text("Campagne 2025 : suivi des déclarations")
    expect(page.get_by_text("La campagne 2025 est ouverte")).to_be_visible()
    table = page.get_by_role("table", name="Déclarations 2025 des structures attendues")
    expect(table.get_by_role("row", name="PLIE A")).to_contain_text("Non déposée")
    axe(page)

    # The facilitator submits its year, computed from its tracking data.
    login(facilitator, on=other_page)
    other_page.goto(structure)
    expect(other_page.locator(".fr-tile").filter(has_text="Heures d'insertion")).to_contain_text(
        "300"
    )
    other_page.get_by_label("Commentaire pour les relecteurs").fill("Année complète")
    other_page.get_by_role("button", name="Déposer l'année 2025").click()
    expect(other_page.get_by_text("L'année 2025 de PLIE A est déposée.")).to_be_visible()
    expect(other_page.locator("main")).to_contain_text("Totaux déposés (version 1)")
    axe(other_page)

    # The coordinator asks for a fix: a message is required.
    switch_to(page, login, coordinator)
    page.goto(structure)
    page.get_by_role("button", name="Demander une correction").click()
    expect(page.get_by_text("Dites à la structure ce qu'elle doit corriger")).to_be_visible()
    page.get_by_label("Ce que la structure doit corriger").fill("Heures de mars à vérifier")
    page.get_by_role("button", name="Demander une correction").click()
    expect(page.get_by_text("La structure est invitée à corriger")).to_be_visible()

    # The facilitator reads the message and submits again.
    other_page.reload()
    expect(other_page.locator(".fr-alert--warning")).to_contain_text("Heures de mars à vérifier")
    other_page.get_by_role("button", name="Déposer l'année 2025").click()
    expect(other_page.get_by_text("L'année 2025 de PLIE A est déposée.")).to_be_visible()

    # The coordinator validates, then the national administrator.
    page.reload()
    page.get_by_role("button", name="Valider la déclaration").click()
    expect(page.get_by_text("Déclaration « validée par la région ».")).to_be_visible()
    switch_to(page, login, national)
    page.goto(structure)
    page.get_by_label("Message à la structure").fill("Merci")
    page.get_by_role("button", name="Valider la déclaration").click()
    expect(page.get_by_text("Déclaration « validée ».")).to_be_visible()
    history = page.get_by_role("table", name="Historique de la déclaration 2025")
    expect(history.locator("tbody tr")).to_have_count(5)
    axe(page)

    # And publishes the year.
    page.goto(reverse("campaigns:board", kwargs={"year": 2025}))
    page.get_by_role("button", name="Publier l'année 2025").click()
    expect(page.get_by_text("L'année 2025 est publiée")).to_be_visible()
    expect(page.get_by_text("Année publiée le")).to_be_visible()
    expect(table.get_by_role("row", name="PLIE A")).to_contain_text("Validée")
    axe(page)
    campaign = Campaign.objects.get(year=2025)
    assert campaign.published_at is not None
    assert campaign.submissions.get().status == SubmissionStatus.VALIDATED
