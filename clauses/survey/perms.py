"""Who may do what in the surveys' back-office. Views ask these, never test roles by hand.

National administrators build surveys, import contacts, send invitations and read every
result; coordinators read the results of the territory they coordinate
(``Response.objects.for_user``).
"""

from clauses.accounts.enums import Role


def can_manage_surveys(user):
    return user.is_authenticated and user.is_national_admin


def can_read_results(user):
    if not user.is_authenticated:
        return False
    return user.is_national_admin or user.has_role(Role.COORDINATOR)
