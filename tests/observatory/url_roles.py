"""Who reads the figures page: whoever has a scope of figures — a facilitator its structure,
a coordinator its territory, a national administrator everything, a buyer's reader the
contracts of its buyer records. A company's member has none (404). The yearly campaign's
pages: its participants (facilitators, coordinators, national administrators). The public
observatory (its pages, its open data): everyone, anonymous included."""

from tests.test_url_roles import Case, everyone, only
from tests.tracking.world import tracking


def _campaign(world):
    """The 2025 campaign (opened on first use)."""
    if "campaign" not in world.extra:
        from clauses.observatory import campaigns

        world.extra["campaign"] = campaigns.open_campaign(
            actor="test", year=2025, **campaigns.default_dates(2025)
        )
    return world.extra["campaign"]


def _published_year(world):
    """A published 2024 with one stored cell, the country's total (created on first use)."""
    if "published" not in world.extra:
        import datetime

        from django.utils import timezone

        from clauses.observatory.models import Campaign, PublishedCell

        campaign = Campaign.objects.create(
            year=2024,
            submission_deadline=datetime.date(2025, 3, 31),
            review_deadline=datetime.date(2025, 4, 30),
            correction_until=datetime.date(2025, 6, 30),
            published_at=timezone.now(),
            release_version=1,
            released_at=timezone.now(),
        )
        PublishedCell.objects.create(
            campaign=campaign,
            level="national",
            code="",
            name="France",
            ventilation="ensemble",
            modality="ensemble",
            secret="primaire",
        )
        world.extra["published"] = campaign
    return {"year": world.extra["published"].year}


def _with_tracking(world):
    tracking(world)  # organisation A's contract, whose buyer is the reader's organisation
    return {}


EXPECTATIONS = {
    "observatory:dashboard": Case(
        only(["facilitateur", "coordinateur", "administrateur_national", "lecteur"]),
        _with_tracking,
    ),
    # The audit file of a year (?annee=, 404 without): national administrators only.
    "observatory:facts": Case(only([], others=404)),
    # The yearly campaign: whoever takes part in it (a facilitator, a coordinator, the
    # national administrator); the board for reviewers; organisation A's year for its
    # members, its coordinator and the national administrators.
    "campaigns:index": Case(only(["facilitateur", "coordinateur", "administrateur_national"])),
    "campaigns:board": Case(
        only(["coordinateur", "administrateur_national"]),
        lambda w: {"year": _campaign(w).year},
    ),
    "campaigns:submission": Case(
        only(["facilitateur", "coordinateur", "administrateur_national"]),
        lambda w: {"year": _campaign(w).year, "organisation": w.org_a.pk},
    ),
    # The public observatory: its methodology, its open-data page and files.
    "www:observatory_public:methodology": Case(everyone(200)),
    "www:observatory_public:open_data": Case(everyone(200)),
    "www:observatory_public:schema": Case(everyone(200)),
    "www:observatory_public:open_data_csv": Case(everyone(200), _published_year),
    "www:observatory_public:open_data_json": Case(everyone(200), _published_year),
}
# Organisation B's year: not for organisation A's facilitator nor its coordinator.
CROSS_ORGANISATION = {
    "campaigns:submission": lambda w: {"year": _campaign(w).year, "organisation": w.org_b.pk},
}
