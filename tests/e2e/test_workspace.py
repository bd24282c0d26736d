"""The workspace seen through a real browser: invitations, audit log."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e

INVITEE_PASSWORD = "Clause-sociale-Bobigny-2026"


def test_admin_invites_a_member_who_joins_through_the_emailed_link(
    page, other_page, login, live_server, smtp_backend
):
    admin = MembershipFactory(
        admin=True, organisation__name="PLIE Est Ensemble", user__first_name="Aïcha"
    )
    organisation_url = reverse("workspace:organisation_detail", args=[admin.organisation.pk])
    login(admin.user)

    page.goto(organisation_url)
    expect(page.locator("h1")).to_have_text("PLIE Est Ensemble")
    page.get_by_role("link", name="Inviter un membre").click()
    expect(page).to_have_url(
        live_server.url + reverse("workspace:invite", args=[admin.organisation.pk])
    )
    expect(page.locator("h1")).to_have_text("Inviter un membre")
    page.get_by_label("Adresse e-mail").fill("Ines.Nouvelle@Example.org")
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_label("Nom", exact=True).fill("Nouvelle")
    page.get_by_role("button", name="Envoyer l'invitation").click()

    expect(page).to_have_url(live_server.url + organisation_url)
    expect(page.get_by_role("status")).to_contain_text(
        "Une invitation a été envoyée à ines.nouvelle@example.org."
    )
    pending = page.get_by_role("table", name="Invitations en attente")
    expect(pending).to_contain_text("Inès Nouvelle — ines.nouvelle@example.org")

    assert len(smtp_backend.messages) == 1
    message = smtp_backend.messages[0]
    assert message["To"] == "ines.nouvelle@example.org"
    assert message["Subject"] == "Clauses : invitation à rejoindre PLIE Est Ensemble"
    body = message.get_content()
    assert body.startswith("Bonjour Inès,")
    links = re.findall(re.escape(live_server.url) + r"/invitation/\S+", body)
    assert len(links) == 1, body

    # The invited person, in their own browser.
    other_page.goto(links[0])
    expect(other_page.locator("h1")).to_have_text("Rejoindre PLIE Est Ensemble")
    expect(other_page.locator("main")).to_contain_text(
        "Choisissez le mot de passe de votre compte."
    )
    other_page.get_by_label(re.compile(r"^\s*Mot de passe")).fill(INVITEE_PASSWORD)
    other_page.get_by_label("Confirmation du mot de passe").fill(INVITEE_PASSWORD)
    other_page.get_by_role("button", name="Accepter l'invitation").click()

    expect(other_page).to_have_url(live_server.url + organisation_url)
    expect(other_page.get_by_role("status")).to_contain_text(
        "Bienvenue ! Vous êtes désormais membre de PLIE Est Ensemble."
    )
    expect(other_page.locator("header")).to_contain_text("Inès Nouvelle")
    members = other_page.get_by_role("table", name="Membres de PLIE Est Ensemble")
    expect(members.get_by_role("row").filter(has_text="ines.nouvelle@example.org")).to_contain_text(
        "Inès Nouvelle"
    )
    # A plain member may not invite.
    expect(other_page.get_by_role("link", name="Inviter un membre")).to_have_count(0)

    # The administrator sees the new member and no pending invitation any more.
    page.reload()
    expect(page.get_by_role("table", name="Membres de PLIE Est Ensemble")).to_contain_text(
        "ines.nouvelle@example.org"
    )
    expect(page.locator("main")).to_contain_text("Aucune invitation en attente.")


def test_accepted_invitation_link_cannot_be_used_twice(
    page, other_page, login, live_server, smtp_backend, browser_errors
):
    admin = MembershipFactory(admin=True, organisation__name="PLIE Est Ensemble")
    login(admin.user)
    page.goto(reverse("workspace:invite", args=[admin.organisation.pk]))
    page.get_by_label("Adresse e-mail").fill("ines.nouvelle@example.org")
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_label("Nom", exact=True).fill("Nouvelle")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Une invitation a été envoyée")
    link = re.search(r"http://\S+/invitation/\S+", smtp_backend.messages[0].get_content())[0]
    other_page.goto(link)
    other_page.get_by_label(re.compile(r"^\s*Mot de passe")).fill(INVITEE_PASSWORD)
    other_page.get_by_label("Confirmation du mot de passe").fill(INVITEE_PASSWORD)
    other_page.get_by_role("button", name="Accepter l'invitation").click()
    expect(other_page.get_by_role("status")).to_contain_text("Bienvenue !")
    other_page.locator("header").get_by_role("button", name="Se déconnecter").click()
    expect(other_page.locator("header").get_by_role("link", name="Se connecter")).to_be_visible()

    # The page answers 410 Gone, which the browser logs.
    browser_errors.allow(r"status of 410")
    response = other_page.goto(link)

    assert response.status == 410
    expect(other_page.locator("h1")).to_have_text("Invitation non valable")
    expect(other_page.get_by_role("link", name="Se connecter")).to_have_count(2)


def test_member_who_is_not_admin_sees_no_invite_button(page, login, browser_errors):
    admin = MembershipFactory(admin=True, organisation__name="PLIE Est Ensemble")
    member = MembershipFactory(organisation=admin.organisation)
    login(member.user)

    page.goto(reverse("workspace:organisation_detail", args=[admin.organisation.pk]))

    expect(page.locator("h1")).to_have_text("PLIE Est Ensemble")
    expect(page.get_by_role("table", name="Membres de PLIE Est Ensemble")).to_contain_text(
        admin.user.email
    )
    expect(page.get_by_role("link", name="Inviter un membre")).to_have_count(0)
    expect(page.get_by_role("heading", name="Invitations en attente")).to_have_count(0)
    # Nor can they reach the form by its address.
    browser_errors.allow(r"status of 404")
    response = page.goto(reverse("workspace:invite", args=[admin.organisation.pk]))
    assert response.status == 404


def test_national_admin_reads_and_filters_the_audit_log(page, other_page, login, live_server):
    facilitator = MembershipFactory(user__email="facilitatrice@example.org").user
    national = MembershipFactory(national_admin=True, user__email="admin@example.org").user
    # Someone mistypes their password, then logs in, in another browser.
    login(facilitator, "pas-le-bon-mot-de-passe", on=other_page)
    expect(other_page.locator("main")).to_contain_text("Adresse e-mail ou mot de passe incorrect.")
    login(facilitator, on=other_page)
    expect(other_page).to_have_url(live_server.url + reverse("workspace:home"))
    login(national)

    page.get_by_role("link", name="Journal d'audit").click()

    expect(page.locator("h1")).to_have_text("Journal d'audit")
    expect(page.locator("main")).to_contain_text("3 entrées.")
    rows = page.get_by_role("table", name="Journal d'audit, du plus récent au plus ancien")
    logins = rows.get_by_role("row").filter(has_text="accounts.login")
    # The most recent first: the administrator's own login.
    expect(logins.first).to_contain_text("admin@example.org")
    expect(rows.get_by_role("row").filter(has_text="facilitatrice@example.org")).to_have_count(2)

    page.get_by_label("Action").select_option("accounts.login_failed")
    page.get_by_role("button", name="Filtrer").click()

    expect(page).to_have_url(re.compile(r"action=accounts.login_failed"))
    expect(page.locator("main")).to_contain_text("1 entrée.")
    body_rows = rows.locator("tbody tr")
    expect(body_rows).to_have_count(1)
    expect(body_rows).to_contain_text("facilitatrice@example.org")
    expect(body_rows).to_contain_text("accounts.login_failed")


def test_facilitator_gets_a_404_for_the_audit_log(page, login, browser_errors):
    login(MembershipFactory().user)
    expect(page.get_by_role("link", name="Journal d'audit")).to_have_count(0)

    browser_errors.allow(r"status of 404")
    response = page.goto(reverse("workspace:audit_log"))

    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page introuvable")
    expect(page.locator("body")).not_to_contain_text("Journal d'audit")
    expect(page.locator("body")).not_to_contain_text("accounts.login")
