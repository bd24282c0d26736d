"""Permission predicates: who may do what. Views ask these, never test roles by hand."""

from .enums import ROLES_BY_ORGANISATION_KIND, Role


def is_organisation_admin(user, organisation):
    return user.is_authenticated and any(
        m.organisation_id == organisation.pk and m.is_admin for m in user.active_memberships
    )


def can_invite(user, organisation):
    """Administrators of an organisation, and national administrators, invite its members."""
    if not user.is_authenticated or not organisation.is_active:
        return False
    return user.is_national_admin or is_organisation_admin(user, organisation)


def can_manage_invitations(user, organisation):
    return can_invite(user, organisation)


def can_read_audit_log(user):
    return user.is_authenticated and user.is_national_admin


def invitable_roles(organisation):
    """The roles that make sense for a member of ``organisation``."""
    roles = ROLES_BY_ORGANISATION_KIND.get(organisation.kind, [Role.READER])
    if not (organisation.region_id or organisation.departement_id):
        # A territorial coordinator needs a territory.
        roles = [role for role in roles if role != Role.COORDINATOR]
    return roles
