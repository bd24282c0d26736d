import pytest

from clauses.core.exceptions import DomainError
from clauses.survey import services
from clauses.survey.enums import QuestionKind
from clauses.survey.logic import Structure, visibility
from tests.factories import MembershipFactory

from .factories import QuestionFactory, SectionFactory


@pytest.fixture
def chain(db):
    """npnru (yes/no) -> charter (yes/no, if npnru=oui) -> hours (if charter=oui)."""
    section = SectionFactory()
    npnru = QuestionFactory(section=section, kind=QuestionKind.YES_NO, position=1)
    charter = QuestionFactory(
        section=section,
        kind=QuestionKind.YES_NO,
        position=2,
        depends_on=npnru,
        depends_on_values=["oui"],
    )
    hours = QuestionFactory(
        section=section,
        kind=QuestionKind.NUMBER,
        position=3,
        depends_on=charter,
        depends_on_values=["oui"],
    )
    later = SectionFactory(
        survey=section.survey,
        position=section.position + 1,
        depends_on=npnru,
        depends_on_values=["Oui"],
    )
    detail = QuestionFactory(section=later)
    return section.survey, npnru, charter, hours, later, detail


def test_question_shown_when_its_condition_holds(chain):
    survey, npnru, charter, hours, *_ = chain

    _, shown = visibility(Structure.load(survey), {str(npnru.pk): "oui", str(charter.pk): "oui"})

    assert {npnru.pk, charter.pk, hours.pk} <= shown


def test_question_hidden_when_the_question_it_depends_on_is_hidden(chain):
    survey, npnru, charter, hours, *_ = chain

    # The charter answer stays from before, but npnru now rules the charter question out.
    _, shown = visibility(Structure.load(survey), {str(npnru.pk): "non", str(charter.pk): "oui"})

    assert charter.pk not in shown
    assert hours.pk not in shown


def test_section_condition_ignores_case_and_hides_its_questions(chain):
    survey, npnru, _, _, later, detail = chain

    sections, shown = visibility(Structure.load(survey), {str(npnru.pk): "non"})
    assert later.pk not in sections and detail.pk not in shown

    sections, shown = visibility(Structure.load(survey), {str(npnru.pk): "oui"})
    assert later.pk in sections and detail.pk in shown


def test_question_cannot_depend_on_a_later_question(chain):
    survey, npnru, *_ = chain
    admin = MembershipFactory(national_admin=True).user
    npnru.section.position = 5
    npnru.section.save()
    first = SectionFactory(survey=survey, position=1)

    with pytest.raises(DomainError, match="posée avant elle"):
        services.save_question(
            actor=admin,
            section=first,
            data={
                "label": "Avant",
                "kind": QuestionKind.SHORT_TEXT,
                "choices": [],
                "position": 1,
                "depends_on": npnru,
                "depends_on_values": ["oui"],
            },
        )
