from django.template.loader import get_template
from django.test import Client

from tests.factories import MembershipFactory


def test_unknown_page_answers_a_french_404_with_the_site_layout(client, db):
    response = client.get("/cette-page-n-existe-pas/")
    content = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in content
    assert "fr-header" in content and "fr-footer" in content


def test_other_organisation_404_offers_the_way_back_to_the_workspace(client, db):
    member = MembershipFactory()
    other = MembershipFactory()
    client.force_login(member.user)
    response = client.get(f"/espace/organisations/{other.organisation.pk}/")
    assert response.status_code == 404
    assert "Mon espace" in response.content.decode()


def test_server_error_page_renders_without_request_or_database():
    content = get_template("500.html").render()
    assert "Erreur inattendue" in content
    assert 'lang="fr"' in content


def test_csrf_failure_is_explained_in_french(db):
    response = Client(enforce_csrf_checks=True).post(
        "/connexion/", {"username": "a@example.org", "password": "x"}
    )
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()
