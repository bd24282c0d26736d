import pytest
from django.urls import reverse

from tests.factories import (
    DepartementFactory,
    MembershipFactory,
    OrganisationFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_region_organisation():
    region = RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    departement = DepartementFactory(code="69", name="Rhône", region=region)
    return OrganisationFactory(name="PLIE de Lyon", departement=departement)


def _detail(pk):
    return reverse("workspace:organisation_detail", args=[pk])


def test_home_lists_the_user_organisations_and_roles(client):
    membership = MembershipFactory(organisation__name="PLIE de Saint-Denis")
    client.force_login(membership.user)
    content = client.get(reverse("workspace:home")).content.decode()
    assert "PLIE de Saint-Denis" in content
    assert "Facilitateur" in content
    assert reverse("workspace:audit_log") not in content


def test_home_links_the_audit_log_for_national_admins(client):
    membership = MembershipFactory(national_admin=True)
    client.force_login(membership.user)
    content = client.get(reverse("workspace:home")).content.decode()
    assert reverse("workspace:audit_log") in content


def test_organisation_page_shows_name_in_h1_and_members(client):
    membership = MembershipFactory(organisation__name="PLIE de Saint-Denis")
    colleague = MembershipFactory(organisation=membership.organisation, reader=False)
    client.force_login(membership.user)
    content = client.get(_detail(membership.organisation.pk)).content.decode()
    assert "<h1>PLIE de Saint-Denis</h1>" in content
    assert colleague.user.email in content
    assert "Seine-Saint-Denis" in content


def test_facilitator_gets_404_on_another_organisation(client):
    membership = MembershipFactory()
    other = OrganisationFactory()
    client.force_login(membership.user)
    assert client.get(_detail(other.pk)).status_code == 404


def test_facilitator_sees_only_their_organisation_in_the_list(client):
    membership = MembershipFactory(organisation__name="PLIE A")
    OrganisationFactory(name="PLIE B")
    client.force_login(membership.user)
    content = client.get(reverse("workspace:organisation_list")).content.decode()
    assert "PLIE A" in content
    assert "PLIE B" not in content


def test_coordinator_sees_organisations_of_their_region(client, other_region_organisation):
    coordinator = MembershipFactory(coordinator=True)
    same_region = OrganisationFactory(name="PLIE de Montreuil")
    client.force_login(coordinator.user)
    assert client.get(_detail(same_region.pk)).status_code == 200
    content = client.get(reverse("workspace:organisation_list")).content.decode()
    assert "PLIE de Montreuil" in content
    assert "PLIE de Lyon" not in content


def test_coordinator_gets_404_outside_their_region(client, other_region_organisation):
    coordinator = MembershipFactory(coordinator=True)
    client.force_login(coordinator.user)
    assert client.get(_detail(other_region_organisation.pk)).status_code == 404


def test_national_admin_sees_every_organisation(client, other_region_organisation):
    national = MembershipFactory(national_admin=True)
    client.force_login(national.user)
    assert client.get(_detail(other_region_organisation.pk)).status_code == 200
    content = client.get(reverse("workspace:organisation_list")).content.decode()
    assert "PLIE de Lyon" in content


def test_national_admin_sees_the_invite_button_everywhere(client, other_region_organisation):
    national = MembershipFactory(national_admin=True)
    client.force_login(national.user)
    content = client.get(_detail(other_region_organisation.pk)).content.decode()
    assert reverse("workspace:invite", args=[other_region_organisation.pk]) in content


def test_organisation_list_is_paginated(client):
    national = MembershipFactory(national_admin=True)
    OrganisationFactory.create_batch(60)
    client.force_login(national.user)
    response = client.get(reverse("workspace:organisation_list"))
    assert len(response.context["page_obj"].object_list) == 50
    assert "fr-pagination" in response.content.decode()
    second = client.get(reverse("workspace:organisation_list"), {"page": 2})
    assert len(second.context["page_obj"].object_list) == 11


def test_organisation_list_queries_stay_flat(client, django_assert_max_num_queries):
    national = MembershipFactory(national_admin=True)
    OrganisationFactory.create_batch(30)
    client.force_login(national.user)
    with django_assert_max_num_queries(8):
        client.get(reverse("workspace:organisation_list"))


def test_organisation_page_queries_stay_flat(client, django_assert_max_num_queries):
    admin = MembershipFactory(admin=True)
    MembershipFactory.create_batch(20, organisation=admin.organisation)
    client.force_login(admin.user)
    with django_assert_max_num_queries(9):
        client.get(_detail(admin.organisation.pk))


def test_anonymous_is_sent_to_login(client):
    organisation = OrganisationFactory()
    response = client.get(_detail(organisation.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
