import pytest
from django.urls import reverse

from clauses.core import audit
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("workspace:audit_log")


@pytest.mark.parametrize(
    "traits",
    [{}, {"admin": True}, {"coordinator": True}, {"reader": True}, {"company": True}],
)
def test_audit_log_is_404_for_everyone_but_national_admins(client, traits):
    membership = MembershipFactory(**traits)
    client.force_login(membership.user)
    assert client.get(URL).status_code == 404


def test_national_admin_reads_the_audit_log_newest_first(client):
    national = MembershipFactory(national_admin=True)
    audit.log(actor=national.user, action="test.first")
    audit.log(actor=national.user, action="test.second")
    client.force_login(national.user)
    response = client.get(URL)
    actions = [entry.action for entry in response.context["page_obj"]]
    assert actions.index("test.second") < actions.index("test.first")


def test_audit_log_filters_by_action(client):
    national = MembershipFactory(national_admin=True)
    audit.log(actor=national.user, action="test.kept")
    audit.log(actor=national.user, action="test.dropped")
    client.force_login(national.user)
    response = client.get(URL, {"action": "test.kept"})
    actions = {entry.action for entry in response.context["page_obj"]}
    assert actions == {"test.kept"}


def test_audit_log_filters_by_actor_email(client):
    national = MembershipFactory(national_admin=True)
    someone = UserFactory(email="someone@example.org")
    audit.log(actor=someone, action="test.someone")
    audit.log(actor=national.user, action="test.national")
    client.force_login(national.user)
    response = client.get(URL, {"actor": "someone@"})
    actions = {entry.action for entry in response.context["page_obj"]}
    assert actions == {"test.someone"}


def test_audit_log_is_paginated_and_keeps_filters(client, django_assert_max_num_queries):
    national = MembershipFactory(national_admin=True)
    for _ in range(60):
        audit.log(actor=national.user, action="test.many")
    client.force_login(national.user)
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"action": "test.many"})
    assert len(response.context["page_obj"].object_list) == 50
    assert "action=test.many&amp;page=2" in response.content.decode()


def test_audit_log_shows_french_labels_of_actions(client):
    national = MembershipFactory(national_admin=True)
    audit.log(actor=national.user, action="accounts.invitation_sent")
    client.force_login(national.user)
    response = client.get(URL)
    content = response.content.decode()
    assert "Invitation envoyée" in content
    assert ("accounts.invitation_sent", "Invitation envoyée") in response.context["form"].fields[
        "action"
    ].choices


def test_unknown_action_filter_shows_nothing_rather_than_everything(client):
    national = MembershipFactory(national_admin=True)
    audit.log(actor=national.user, action="accounts.login")
    client.force_login(national.user)
    response = client.get(URL, {"action": "n-existe-pas"})
    assert list(response.context["page_obj"]) == []
