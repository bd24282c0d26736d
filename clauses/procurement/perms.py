"""Who may read and write the tracking data (contracts, clauses, participants, hours).

Reading follows the querysets' ``for_user`` (owning organisation, its territorial
coordinator, national administrators, and a buyer's own contracts). Writing is for the
facilitators of the owning organisation only.
"""

from clauses.accounts.enums import OrganisationKind, Role


def tracking_organisations(user):
    """The facilitator organisations in which ``user`` records contracts and participants."""
    if not user.is_authenticated:
        return []
    return [
        m.organisation
        for m in user.active_memberships
        if m.role == Role.FACILITATOR and m.organisation.kind == OrganisationKind.FACILITATOR
    ]


def current_organisation(user):
    """The organisation the workspace writes into (the first one the user follows for)."""
    organisations = tracking_organisations(user)
    return organisations[0] if organisations else None


def can_track(user):
    return bool(tracking_organisations(user))


def reads_other_organisations(user):
    """Coordinators and national administrators read the contracts and figures of other
    organisations (their territory's, the country's), hours grid included, never writing."""
    return user.is_national_admin or user.has_role(Role.COORDINATOR)


def can_edit(user, organisation_id):
    """Facilitators of the owning organisation write; everyone else reads at most."""
    return any(o.pk == organisation_id for o in tracking_organisations(user))


def can_read_participants(user, organisation_id):
    """Names and files of participants: the members of the owning organisation only."""
    return user.is_authenticated and organisation_id in user.organisation_ids
