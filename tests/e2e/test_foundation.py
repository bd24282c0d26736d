"""The foundation seen through a real browser: public pages, login, scoping, logout."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e

MAIN_NAVIGATION = ["/rencontres/", "/pratiques/", "/enquete/", "/observatoire/", "/espace/"]
LEGAL_PAGES = ["/mentions-legales/", "/accessibilite/", "/donnees-personnelles/"]


def test_home_page_has_title_and_main_navigation(page):
    page.goto("/")

    expect(page).to_have_title(re.compile("Accueil"))
    navigation = page.get_by_role("navigation", name="Menu principal")
    hrefs = navigation.get_by_role("link").evaluate_all("links => links.map(a => a.pathname)")
    for path in MAIN_NAVIGATION:
        assert path in hrefs


def test_home_page_is_styled_with_the_dsfr(page):
    page.goto("/")

    # Marianne is the DSFR font: it only applies if dsfr.min.css was served.
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Marianne" in font
    expect(page.locator(".fr-header")).to_be_visible()


@pytest.mark.parametrize("path", LEGAL_PAGES)
def test_footer_links_to_legal_page_that_answers(page, path):
    page.goto("/")

    link = page.locator("footer").locator(f'a[href="{path}"]')
    expect(link).to_have_count(1)
    with page.expect_navigation() as navigation:
        link.click()
    assert navigation.value.status == 200
    expect(page.locator("h1")).to_be_visible()


def test_facilitator_logs_in_through_the_form(page, login):
    membership = MembershipFactory()
    user = membership.user

    login(user)

    expect(page).to_have_url(re.compile(re.escape(reverse("workspace:home")) + "$"))
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_organisation_page_is_scoped_to_the_user(page, login, browser_errors):
    own = MembershipFactory(organisation__name="PLIE de Saint-Denis")
    other = MembershipFactory(organisation__name="Maison de l'emploi de Bobigny")
    login(own.user)

    page.goto(reverse("workspace:organisation_detail", args=[own.organisation.pk]))
    expect(page.locator("h1")).to_contain_text("PLIE de Saint-Denis")

    # The browser logs the 404 status of the document itself; that one is expected.
    browser_errors.allow(r"status of 404")
    response = page.goto(reverse("workspace:organisation_detail", args=[other.organisation.pk]))
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page introuvable")
    expect(page.locator("body")).not_to_contain_text("Maison de l'emploi de Bobigny")


def test_logout_from_header_returns_home_as_anonymous(page, login, live_server):
    membership = MembershipFactory()
    login(membership.user)

    page.locator("header").get_by_role("button", name="Se déconnecter").click()

    expect(page).to_have_url(live_server.url + reverse("www:home"))
    expect(page.locator("header").get_by_role("link", name="Se connecter")).to_be_visible()
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)
