"""Demo data of the Tour de France: the 2021-2023 edition (one meeting per region, with its
programme, practices and attendance) and an upcoming edition open for registration.

Deterministic and idempotent: meetings by slug, registrations by (meeting, e-mail), slots
by (meeting, start), practices by (meeting, title). People, speakers and structures are
fictitious; cities and territory codes are real. Registrations to the upcoming meetings go
through the registration services (capacity, waiting list, approval); the 2021-2023
history goes through ``record_past_registrations`` (see why there).
"""

import dataclasses
import datetime
import unicodedata
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from clauses.core import audit
from clauses.directory.enums import ActorFamily, Visibility
from clauses.directory.services import record_registration
from clauses.meetings import services as meeting_services
from clauses.meetings.enums import QuestionKind, RegistrationMode, RegistrationStatus
from clauses.meetings.models import (
    Edition,
    Meeting,
    PresentedPractice,
    ProgrammeSlot,
    Question,
    Registration,
)
from clauses.territories.models import Departement, Region

HISTORY_EDITION = {
    "slug": "tour-de-france-2021-2023",
    "name": "Tour de France de la clause sociale 2021-2023",
    "year_start": 2021,
    "year_end": 2023,
    "description": (
        "Une rencontre dans chaque région, de 2021 à 2023, pour que les acteurs de l'emploi, "
        "de l'habitat, de la politique de la ville et du renouvellement urbain se connaissent "
        "et partagent leurs pratiques de la clause sociale."
    ),
}
# The demo keeps the history readable: its personal data is kept ten years (the real
# default, one year, would have the purge anonymise it at once).
HISTORY_RETENTION_DAYS = 3650


@dataclasses.dataclass(frozen=True)
class DemoMeeting:
    region: str  # region code
    departement: str
    city: str
    postal_code: str
    commune: str  # INSEE code
    venue: str
    address: str
    date: datetime.date
    tz: str = "Europe/Paris"
    area: str = ""  # a priority neighbourhood or district, for names of local structures


HISTORY = [
    DemoMeeting(
        "32",
        "59",
        "Lille",
        "59000",
        "59350",
        "Maison de la région",
        "151 avenue du Président-Hoover",
        datetime.date(2021, 10, 14),
        area="Lille-Sud",
    ),
    DemoMeeting(
        "11",
        "93",
        "Saint-Denis",
        "93200",
        "93066",
        "Bourse du travail",
        "9-11 rue Genin",
        datetime.date(2021, 11, 18),
        area="Franc-Moisin",
    ),
    DemoMeeting(
        "76",
        "31",
        "Toulouse",
        "31000",
        "31555",
        "Hôtel de région Occitanie",
        "22 boulevard du Maréchal-Juin",
        datetime.date(2021, 12, 9),
        area="Le Mirail",
    ),
    DemoMeeting(
        "84",
        "69",
        "Vaulx-en-Velin",
        "69120",
        "69256",
        "Planétarium de Vaulx-en-Velin",
        "place de la Nation",
        datetime.date(2022, 1, 27),
        area="Mas du Taureau",
    ),
    DemoMeeting(
        "93",
        "13",
        "Marseille",
        "13003",
        "13055",
        "Friche la Belle de Mai",
        "41 rue Jobin",
        datetime.date(2022, 3, 17),
        area="Quartiers Nord",
    ),
    DemoMeeting(
        "44",
        "67",
        "Strasbourg",
        "67000",
        "67482",
        "Maison de la région Grand Est",
        "1 place Adrien-Zeller",
        datetime.date(2022, 4, 7),
        area="Neuhof",
    ),
    DemoMeeting(
        "52",
        "44",
        "Nantes",
        "44000",
        "44109",
        "Maison de l'emploi de la métropole",
        "2 rue de Saint-Domingue",
        datetime.date(2022, 5, 19),
        area="Bellevue",
    ),
    DemoMeeting(
        "53",
        "35",
        "Rennes",
        "35000",
        "35238",
        "Le Triangle, cité de la danse",
        "boulevard de Yougoslavie",
        datetime.date(2022, 6, 16),
        area="Le Blosne",
    ),
    DemoMeeting(
        "75",
        "33",
        "Bordeaux",
        "33000",
        "33063",
        "Hôtel de région Nouvelle-Aquitaine",
        "14 rue François-de-Sourdis",
        datetime.date(2022, 9, 22),
        area="Les Aubiers",
    ),
    DemoMeeting(
        "28",
        "76",
        "Rouen",
        "76000",
        "76540",
        "Hôtel de région Normandie",
        "5 rue Robert-Schuman",
        datetime.date(2022, 10, 13),
        area="Les Hauts de Rouen",
    ),
    DemoMeeting(
        "24",
        "45",
        "Orléans",
        "45000",
        "45234",
        "Centre de conférences",
        "place du 6-Juin-1944",
        datetime.date(2022, 11, 17),
        area="La Source",
    ),
    DemoMeeting(
        "27",
        "21",
        "Dijon",
        "21000",
        "21231",
        "Maison régionale de l'innovation",
        "64 A rue de Sully",
        datetime.date(2023, 1, 26),
        area="Fontaine d'Ouche",
    ),
    DemoMeeting(
        "94",
        "2A",
        "Ajaccio",
        "20000",
        "2A004",
        "Palais des congrès d'Ajaccio",
        "quai l'Herminier",
        datetime.date(2023, 3, 9),
        area="Les Jardins de l'Empereur",
    ),
    DemoMeeting(
        "04",
        "974",
        "Saint-Denis",
        "97400",
        "97411",
        "Hôtel de région Pierre-Lagourgue",
        "avenue René-Cassin",
        datetime.date(2023, 4, 13),
        "Indian/Reunion",
        area="Le Chaudron",
    ),
    DemoMeeting(
        "01",
        "971",
        "Pointe-à-Pitre",
        "97110",
        "97120",
        "Centre des arts et de la culture",
        "rue Jean-Jaurès",
        datetime.date(2023, 5, 11),
        "America/Guadeloupe",
        area="Lauricisque",
    ),
    DemoMeeting(
        "02",
        "972",
        "Fort-de-France",
        "97200",
        "97209",
        "Hôtel de la collectivité territoriale",
        "rue Gaston-Defferre",
        datetime.date(2023, 6, 8),
        "America/Martinique",
        area="Volga-Plage",
    ),
    DemoMeeting(
        "03",
        "973",
        "Cayenne",
        "97300",
        "97302",
        "Hôtel de la collectivité territoriale",
        "4179 route de Montabo",
        datetime.date(2023, 9, 21),
        "America/Cayenne",
        area="Village Chinois",
    ),
]

# The upcoming edition: offsets in days from the first day of the next quarter.
UPCOMING = [
    (
        "ouverte",
        DemoMeeting(
            "11",
            "93",
            "Bobigny",
            "93000",
            "93008",
            "Salle des fêtes de Bobigny",
            "1 rue de la République",
            datetime.date(2000, 1, 1),
            area="Abreuvoir",
        ),
        20,
        120,
        25,
    ),
    (
        "validation",
        DemoMeeting(
            "76",
            "34",
            "Montpellier",
            "34000",
            "34172",
            "Maison de la métropole",
            "50 place Zeus",
            datetime.date(2000, 1, 1),
            area="La Paillade",
        ),
        34,
        80,
        12,
    ),
    (
        "presque_complete",
        DemoMeeting(
            "32",
            "59",
            "Roubaix",
            "59100",
            "59512",
            "La Condition publique",
            "14 place Faidherbe",
            datetime.date(2000, 1, 1),
            area="L'Épeule",
        ),
        48,
        40,
        43,
    ),
    (
        "ouverte",
        DemoMeeting(
            "04",
            "974",
            "Le Port",
            "97420",
            "97407",
            "Cité des arts du Port",
            "rue Renaudière-de-Vaux",
            datetime.date(2000, 1, 1),
            "Indian/Reunion",
            area="Rivière des Galets",
        ),
        62,
        60,
        10,
    ),
]
APPROVED_ON_APPROVAL_MEETING = 8

PROGRAMME = [
    ((9, 0), (9, 30), "Accueil des participants", ""),
    ((9, 30), (10, 0), "Ouverture de la rencontre", "{prefet} ; {president}"),
    (
        (10, 0),
        (11, 15),
        "Table ronde : la clause sociale dans les projets de renouvellement urbain (NPNRU)",
        "{anru} ; {bailleur} ; {facilitateur}",
    ),
    (
        (11, 30),
        (12, 30),
        "Au-delà du bâtiment : les clauses dans les marchés de services et de nettoyage",
        "{acheteur} ; {siae}",
    ),
    (
        (14, 0),
        (15, 30),
        "Ateliers : les femmes et la clause sociale, des métiers à ouvrir",
        "{facilitateur} ; {ml}",
    ),
    ((15, 45), (16, 30), "Restitution des ateliers et clôture", "{president}"),
]
ROLES = {
    "prefet": "sous-préfète chargée de la politique de la ville",
    "president": "président du réseau régional des facilitateurs",
    "anru": "délégué territorial adjoint de l'ANRU",
    "bailleur": "directrice de la maîtrise d'ouvrage d'un bailleur social",
    "facilitateur": "facilitatrice de la clause sociale",
    "acheteur": "responsable de la commande publique d'une métropole",
    "siae": "directeur d'une entreprise d'insertion",
    "ml": "conseillère en insertion d'une mission locale",
}
PRACTICES = [
    (
        "Un guichet unique emploi-habitat pour les habitants des QPV",
        "Les candidatures des habitants du quartier sont repérées avec le centre social et le "
        "bailleur, puis préparées avant les recrutements des chantiers NPNRU.",
    ),
    (
        "Des heures d'insertion dans les marchés de nettoyage et d'espaces verts",
        "L'acheteur a étendu la clause aux marchés de services : 40 % des heures réalisées "
        "hors du bâtiment en trois ans.",
    ),
    (
        "Former des femmes aux métiers du second œuvre",
        "Un parcours de découverte des métiers avec le GEIQ et des entreprises volontaires, "
        "ouvert d'abord aux habitantes des quartiers prioritaires.",
    ),
    (
        "Mutualiser les heures d'insertion entre plusieurs opérations de renouvellement urbain",
        "Une charte locale d'insertion et un comité de suivi commun aux maîtres d'ouvrage "
        "du projet de renouvellement urbain.",
    ),
    (
        "La clause sociale dans les marchés de restauration collective",
        "Un lot réservé aux structures d'insertion et un accompagnement des entreprises "
        "titulaires pour leurs recrutements.",
    ),
]

FIRST_NAMES = [
    "Amina",
    "Bruno",
    "Chloé",
    "David",
    "Élodie",
    "Farid",
    "Gaëlle",
    "Hugo",
    "Inès",
    "Jérôme",
    "Karima",
    "Laurent",
    "Maëlle",
    "Nicolas",
    "Océane",
    "Patrick",
    "Rachida",
    "Samuel",
    "Sandrine",
    "Thierry",
    "Valérie",
    "Yannick",
    "Zoé",
    "Mathieu",
    "Léa",
    "Mehdi",
    "Aurélie",
    "Cédric",
    "Fatoumata",
    "Guillaume",
    "Hélène",
    "Ibrahim",
    "Julie",
    "Kévin",
    "Lucie",
]
LAST_NAMES = [
    "Abadie",
    "Barbier",
    "Carpentier",
    "Delattre",
    "Étienne",
    "Fabre",
    "Gauthier",
    "Hoarau",
    "Isnard",
    "Jacquet",
    "Kone",
    "Lebrun",
    "Marchal",
    "Nguyen",
    "Olivier",
    "Payet",
    "Quéré",
    "Renaud",
    "Sanchez",
    "Tessier",
    "Urbain",
    "Vidal",
    "Weber",
    "Yildiz",
    "Zeller",
    "Bellec",
    "Cordier",
    "Diallo",
    "Ferrand",
    "Grondin",
    "Hamon",
    "Joly",
    "Lacroix",
    "Mercier",
    "Perrin",
]
VISIBILITIES = [
    Visibility.PUBLIC,
    Visibility.PARTICIPANTS,
    Visibility.NOBODY,
    Visibility.PARTICIPANTS,
    Visibility.PUBLIC,
]
# Local structures whose people come to the meetings: (name pattern, family, function).
LOCAL_STRUCTURES = [
    ("PLIE de {city}", ActorFamily.FACILITATOR, "Facilitatrice de la clause sociale"),
    ("Mission locale de {city}", ActorFamily.PUBLIC_EMPLOYMENT, "Conseiller emploi"),
    ("{city} Habitat", ActorFamily.SOCIAL_LANDLORD, "Chargée de développement social"),
    ("Centre social {area}", ActorFamily.POLITIQUE_VILLE, "Directeur"),
    ("Chantier d'insertion {area}", ActorFamily.SIAE, "Encadrante technique"),
    (
        "Direction du projet de renouvellement urbain de {city}",
        ActorFamily.URBAN_RENEWAL,
        "Cheffe de projet NPNRU",
    ),
    ("GEIQ BTP {city}", ActorFamily.GEIQ, "Chargé de recrutement"),
    ("Ville de {city} (commande publique)", ActorFamily.BUYER, "Acheteuse publique"),
]
STRUCTURES_PER_REGION = 3


def ascii_slug(text):
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in text).split())


def person(number):
    """The ``number``-th fictitious person: always the same name and e-mail."""
    first = FIRST_NAMES[number % len(FIRST_NAMES)]
    last = LAST_NAMES[(number * 7 + number // len(FIRST_NAMES)) % len(LAST_NAMES)]
    email = f"{ascii_slug(first)}.{ascii_slug(last)}.{number}@example.org"
    return first, last, email


def local_structures(index, spec):
    """The structures of a meeting's territory: three of LOCAL_STRUCTURES, rotating."""
    chosen = []
    for offset in range(STRUCTURES_PER_REGION):
        name, family, function = LOCAL_STRUCTURES[(index + offset * 2) % len(LOCAL_STRUCTURES)]
        name = name.format(city=spec.city, area=spec.area).replace(" de Le ", " du ")
        chosen.append((name, family, function))
    return chosen


def _at(date, hour, minute, tz):
    return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=ZoneInfo(tz))


def _speakers(pattern, index):
    names = {}
    for offset, role in enumerate(ROLES):
        first, last, _ = person(5000 + index * 10 + offset)
        names[role] = f"{first} {last}, {ROLES[role]}"
    return pattern.format(**names)


def _seed_meeting(
    *,
    edition,
    organiser,
    spec,
    index,
    slug,
    title,
    starts_at,
    ends_at,
    capacity,
    mode,
    opens_at,
    closes_at,
    retention_days,
    regions,
    departements,
):
    region = regions[spec.region]
    families = [str(f) for _, f, _ in local_structures(index, spec)]
    meeting, _ = Meeting.objects.update_or_create(
        slug=slug,
        defaults={
            "organiser": organiser,
            "edition": edition,
            "title": title,
            "summary": (
                f"Une journée à {spec.city} pour que les acteurs de l'emploi, de l'habitat, de "
                "la politique de la ville et du renouvellement urbain de la région se "
                "rencontrent et partagent leurs pratiques de la clause sociale."
            ),
            "region": region,
            "departement": departements.get(spec.departement),
            "venue_name": spec.venue,
            "venue_address": spec.address,
            "venue_postal_code": spec.postal_code,
            "venue_city": spec.city,
            "access_info": "Transports en commun à proximité ; stationnement limité.",
            "accessibility_info": (
                "Salles de plain-pied accessibles en fauteuil roulant, boucle magnétique "
                "dans la salle plénière. Signalez vos besoins à l'inscription."
            ),
            "starts_at": starts_at,
            "ends_at": ends_at,
            "capacity": capacity,
            "registration_opens_at": opens_at,
            "registration_closes_at": closes_at,
            "mode": mode,
            "target_families": families,
            "retention_days": retention_days,
            "is_published": True,
        },
    )
    slots = PROGRAMME[: 4 + index % 3] if index % 3 != 2 else PROGRAMME
    if len(slots) < len(PROGRAMME):
        slots = [*slots[:-1], PROGRAMME[-1]]
    kept = []
    for start, end, slot_title, speakers in slots:
        slot, _ = ProgrammeSlot.objects.update_or_create(
            meeting=meeting,
            starts_at=datetime.time(*start),
            defaults={
                "ends_at": datetime.time(*end),
                "title": slot_title,
                "speakers": _speakers(speakers, index),
            },
        )
        kept.append(slot.pk)
    meeting.slots.exclude(pk__in=kept).delete()
    practice_count = 2 + index % 2
    for position in range(practice_count):
        practice_title, summary = PRACTICES[(index + position) % len(PRACTICES)]
        structure_name = local_structures(index, spec)[position][0]
        PresentedPractice.objects.update_or_create(
            meeting=meeting,
            title=practice_title,
            defaults={"structure_name": structure_name, "summary": summary, "position": position},
        )
    return meeting


def _person_data(number, index, spec, region, slot):
    first, last, email = person(number)
    structures = local_structures(index, spec)
    name, family, function = structures[slot % len(structures)]
    return {
        "first_name": first,
        "last_name": last,
        "email": email,
        "organisation_name": name,
        "function": function,
        "actor_family": family,
        "region": region,
        "accessibility_needs": "",
        "visibility": VISIBILITIES[number % len(VISIBILITIES)],
        "directory_opt_in": number % 7 in (0, 3, 5),
    }


@transaction.atomic
def record_past_registrations(*, meeting, people):
    """Write the registrations of a meeting of the 2021-2023 history, in one go.

    ``people``: ``(data, registered_at, present_at or None)`` in registration order.

    Why not ``meetings.services.register`` and ``check_in``: ``register`` refuses (rightly)
    a meeting that took place and e-mails the person, and one call per person would make
    the seed slow. The history is written as those services wrote it at the time: the
    meeting locked, confirmed while places remained then waiting list, consent at the
    registration time, presence only for confirmed people, an audit entry, and the
    directory opt-in through the directory's own service."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    confirmed = meeting.registrations.confirmed().count()
    rows = []
    for data, registered_at, present_at in people:
        status = RegistrationStatus.WAITING
        if confirmed < meeting.capacity:
            status = RegistrationStatus.CONFIRMED
            confirmed += 1
        rows.append(
            Registration(
                meeting=meeting,
                status=status,
                consent_at=registered_at,
                checked_in_at=present_at if status == RegistrationStatus.CONFIRMED else None,
                **data,
            )
        )
    registrations = Registration.objects.bulk_create(rows)
    if registrations:
        audit.log(
            actor="reprise de l'historique (démonstration)",
            action="meetings.registered",
            obj=meeting,
            changes={
                "inscriptions": len(registrations),
                "présents": sum(1 for r in registrations if r.checked_in_at),
            },
        )
    for registration in registrations:
        if registration.directory_opt_in:
            record_registration(registration=registration)
    return registrations


def seed_history(*, organiser):
    edition, _ = Edition.objects.update_or_create(
        slug=HISTORY_EDITION["slug"],
        defaults={k: v for k, v in HISTORY_EDITION.items() if k != "slug"},
    )
    regions = {r.code: r for r in Region.objects.filter(code__in=[m.region for m in HISTORY])}
    departements = {
        d.code: d for d in Departement.objects.filter(code__in=[m.departement for m in HISTORY])
    }
    meetings = []
    for index, spec in enumerate(HISTORY):
        if spec.region not in regions:
            continue  # territories not loaded: the meeting waits for them
        region = regions[spec.region]
        starts_at = _at(spec.date, 9, 0, spec.tz)
        capacity = 60 + (index * 23) % 91
        meeting = _seed_meeting(
            edition=edition,
            organiser=organiser,
            spec=spec,
            index=index,
            slug=f"{spec.date:%Y-%m}-{ascii_slug(region.name)}-{ascii_slug(spec.city)}",
            title=f"Rencontre régionale {region.name} — {spec.city}",
            starts_at=starts_at,
            ends_at=_at(spec.date, 16, 30, spec.tz),
            capacity=capacity,
            mode=RegistrationMode.OPEN,
            opens_at=starts_at - datetime.timedelta(days=60),
            closes_at=starts_at - datetime.timedelta(days=2),
            retention_days=HISTORY_RETENTION_DAYS,
            regions=regions,
            departements=departements,
        )
        count = min(20 + (index * 37) % 61, capacity)
        existing = set(meeting.registrations.values_list("email", flat=True))
        people = []
        for slot in range(count):
            data = _person_data(index * 100 + slot, index, spec, region, slot)
            if data["email"] in existing:
                continue
            registered_at = starts_at - datetime.timedelta(days=30 - slot % 25, hours=slot % 7)
            # Most came; one in eight stayed registered without being pointed.
            present_at = (
                None if slot % 8 == 7 else starts_at + datetime.timedelta(minutes=slot % 40)
            )
            people.append((data, registered_at, present_at))
        record_past_registrations(meeting=meeting, people=people)
        meetings.append(meeting)
    return edition, meetings


def next_quarter_start(today):
    quarter_month = 3 * ((today.month - 1) // 3) + 1
    if quarter_month == 10:
        return datetime.date(today.year + 1, 1, 1)
    return datetime.date(today.year, quarter_month + 3, 1)


def _seed_questions(meeting):
    lunch, _ = Question.objects.update_or_create(
        meeting=meeting,
        position=1,
        defaults={
            "label": "Déjeunerez-vous sur place ?",
            "kind": QuestionKind.YES_NO,
            "required": True,
            "choices": [],
            "depends_on": None,
            "depends_on_values": [],
        },
    )
    Question.objects.update_or_create(
        meeting=meeting,
        position=2,
        defaults={
            "label": "Régime alimentaire particulier",
            "help_text": "Si vous déjeunez sur place.",
            "kind": QuestionKind.SHORT_TEXT,
            "required": False,
            "choices": [],
            "depends_on": lunch,
            "depends_on_values": ["oui"],
        },
    )
    workshop, _ = Question.objects.update_or_create(
        meeting=meeting,
        position=3,
        defaults={
            "label": "Atelier de l'après-midi",
            "kind": QuestionKind.CHOICE,
            "required": True,
            "choices": [
                "Clauses et renouvellement urbain",
                "Marchés de services",
                "Femmes et métiers du bâtiment",
            ],
            "depends_on": None,
            "depends_on_values": [],
        },
    )
    return lunch, workshop


def seed_upcoming(*, organiser, actor, today=None):
    """The next edition: its meetings start from the first day of the next quarter, so a
    rerun the same quarter finds the same dates."""
    base = next_quarter_start(today or timezone.localdate())
    edition, _ = Edition.objects.update_or_create(
        slug=f"tour-de-france-{base.year}",
        defaults={
            "name": f"Tour de France de la clause sociale {base.year}",
            "year_start": base.year,
            "year_end": base.year,
            "description": (
                "La nouvelle édition du Tour de France : les inscriptions sont ouvertes."
            ),
        },
    )
    regions = {r.code: r for r in Region.objects.filter(code__in=[u[1].region for u in UPCOMING])}
    departements = {
        d.code: d for d in Departement.objects.filter(code__in=[u[1].departement for u in UPCOMING])
    }
    # Registrations opened a month before the current quarter: the same instant all quarter.
    current_quarter = (
        datetime.date(base.year - 1, base.month + 9, 1)
        if base.month <= 3
        else datetime.date(base.year, base.month - 3, 1)
    )
    opens_at = _at(current_quarter, 9, 0, "Europe/Paris") - datetime.timedelta(days=30)
    meetings = []
    for offset_index, (kind, spec, offset, capacity, count) in enumerate(UPCOMING):
        if spec.region not in regions:
            continue
        index = 100 + offset_index
        region = regions[spec.region]
        date = base + datetime.timedelta(days=offset)
        starts_at = _at(date, 9, 0, spec.tz)
        meeting = _seed_meeting(
            edition=edition,
            organiser=organiser,
            spec=spec,
            index=index,
            slug=f"{base.year}-{ascii_slug(region.name)}-{ascii_slug(spec.city)}",
            title=f"Rencontre régionale {region.name} — {spec.city}",
            starts_at=starts_at,
            ends_at=_at(date, 16, 30, spec.tz),
            capacity=capacity,
            mode=RegistrationMode.APPROVAL if kind == "validation" else RegistrationMode.OPEN,
            opens_at=opens_at,
            closes_at=starts_at - datetime.timedelta(days=2),
            retention_days=365,
            regions=regions,
            departements=departements,
        )
        lunch, workshop = _seed_questions(meeting)
        existing = set(meeting.registrations.values_list("email", flat=True))
        for slot in range(count):
            number = index * 100 + slot
            data = _person_data(number, index, spec, region, slot)
            if data["email"] in existing:
                continue
            answers = {
                str(lunch.pk): "oui" if slot % 3 else "non",
                str(workshop.pk): workshop.choices[slot % len(workshop.choices)],
            }
            meeting_services.register(meeting=meeting, data=data, answers=answers)
        if kind == "validation":
            pending = meeting.registrations.filter(status=RegistrationStatus.PENDING)
            decided = meeting.registrations.exclude(status=RegistrationStatus.PENDING).count()
            for registration in pending.order_by("created_at", "pk")[
                : max(APPROVED_ON_APPROVAL_MEETING - decided, 0)
            ]:
                meeting_services.approve_registration(registration=registration, actor=actor)
        meetings.append(meeting)
    return edition, meetings
