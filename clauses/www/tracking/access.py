"""Access helpers shared by the workspace's tracking views."""

from django.http import Http404

from clauses.procurement import perms


def tracking_organisation_or_404(request):
    """The organisation a new object is created in (the user's tracking organisation)."""
    organisation = perms.current_organisation(request.user)
    if organisation is None:
        raise Http404
    return organisation
