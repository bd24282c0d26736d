"""Writes with business rules: respondents' answers, and the back-office builder."""

from django.db import transaction
from django.utils import timezone

from clauses.core import audit
from clauses.core.exceptions import DomainError
from clauses.territories.models import Departement, Region

from . import emails
from .enums import CHOICE_KINDS, PracticeField, ProfileField, QuestionKind, ResponseStatus
from .logic import Structure, display_answer, is_empty, visibility
from .models import Answer, Question, Respondent, Response, Section, Survey

RESPONDENT = "répondant"
CLOSED_MESSAGE = "L'enquête est close : les réponses ne sont plus modifiables."


def ensure_open(survey):
    now = timezone.now()
    if not survey.is_published:
        raise DomainError("Cette enquête n'est pas publiée.")
    if now < survey.opens_at:
        raise DomainError(
            f"L'enquête ouvre le {timezone.localtime(survey.opens_at):%d/%m/%Y à %H:%M}."
        )
    if now > survey.closes_at:
        raise DomainError(CLOSED_MESSAGE)


# Respondents ------------------------------------------------------------------------------


@transaction.atomic
def start(*, survey, email=""):
    """A respondent and their (empty) response. Identified mode: one per e-mail address,
    the personal link is e-mailed (again, when the person already started)."""
    ensure_open(survey)
    email = email.strip().lower()
    if not survey.is_anonymous and not email:
        raise DomainError("Indiquez votre adresse e-mail.", field="email")
    if survey.is_anonymous:
        respondent = Respondent.objects.create(survey=survey)
    else:
        respondent, _ = Respondent.objects.get_or_create(survey=survey, email=email)
    response, created = Response.objects.get_or_create(survey=survey, respondent=respondent)
    if created:
        audit.log(actor=RESPONDENT, action="survey.started", obj=response)
    if not survey.is_anonymous:
        respondent.link_sent_at = timezone.now()
        respondent.save(update_fields=["link_sent_at"])
        transaction.on_commit(lambda: emails.send_link(respondent))
    return respondent


def response_of(respondent):
    response, _ = Response.objects.get_or_create(survey=respondent.survey, respondent=respondent)
    return response


def stored_answers(response):
    return {str(a.question_id): a.value for a in response.answers.all()}


def _apply_profile(response, structure, answers):
    """Copy the profile answers (region, family, structure) and the consent onto the response."""
    response.region = response.departement = None
    response.actor_family = response.structure_name = ""
    response.consent_to_publish = False
    for question in structure.questions:
        value = answers.get(str(question.pk))
        if is_empty(value):
            continue
        if question.profile_field == ProfileField.REGION:
            response.region = Region.objects.filter(code=value).first()
        elif question.profile_field == ProfileField.DEPARTEMENT:
            response.departement = Departement.objects.filter(code=value).first()
            if response.departement and response.region is None:
                response.region_id = response.departement.region_id
        elif question.profile_field == ProfileField.ACTOR_FAMILY:
            response.actor_family = str(value)[:32]
        elif question.profile_field == ProfileField.STRUCTURE:
            response.structure_name = str(value)[:255]
        if question.practice_field == PracticeField.CONSENT:
            response.consent_to_publish = str(value).lower() == "oui"


@transaction.atomic
def save_section(*, response, section, answers, files=None, structure=None, resume_at=None):
    """Store the answers to ``section``'s questions, then clear every answer the new
    answers make irrelevant (a question or section no longer shown). ``resume_at`` is the
    section the personal link will continue at (this one by default)."""
    ensure_open(response.survey)
    structure = structure or Structure.load(response.survey)
    files = files or {}
    existing = {a.question_id: a for a in response.answers.all()}
    for question in structure.questions_by_section[section.pk]:
        value = answers.get(str(question.pk))
        answer = existing.get(question.pk)
        if is_empty(value):
            if answer is not None:
                answer.delete()
                existing.pop(question.pk)
            continue
        if answer is None:
            answer = Answer(response=response, question=question)
            existing[question.pk] = answer
        answer.value = value
        if question.pk in files:
            answer.file = files[question.pk]
        answer.save()
    all_answers = {str(pk): a.value for pk, a in existing.items()}
    _, shown = visibility(structure, all_answers)
    hidden = [pk for pk in existing if pk not in shown]
    if hidden:
        Answer.objects.filter(response=response, question_id__in=hidden).delete()
        for pk in hidden:
            all_answers.pop(str(pk))
    _apply_profile(response, structure, all_answers)
    response.resume_section = resume_at or section
    response.save()
    return response


def missing_answers(response, structure=None):
    """The required questions shown and left empty, as (section, question) pairs."""
    structure = structure or Structure.load(response.survey)
    answers = stored_answers(response)
    shown_sections, shown = visibility(structure, answers)
    return [
        (section, question)
        for section in structure.sections
        if section.pk in shown_sections
        for question in structure.questions_by_section[section.pk]
        if question.pk in shown and question.required and is_empty(answers.get(str(question.pk)))
    ]


def recap(response, structure=None):
    """The shown sections with their answers in French, for the recap page and e-mail."""
    structure = structure or Structure.load(response.survey)
    answers = stored_answers(response)
    shown_sections, shown = visibility(structure, answers)
    return [
        {
            "section": section,
            "title": section.title,
            "answers": [
                {
                    "question": q,
                    "label": q.label,
                    "value": display_answer(q, answers.get(str(q.pk))),
                }
                for q in structure.questions_by_section[section.pk]
                if q.pk in shown
            ],
        }
        for section in structure.sections
        if section.pk in shown_sections
    ]


@transaction.atomic
def submit(*, response):
    ensure_open(response.survey)
    structure = Structure.load(response.survey)
    missing = missing_answers(response, structure)
    if missing:
        section, question = missing[0]
        raise DomainError(
            f"Il manque {len(missing)} réponse(s) obligatoire(s), "
            f"dont « {question.label} » (section « {section.title} »)."
        )
    first = response.status != ResponseStatus.SUBMITTED
    response.status = ResponseStatus.SUBMITTED
    if first:
        response.submitted_at = timezone.now()
    response.save()
    audit.log(
        actor=RESPONDENT,
        action="survey.submitted",
        obj=response,
        changes={} if first else {"modification": [None, "réponse modifiée"]},
    )
    respondent = response.respondent
    if respondent.email:
        copy = recap(response, structure)
        transaction.on_commit(lambda: emails.send_confirmation(response, copy))
    return response


def send_link_to(*, respondent, email, saved=True):
    """E-mail the resume link to ``email`` (anonymous mode: the address is not stored)."""
    ensure_open(respondent.survey)
    emails.send_link(respondent, to=email, saved=saved)
    audit.log(actor=RESPONDENT, action="survey.link_sent", obj=respondent.survey)


def send_confirmation_to(*, response, email):
    emails.send_confirmation(response, recap(response), to=email)


# Back-office ------------------------------------------------------------------------------

SURVEY_FIELDS = [
    "title",
    "slug",
    "intro",
    "thanks",
    "mode",
    "opens_at",
    "closes_at",
    "is_published",
]
SECTION_FIELDS = [
    "title",
    "description",
    "position",
    "depends_on",
    "depends_on_values",
    "is_archived",
]
QUESTION_FIELDS = [
    "label",
    "help_text",
    "kind",
    "choices",
    "required",
    "position",
    "depends_on",
    "depends_on_values",
    "profile_field",
    "practice_field",
    "allowed_extensions",
    "max_size_mb",
    "is_archived",
]


@transaction.atomic
def save_survey(*, actor, data, survey=None):
    if data["closes_at"] < data["opens_at"]:
        raise DomainError("La clôture doit suivre l'ouverture.", field="closes_at")
    created = survey is None
    survey = survey or Survey()
    changes = {} if created else audit.diff(survey, SURVEY_FIELDS, data)
    for name in SURVEY_FIELDS:
        if name in data:
            setattr(survey, name, data[name])
    survey.save()
    audit.log(
        actor=actor,
        action="survey.survey_created" if created else "survey.survey_updated",
        obj=survey,
        changes=changes,
    )
    return survey


def _check_condition(item, depends_on, survey, *, before_section=None):
    if depends_on is None:
        return
    if depends_on.section.survey_id != survey.pk:
        raise DomainError(
            "La question de condition doit appartenir à cette enquête.", field="depends_on"
        )
    if depends_on.kind not in [
        *CHOICE_KINDS,
        QuestionKind.YES_NO,
        QuestionKind.SCALE,
        QuestionKind.REGION,
        QuestionKind.DEPARTEMENT,
        QuestionKind.ACTOR_FAMILY,
    ]:
        raise DomainError(
            "Une condition ne peut porter que sur une question à "
            "choix, oui/non, échelle ou territoire.",
            field="depends_on",
        )
    if isinstance(item, Question) and item.pk and depends_on.pk == item.pk:
        raise DomainError("Une question ne peut pas dépendre d'elle-même.", field="depends_on")
    if before_section is not None and (depends_on.section.position, depends_on.section_id) >= (
        before_section.position,
        before_section.pk or 10**9,
    ):
        raise DomainError(
            "Une section ne peut dépendre que d'une question d'une section précédente.",
            field="depends_on",
        )


def _check_question_order(question):
    """A question depends on an earlier one: an earlier section, or before it in its own."""
    parent = question.depends_on
    if parent is None:
        return
    here = (question.section.position, question.section_id or 0)
    there = (parent.section.position, parent.section_id)
    if there > here or (there == here and parent.position >= question.position):
        raise DomainError(
            "Une question ne peut dépendre que d'une question posée avant elle.",
            field="depends_on",
        )


@transaction.atomic
def save_section_definition(*, actor, survey, data, section=None):
    section = section or Section(survey=survey)
    for name in SECTION_FIELDS:
        if name in data:
            setattr(section, name, data[name])
    _check_condition(section, section.depends_on, survey, before_section=section)
    section.save()
    audit.log(actor=actor, action="survey.section_saved", obj=section)
    return section


@transaction.atomic
def save_question(*, actor, section, data, question=None):
    """Create or edit a question. Once answered, a question keeps its kind and every
    choice already given (hide it instead of deleting it)."""
    created = question is None
    question = question or Question(section=section)
    if not created and question.answers.exists():
        if data.get("kind", question.kind) != question.kind:
            raise DomainError(
                "Cette question a déjà des réponses : son type ne peut plus changer. "
                "Masquez-la et créez-en une autre.",
                field="kind",
            )
        if question.kind in CHOICE_KINDS:
            removed = set(map(str, question.choices)) - set(map(str, data.get("choices", [])))
            used = [c for c in sorted(removed) if _choice_used(question, c)]
            if used:
                raise DomainError(
                    f"Ces choix ont déjà été donnés en réponse et ne peuvent pas être retirés : "
                    f"{', '.join(used)}.",
                    field="choices",
                )
    if data.get("kind") in CHOICE_KINDS and not data.get("choices"):
        raise DomainError("Indiquez au moins un choix, un par ligne.", field="choices")
    changes = (
        {} if created else audit.diff(question, ["label", "kind", "required", "choices"], data)
    )
    for name in QUESTION_FIELDS:
        if name in data:
            setattr(question, name, data[name])
    question.section = data.get("section", question.section)
    _check_condition(question, question.depends_on, section.survey)
    _check_question_order(question)
    question.save()
    audit.log(actor=actor, action="survey.question_saved", obj=question, changes=changes)
    return question


def _choice_used(question, choice):
    for value in question.answers.values_list("value", flat=True):
        if value == choice or (isinstance(value, list) and choice in value):
            return True
    return False


@transaction.atomic
def delete_question(*, actor, question):
    if question.answers.exists():
        raise DomainError(
            "Cette question a déjà des réponses : elle ne peut pas être supprimée. "
            "Masquez-la pour ne plus la poser."
        )
    if question.dependents.exists() or question.dependent_sections.exists():
        raise DomainError("D'autres questions ou sections dépendent de cette question.")
    audit.log(actor=actor, action="survey.question_deleted", obj=question)
    question.delete()


@transaction.atomic
def delete_section(*, actor, section):
    if Answer.objects.filter(question__section=section).exists():
        raise DomainError(
            "Cette section a déjà des réponses : elle ne peut pas être supprimée. "
            "Masquez-la pour ne plus la poser."
        )
    if (
        Question.objects.filter(dependents__section__survey=section.survey, section=section)
        .exclude(dependents__section=section)
        .exists()
        or Section.objects.filter(depends_on__section=section).exists()
    ):
        raise DomainError("D'autres questions ou sections dépendent de questions de cette section.")
    audit.log(actor=actor, action="survey.section_deleted", obj=section)
    section.delete()


def log_promotion(*, actor, response, practice):
    audit.log(
        actor=actor,
        action="survey.promoted",
        obj=response,
        changes={"fiche": [None, str(practice)]},
    )
