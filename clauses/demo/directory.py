"""Demo data of the actors' directory, written through the directory services.

Three sources, as in real life: the sheets the demo organisations keep themselves (with
contacts of each visibility), the structures created by registrants who opted in (from
``clauses.demo.meetings``), completed by an organiser with their territory and QPVs.
Idempotent: sheets by organisation, contacts by (structure, e-mail).
"""

from clauses.directory.enums import ActorFamily, StructureSource, Visibility
from clauses.directory.models import Contact, Structure
from clauses.directory.services import (
    STRUCTURE_FIELDS,
    initial_for_organisation,
    save_contact,
    save_structure,
)
from clauses.territories.models import Commune, Departement, Qpv

from .meetings import HISTORY, UPCOMING, ascii_slug, local_structures, person

DESCRIPTIONS = {
    ActorFamily.FACILITATOR: (
        "Accompagne les acheteurs dans la rédaction des clauses sociales, les entreprises "
        "dans leurs recrutements et suit les heures d'insertion réalisées."
    ),
    ActorFamily.PUBLIC_EMPLOYMENT: (
        "Accompagne les jeunes de 16 à 25 ans vers l'emploi et la formation ; positionne des "
        "candidats sur les heures d'insertion des marchés publics."
    ),
    ActorFamily.SOCIAL_LANDLORD: (
        "Bailleur social maître d'ouvrage d'opérations de renouvellement urbain, avec des "
        "clauses d'insertion dans ses marchés de travaux et d'entretien."
    ),
    ActorFamily.POLITIQUE_VILLE: (
        "Centre social au cœur du quartier prioritaire : repère les habitants intéressés par "
        "les chantiers et les accompagne avec leurs partenaires."
    ),
    ActorFamily.SIAE: (
        "Structure d'insertion par l'activité économique : salariés en parcours sur les "
        "chantiers des entreprises titulaires de marchés avec clause."
    ),
    ActorFamily.URBAN_RENEWAL: (
        "Pilote le projet de renouvellement urbain (NPNRU) et sa charte locale d'insertion "
        "avec les maîtres d'ouvrage."
    ),
    ActorFamily.GEIQ: (
        "Groupement d'employeurs qui recrute et qualifie des personnes éloignées de l'emploi "
        "pour les entreprises du bâtiment et des travaux publics."
    ),
    ActorFamily.BUYER: (
        "Acheteur public : insère des clauses sociales dans ses marchés de travaux, de "
        "services et de fournitures."
    ),
}
DEFAULT_DESCRIPTION = "Acteur de la clause sociale sur son territoire."
QPV_FAMILIES = {
    ActorFamily.FACILITATOR,
    ActorFamily.POLITIQUE_VILLE,
    ActorFamily.URBAN_RENEWAL,
    ActorFamily.SOCIAL_LANDLORD,
    ActorFamily.SIAE,
}
ORGANISATION_CONTACT_VISIBILITIES = [Visibility.PUBLIC, Visibility.PARTICIPANTS, Visibility.NOBODY]
ORGANISATION_CONTACT_FUNCTIONS = [
    "Responsable de la clause sociale",
    "Chargée de relations entreprises",
    "Assistant administratif",
]


def _territory_by_structure():
    """(region code, structure name) -> the demo meeting its people came to."""
    territory = {}
    meetings = [*enumerate(HISTORY), *((100 + i, item[1]) for i, item in enumerate(UPCOMING))]
    for index, spec in meetings:
        for name, _, _ in local_structures(index, spec):
            territory.setdefault((spec.region, name), spec)
    return territory


def _data_of(structure, **changes):
    data = {field: getattr(structure, field) for field in STRUCTURE_FIELDS}
    data.update(changes)
    return data


def _qpvs_of(commune):
    if commune is None:
        return []
    return list(Qpv.objects.filter(list_year=2024, communes=commune).order_by("code")[:2])


def seed_organisation_sheets(*, organisations, memberships, organiser):
    """Each demo organisation with a territory keeps its sheet; a member writes it when the
    demo has one, else the national organiser does. Three contacts, one per visibility."""
    members = {}
    for membership in memberships:
        members.setdefault(membership.organisation_id, membership.user)
    sheets = []
    for key, organisation in organisations.items():
        if organisation.region_id is None:
            continue
        actor = members.get(organisation.pk, organiser)
        structure = Structure.objects.filter(organisation=organisation).first()
        if structure is None:
            data = initial_for_organisation(organisation)
            data["description"] = DESCRIPTIONS.get(data["family"], DEFAULT_DESCRIPTION)
            data["website"] = f"https://{ascii_slug(organisation.name)[:40]}.example.org"
            structure = save_structure(
                actor=actor,
                organisation=organisation,
                data=data,
                qpvs=_qpvs_of(organisation.commune),
            )
        existing = set(structure.contacts.values_list("email", flat=True))
        for position, visibility in enumerate(ORGANISATION_CONTACT_VISIBILITIES):
            first, last, _ = person(9000 + len(sheets) * 10 + position)
            email = f"{ascii_slug(first)}.{ascii_slug(last)}@{ascii_slug(key)}.example.org"
            if email in existing:
                continue
            save_contact(
                actor=actor,
                structure=structure,
                data={
                    "first_name": first,
                    "last_name": last,
                    "function": ORGANISATION_CONTACT_FUNCTIONS[position],
                    "email": email,
                    "visibility": visibility,
                },
            )
        sheets.append(structure)
    return sheets


def complete_registration_structures(*, organiser):
    """Structures created by registrants know only their name and region: an organiser
    completes them with the département and commune of the meeting their people came to, a
    description and, for the neighbourhood actors, the QPVs of that commune."""
    specs = _territory_by_structure()
    departements = {
        d.code: d
        for d in Departement.objects.filter(code__in=[s.departement for s in specs.values()])
    }
    communes = {
        c.code: c
        for c in Commune.objects.select_related("departement__region").filter(
            code__in=[s.commune for s in specs.values()]
        )
    }
    completed = 0
    structures = Structure.objects.filter(
        source=StructureSource.REGISTRATION, departement__isnull=True
    ).select_related("region")
    for structure in structures:
        spec = specs.get((structure.region.code, structure.name))
        if spec is None:
            continue
        commune = communes.get(spec.commune)
        save_structure(
            actor=organiser,
            structure=structure,
            data=_data_of(
                structure,
                departement=departements.get(spec.departement),
                commune=commune,
                description=structure.description
                or DESCRIPTIONS.get(structure.family, DEFAULT_DESCRIPTION),
            ),
            qpvs=_qpvs_of(commune) if structure.family in QPV_FAMILIES else None,
        )
        completed += 1
    return completed


def summary():
    return {
        "structures": Structure.objects.count(),
        "from_registrations": Structure.objects.filter(source=StructureSource.REGISTRATION).count(),
        "contacts": Contact.objects.count(),
    }
