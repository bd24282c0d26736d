"""Writes on the directory. Keyword-only, atomic, audited, raising DomainError in French.

The directory is fed two ways: by registrants who opt in when they register for a meeting
(``record_registration``) and by organisations themselves, or the organisers of their
territory, through their directory sheet (``save_structure``, ``save_contact``).
"""

import re
import unicodedata

from django.db import transaction
from django.utils import timezone

from clauses.accounts.enums import OrganisationKind
from clauses.core import audit
from clauses.core.exceptions import DomainError

from . import perms
from .enums import ActorFamily, StructureSource, Visibility
from .models import Contact, Structure

# La Poste's SIREN: its establishments' SIRETs follow their own checksum (sum of the
# digits divisible by 5) instead of the Luhn key, as INSEE documents.
LA_POSTE_SIREN = "356000000"

STRUCTURE_FIELDS = [
    "name",
    "siret",
    "family",
    "typology",
    "region",
    "departement",
    "commune",
    "description",
    "website",
    "email",
    "phone",
    "is_published",
]
CONTACT_FIELDS = ["first_name", "last_name", "function", "email", "visibility"]

FAMILY_BY_ORGANISATION_KIND = {
    OrganisationKind.FACILITATOR: ActorFamily.FACILITATOR,
    OrganisationKind.BUYER: ActorFamily.BUYER,
    OrganisationKind.COMPANY: ActorFamily.COMPANY,
    OrganisationKind.SIAE: ActorFamily.SIAE,
    OrganisationKind.NATIONAL_NETWORK: ActorFamily.NETWORK,
    OrganisationKind.OTHER: ActorFamily.OTHER,
}

# --- SIRET ----------------------------------------------------------------------------------


def _luhn_ok(digits):
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_siret(value):
    """The SIRET without the spaces, dots or dashes people type in it."""
    return re.sub(r"[\s.\-]", "", value or "")


def validate_siret(value):
    """Return the normalised SIRET, or raise DomainError with the reason in French.

    14 digits whose Luhn key is right; La Poste's establishments (SIREN 356 000 000) use
    their own rule instead: the sum of the digits is a multiple of 5."""
    siret = normalise_siret(value)
    if not siret:
        return ""
    if not siret.isdigit() or len(siret) != 14:
        raise DomainError(
            "Le SIRET doit comporter exactement 14 chiffres (9 pour le SIREN et 5 pour "
            "l'établissement).",
            field="siret",
        )
    if siret.startswith(LA_POSTE_SIREN):
        valid = sum(int(c) for c in siret) % 5 == 0 or _luhn_ok(siret)
    else:
        valid = _luhn_ok(siret)
    if not valid:
        raise DomainError(
            "Ce SIRET n'existe pas : sa clé de contrôle est fausse. Vérifiez les 14 chiffres "
            "sur l'avis de situation Sirene ou sur annuaire-entreprises.data.gouv.fr.",
            field="siret",
        )
    return siret


# --- Matching a structure -------------------------------------------------------------------


def normalise_name(name):
    """Lower case, no accents, punctuation as spaces: « PLIE  d'Évry » == « plie d evry »."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def find_structure(*, name, region, siret=""):
    """The structure a registrant names: by SIRET when known, else by the same normalised
    name in the same region. None when nothing matches."""
    siret = normalise_siret(siret)
    if siret:
        structure = Structure.objects.filter(siret=siret).first()
        if structure is not None:
            return structure
    wanted = normalise_name(name)
    if not wanted or region is None:
        return None
    candidates = Structure.objects.filter(region=region).order_by("pk").only("pk", "name")
    for candidate in candidates:
        if normalise_name(candidate.name) == wanted:
            return Structure.objects.get(pk=candidate.pk)
    return None


def _contact_repr(contact):
    # No name in the audit log: it outlives the person's presence in the directory.
    return f"Contact n° {contact.pk} — {contact.structure}"


# --- Fed by registrations -------------------------------------------------------------------


@transaction.atomic
def record_registration(*, registration):
    """A registrant opted in to the directory: find their structure (by SIRET, else by
    normalised name and region) or create it, then create or update their contact with the
    visibility they chose, and link the registration to it. Returns the contact."""
    if not registration.directory_opt_in or registration.anonymised_at is not None:
        return None
    region = registration.region or registration.meeting.region
    structure = find_structure(
        name=registration.organisation_name,
        region=region,
        siret=getattr(registration, "siret", ""),
    )
    if structure is None:
        structure = Structure.objects.create(
            name=registration.organisation_name.strip(),
            family=registration.actor_family,
            region=region,
            source=StructureSource.REGISTRATION,
            is_published=True,
        )
        audit.log(
            actor="inscription en ligne",
            action="directory.structure_created",
            obj=structure,
            changes={"source": StructureSource.REGISTRATION.label},
        )
    values = {
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "function": registration.function,
        "visibility": registration.visibility,
        "consent_at": registration.consent_at,
        "is_active": True,
        "anonymised_at": None,
    }
    contact = Contact.objects.filter(structure=structure, email=registration.email).first()
    if contact is None:
        contact = Contact.objects.create(structure=structure, email=registration.email, **values)
        action = "directory.contact_created"
    else:
        for field, value in values.items():
            setattr(contact, field, value)
        contact.save()
        action = "directory.contact_updated"
    registration.contact = contact
    registration.save(update_fields=["contact", "updated_at"])
    audit.log(
        actor="inscription en ligne",
        action=action,
        obj=contact,
        object_repr=_contact_repr(contact),
        changes={"visibilité": contact.get_visibility_display()},
    )
    return contact


# --- Fed by organisations and organisers ----------------------------------------------------


def initial_for_organisation(organisation):
    """What a new directory sheet of ``organisation`` starts from."""
    return {
        "name": organisation.name,
        "siret": organisation.siret,
        "family": FAMILY_BY_ORGANISATION_KIND.get(organisation.kind, ActorFamily.OTHER),
        "region": organisation.region,
        "departement": organisation.departement,
        "commune": organisation.commune,
        "is_published": True,
    }


def _clean_structure_data(data, *, structure=None):
    data = dict(data)
    data["siret"] = validate_siret(data.get("siret", ""))
    if data["siret"]:
        taken = Structure.objects.filter(siret=data["siret"])
        if structure is not None:
            taken = taken.exclude(pk=structure.pk)
        if taken.exists():
            raise DomainError(
                "Une autre structure de l'annuaire porte déjà ce SIRET.", field="siret"
            )
    commune = data.get("commune")
    if commune is not None:
        data["departement"] = commune.departement
    departement = data.get("departement")
    if departement is not None:
        data["region"] = departement.region
    if data.get("region") is None:
        raise DomainError("Indiquez la région de la structure.", field="region")
    if not (data.get("name") or "").strip():
        raise DomainError("Indiquez le nom de la structure.", field="name")
    data["name"] = data["name"].strip()
    return data


@transaction.atomic
def save_structure(*, actor, data, structure=None, organisation=None, qpvs=None):
    """Create or update a directory sheet.

    A member of ``organisation`` creates its sheet (source « structure »); a member, or an
    organiser whose scope covers the structure, updates it. ``data`` holds STRUCTURE_FIELDS
    (region, departement and commune as model instances); ``qpvs``, when given, replaces
    the QPVs of intervention."""
    if structure is None:
        if organisation is None or not perms.can_create_structure_for(actor, organisation):
            raise DomainError("Vous ne pouvez pas créer la fiche de cette organisation.")
        if Structure.objects.filter(organisation=organisation).exists():
            raise DomainError("Cette organisation a déjà sa fiche dans l'annuaire.")
        data = _clean_structure_data(data)
        structure = Structure.objects.create(
            organisation=organisation,
            source=(
                StructureSource.SELF
                if organisation.pk in actor.organisation_ids
                else StructureSource.ORGANISER
            ),
            **{field: data[field] for field in STRUCTURE_FIELDS if field in data},
        )
        changes = {"création": "fiche créée"}
        action = "directory.structure_created"
    else:
        structure = Structure.objects.select_for_update().get(pk=structure.pk)
        if not perms.can_manage_structure(actor, structure):
            raise DomainError("Vous ne pouvez pas modifier cette structure.")
        data = _clean_structure_data(data, structure=structure)
        changes = audit.diff(structure, [f for f in STRUCTURE_FIELDS if f in data], data)
        for field in STRUCTURE_FIELDS:
            if field in data:
                setattr(structure, field, data[field])
        structure.save()
        action = "directory.structure_updated"
    if qpvs is not None:
        before = set(structure.qpvs.values_list("pk", flat=True))
        after = {qpv.pk for qpv in qpvs}
        if before != after:
            structure.qpvs.set(qpvs)
            changes["QPV"] = ", ".join(sorted(q.code for q in qpvs)) or "aucun"
    audit.log(actor=actor, action=action, obj=structure, changes=changes)
    return structure


@transaction.atomic
def save_contact(*, actor, structure, data, contact=None, now=None):
    """A structure (or an organiser of its territory) declares one of its people, who
    agreed to appear with the chosen visibility: consent is recorded now."""
    if not perms.can_manage_structure(actor, structure):
        raise DomainError("Vous ne pouvez pas modifier les contacts de cette structure.")
    email = (data.get("email") or "").strip().lower()
    if not email:
        raise DomainError("L'adresse e-mail du contact est obligatoire.", field="email")
    duplicates = Contact.objects.filter(structure=structure, email=email)
    if contact is not None:
        duplicates = duplicates.exclude(pk=contact.pk)
    if duplicates.exists():
        raise DomainError(
            "Cette adresse e-mail est déjà celle d'un contact de la structure.", field="email"
        )
    if data.get("visibility") not in Visibility.values:
        raise DomainError("Choisissez la visibilité du contact.", field="visibility")
    values = {field: data.get(field, "") for field in CONTACT_FIELDS}
    values["email"] = email
    if contact is None:
        contact = Contact.objects.create(
            structure=structure, consent_at=now or timezone.now(), **values
        )
        action = "directory.contact_created"
        changes = {"visibilité": contact.get_visibility_display()}
    else:
        contact = Contact.objects.select_for_update().get(pk=contact.pk, structure=structure)
        changes = dict.fromkeys(audit.diff(contact, CONTACT_FIELDS, values), "modifié")
        for field, value in values.items():
            setattr(contact, field, value)
        if "visibility" in changes:
            contact.consent_at = now or timezone.now()
        contact.save()
        action = "directory.contact_updated"
    audit.log(
        actor=actor, action=action, obj=contact, object_repr=_contact_repr(contact), changes=changes
    )
    return contact


@transaction.atomic
def remove_contact(*, contact, actor):
    """Delete a contact from the directory: the person asked for it, or left the structure.
    Their registrations stay, unlinked (their own retention period applies)."""
    if not isinstance(actor, str) and not perms.can_manage_structure(actor, contact.structure):
        raise DomainError("Vous ne pouvez pas retirer ce contact.")
    object_repr = _contact_repr(contact)
    pk = contact.pk
    contact.delete()
    audit.log(
        actor=actor,
        action="directory.contact_removed",
        obj=None,
        object_repr=object_repr,
        changes={"contact": pk},
    )
