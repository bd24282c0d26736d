import pytest
from django.conf import settings
from django.urls import reverse

from clauses.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")


def _post_login(client, email, password, **extra):
    return client.post(LOGIN_URL, {"username": email, "password": password, **extra})


def test_login_page_is_public_and_in_french(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Adresse e-mail" in content
    assert reverse("accounts:password_reset") in content


def test_login_with_right_password_opens_the_workspace(client):
    user = UserFactory(email="anne@example.org")
    response = _post_login(client, "anne@example.org", settings.DEMO_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_ignores_the_case_of_the_email(client):
    user = UserFactory(email="anne@example.org")
    _post_login(client, "Anne@Example.ORG", settings.DEMO_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_wrong_password_shows_a_french_error(client):
    UserFactory(email="anne@example.org")
    response = _post_login(client, "anne@example.org", "pas-le-bon-mot-de-passe")
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_honours_a_local_next(client):
    UserFactory(email="anne@example.org")
    response = _post_login(
        client, "anne@example.org", settings.DEMO_PASSWORD, next="/espace/organisations/"
    )
    assert response["Location"] == "/espace/organisations/"


def test_login_ignores_a_next_to_another_site(client):
    UserFactory(email="anne@example.org")
    response = _post_login(
        client, "anne@example.org", settings.DEMO_PASSWORD, next="https://evil.example.com/"
    )
    assert response["Location"] == reverse("workspace:home")


def test_login_form_carries_next_from_the_query_string(client):
    response = client.get(LOGIN_URL, {"next": "/espace/journal/"})
    assert 'name="next" value="/espace/journal/"' in response.content.decode()


def test_private_page_redirects_anonymous_to_login(client):
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL + "?next=")


def test_sixth_attempt_is_locked_out_even_with_the_right_password(client):
    UserFactory(email="anne@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, "anne@example.org", "mauvais-mot-de-passe")
    response = _post_login(client, "anne@example.org", settings.DEMO_PASSWORD)
    assert response.status_code == 429
    assert "Compte temporairement bloqué" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_counts_failures_whatever_the_case_of_the_email(client):
    UserFactory(email="anne@example.org")
    for i in range(settings.AXES_FAILURE_LIMIT):
        email = "ANNE@example.org" if i % 2 else "anne@example.org"
        _post_login(client, email, "mauvais-mot-de-passe")
    response = _post_login(client, "anne@example.org", settings.DEMO_PASSWORD)
    assert response.status_code == 429


def test_failures_below_the_limit_do_not_lock_out(client):
    user = UserFactory(email="anne@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _post_login(client, "anne@example.org", "mauvais-mot-de-passe")
    _post_login(client, "anne@example.org", settings.DEMO_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_logout_is_a_post(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_logout_refuses_get(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405


def test_successful_login_is_audited(client):
    user = UserFactory(email="anne@example.org")
    _post_login(client, "anne@example.org", settings.DEMO_PASSWORD)
    entry = AuditEntry.objects.get(action="accounts.login")
    assert entry.actor == user


def test_failed_login_is_audited_with_the_attempted_email(client):
    _post_login(client, "inconnu@example.org", "mauvais-mot-de-passe")
    entry = AuditEntry.objects.get(action="accounts.login_failed")
    assert entry.actor is None
    assert entry.actor_repr == "inconnu@example.org"


def test_logout_is_audited(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("accounts:logout"))
    assert AuditEntry.objects.get(action="accounts.logout").actor == user
