"""Who may do what in the meetings' back-office. Views ask these, never test roles by hand.

Which meetings someone manages is ``Meeting.objects.for_user(user)``: their organisation's,
those of the territory they coordinate, all for national administrators.
"""

from clauses.accounts.enums import OrganisationKind

# Organisations that organise meetings (the national network and the facilitators).
ORGANISER_KINDS = [OrganisationKind.NATIONAL_NETWORK, OrganisationKind.FACILITATOR]


def organiser_memberships(user):
    return [m for m in user.active_memberships if m.organisation.kind in ORGANISER_KINDS]


def can_manage_meetings(user):
    """Create meetings: members of an organisation that organises meetings, national admins."""
    if not user.is_authenticated:
        return False
    return user.is_national_admin or bool(organiser_memberships(user))


def organiser_choices(user):
    """The organisations a user may create a meeting for (a queryset)."""
    from clauses.accounts.models import Organisation

    organisations = Organisation.objects.active().filter(kind__in=ORGANISER_KINDS)
    if user.is_national_admin:
        return organisations
    return organisations.filter(pk__in=[m.organisation_id for m in organiser_memberships(user)])
