"""The national survey « Les bonnes pratiques d'animation de la clause sociale dans les QPV ».

Installed by ``python manage.py install_national_survey`` (idempotent: nothing happens when
a survey with the same slug exists), which ``seed_demo`` calls too.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from clauses.core import audit

from .enums import PracticeField as P
from .enums import ProfileField, SurveyMode
from .enums import QuestionKind as K
from .models import Question, Section, Survey

SLUG = "bonnes-pratiques-qpv"
TITLE = "Les bonnes pratiques d'animation de la clause sociale dans les QPV"
INTRO = (
    "Le Tour de France de la clause sociale recense les pratiques qui font vivre la clause "
    "sociale d'insertion au bénéfice des habitants des quartiers prioritaires de la politique "
    "de la ville (QPV). Vos réponses nourrissent les rencontres régionales et le recueil "
    "national des bonnes pratiques. Comptez une vingtaine de minutes ; vous pouvez enregistrer "
    "et reprendre plus tard avec votre lien personnel."
)
THANKS = (
    "Merci ! Vos réponses nourriront les rencontres régionales et le recueil national. "
    "Vous pouvez les modifier avec votre lien personnel jusqu'à la clôture de l'enquête."
)
YES_NO = K.YES_NO
# The five themes of the national recueil: the labels of clauses.practices.enums.Theme,
# so « Promouvoir en fiche pratique » maps the answer onto the sheet's themes.
THEMES = [
    "Les publics",
    "La mise en œuvre de la clause",
    "La préparation du marché",
    "La mobilisation des partenaires",
    "L'ancrage dans les politiques publiques",
]

# (key, kind, label, extra): extra may hold choices, required, help, depends (key, values),
# profile, practice.
SECTIONS = [
    {
        "title": "Votre profil",
        "description": "Pour situer vos réponses : elles sont analysées par "
        "région et par famille d'acteurs.",
        "questions": [
            (
                "structure",
                K.SHORT_TEXT,
                "Nom de votre structure",
                {"required": True, "profile": ProfileField.STRUCTURE},
            ),
            (
                "family",
                K.ACTOR_FAMILY,
                "Famille d'acteurs de votre structure",
                {"required": True, "profile": ProfileField.ACTOR_FAMILY},
            ),
            ("function", K.SHORT_TEXT, "Votre fonction", {}),
            (
                "region",
                K.REGION,
                "Région de votre territoire d'action",
                {"required": True, "profile": ProfileField.REGION},
            ),
            (
                "departement",
                K.DEPARTEMENT,
                "Département (si votre action est départementale ou locale)",
                {"profile": ProfileField.DEPARTEMENT},
            ),
            (
                "qpv_count",
                K.NUMBER,
                "Combien de quartiers prioritaires (QPV) compte votre territoire d'action ?",
                {},
            ),
            (
                "experience",
                K.SINGLE_CHOICE,
                "Depuis combien de temps animez-vous la clause sociale ?",
                {"choices": ["Moins d'un an", "1 à 3 ans", "3 à 10 ans", "Plus de 10 ans"]},
            ),
        ],
    },
    {
        "title": "La clause sociale dans les quartiers prioritaires",
        "description": "Comment la clause est mise en œuvre au bénéfice des habitants des QPV.",
        "questions": [
            (
                "inform",
                K.MULTIPLE_CHOICE,
                "Comment informez-vous les habitants des QPV des offres liées aux clauses ?",
                {
                    "choices": [
                        "Réunions d'information dans le quartier",
                        "Centres sociaux et associations de quartier",
                        "Adultes-relais et médiateurs",
                        "Réseaux sociaux",
                        "Service public de l'emploi",
                        "Forums emploi",
                        "Autre",
                    ]
                },
            ),
            (
                "partners",
                K.MULTIPLE_CHOICE,
                "Quels partenaires mobilisez-vous ?",
                {
                    "choices": [
                        "France Travail",
                        "Mission locale",
                        "PLIE",
                        "SIAE",
                        "GEIQ",
                        "Bailleurs sociaux",
                        "Délégués du préfet",
                        "Équipe du contrat de ville",
                        "Centres sociaux",
                        "Organismes de formation",
                    ]
                },
            ),
            ("sourcing", K.LONG_TEXT, "Comment repérez-vous les candidats habitant les QPV ?", {}),
            (
                "support",
                K.LONG_TEXT,
                "Quel accompagnement proposez-vous pendant les missions ?",
                {},
            ),
            (
                "npnru",
                YES_NO,
                "Votre territoire compte-t-il un projet de renouvellement urbain (NPNRU) ?",
                {"required": True},
            ),
            (
                "npnru_hours",
                K.NUMBER,
                "Combien d'heures d'insertion la charte locale d'insertion NPNRU prévoit-elle ?",
                {"depends": ("npnru", ["oui"]), "help": "Une estimation suffit."},
            ),
            (
                "npnru_links",
                K.LONG_TEXT,
                "Comment articulez-vous la clause sociale et le projet "
                "NPNRU (charte d'insertion, GUSP, chantiers) ?",
                {"depends": ("npnru", ["oui"])},
            ),
            (
                "women",
                K.LONG_TEXT,
                "Quelles actions menez-vous pour l'accès des femmes aux missions ?",
                {},
            ),
            (
                "beyond_works",
                YES_NO,
                "Mobilisez-vous des clauses dans des marchés autres que "
                "le bâtiment et les travaux publics ?",
                {},
            ),
            (
                "beyond_works_which",
                K.MULTIPLE_CHOICE,
                "Lesquels ?",
                {
                    "depends": ("beyond_works", ["oui"]),
                    "choices": [
                        "Propreté et nettoyage",
                        "Espaces verts",
                        "Restauration",
                        "Services à la personne",
                        "Numérique",
                        "Gardiennage et sécurité",
                        "Autre",
                    ],
                },
            ),
        ],
    },
    {
        "title": "Résultats",
        "description": "",
        "questions": [
            (
                "hours",
                K.NUMBER,
                "Nombre d'heures d'insertion réalisées l'an dernier sur votre territoire",
                {},
            ),
            ("qpv_share", K.NUMBER, "Part des participants habitant un QPV (en %)", {}),
            (
                "satisfaction",
                K.SCALE,
                "Dans quelle mesure la clause bénéficie-t-elle aux habitants "
                "des QPV ? (1 : pas du tout, 5 : pleinement)",
                {"required": True},
            ),
            (
                "results_text",
                K.LONG_TEXT,
                "Quels résultats mettez-vous en avant (sorties en emploi, formations, etc.) ?",
                {},
            ),
        ],
    },
    {
        "title": "Difficultés",
        "description": "",
        "questions": [
            (
                "difficulties",
                K.MULTIPLE_CHOICE,
                "Quelles difficultés rencontrez-vous ?",
                {
                    "choices": [
                        "Repérage des publics",
                        "Mobilité",
                        "Garde d'enfants",
                        "Maîtrise du français",
                        "Adhésion des entreprises",
                        "Suivi des heures",
                        "Coordination des partenaires",
                        "Autre",
                    ]
                },
            ),
            ("difficulties_text", K.LONG_TEXT, "Précisez si vous le souhaitez", {}),
        ],
    },
    {
        "title": "Une pratique inspirante",
        "description": "",
        "questions": [
            (
                "wants_practice",
                YES_NO,
                "Souhaitez-vous décrire une pratique que vous trouvez inspirante ?",
                {
                    "required": True,
                    "help": "Elle pourra être présentée lors d'une rencontre régionale et "
                    "publiée dans le recueil national, avec votre accord.",
                },
            ),
        ],
    },
    {
        "title": "Décrivez la pratique",
        "description": "Décrivez-la comme une fiche pratique : elle pourra être "
        "relue avec vous avant toute publication.",
        "depends": ("wants_practice", ["oui"]),
        "questions": [
            (
                "p_title",
                K.SHORT_TEXT,
                "Titre de la pratique",
                {"required": True, "practice": P.TITLE},
            ),
            (
                "p_pitch",
                K.SHORT_TEXT,
                "La pratique en une phrase",
                {"required": True, "practice": P.PITCH},
            ),
            ("p_themes", K.MULTIPLE_CHOICE, "Thèmes", {"choices": THEMES, "practice": P.THEMES}),
            (
                "p_qpv",
                K.QPV,
                "Code du quartier prioritaire concerné (facultatif)",
                {"practice": P.QPV, "help": "Par exemple QN07501M."},
            ),
            (
                "p_context",
                K.LONG_TEXT,
                "Contexte : quel besoin la pratique a-t-elle voulu couvrir ?",
                {"required": True, "practice": P.CONTEXT},
            ),
            ("p_actions", K.LONG_TEXT, "Actions menées", {"required": True, "practice": P.ACTIONS}),
            (
                "p_means",
                K.LONG_TEXT,
                "Moyens mobilisés (humains, financiers)",
                {"practice": P.MEANS},
            ),
            ("p_partners", K.LONG_TEXT, "Partenaires impliqués", {"practice": P.PARTNERS}),
            ("p_results", K.LONG_TEXT, "Résultats obtenus", {"practice": P.RESULTS}),
            ("p_success", K.LONG_TEXT, "Facteurs de réussite", {"practice": P.SUCCESS_FACTORS}),
            ("p_pitfalls", K.LONG_TEXT, "Points de vigilance", {"practice": P.PITFALLS}),
            (
                "p_contact",
                K.SHORT_TEXT,
                "Contact pour en savoir plus (nom, e-mail)",
                {"practice": P.CONTACT},
            ),
            (
                "p_file",
                K.FILE,
                "Un document pour illustrer (facultatif)",
                {"help": "Plaquette, bilan, photo…"},
            ),
            (
                "p_consent",
                YES_NO,
                "Acceptez-vous que cette pratique soit publiée dans le "
                "recueil national, après relecture avec vous ?",
                {"required": True, "practice": P.CONSENT},
            ),
        ],
    },
]


@transaction.atomic
def install(*, opens_at=None, closes_at=None, published=True):
    """Create the national survey; return ``(survey, created)``."""
    existing = Survey.objects.filter(slug=SLUG).first()
    if existing:
        return existing, False
    now = timezone.now()
    opens_at = opens_at or now - datetime.timedelta(days=1)
    closes_at = closes_at or now + datetime.timedelta(days=180)
    survey = Survey.objects.create(
        title=TITLE,
        slug=SLUG,
        intro=INTRO,
        thanks=THANKS,
        mode=SurveyMode.IDENTIFIED,
        opens_at=opens_at,
        closes_at=closes_at,
        is_published=published,
    )
    questions = {}
    for s_pos, spec in enumerate(SECTIONS, start=1):
        depends = spec.get("depends")
        section = Section.objects.create(
            survey=survey,
            title=spec["title"],
            description=spec.get("description", ""),
            position=s_pos * 10,
            depends_on=questions[depends[0]] if depends else None,
            depends_on_values=depends[1] if depends else [],
        )
        for q_pos, (key, kind, label, extra) in enumerate(spec["questions"], start=1):
            depends = extra.get("depends")
            questions[key] = Question.objects.create(
                section=section,
                label=label,
                kind=kind,
                help_text=extra.get("help", ""),
                choices=extra.get("choices", []),
                required=extra.get("required", False),
                position=q_pos * 10,
                depends_on=questions[depends[0]] if depends else None,
                depends_on_values=depends[1] if depends else [],
                profile_field=extra.get("profile", ""),
                practice_field=extra.get("practice", ""),
            )
    audit.log(actor="installation", action="survey.national_installed", obj=survey)
    return survey, True


def questions_by_key(survey):
    """{definition key: Question} of an installed national survey (by position)."""
    sections = list(survey.sections.order_by("position"))
    result = {}
    for section, spec in zip(sections, SECTIONS, strict=False):
        questions = list(section.questions.order_by("position"))
        for question, (key, *_rest) in zip(questions, spec["questions"], strict=False):
            result[key] = question
    return result
