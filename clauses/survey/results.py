"""Results of a survey: filters, per-question counts and percentages, and their bar charts
(drawn by ``clauses.core.charts``, the site's one bar chart)."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from clauses.core import charts
from clauses.directory.enums import ActorFamily

from .enums import CHOICE_KINDS, SCALE_VALUES, TEXT_KINDS, QuestionKind
from .logic import YES_NO_CHOICES, Structure
from .models import Answer, Response

COUNTED_KINDS = [
    *CHOICE_KINDS,
    QuestionKind.YES_NO,
    QuestionKind.SCALE,
    QuestionKind.REGION,
    QuestionKind.DEPARTEMENT,
    QuestionKind.ACTOR_FAMILY,
]


def filtered_responses(survey, user, *, region=None, actor_family="", date_from=None, date_to=None):
    responses = Response.objects.for_user(user).filter(survey=survey).submitted()
    if region:
        responses = responses.filter(region=region)
    if actor_family:
        responses = responses.filter(actor_family=actor_family)
    if date_from:
        responses = responses.filter(submitted_at__date__gte=date_from)
    if date_to:
        responses = responses.filter(submitted_at__date__lte=date_to)
    return responses


def options(question):
    """The (value, label) pairs counted for a question, in display order."""
    if question.kind in CHOICE_KINDS:
        return [(str(c), str(c)) for c in question.choices]
    if question.kind == QuestionKind.YES_NO:
        return YES_NO_CHOICES
    if question.kind == QuestionKind.SCALE:
        return [(str(n), f"{n} sur 5") for n in SCALE_VALUES]
    if question.kind == QuestionKind.ACTOR_FAMILY:
        return list(ActorFamily.choices)
    return []  # territories: the values given


@dataclass
class QuestionResult:
    question: object
    answered: int = 0
    rows: list = field(default_factory=list)  # {label, count, percent}
    numbers: dict = field(default_factory=dict)
    is_text: bool = False

    @property
    def chart(self):
        """The rows as bars, a full bar being every respondent to the question."""
        if not self.rows:
            return None
        return charts.bar_chart(
            [
                {
                    "label": row["label"],
                    "value": row["count"],
                    "share": Decimal(row["percent"]) / 100,
                }
                for row in self.rows
            ],
            title=self.question.label,
            label_header="Réponse",
            value_header="Nombre",
            max_value=self.answered,
            dom_id=f"question-{self.question.pk}",
        )


def question_results(survey, responses):
    structure = Structure.load(survey)
    values = {}
    for question_id, value in Answer.objects.filter(
        response__in=responses.values("pk"), question__section__survey=survey
    ).values_list("question_id", "value"):
        values.setdefault(question_id, []).append(value)
    sections = []
    for section in structure.sections:
        items = []
        for question in structure.questions_by_section[section.pk]:
            given = values.get(question.pk, [])
            result = QuestionResult(question=question, answered=len(given))
            if question.kind in COUNTED_KINDS:
                counter = Counter()
                for value in given:
                    for v in value if isinstance(value, list) else [value]:
                        counter[str(v)] += 1
                pairs = options(question) or _territory_pairs(question, counter)
                known = {v for v, _ in pairs}
                pairs += [(v, v) for v in counter if v not in known]
                result.rows = [
                    {
                        "label": label,
                        "count": counter[value],
                        "percent": round(100 * counter[value] / len(given)) if given else 0,
                    }
                    for value, label in pairs
                ]
            elif question.kind == QuestionKind.NUMBER:
                numbers = [float(v) for v in given if isinstance(v, int | float)]
                if numbers:
                    result.numbers = {
                        "mean": round(sum(numbers) / len(numbers), 1),
                        "min": min(numbers),
                        "max": max(numbers),
                        "total": sum(numbers),
                    }
            elif question.kind in TEXT_KINDS:
                result.is_text = True
            items.append(result)
        sections.append({"section": section, "results": items})
    return sections


def _territory_pairs(question, counter):
    """Regions or départements given, most frequent first, named in one query."""
    from clauses.territories.models import Departement, Region

    model = Region if question.kind == QuestionKind.REGION else Departement
    names = dict(model.objects.filter(code__in=list(counter)).values_list("code", "name"))
    return [(code, names.get(code, code)) for code, _ in counter.most_common()]


def text_answers(survey, responses, question):
    return (
        Answer.objects.filter(response__in=responses.values("pk"), question=question)
        .select_related("response", "response__region")
        .order_by("-response__submitted_at", "pk")
    )
