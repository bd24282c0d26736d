"""Accounts seen through a real browser: forgotten password, password change, lock-out."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Quartiers-prioritaires-2026"
# The DSFR puts the hint (password rules) inside the label: match its beginning.
NEW_PASSWORD_LABEL = re.compile(r"^\s*Nouveau mot de passe")
CONFIRMATION_LABEL = re.compile(r"^\s*Confirmation du nouveau mot de passe")


def link_in(message, live_server):
    """The single link to this site in the plain-text body of `message`."""
    body = message.get_content()
    links = re.findall(re.escape(live_server.url) + r"/\S+", body)
    assert len(links) == 1, body
    return links[0]


def fill_login_form(page, email, password):
    page.get_by_label("Adresse e-mail", exact=True).fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Se connecter").click()


def test_forgotten_password_is_reset_through_the_emailed_link(
    page, login, live_server, smtp_backend
):
    user = MembershipFactory(user__email="camille.martin@example.org").user
    page.goto(reverse("accounts:login"))

    page.get_by_role("link", name="Mot de passe oublié").click()
    expect(page.locator("h1")).to_have_text("Mot de passe oublié")
    page.get_by_label("Adresse e-mail").fill("camille.martin@example.org")
    page.get_by_role("button", name="Recevoir le lien").click()

    expect(page.locator("h1")).to_have_text("Vérifiez votre messagerie")
    assert len(smtp_backend.messages) == 1
    message = smtp_backend.messages[0]
    assert message["To"] == "camille.martin@example.org"
    assert message["Subject"] == "Clauses : réinitialisation de votre mot de passe"

    page.goto(link_in(message, live_server))
    expect(page.locator("h1")).to_have_text("Choisissez un nouveau mot de passe")
    page.get_by_label(NEW_PASSWORD_LABEL).fill(NEW_PASSWORD)
    page.get_by_label(CONFIRMATION_LABEL).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()

    expect(page.locator("h1")).to_have_text("Mot de passe réinitialisé")
    expect(page.locator("main")).to_contain_text("Votre nouveau mot de passe est enregistré.")
    login(user, NEW_PASSWORD)
    expect(page).to_have_url(live_server.url + reverse("workspace:home"))
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_password_reset_link_works_only_once(page, live_server, smtp_backend):
    MembershipFactory(user__email="camille.martin@example.org")
    page.goto(reverse("accounts:password_reset"))
    page.get_by_label("Adresse e-mail").fill("camille.martin@example.org")
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.locator("h1")).to_have_text("Vérifiez votre messagerie")
    link = link_in(smtp_backend.messages[0], live_server)
    page.goto(link)
    page.get_by_label(NEW_PASSWORD_LABEL).fill(NEW_PASSWORD)
    page.get_by_label(CONFIRMATION_LABEL).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.locator("h1")).to_have_text("Mot de passe réinitialisé")

    page.goto(link)

    expect(page.locator("h1")).to_have_text("Lien invalide")
    expect(page.get_by_role("link", name="Demander un nouveau lien")).to_be_visible()


def test_password_change_then_login_with_the_new_password(page, login, live_server):
    user = MembershipFactory().user
    login(user)

    page.goto(reverse("workspace:home"))
    page.get_by_role("link", name="Changer de mot de passe").click()
    expect(page.locator("h1")).to_have_text("Changer de mot de passe")
    page.get_by_label("Ancien mot de passe").fill(settings.DEMO_PASSWORD)
    page.get_by_label(NEW_PASSWORD_LABEL).fill(NEW_PASSWORD)
    page.get_by_label(CONFIRMATION_LABEL).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer").click()

    expect(page).to_have_url(live_server.url + reverse("workspace:home"))
    expect(page.get_by_role("status")).to_contain_text("Votre mot de passe a été modifié.")
    page.locator("header").get_by_role("button", name="Se déconnecter").click()
    expect(page.locator("header").get_by_role("link", name="Se connecter")).to_be_visible()

    login(user)  # the old password
    expect(page.locator("main")).to_contain_text("Adresse e-mail ou mot de passe incorrect.")
    login(user, NEW_PASSWORD)
    expect(page).to_have_url(live_server.url + reverse("workspace:home"))


def test_password_change_refuses_a_wrong_current_password(page, login):
    login(MembershipFactory().user)
    page.goto(reverse("workspace:password_change"))

    page.get_by_label("Ancien mot de passe").fill("pas-le-bon-mot-de-passe")
    page.get_by_label(NEW_PASSWORD_LABEL).fill(NEW_PASSWORD)
    page.get_by_label(CONFIRMATION_LABEL).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.locator("h1")).to_have_text("Changer de mot de passe")
    expect(page.locator("main")).to_contain_text("ancien mot de passe est incorrect")


def test_five_wrong_passwords_lock_the_account_out(page, browser_errors):
    user = MembershipFactory().user
    # The lock-out page answers 429, which the browser logs.
    browser_errors.allow(r"status of 429")
    page.goto(reverse("accounts:login"))

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        fill_login_form(page, user.email, "mauvais-mot-de-passe")
        expect(page.locator("main")).to_contain_text("Adresse e-mail ou mot de passe incorrect.")
    fill_login_form(page, user.email, "mauvais-mot-de-passe")
    expect(page.locator("h1")).to_have_text("Compte temporairement bloqué")

    # Even the right password is refused now.
    page.goto(reverse("accounts:login"))
    fill_login_form(page, user.email, settings.DEMO_PASSWORD)

    expect(page.locator("h1")).to_have_text("Compte temporairement bloqué")
    expect(page.locator("main")).to_contain_text("la connexion est bloquée pendant une heure")
    expect(page.get_by_role("link", name="Réinitialiser mon mot de passe")).to_be_visible()
    page.goto(reverse("workspace:home"))
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login"))))
