import pytest
from django.urls import reverse

from clauses.accounts.models import User
from clauses.core import audit
from tests.accounts.factories import InvitationFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "accounts_user",
    "accounts_organisation",
    "accounts_membership",
    "accounts_invitation",
    "core_auditentry",
    "core_jobprogress",
]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_admin_changelist_opens(admin_client, model):
    MembershipFactory()
    InvitationFactory()
    assert admin_client.get(reverse(f"admin:{model}_changelist")).status_code == 200


def test_admin_creates_a_user_by_email(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Nouvelle@Example.org",
            "first_name": "Nina",
            "last_name": "Durand",
            "usable_password": "true",
            "password1": "Un-mot-de-passe-solide-2026",
            "password2": "Un-mot-de-passe-solide-2026",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="nouvelle@example.org").exists()


def test_admin_user_change_page_opens(admin_client):
    user = UserFactory()
    assert (
        admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).status_code == 200
    )


def test_audit_entries_are_read_only_in_admin(admin_client):
    entry = audit.log(actor=None, action="test.entry")
    assert admin_client.get(reverse("admin:core_auditentry_add")).status_code == 403
    response = admin_client.post(reverse("admin:core_auditentry_delete", args=[entry.pk]))
    assert response.status_code == 403
