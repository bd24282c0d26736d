"""Create the demo data idempotently: running the seed twice gives the same state.

One function per area, so that later areas (procurement, insertion, meetings...) add
their own ``seed_<area>()`` and the command calls them in order.
"""

import dataclasses

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from dsfr.models import DsfrConfig

from clauses.accounts.models import Membership, Organisation, User
from clauses.core.site_config import ensure_site_config
from clauses.meetings.models import Registration
from clauses.territories.models import Commune, Departement, Region

from . import data, tracking_small
from . import directory as demo_directory
from . import meetings as demo_meetings


@dataclasses.dataclass
class SeedResult:
    organisations: dict
    memberships: list
    meetings: dict = dataclasses.field(default_factory=dict)
    directory: dict = dataclasses.field(default_factory=dict)
    tracking: dict = dataclasses.field(default_factory=dict)


def missing_territories():
    """Region and département codes the demo needs but the database lacks."""
    regions = set(Region.objects.filter(code__in=data.REGIONS).values_list("code", flat=True))
    departements = set(
        Departement.objects.filter(code__in=data.DEPARTEMENTS).values_list("code", flat=True)
    )
    return sorted(set(data.REGIONS) - regions) + sorted(set(data.DEPARTEMENTS) - departements)


def seed_site_config():
    return ensure_site_config(DsfrConfig)


def seed_organisations():
    """Organisations of every kind, keyed as in ``data.ORGANISATIONS``."""
    regions = {r.code: r for r in Region.objects.filter(code__in=data.REGIONS)}
    departements = {d.code: d for d in Departement.objects.filter(code__in=data.DEPARTEMENTS)}
    commune_codes = [o.commune for o in data.ORGANISATIONS.values() if o.commune]
    communes = {c.code: c for c in Commune.objects.filter(code__in=commune_codes)}
    organisations = {}
    for key, spec in data.ORGANISATIONS.items():
        organisations[key], _ = Organisation.objects.update_or_create(
            name=spec.name,
            defaults={
                "kind": spec.kind,
                "facilitator_kind": spec.facilitator_kind,
                "region": regions.get(spec.region),
                "departement": departements.get(spec.departement),
                "commune": communes.get(spec.commune),
                "is_active": True,
            },
        )
    return organisations


def _ensure_user(spec):
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        return User.objects.create_user(
            spec.email,
            settings.DEMO_PASSWORD,
            first_name=spec.first_name,
            last_name=spec.last_name,
        )
    user.first_name = spec.first_name
    user.last_name = spec.last_name
    user.is_active = True
    if not user.check_password(settings.DEMO_PASSWORD):
        user.set_password(settings.DEMO_PASSWORD)
    user.save()
    return user


def seed_users(organisations):
    """One user per role, plus an organisation administrator; returns their memberships."""
    regions = {r.code: r for r in Region.objects.filter(code__in=data.REGIONS)}
    departements = {d.code: d for d in Departement.objects.filter(code__in=data.DEPARTEMENTS)}
    memberships = []
    for spec in data.USERS:
        user = _ensure_user(spec)
        membership, _ = Membership.objects.update_or_create(
            user=user,
            organisation=organisations[spec.organisation],
            defaults={
                "role": spec.role,
                "is_admin": spec.is_admin,
                "scope_region": regions.get(spec.scope_region),
                "scope_departement": departements.get(spec.scope_departement),
                "is_active": True,
            },
        )
        memberships.append(membership)
    return memberships


def _national_admin(memberships):
    return next(m.user for m in memberships if m.organisation.kind == "reseau_national")


def seed_meetings(organisations, memberships):
    """The Tour de France: the 2021-2023 edition and the upcoming one, organised by the
    national network (see ``clauses.demo.meetings``)."""
    organiser = organisations["national"]
    history, past = demo_meetings.seed_history(organiser=organiser)
    upcoming, future = demo_meetings.seed_upcoming(
        organiser=organiser, actor=_national_admin(memberships)
    )
    return {
        "editions": [history, upcoming],
        "past": past,
        "upcoming": future,
        "registrations": Registration.objects.filter(meeting__in=[*past, *future]).count(),
    }


def seed_directory(organisations, memberships):
    """The actors' directory (see ``clauses.demo.directory``), after the meetings whose
    registrants opted in."""
    organiser = _national_admin(memberships)
    demo_directory.seed_organisation_sheets(
        organisations=organisations, memberships=memberships, organiser=organiser
    )
    demo_directory.complete_registration_structures(organiser=organiser)
    return demo_directory.summary()


def seed_tracking(organisations, memberships, today=None):
    """Buyers, contracts, participants, missions, hours and outcomes of the facilitator
    organisations (see ``clauses.demo.tracking_small``), up to ``today``'s month."""
    return tracking_small.seed_tracking(
        organisations=organisations,
        memberships=memberships,
        today=today or timezone.localdate(),
    )


@transaction.atomic
def seed(today=None):
    seed_site_config()
    organisations = seed_organisations()
    memberships = seed_users(organisations)
    meetings = seed_meetings(organisations, memberships)
    directory = seed_directory(organisations, memberships)
    tracking = seed_tracking(organisations, memberships, today)
    return SeedResult(
        organisations=organisations,
        memberships=memberships,
        meetings=meetings,
        directory=directory,
        tracking=tracking,
    )
