"""What the import and export commands share: finding the organisation they work for."""

from django.core.management.base import CommandError
from django.db.models import Q

from clauses.accounts.enums import OrganisationKind
from clauses.accounts.models import Organisation
from clauses.core.validators import normalise_siret


def find_organisation(value):
    """The facilitator organisation named by ``value``: its id, its SIRET or its exact name
    (organisations have no slug)."""
    value = (value or "").strip()
    if not value:
        raise CommandError("Indiquez la structure avec --organisation (identifiant, SIRET ou nom).")
    query = Q(name__iexact=value)
    if value.isdigit():
        query |= Q(pk=int(value)) if len(value) < 14 else Q(siret=value)
    elif len(siret := normalise_siret(value)) == 14 and siret.isdigit():
        query |= Q(siret=siret)
    found = list(Organisation.objects.filter(query)[:2])
    if not found:
        raise CommandError(f"Aucune organisation ne correspond à « {value} ».")
    if len(found) > 1:
        raise CommandError(
            f"Plusieurs organisations correspondent à « {value} » : indiquez son identifiant."
        )
    organisation = found[0]
    if organisation.kind != OrganisationKind.FACILITATOR:
        raise CommandError(
            f"« {organisation} » n'est pas une structure de facilitation : elle ne suit pas de "
            "marchés."
        )
    return organisation
