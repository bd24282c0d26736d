"""Who may do what with the practice sheets. Views ask these, never test roles by hand.

- Editors publish, archive and send back to draft: national administrators everywhere,
  territorial coordinators for the sheets of their territory.
- Contributors write drafts and submit them for review: members of a facilitator
  organisation or of the national network, and the members of the organisation that
  manages the sheet's lead structure. Which sheets someone sees in the back-office is
  ``Practice.objects.for_user(user)``.
"""

from clauses.accounts.enums import OrganisationKind, Role

CONTRIBUTOR_KINDS = [OrganisationKind.FACILITATOR, OrganisationKind.NATIONAL_NETWORK]


def _coordinates(user, practice):
    for membership in user.active_memberships:
        if membership.role != Role.COORDINATOR:
            continue
        if membership.scope_departement_id:
            if membership.scope_departement_id == practice.departement_id:
                return True
        elif membership.scope_region_id and membership.scope_region_id == practice.region_id:
            return True
    return False


def can_contribute(user):
    """Create sheets."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_national_admin or any(
        m.organisation.kind in CONTRIBUTOR_KINDS or m.role == Role.COORDINATOR
        for m in user.active_memberships
    )


def can_edit(user, practice):
    """Edit a sheet (when it is not archived) and submit it for review."""
    if not getattr(user, "is_authenticated", False):
        return False
    if can_publish(user, practice):
        return True
    organisations = user.organisation_ids
    lead = practice.lead_structure
    return practice.organisation_id in organisations or bool(
        lead and lead.organisation_id and lead.organisation_id in organisations
    )


def can_publish(user, practice):
    """Publish, archive, send back to draft: the editors of the sheet's territory."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_national_admin or _coordinates(user, practice)


def is_editor(user):
    return getattr(user, "is_authenticated", False) and (
        user.is_national_admin or user.has_role(Role.COORDINATOR)
    )
