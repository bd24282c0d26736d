"""Survey answers as rows (CSV/XLSX through clauses.core.exports) or raw JSON."""

import datetime

from django.utils import timezone

from .enums import QuestionKind
from .logic import Structure, display_answer
from .models import Answer

BASE_HEADER = [
    "N° de réponse",
    "Envoyée le",
    "Région",
    "Famille d'acteurs",
    "Structure",
    "Accord pour publier la pratique",
]


def _columns(survey):
    """``[(question, choice or None, header)]``: one column per question, one per choice
    of a multiple-choice question."""
    columns = []
    for question in Structure.load(survey).questions:
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            for choice in question.choices:
                columns.append((question, str(choice), f"{question.label} : {choice}"))
        else:
            columns.append((question, None, question.label))
    return columns


def _answers_by_response(responses):
    answers = {}
    for response_id, question_id, value in Answer.objects.filter(
        response__in=responses.values("pk")
    ).values_list("response_id", "question_id", "value"):
        answers.setdefault(response_id, {})[question_id] = value
    return answers


def _cell(question, choice, value):
    if value is None or value == "" or value == []:
        return None
    if choice is not None:
        return "Oui" if choice in value else "Non"
    if question.kind == QuestionKind.NUMBER:
        return value
    if question.kind == QuestionKind.SCALE:
        return int(value)
    if question.kind == QuestionKind.DATE:
        return datetime.date.fromisoformat(value)
    return display_answer(question, value)


def response_rows(survey, responses):
    columns = _columns(survey)
    responses = responses.select_related("region").order_by("submitted_at", "pk")
    answers = _answers_by_response(responses)
    yield BASE_HEADER + [header for _, _, header in columns]
    for response in responses:
        given = answers.get(response.pk, {})
        yield [
            response.pk,
            timezone.localtime(response.submitted_at).replace(tzinfo=None)
            if response.submitted_at
            else None,
            response.region.name if response.region else "",
            response.get_actor_family_display(),
            response.structure_name,
            "Oui" if response.consent_to_publish else "Non",
        ] + [_cell(q, choice, given.get(q.pk)) for q, choice, _ in columns]


def response_json(survey, responses):
    questions = {q.pk: q for q in Structure.load(survey).questions}
    responses = responses.select_related("region").order_by("submitted_at", "pk")
    answers = _answers_by_response(responses)
    return {
        "enquete": {"titre": survey.title, "slug": survey.slug},
        "questions": [
            {"id": q.pk, "intitule": q.label, "type": q.kind, "choix": q.choices}
            for q in questions.values()
        ],
        "reponses": [
            {
                "id": r.pk,
                "envoyee_le": r.submitted_at.isoformat() if r.submitted_at else None,
                "region": r.region.code if r.region else None,
                "famille_acteurs": r.actor_family,
                "structure": r.structure_name,
                "accord_publication": r.consent_to_publish,
                "reponses": {
                    str(pk): value for pk, value in answers.get(r.pk, {}).items() if pk in questions
                },
            }
            for r in responses
        ],
    }
