"""Which sections and questions a response shows, and how answers read in French.

The server decides on its own: a section or a question whose condition is not met is
neither validated nor stored (and an earlier answer to it is cleared).
"""

from dataclasses import dataclass, field

from clauses.core.conditions import condition_met
from clauses.directory.enums import ActorFamily

from .enums import QuestionKind

YES_NO_CHOICES = [("oui", "Oui"), ("non", "Non")]


def is_empty(value):
    return value is None or value == "" or value == []


@dataclass
class Structure:
    """A survey's live (not archived) sections and questions, loaded once."""

    sections: list
    questions_by_section: dict = field(default_factory=dict)

    @classmethod
    def load(cls, survey):
        from .models import Question, Section

        sections = list(Section.objects.filter(survey=survey, is_archived=False))
        questions = Question.objects.filter(
            section__survey=survey, section__is_archived=False, is_archived=False
        ).order_by("position", "pk")
        by_section = {s.pk: [] for s in sections}
        for question in questions:
            by_section[question.section_id].append(question)
        return cls(sections=sections, questions_by_section=by_section)

    @property
    def questions(self):
        return [q for s in self.sections for q in self.questions_by_section[s.pk]]

    def question(self, pk):
        return next((q for q in self.questions if q.pk == pk), None)


def visibility(structure, answers):
    """``(shown section pks, shown question pks)`` for ``answers`` ({str(question pk): value}).

    A section is shown when it depends on nothing, or when the question it depends on is
    shown and answered with one of ``depends_on_values``; a question, when its section is
    shown and its own condition (same rule) holds. Conditions point to earlier questions.
    """
    questions = {q.pk: q for q in structure.questions}
    memo = {}

    def question_shown(pk):
        if pk in memo:
            return memo[pk]
        memo[pk] = False  # guards against cycles
        question = questions.get(pk)
        result = question is not None and section_shown(question.section_id)
        if result and question.depends_on_id:
            result = question_shown(question.depends_on_id) and condition_met(question, answers)
        memo[pk] = result
        return result

    sections = {s.pk: s for s in structure.sections}
    section_memo = {}

    def section_shown(pk):
        if pk in section_memo:
            return section_memo[pk]
        section_memo[pk] = False
        section = sections.get(pk)
        result = section is not None
        if result and section.depends_on_id:
            result = question_shown(section.depends_on_id) and condition_met(section, answers)
        section_memo[pk] = result
        return result

    shown_sections = {s.pk for s in structure.sections if section_shown(s.pk)}
    shown_questions = {pk for pk in questions if question_shown(pk)}
    return shown_sections, shown_questions


def display_answer(question, value):
    """An answer as French text (recap page, e-mails, exports)."""
    if is_empty(value):
        return "—"
    if question.kind == QuestionKind.YES_NO:
        return dict(YES_NO_CHOICES).get(str(value), str(value))
    if question.kind == QuestionKind.ACTOR_FAMILY:
        return dict(ActorFamily.choices).get(value, str(value))
    if question.kind in (QuestionKind.REGION, QuestionKind.DEPARTEMENT):
        return territory_name(question.kind, value)
    if question.kind == QuestionKind.SCALE:
        return f"{value} sur 5"
    if question.kind == QuestionKind.DATE:
        year, month, day = str(value).split("-")
        return f"{day}/{month}/{year}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return str(value)


def territory_name(kind, code):
    from clauses.territories.models import Departement, Region

    model = Region if kind == QuestionKind.REGION else Departement
    territory = model.objects.filter(code=code).first()
    return territory.name if territory else str(code)
