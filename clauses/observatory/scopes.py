"""Which figures each user may read: the scopes offered to them, by key.

The figures are aggregates, but their scope still follows the tracking data's visibility
(``procurement.models._owned_q``): a facilitator reads its structures, a coordinator its
territory (the territory rule of ``registry.TERRITORY_RULE``, the same as
``accounts.models.coordinated_territories_q``) and the structures in it, a national
administrator everything, a buyer's reader the contracts of its buyer records. A key the
user may not read is refused (the page answers 404).
"""

from dataclasses import dataclass

from clauses.accounts.enums import OrganisationKind, Role
from clauses.accounts.models import Organisation
from clauses.territories.models import Departement, Region

from .figures import Scope


@dataclass(frozen=True)
class ScopeChoice:
    key: str
    scope: Scope
    group: str  # for the select's optgroups

    @property
    def label(self):
        return self.scope.label


def _structures(queryset):
    return list(queryset.filter(kind=OrganisationKind.FACILITATOR, is_active=True).order_by("name"))


def coordinated(user):
    """The regions and départements ``user`` coordinates."""
    regions, departements = [], []
    for membership in user.active_memberships:
        if membership.role != Role.COORDINATOR:
            continue
        if membership.scope_departement_id:
            departements.append(membership.scope_departement)
        elif membership.scope_region_id:
            regions.append(membership.scope_region)
    return regions, departements


def available(user, *, with_structures=True):
    """The scopes ``user`` may read, the widest first."""
    if not user.is_authenticated:
        return []
    choices = []
    if user.is_national_admin:
        choices.append(ScopeChoice("national", Scope.national(), "France"))
        choices += [
            ScopeChoice(f"region-{r.code}", Scope.region(r), "Régions")
            for r in Region.objects.order_by("name")
        ]
        choices += [
            ScopeChoice(f"departement-{d.code}", Scope.departement(d), "Départements")
            for d in Departement.objects.order_by("code")
        ]
        structures = _structures(Organisation.objects.all()) if with_structures else []
    else:
        regions, departements = coordinated(user)
        choices += [ScopeChoice(f"region-{r.code}", Scope.region(r), "Régions") for r in regions]
        # A regional coordinator reads each département of its region too.
        departements += [
            d
            for d in Departement.objects.filter(region__in=regions).order_by("code")
            if d not in departements
        ]
        choices += [
            ScopeChoice(f"departement-{d.code}", Scope.departement(d), "Départements")
            for d in departements
        ]
        structures = _structures(Organisation.objects.for_user(user))
        if len(structures) > 1 and not (regions or departements):
            choices.append(
                ScopeChoice("mes-structures", Scope.organisations(structures), "Mes structures")
            )
        if user.buyer_record_ids:
            choices.append(
                ScopeChoice(
                    "mes-marches",
                    Scope("buyer", tuple(user.buyer_record_ids), "Mes marchés (acheteur)"),
                    "Acheteur",
                )
            )
    choices += [
        ScopeChoice(f"structure-{o.pk}", Scope.organisations([o]), "Structures") for o in structures
    ]
    return choices


def choose(user, key):
    """The user's scope of ``key`` (their widest one when empty), or None if not theirs."""
    choices = available(user)
    if not choices:
        return None
    if not key:
        return choices[0]
    return next((choice for choice in choices if choice.key == key), None)
