"""About 60 published demo sheets, linked to the demo meetings of the 2021-2023 edition
and to directory structures. Deterministic and idempotent (a sheet is found by its slug).
Written through the services, so the demo obeys the same rules (versions, audit, index)."""

from django.utils.text import slugify

from clauses.accounts.enums import Role
from clauses.accounts.models import Membership
from clauses.directory.enums import ActorFamily
from clauses.directory.models import Structure
from clauses.meetings.models import PresentedPractice
from clauses.territories.models import Departement

from . import services
from .enums import MarketKind, Public, Theme
from .models import Practice

TARGET = 60
# (theme, publics, market kinds, partner families) cycled over the sheets.
PROFILES = [
    ([Theme.PUBLICS], [Public.WOMEN, Public.QPV], [MarketKind.WORKS], ["geiq", "entreprise"]),
    ([Theme.IMPLEMENTATION], [Public.QPV, Public.YOUNG], [MarketKind.WORKS], ["bailleur", "siae"]),
    ([Theme.PREPARATION], [Public.LONG_TERM], [MarketKind.SERVICES], ["acheteur", "siae"]),
    ([Theme.PARTNERS], [Public.QPV], [MarketKind.WORKS], ["emploi_public", "politique_ville"]),
    ([Theme.POLICIES], [Public.RQTH, Public.SENIORS], [MarketKind.SERVICES], ["ea_esat"]),
    ([Theme.PUBLICS, Theme.PARTNERS], [Public.WOMEN], [MarketKind.SERVICES], ["accompagnement"]),
]
EXTRA_TITLES = [
    "Des visites de chantier réservées aux habitantes",
    "Un forum de l'emploi au pied des immeubles",
    "La clause sociale dans les marchés informatiques",
    "Un tuteur par salarié en insertion sur les chantiers",
    "Des permanences du facilitateur au centre social",
    "Des heures d'insertion dans l'entretien des espaces verts",
    "Un comité local des partenaires de la clause",
    "Des marchés réservés aux entreprises adaptées",
    "Lever les freins de mobilité des candidats",
    "Un parcours vers l'alternance avec le GEIQ",
]


def _editor():
    membership = (
        Membership.objects.filter(role=Role.NATIONAL_ADMIN, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise RuntimeError("Aucun administrateur national : lancez d'abord seed_demo.")
    return membership.user


def _specs():
    """(title, summary, meeting or None, region, departement, structure name) per sheet."""
    specs = []
    presented = PresentedPractice.objects.select_related(
        "meeting__region", "meeting__departement"
    ).order_by("meeting__starts_at", "position", "pk")
    for item in presented:
        meeting = item.meeting
        title = f"{item.title} ({meeting.venue_city})"
        if any(spec[0] == title for spec in specs):
            continue
        specs.append(
            (title, item.summary, meeting, meeting.region, meeting.departement, item.structure_name)
        )
    departements = list(Departement.objects.select_related("region").order_by("code"))
    index = 0
    titles = {spec[0] for spec in specs}
    while len(specs) < TARGET and index < 10 * TARGET and departements:
        departement = departements[(index * 7) % len(departements)]
        title = f"{EXTRA_TITLES[index % len(EXTRA_TITLES)]} ({departement.name})"
        index += 1
        if title in titles:
            continue
        titles.add(title)
        specs.append((title, "", None, departement.region, departement, ""))
    return specs[:TARGET]


def seed_practices(stdout=None):
    editor = _editor()
    created = 0
    for number, (title, summary, meeting, region, departement, structure_name) in enumerate(
        _specs()
    ):
        slug = slugify(title)[:100]
        if Practice.objects.filter(slug=slug).exists():
            continue
        themes, publics, markets, families = PROFILES[number % len(PROFILES)]
        structure = (
            Structure.objects.filter(name=structure_name).first() if structure_name else None
        ) or Structure.objects.filter(region=region).order_by("pk").first()
        partners = [
            {"name": ActorFamily(family).label.split(" (")[0], "family": family}
            for family in families
        ]
        figures = [
            {"label": "Heures d'insertion réalisées", "value": 2000 + 350 * number, "unit": "h"},
            {"label": "Personnes recrutées", "value": 5 + number % 23, "unit": ""},
        ]
        data = {
            "title": title,
            "pitch": summary
            or (
                "Une démarche engagée par les acteurs du territoire pour que la clause sociale "
                "profite d'abord aux habitants des quartiers prioritaires."
            ),
            "region": region,
            "departement": departement,
            "lead_structure": structure,
            "context": "Le territoire compte plusieurs quartiers prioritaires et des chantiers "
            "de renouvellement urbain ; peu d'habitantes accédaient aux heures d'insertion.",
            "actions": "Repérage des candidats avec les partenaires, préparation aux métiers, "
            "suivi pendant la mission et bilan avec l'entreprise.",
            "means": "Un facilitateur à mi-temps, des réunions mensuelles des partenaires.",
            "results": "Des parcours qui se prolongent au-delà de la clause pour une majorité "
            "des personnes accompagnées.",
            "success_factors": "Un portage politique clair et un interlocuteur unique.",
            "pitfalls": "Anticiper les besoins de recrutement dès la préparation du marché.",
            "themes": themes,
            "publics": publics,
            "market_kinds": markets,
            "actor_families": families,
            "tags": ["QPV", "clause sociale"],
            "year": 2021 + number % 3,
            "meetings": [meeting] if meeting else [],
            "structures": [structure] if structure else [],
            "contact_name": "Équipe de la clause sociale",
            "contact_consent": True,
        }
        practice = services.create_practice(
            actor=editor, data=data, partners=partners, figures=figures
        )
        if practice.slug != slug:  # a same-titled sheet appeared meanwhile: keep the slug stable
            Practice.objects.filter(pk=practice.pk).update(slug=slug)
            practice.slug = slug
        services.publish(practice=practice, actor=editor)
        created += 1
    total = Practice.objects.published().count()
    if stdout is not None:
        stdout.write(f"Bonnes pratiques : {total} fiches publiées ({created} créées).")
    return {"created": created, "published": total}
