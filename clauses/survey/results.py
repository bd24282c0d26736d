"""Results of a survey: filters, per-question counts and percentages, SVG bar charts."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join

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
BAR_HEIGHT = 22
LABEL_WIDTH = 0  # labels are written above the bars
CHART_WIDTH = 600


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
        return bar_chart(self.rows) if self.rows else ""


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


def bar_chart(rows):
    """A horizontal bar chart as inline SVG (no script, no style attribute)."""
    height = len(rows) * (BAR_HEIGHT + 18) + 4
    bars = []
    for index, row in enumerate(rows):
        y = index * (BAR_HEIGHT + 18)
        width = max(1, round((CHART_WIDTH - 120) * row["percent"] / 100))
        bars.append(
            (
                y + 12,
                row["label"],
                y + 16,
                width,
                width + 6,
                y + 16 + BAR_HEIGHT - 7,
                row["count"],
                row["percent"],
            )
        )
    body = format_html_join(
        "",
        '<text x="0" y="{}" font-size="12" fill="#161616">{}</text>'
        '<rect x="0" y="{}" width="{}" height="' + str(BAR_HEIGHT - 6) + '" fill="#000091"></rect>'
        '<text x="{}" y="{}" font-size="12" fill="#3a3a3a">{} ({} %)</text>',
        bars,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{}" height="{}" '
        'viewBox="0 0 {} {}" aria-hidden="true" focusable="false">{}</svg>',
        CHART_WIDTH,
        height,
        CHART_WIDTH,
        height,
        body,
    )


def text_answers(survey, responses, question):
    return (
        Answer.objects.filter(response__in=responses.values("pk"), question=question)
        .select_related("response", "response__region")
        .order_by("-response__submitted_at", "pk")
    )
