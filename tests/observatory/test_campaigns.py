"""The consolidation campaign (clauses/observatory/campaigns.py) on the hand-built dataset of
conftest.py: submissions freeze the figures, reviews move them on, a published year never
moves."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from clauses.core.exceptions import DomainError
from clauses.insertion import services as insertion_services
from clauses.insertion.models import Mission
from clauses.observatory import campaigns
from clauses.observatory.enums import SubmissionStatus
from clauses.observatory.figures import Period, Scope, compute
from clauses.observatory.models import Campaign, FrozenFact, SubmissionEvent
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
YEAR = 2025


def open_campaign(**dates):
    return campaigns.open_campaign(
        actor="test", year=YEAR, **{**campaigns.default_dates(YEAR), **dates}
    )


def consolidate(*args):
    out = io.StringIO()
    call_command("consolidate", "--year", str(YEAR), *args, stdout=out)
    return out.getvalue()


def test_published_figures_are_the_live_ones_of_the_day_they_were_frozen(known):
    message = consolidate("--from-tracking", "--publish")
    assert "3 structure(s) déposée(s) et validée(s), 400 heures ; année publiée" in message
    for scope in (Scope.national(), Scope.region(known.idf), Scope.departement(known.d93)):
        published = campaigns.published_figures(scope, YEAR)
        assert published.as_dict() == compute(scope, Period.of_year(YEAR)).as_dict()
    national = campaigns.published_figures(Scope.national(), YEAR)
    # Claire, followed by A and by B, is one participant of the published year too.
    assert (national["participants"], national["participants_several_structures"]) == (3, 1)
    assert national["contracts"] == 3
    # Frozen: one row per mission with hours, no birth date among the columns.
    assert FrozenFact.objects.count() == 4
    assert "birth_date" not in FrozenFact.columns()


def test_a_published_year_does_not_move_when_tracking_data_changes(known):
    consolidate("--from-tracking", "--publish")
    user = MembershipFactory(organisation=known.org_a).user
    mission = Mission.objects.get(participant=known.paul)
    insertion_services.declare_hours(
        actor=user, entries=[(mission, datetime.date(2025, 2, 1), Decimal(20))]
    )
    assert compute(Scope.national(), Period.of_year(YEAR))["hours"] == Decimal(420)
    assert campaigns.published_figures(Scope.national(), YEAR)["hours"] == Decimal(400)


def test_a_year_without_a_published_campaign_has_no_published_figures(known):
    assert campaigns.published_figures(Scope.national(), YEAR) is None
    consolidate("--from-tracking")  # validated, not published
    assert campaigns.published_figures(Scope.national(), YEAR) is None
    with pytest.raises(CommandError, match="L'année 2025 n'est pas publiée"):
        call_command("indicators", "--year", str(YEAR), "--published")


def test_indicators_reads_the_published_figures(known):
    consolidate("--from-tracking", "--publish")
    out = io.StringIO()
    call_command("indicators", "--year", str(YEAR), "--published", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["hours"], data["participants"], data["contracts"]) == (400.0, 3, 3)


def test_consolidate_asks_for_its_source(known):
    with pytest.raises(CommandError, match="Indiquez --from-tracking"):
        call_command("consolidate", "--year", str(YEAR))


def test_a_submission_is_reviewed_by_the_region_then_the_country(known):
    campaign = open_campaign()
    facilitator = MembershipFactory(organisation=known.org_a).user
    coordinator = MembershipFactory(organisation=known.org_a, coordinator=True).user
    national = MembershipFactory(national_admin=True).user
    (submission,) = campaigns.submit_from_tracking(
        actor=facilitator, campaign=campaign, organisations=[known.org_a]
    )
    assert submission.status == SubmissionStatus.SUBMITTED
    assert (submission.hours, submission.participants, submission.missions) == (
        Decimal(300),
        2,
        2,
    )
    assert submission.contracts == 1
    with pytest.raises(DomainError, match="Vous ne pouvez pas déclarer l'année de PLIE B"):
        campaigns.submit_from_tracking(
            actor=facilitator, campaign=campaign, organisations=[known.org_b]
        )
    # Unless A declares for B: recorded, and B's year is still B's own facts.
    (for_b,) = campaigns.submit_from_tracking(
        actor=facilitator, campaign=campaign, organisations=[known.org_b], declared_by=known.org_a
    )
    assert (for_b.declared_by, for_b.hours) == (known.org_a, Decimal(40))
    with pytest.raises(DomainError, match="ne pouvez pas valider"):
        campaigns.validate(actor=facilitator, submission=submission)
    with pytest.raises(DomainError, match="ce qu'elle doit corriger"):
        campaigns.ask_fix(actor=coordinator, submission=submission, message="  ")
    campaigns.ask_fix(actor=coordinator, submission=submission, message="Heures de mars ?")
    assert submission.status == SubmissionStatus.TO_FIX
    campaigns.submit_from_tracking(
        actor=facilitator, campaign=campaign, organisations=[known.org_a]
    )
    submission.refresh_from_db()
    campaigns.validate(actor=coordinator, submission=submission)
    assert submission.status == SubmissionStatus.REGIONAL_OK
    with pytest.raises(DomainError, match="déjà validée par la région"):
        campaigns.validate(actor=coordinator, submission=submission)
    campaigns.validate(actor=national, submission=submission, message="Merci")
    assert submission.status == SubmissionStatus.VALIDATED
    events = SubmissionEvent.objects.filter(submission=submission)
    assert [(e.status, e.message) for e in events] == [
        (SubmissionStatus.SUBMITTED, ""),
        (SubmissionStatus.TO_FIX, "Heures de mars ?"),
        (SubmissionStatus.SUBMITTED, ""),
        (SubmissionStatus.REGIONAL_OK, ""),
        (SubmissionStatus.VALIDATED, "Merci"),
    ]
    with pytest.raises(DomainError, match="ne peut pas être déposée"):
        campaigns.submit_from_tracking(
            actor=facilitator, campaign=campaign, organisations=[known.org_a]
        )


def test_a_correction_is_a_new_version_published_once_validated(known):
    campaign = open_campaign()
    facilitator = MembershipFactory(organisation=known.org_a).user
    consolidate("--from-tracking", "--publish")
    first = campaigns.working_version(campaign, known.org_a)
    with pytest.raises(DomainError, match="note de révision"):
        campaigns.correct(
            actor=facilitator, submission=first, revision_note="", today=datetime.date(2026, 5, 1)
        )
    with pytest.raises(DomainError, match="fenêtre de correction de la campagne 2025 est close"):
        campaigns.correct(
            actor=facilitator,
            submission=first,
            revision_note="Oubli",
            today=datetime.date(2026, 7, 1),
        )
    mission = Mission.objects.get(participant=known.paul)
    insertion_services.declare_hours(
        actor=facilitator, entries=[(mission, datetime.date(2025, 2, 1), Decimal(20))]
    )
    second = campaigns.correct(
        actor=facilitator,
        submission=first,
        revision_note="Heures de février oubliées",
        today=datetime.date(2026, 6, 1),
    )
    assert (second.version, second.status) == (2, SubmissionStatus.DRAFT)
    campaigns.submit_from_tracking(
        actor=facilitator, campaign=campaign, organisations=[known.org_a]
    )
    # Until it is validated, the published year keeps the first version.
    assert campaigns.published_figures(Scope.national(), YEAR)["hours"] == Decimal(400)
    second.refresh_from_db()
    campaign.refresh_from_db()
    assert campaign.release_version == 1
    first_secrets = set(
        campaign.cells.exclude(secret="").values_list("level", "code", "ventilation", "modality")
    )
    campaigns.validate(actor="test", submission=second, level="national")
    assert campaigns.published_figures(Scope.national(), YEAR)["hours"] == Decimal(420)
    # Released again as a new version.
    campaign.refresh_from_db()
    assert campaign.release_version == 2
    # What the first version hid stays hidden: the versions cannot be differenced.
    second_secrets = set(
        campaign.cells.exclude(secret="").values_list("level", "code", "ventilation", "modality")
    )
    assert first_secrets and first_secrets <= second_secrets
    assert list(campaigns.published_submissions(campaign).order_by("organisation__name")) == [
        second,
        campaigns.working_version(campaign, known.org_b),
        campaigns.working_version(campaign, known.org_c),
    ]


def test_a_campaign_is_opened_once_with_dates_in_order(known):
    with pytest.raises(DomainError, match="Les dates doivent se suivre"):
        open_campaign(review_deadline=datetime.date(2026, 1, 1))
    open_campaign()
    with pytest.raises(DomainError, match="La campagne 2025 est déjà ouverte"):
        open_campaign()


def test_publishing_stores_the_protected_release(known, settings):
    settings.OBSERVATORY_MIN_CELL = 3
    consolidate("--from-tracking", "--publish")
    campaign = Campaign.objects.get(year=YEAR)
    cells = {(c.level, c.code, c.ventilation, c.modality): c for c in campaign.cells.all()}
    assert campaign.release_version == 1
    published = [c for c in cells.values() if not c.secret]
    assert published and all(c.people is not None and c.hours is not None for c in published)
    # A secret cell is stored without its values: nothing downstream can show them.
    secret = [c for c in cells.values() if c.secret]
    assert secret and all(c.people is None and c.hours is None for c in secret)
    assert cells[("departement", "93", "sexe", "F")].secret
