"""Campaign reminders go through a real SMTP server to the structures still to submit."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from clauses.observatory import campaigns
from clauses.observatory.reminders import send_reminders
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
YEAR = 2025


def test_structures_still_to_submit_are_reminded(known, smtp_backend):
    campaign = campaigns.open_campaign(actor="test", year=YEAR, **campaigns.default_dates(YEAR))
    a = MembershipFactory(organisation=known.org_a, user__email="a@example.org").user
    MembershipFactory(organisation=known.org_b, user__email="b@example.org")
    MembershipFactory(organisation=known.org_c, user__email="c@example.org")
    coordinator = MembershipFactory(organisation=known.org_b, coordinator=True).user
    # A submitted and validated: not reminded. B sent back for a fix. C never submitted.
    (submitted,) = campaigns.submit_from_tracking(
        actor=a, campaign=campaign, organisations=[known.org_a]
    )
    campaigns.validate(actor="test", submission=submitted, level="national")
    (b,) = campaigns.submit_from_tracking(
        actor="test", campaign=campaign, organisations=[known.org_b]
    )
    campaigns.ask_fix(actor=coordinator, submission=b, message="Les heures de mai manquent.")

    reminded = send_reminders(actor="test", campaign=campaign, today=datetime.date(2026, 4, 2))

    assert reminded == 2
    by_recipient = {m["To"]: m for m in smtp_backend.messages}
    assert set(by_recipient) == {"b@example.org", "c@example.org"}
    to_fix = by_recipient["b@example.org"]
    assert to_fix["Subject"].strip() == "Clauses : votre déclaration 2025 est à corriger"
    body = to_fix.get_content()
    assert "« Les heures de mai manquent. »" in body
    assert "La date limite de dépôt était le 31 mars 2026" in body
    expected = by_recipient["c@example.org"]
    assert expected["Subject"].strip() == "Clauses : votre déclaration 2025 est attendue"
    assert "PLIE C" in expected.get_content()


def test_the_command_needs_an_open_unpublished_campaign(known):
    with pytest.raises(CommandError, match="Aucune campagne 2025 n'est ouverte"):
        call_command("campaign_reminders", "--year", str(YEAR))
    call_command(
        "consolidate", "--year", str(YEAR), "--from-tracking", "--publish", stdout=io.StringIO()
    )
    with pytest.raises(CommandError, match="La campagne 2025 est publiée"):
        call_command("campaign_reminders", "--year", str(YEAR))
