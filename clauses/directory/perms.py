"""Who may do what in the directory. Views ask these, never test roles by hand."""

from clauses.accounts.enums import Role


def _coordinates(user, structure):
    for membership in user.active_memberships:
        if membership.role != Role.COORDINATOR:
            continue
        if membership.scope_departement_id:
            if membership.scope_departement_id == structure.departement_id:
                return True
        elif membership.scope_region_id and membership.scope_region_id == structure.region_id:
            return True
    return False


def is_organiser(user):
    """National administrators and territorial coordinators organise the directory."""
    return user.is_authenticated and (user.is_national_admin or user.has_role(Role.COORDINATOR))


def can_manage_structure(user, structure):
    """Members of the structure's organisation, the coordinators of its territory and the
    national administrators edit its sheet and its contacts."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_national_admin:
        return True
    if structure.organisation_id and structure.organisation_id in user.organisation_ids:
        return True
    return _coordinates(user, structure)


def can_create_structure_for(user, organisation):
    return getattr(user, "is_authenticated", False) and (
        user.is_national_admin or organisation.pk in user.organisation_ids
    )


def can_export(user):
    return is_organiser(user)
