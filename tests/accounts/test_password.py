import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from clauses.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Nouveau-mot-de-passe-2026!"


def _reset_link(message):
    match = re.search(r"https?://[^/\s]+(/mot-de-passe/reinitialiser/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_full_flow(client):
    UserFactory(email="anne@example.org")
    response = client.post(reverse("accounts:password_reset"), {"email": "anne@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anne@example.org"]
    assert "réinitialisation" in message.subject
    link = _reset_link(message)

    # Django swaps the token for a session value, then shows the form.
    response = client.get(link, follow=True)
    assert "Choisissez un nouveau mot de passe" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert "Mot de passe réinitialisé" in client.get(response["Location"]).content.decode()

    response = client.post(
        reverse("accounts:login"), {"username": "anne@example.org", "password": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("workspace:home")


def test_password_reset_is_audited(client):
    user = UserFactory(email="anne@example.org")
    client.post(reverse("accounts:password_reset"), {"email": "anne@example.org"})
    response = client.get(_reset_link(mail.outbox[0]), follow=True)
    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert AuditEntry.objects.get(action="accounts.password_reset").actor == user


def test_password_reset_for_an_unknown_email_sends_nothing_but_says_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_reset_with_a_bad_token_shows_a_french_page(client):
    url = reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"})
    response = client.get(url)
    assert response.status_code == 200
    assert "Lien invalide" in response.content.decode()


def test_password_reset_refuses_a_weak_password(client):
    UserFactory(email="anne@example.org")
    client.post(reverse("accounts:password_reset"), {"email": "anne@example.org"})
    response = client.get(_reset_link(mail.outbox[0]), follow=True)
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in response.content.decode()


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("workspace:password_change"),
        {
            "old_password": settings.DEMO_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == reverse("workspace:home")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The session survives the change.
    assert client.get(reverse("workspace:home")).status_code == 200
    assert AuditEntry.objects.filter(action="accounts.password_changed", actor=user).exists()


def test_password_change_requires_the_old_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("workspace:password_change"),
        {"old_password": "faux", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "ancien mot de passe est incorrect" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(settings.DEMO_PASSWORD)
