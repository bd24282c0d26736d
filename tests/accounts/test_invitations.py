import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from clauses.accounts import services
from clauses.accounts.enums import Role
from clauses.accounts.models import Invitation, Membership, User
from clauses.core.exceptions import DomainError
from clauses.core.models import AuditEntry
from tests.accounts.factories import InvitationFactory
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Un-mot-de-passe-solide-2026"
BASE_URL = "http://testserver/"


def _invite(admin_membership, **kwargs):
    values = {
        "organisation": admin_membership.organisation,
        "invited_by": admin_membership.user,
        "email": "camille@example.org",
        "first_name": "Camille",
        "last_name": "Martin",
        "role": Role.FACILITATOR,
        "base_url": BASE_URL,
    } | kwargs
    return services.invite_member(**values)


def _link_path(message):
    match = re.search(r"https?://[^/\s]+(/invitation/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


# Services


def test_invite_member_creates_the_invitation_and_sends_the_link():
    admin = MembershipFactory(admin=True)
    invitation = _invite(admin, email="Camille@Example.org ")
    assert invitation.email == "camille@example.org"
    assert invitation.is_pending
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["camille@example.org"]
    assert admin.organisation.name in mail.outbox[0].subject
    assert _link_path(mail.outbox[0]) == reverse(
        "accounts:accept_invitation", args=[invitation.token]
    )


def test_invite_member_is_audited():
    admin = MembershipFactory(admin=True)
    invitation = _invite(admin)
    entry = AuditEntry.objects.for_object(invitation).get()
    assert entry.action == "accounts.invitation_sent"
    assert entry.actor == admin.user


def test_invite_member_refuses_someone_already_member():
    admin = MembershipFactory(admin=True)
    MembershipFactory(organisation=admin.organisation, user__email="camille@example.org")
    with pytest.raises(DomainError) as error:
        _invite(admin)
    assert error.value.field == "email"
    assert mail.outbox == []


def test_invite_member_refuses_a_second_pending_invitation():
    admin = MembershipFactory(admin=True)
    _invite(admin)
    with pytest.raises(DomainError, match="déjà en attente"):
        _invite(admin)


def test_invite_member_refuses_a_role_foreign_to_the_organisation_kind():
    admin = MembershipFactory(admin=True)
    with pytest.raises(DomainError) as error:
        _invite(admin, role=Role.NATIONAL_ADMIN)
    assert error.value.field == "role"


def test_invite_member_refuses_a_non_admin_member():
    member = MembershipFactory()
    with pytest.raises(DomainError):
        _invite(member)
    assert not Invitation.objects.exists()


def test_national_admin_may_invite_into_any_organisation():
    national = MembershipFactory(national_admin=True)
    organisation = OrganisationFactory()
    invitation = services.invite_member(
        organisation=organisation,
        invited_by=national.user,
        email="camille@example.org",
        first_name="Camille",
        last_name="Martin",
        role=Role.FACILITATOR,
        base_url=BASE_URL,
    )
    assert invitation.organisation == organisation


def test_accept_invitation_creates_the_account_and_membership():
    invitation = InvitationFactory(email="camille@example.org")
    user = services.accept_invitation(invitation=invitation, password=PASSWORD)
    assert user.email == "camille@example.org"
    assert user.check_password(PASSWORD)
    membership = Membership.objects.get(user=user)
    assert membership.organisation == invitation.organisation
    assert membership.role == Role.FACILITATOR
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert AuditEntry.objects.filter(action="accounts.invitation_accepted").exists()


def test_accept_invitation_as_coordinator_scopes_the_organisation_region():
    invitation = InvitationFactory(role=Role.COORDINATOR)
    user = services.accept_invitation(invitation=invitation, password=PASSWORD)
    membership = Membership.objects.get(user=user)
    assert membership.scope_region == invitation.organisation.region


def test_accept_invitation_applies_password_validators():
    invitation = InvitationFactory()
    with pytest.raises(DomainError):
        services.accept_invitation(invitation=invitation, password="court")
    assert not User.objects.filter(email=invitation.email).exists()


def test_accept_invitation_refuses_an_expired_invitation():
    invitation = InvitationFactory(expired=True)
    with pytest.raises(DomainError, match="expiré"):
        services.accept_invitation(invitation=invitation, password=PASSWORD)


def test_accept_invitation_refuses_a_used_invitation():
    invitation = InvitationFactory(accepted=True)
    with pytest.raises(DomainError, match="déjà été utilisée"):
        services.accept_invitation(invitation=invitation, password=PASSWORD)


def test_accept_invitation_refuses_another_account():
    invitation = InvitationFactory(email="camille@example.org")
    other = UserFactory(email="autre@example.org")
    with pytest.raises(DomainError, match="autre adresse"):
        services.accept_invitation(invitation=invitation, user=other)


def test_cancel_invitation():
    admin = MembershipFactory(admin=True)
    invitation = _invite(admin)
    services.cancel_invitation(invitation=invitation, cancelled_by=admin.user)
    invitation.refresh_from_db()
    assert not invitation.is_pending
    assert not Invitation.objects.pending().exists()
    assert AuditEntry.objects.filter(action="accounts.invitation_cancelled").exists()


def test_cancel_invitation_refuses_a_non_admin():
    invitation = InvitationFactory()
    member = MembershipFactory(organisation=invitation.organisation)
    with pytest.raises(DomainError):
        services.cancel_invitation(invitation=invitation, cancelled_by=member.user)


# Views


def test_invitation_full_flow_for_a_new_person(client):
    admin = MembershipFactory(admin=True)
    client.force_login(admin.user)
    response = client.post(
        reverse("workspace:invite", args=[admin.organisation.pk]),
        {
            "email": "camille@example.org",
            "first_name": "Camille",
            "last_name": "Martin",
            "role": Role.FACILITATOR,
        },
    )
    assert response["Location"] == reverse(
        "workspace:organisation_detail", args=[admin.organisation.pk]
    )
    detail = client.get(response["Location"]).content.decode()
    assert "camille@example.org" in detail  # listed as pending

    client.post(reverse("accounts:logout"))
    link = _link_path(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert f"Rejoindre {admin.organisation.name}" in page.content.decode()
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response["Location"] == reverse(
        "workspace:organisation_detail", args=[admin.organisation.pk]
    )
    user = User.objects.get(email="camille@example.org")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.memberships.get().organisation == admin.organisation


def test_invitation_page_refuses_mismatched_passwords(client):
    invitation = InvitationFactory()
    url = reverse("accounts:accept_invitation", args=[invitation.token])
    response = client.post(url, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert response.status_code == 200
    assert "ne correspondent pas" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_invitation_page_refuses_a_weak_password(client):
    invitation = InvitationFactory()
    url = reverse("accounts:accept_invitation", args=[invitation.token])
    response = client.post(url, {"password1": "azerty", "password2": "azerty"})
    assert response.status_code == 200
    assert "trop court" in response.content.decode()


def test_invitation_flow_for_an_existing_account(client):
    user = UserFactory(email="camille@example.org")
    invitation = InvitationFactory(email="camille@example.org")
    url = reverse("accounts:accept_invitation", args=[invitation.token])
    assert "confirmez avec votre mot de passe" in client.get(url).content.decode()
    response = client.post(url, {"password": settings.DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.memberships.get().organisation == invitation.organisation


def test_invitation_for_an_existing_account_refuses_a_wrong_password(client):
    UserFactory(email="camille@example.org")
    invitation = InvitationFactory(email="camille@example.org")
    url = reverse("accounts:accept_invitation", args=[invitation.token])
    response = client.post(url, {"password": "faux-mot-de-passe"})
    assert "Mot de passe incorrect." in response.content.decode()
    assert not Membership.objects.exists()


def test_invitation_accepted_by_the_logged_in_invitee(client):
    user = UserFactory(email="camille@example.org")
    invitation = InvitationFactory(email="camille@example.org")
    client.force_login(user)
    client.post(reverse("accounts:accept_invitation", args=[invitation.token]))
    assert user.memberships.get().organisation == invitation.organisation


def test_invitation_page_asks_another_logged_in_user_to_log_out(client):
    invitation = InvitationFactory(email="camille@example.org")
    client.force_login(UserFactory(email="autre@example.org"))
    url = reverse("accounts:accept_invitation", args=[invitation.token])
    response = client.post(url)
    assert "Déconnectez-vous" in response.content.decode()
    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    ("trait", "message"),
    [
        ("expired", "Cette invitation a expiré."),
        ("accepted", "Cette invitation a déjà été utilisée."),
        ("cancelled", "Cette invitation a été annulée."),
    ],
)
def test_unusable_invitation_shows_a_clear_french_page(client, trait, message):
    invitation = InvitationFactory(**{trait: True})
    response = client.get(reverse("accounts:accept_invitation", args=[invitation.token]))
    assert response.status_code == 410
    assert message in response.content.decode()


def test_unknown_invitation_token_is_404(client):
    assert client.get(reverse("accounts:accept_invitation", args=["inconnu"])).status_code == 404


def test_invite_form_offers_only_roles_of_the_organisation_kind(client):
    admin = MembershipFactory(admin=True, reader=True)
    client.force_login(admin.user)
    content = client.get(reverse("workspace:invite", args=[admin.organisation.pk])).content
    assert Role.READER.label in content.decode()
    assert Role.FACILITATOR.label not in content.decode()


def test_invite_form_shows_the_domain_error_on_the_field(client):
    admin = MembershipFactory(admin=True)
    client.force_login(admin.user)
    response = client.post(
        reverse("workspace:invite", args=[admin.organisation.pk]),
        {
            "email": admin.user.email,
            "first_name": "Moi",
            "last_name": "Même",
            "role": Role.FACILITATOR,
        },
    )
    assert response.status_code == 200
    assert "déjà membre" in response.content.decode()


def test_non_admin_member_gets_404_on_the_invite_page(client):
    member = MembershipFactory()
    client.force_login(member.user)
    response = client.get(reverse("workspace:invite", args=[member.organisation.pk]))
    assert response.status_code == 404


def test_admin_of_another_organisation_gets_404_on_the_invite_page(client):
    admin = MembershipFactory(admin=True)
    other = OrganisationFactory()
    client.force_login(admin.user)
    assert client.get(reverse("workspace:invite", args=[other.pk])).status_code == 404


def test_admin_cancels_a_pending_invitation(client):
    admin = MembershipFactory(admin=True)
    invitation = InvitationFactory(organisation=admin.organisation)
    client.force_login(admin.user)
    url = reverse("workspace:cancel_invitation", args=[admin.organisation.pk, invitation.pk])
    response = client.post(url)
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None


def test_non_admin_member_cannot_cancel_an_invitation(client):
    member = MembershipFactory()
    invitation = InvitationFactory(organisation=member.organisation)
    client.force_login(member.user)
    url = reverse("workspace:cancel_invitation", args=[member.organisation.pk, invitation.pk])
    assert client.post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None


def test_pending_invitations_are_hidden_from_non_admin_members(client):
    member = MembershipFactory()
    InvitationFactory(organisation=member.organisation, email="secret@example.org")
    client.force_login(member.user)
    response = client.get(reverse("workspace:organisation_detail", args=[member.organisation.pk]))
    assert "secret@example.org" not in response.content.decode()
