"""Every organisation-scoped URL, with every role from another organisation: 404."""

import pytest
from django.urls import reverse

from tests.accounts.factories import InvitationFactory
from tests.factories import (
    DepartementFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

ROLES = [
    {},
    {"admin": True},
    {"coordinator": True},
    {"reader": True},
    {"company": True},
    {"reader": True, "admin": True},
]


@pytest.fixture
def foreign_invitation():
    region = RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    departement = DepartementFactory(code="69", name="Rhône", region=region)
    return InvitationFactory(organisation=OrganisationFactory(departement=departement))


@pytest.mark.parametrize("traits", ROLES)
@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "organisation_detail"), ("get", "invite"), ("post", "invite")],
)
def test_organisation_pages_are_404_across_organisations(
    client, foreign_invitation, traits, method, name
):
    client.force_login(MembershipFactory(**traits).user)
    url = reverse(f"workspace:{name}", args=[foreign_invitation.organisation.pk])
    assert getattr(client, method)(url).status_code == 404


@pytest.mark.parametrize("traits", ROLES)
def test_cancel_invitation_is_404_across_organisations(client, foreign_invitation, traits):
    client.force_login(MembershipFactory(**traits).user)
    url = reverse(
        "workspace:cancel_invitation",
        args=[foreign_invitation.organisation.pk, foreign_invitation.pk],
    )
    assert client.post(url).status_code == 404
    foreign_invitation.refresh_from_db()
    assert foreign_invitation.cancelled_at is None


def test_cancel_invitation_of_another_organisation_via_own_url_is_404(client):
    admin = MembershipFactory(admin=True)
    foreign = InvitationFactory()
    client.force_login(admin.user)
    url = reverse("workspace:cancel_invitation", args=[admin.organisation.pk, foreign.pk])
    assert client.post(url).status_code == 404
