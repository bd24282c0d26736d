"""Demo answers to the national survey: about 300 submitted responses across the regions
and actor families, deterministic (a seeded random generator) and fast (bulk_create)."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from clauses.directory.enums import ActorFamily
from clauses.territories.models import Departement, Region

from . import national
from .enums import CHOICE_KINDS, QuestionKind, ResponseStatus
from .models import Answer, Respondent, Response

RESPONSE_COUNT = 300
FAMILIES = [
    ActorFamily.FACILITATOR,
    ActorFamily.FACILITATOR,
    ActorFamily.PLIE_MDE,
    ActorFamily.BUYER,
    ActorFamily.SOCIAL_LANDLORD,
    ActorFamily.SIAE,
    ActorFamily.GEIQ,
    ActorFamily.PUBLIC_EMPLOYMENT,
    ActorFamily.POLITIQUE_VILLE,
    ActorFamily.URBAN_RENEWAL,
    ActorFamily.LOCAL_AUTHORITY,
]
TEXTS = {
    "sourcing": [
        "Permanences hebdomadaires au centre social avec la Mission locale.",
        "Repérage par les adultes-relais et les associations de quartier.",
        "Job dating en pied d'immeuble avec le bailleur et les entreprises attributaires.",
    ],
    "support": [
        "Un référent unique suit la personne pendant toute la mission.",
        "Points d'étape mensuels avec l'entreprise et la SIAE.",
        "Aide à la mobilité (prêt de scooter) et à la garde d'enfants.",
    ],
    "npnru_links": [
        "La charte locale d'insertion fixe 5 % des heures travaillées aux habitants des QPV.",
        "Comité de suivi commun avec l'équipe projet NPNRU chaque trimestre.",
    ],
    "women": [
        "Visites de chantier réservées aux femmes et découverte des métiers.",
        "Clauses dans les marchés de nettoyage et de restauration, plus mixtes.",
    ],
    "results_text": [
        "Près de la moitié des participants en emploi six mois après la mission.",
        "Une vingtaine de contrats de professionnalisation signés via le GEIQ.",
    ],
    "difficulties_text": [
        "Les entreprises préfèrent la sous-traitance à l'embauche directe.",
        "Le suivi des heures reste manuel et chronophage.",
    ],
}
PRACTICES = [
    (
        "Le café de l'emploi au pied des tours",
        "Un rendez-vous mensuel où habitants, "
        "entreprises et facilitateur se rencontrent dans le hall d'un immeuble.",
    ),
    (
        "Des marraines de chantier",
        "Des salariées du BTP accompagnent des femmes du quartier vers leurs premières missions.",
    ),
    (
        "Un guichet unique des clauses NPNRU",
        "Le PLIE centralise toutes les offres liées "
        "aux chantiers de renouvellement urbain du quartier.",
    ),
    (
        "La clause dans les marchés de nettoyage",
        "Un bailleur ouvre ses marchés de propreté aux habitants des QPV avec une SIAE.",
    ),
]


def _value(rng, question, key, region, departement, family, index):
    if key == "structure":
        return f"Structure de démonstration n° {index + 1}"
    if key == "family":
        return family
    if key == "region":
        return region.code
    if key == "departement":
        return departement.code if departement else None
    if key in TEXTS:
        return rng.choice(TEXTS[key]) if rng.random() < 0.7 else None
    kind = question.kind
    if kind == QuestionKind.SINGLE_CHOICE:
        return rng.choice(question.choices)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return sorted(
            rng.sample(question.choices, rng.randint(1, min(3, len(question.choices)))),
            key=question.choices.index,
        )
    if kind == QuestionKind.YES_NO:
        return rng.choice(["oui", "non"])
    if kind == QuestionKind.SCALE:
        return rng.choice([2, 3, 3, 4, 4, 5])
    if kind == QuestionKind.NUMBER:
        return {
            "qpv_count": rng.randint(1, 12),
            "npnru_hours": rng.randint(5, 80) * 1000,
            "hours": rng.randint(2, 150) * 1000,
            "qpv_share": rng.randint(10, 70),
        }.get(key)
    return None


@transaction.atomic
def seed_survey(stdout):
    survey, _ = national.install()
    if survey.responses.submitted().count() >= RESPONSE_COUNT:
        stdout.write(f"Enquête nationale : {RESPONSE_COUNT} réponses déjà présentes.")
        return survey
    rng = random.Random(4)
    questions = national.questions_by_key(survey)
    regions = list(Region.objects.order_by("code"))
    departements = {}
    for departement in Departement.objects.order_by("code"):
        departements.setdefault(departement.region_id, []).append(departement)
    now = timezone.now()
    respondents = Respondent.objects.bulk_create(
        [
            Respondent(survey=survey, email=f"repondant{i:03d}@example.org")
            for i in range(RESPONSE_COUNT)
        ],
        ignore_conflicts=True,
    )
    respondents = list(
        Respondent.objects.filter(survey=survey, email__endswith="@example.org").order_by("email")
    )
    Response.objects.filter(respondent__in=respondents).delete()
    plans, answers = [], []
    for index, respondent in enumerate(respondents):
        region = rng.choice(regions)
        departement = rng.choice(departements.get(region.pk) or [None])
        family = rng.choice(FAMILIES)
        values = {
            key: _value(rng, question, key, region, departement, family, index)
            for key, question in questions.items()
        }
        if values["npnru"] == "non":
            values["npnru_hours"] = values["npnru_links"] = None
        if values["beyond_works"] == "non":
            values["beyond_works_which"] = None
        values["wants_practice"] = "oui" if rng.random() < 0.25 else "non"
        consent = False
        if values["wants_practice"] == "oui":
            title, pitch = rng.choice(PRACTICES)
            consent = rng.random() < 0.8
            values.update(
                p_title=title,
                p_pitch=pitch,
                p_themes=rng.sample(national.THEMES, 2),
                p_context="Un quartier où peu d'habitants accédaient aux heures d'insertion.",
                p_actions=pitch,
                p_partners="Mission locale, bailleur social, SIAE du quartier.",
                p_results="Une trentaine de personnes en mission la première année.",
                p_success="Une présence régulière dans le quartier.",
                p_contact=f"Contact démo {index + 1}",
                p_consent="oui" if consent else "non",
            )
        response = Response(
            survey=survey,
            respondent=respondent,
            status=ResponseStatus.SUBMITTED,
            submitted_at=now - datetime.timedelta(days=rng.randint(0, 90), minutes=index),
            region=region,
            departement=departement,
            actor_family=family,
            structure_name=values["structure"],
            consent_to_publish=consent,
        )
        plans.append((response, values))
    Response.objects.bulk_create([response for response, _ in plans])
    for response, values in plans:
        for key, value in values.items():
            question = questions[key]
            if value is None or value == [] or question.kind == QuestionKind.FILE:
                continue
            if question.kind in CHOICE_KINDS and not value:
                continue
            answers.append(Answer(response=response, question=question, value=value))
    Answer.objects.bulk_create(answers, batch_size=2000)
    stdout.write(
        f"Enquête nationale : {len(plans)} réponses envoyées, "
        f"{sum(1 for r, _ in plans if r.consent_to_publish)} pratiques publiables."
    )
    return survey
