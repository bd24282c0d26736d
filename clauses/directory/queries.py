"""Reads of the directory: the filtered list, « who to meet » and the meetings attended.

Visibility is decided here once, for every page and export: a person appears only as their
own choice allows for the visitor (``Contact.objects.visible_to``,
``Registration.objects.listed_for``), never when they chose « personne ».
"""

import dataclasses

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from clauses.meetings.models import Registration
from clauses.territories.models import Qpv

from .enums import COMPLEMENTARY_FAMILIES, Visibility
from .models import Contact, Structure

WHO_TO_MEET_LIMIT = 12


def visible_visibilities(user):
    visibilities = [Visibility.PUBLIC]
    if user.is_authenticated:
        visibilities.append(Visibility.PARTICIPANTS)
    return visibilities


def visible_contacts_prefetch(user, to_attr="visible_contacts"):
    return Prefetch(
        "contacts",
        queryset=Contact.objects.visible_to(user).order_by("last_name", "first_name", "pk"),
        to_attr=to_attr,
    )


def find_qpv(code):
    """The QPV of that code, from the most recent list that has it."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return Qpv.objects.filter(code=code).order_by("-list_year").first()


def in_qpv_q(qpv):
    """Structures acting in ``qpv``: it is one of their QPVs, or they sit in one of its
    communes."""
    through = Structure.qpvs.through.objects.filter(qpv_id=qpv.pk).values("structure_id")
    return Q(pk__in=through) | Q(commune_id__in=qpv.communes.values("pk"))


def filter_structures(queryset, *, region=None, departement=None, family="", qpv=None, q=""):
    if region is not None:
        queryset = queryset.filter(region=region)
    if departement is not None:
        queryset = queryset.filter(departement=departement)
    if family:
        queryset = queryset.filter(family=family)
    if qpv is not None:
        queryset = queryset.filter(in_qpv_q(qpv))
    for word in (q or "").split():
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(commune__name__icontains=word)
        )
    return queryset


def directory_list(user, **filters):
    """Published structures with what the list shows, filtered; the visible contacts are
    counted for ``user``."""
    structures = (
        Structure.objects.published()
        .select_related("region", "departement", "commune")
        .annotate(
            visible_contact_count=Count(
                "contacts",
                filter=Q(
                    contacts__is_active=True,
                    contacts__anonymised_at__isnull=True,
                    contacts__visibility__in=visible_visibilities(user),
                ),
            )
        )
        .order_by("name", "pk")
    )
    return filter_structures(structures, **filters)


@dataclasses.dataclass
class WhoToMeet:
    scope: str  # « département » or « région »
    territory: object
    structures: list
    families: list


def who_to_meet(structure, user, *, limit=WHO_TO_MEET_LIMIT):
    """Actors of the complementary families on the same territory: same département when
    there are some, else same region. Their contacts as visibility allows for ``user``."""
    families = [str(f) for f in COMPLEMENTARY_FAMILIES.get(structure.family, [])]
    if not families:
        return WhoToMeet("région", structure.region, [], [])
    candidates = (
        Structure.objects.published()
        .filter(family__in=families)
        .exclude(pk=structure.pk)
        .select_related("region", "departement", "commune")
        .prefetch_related(visible_contacts_prefetch(user))
        .order_by("family", "name", "pk")
    )
    if structure.departement_id:
        same_departement = list(candidates.filter(departement_id=structure.departement_id)[:limit])
        if same_departement:
            return WhoToMeet("département", structure.departement, same_departement, families)
    same_region = list(candidates.filter(region_id=structure.region_id)[:limit])
    return WhoToMeet("région", structure.region, same_region, families)


def meetings_attended(structure, user):
    """The past meetings the structure's people took part in, with the people the visitor
    may see (each person's own visibility choice at registration): ``[(meeting, [names])]``."""
    registrations = (
        Registration.objects.listed_for(user)
        .filter(
            contact__structure=structure,
            meeting__is_published=True,
            meeting__ends_at__lt=timezone.now(),
        )
        .select_related("meeting", "meeting__region")
        .order_by("-meeting__starts_at", "last_name", "first_name")
    )
    grouped = {}
    for registration in registrations:
        grouped.setdefault(registration.meeting, []).append(
            f"{registration.first_name} {registration.last_name}"
        )
    return list(grouped.items())


def export_structures(user):
    """Structures for an organiser's export, each with its contacts who did not choose
    « personne »."""
    return (
        Structure.objects.exportable_by(user)
        .select_related("region", "departement", "commune")
        .prefetch_related(
            "qpvs",
            Prefetch(
                "contacts",
                queryset=Contact.objects.active()
                .exclude(visibility=Visibility.NOBODY)
                .order_by("last_name", "first_name", "pk"),
                to_attr="exported_contacts",
            ),
        )
        .order_by("region__name", "name", "pk")
    )
