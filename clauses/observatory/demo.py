"""The demo's completed years, consolidated from its tracking data and published, so that a
fresh machine has published figures. Idempotent: a published year is left as it is."""

from django.core.management import call_command
from django.utils import timezone

from clauses.insertion.models import HoursDeclaration

from .models import Campaign


def seed_published_years(stdout):
    current = timezone.localdate().year
    months = HoursDeclaration.objects.filter(month__year__lt=current).dates("month", "year")
    for year in sorted({month.year for month in months}):
        if Campaign.objects.filter(year=year, published_at__isnull=False).exists():
            continue
        call_command("consolidate", year=year, from_tracking=True, publish=True, stdout=stdout)
