"""Writes on the directory. Keyword-only, atomic, audited."""

from django.db import transaction


@transaction.atomic
def record_registration(*, registration):
    """A registrant opted in: find or create their structure and contact (placeholder; the
    directory feature implements it)."""
    return None
