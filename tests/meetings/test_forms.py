import pytest

from clauses.directory.enums import ActorFamily, Visibility
from clauses.meetings.enums import QuestionKind
from clauses.meetings.forms import RegistrationForm

from .factories import MeetingFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def valid_data(**overrides):
    data = {
        "first_name": "Awa",
        "last_name": "Diallo",
        "email": "awa.diallo@example.org",
        "organisation_name": "PLIE Est 93",
        "function": "Facilitatrice",
        "actor_family": ActorFamily.FACILITATOR,
        "region": "",
        "accessibility_needs": "",
        "visibility": Visibility.PUBLIC,
        "consent": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def meeting_with_condition():
    meeting = MeetingFactory()
    car = QuestionFactory(
        meeting=meeting, kind=QuestionKind.YES_NO, label="Venez-vous en voiture ?", required=True
    )
    plate = QuestionFactory(
        meeting=meeting,
        kind=QuestionKind.SHORT_TEXT,
        label="Immatriculation",
        required=True,
        depends_on=car,
        depends_on_values=["oui"],
    )
    return meeting, car, plate


def test_missing_fields_get_french_messages_next_to_them():
    form = RegistrationForm({}, meeting=MeetingFactory())

    assert not form.is_valid()
    assert form.errors["first_name"] == ["Ce champ est obligatoire."]
    assert form.errors["email"] == ["Indiquez votre adresse e-mail."]
    assert form.errors["consent"] == ["Votre accord est nécessaire pour traiter votre inscription."]


def test_invalid_email_is_explained_in_french():
    form = RegistrationForm(valid_data(email="pas-une-adresse"), meeting=MeetingFactory())

    assert not form.is_valid()
    assert form.errors["email"] == [
        "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
    ]


def test_required_conditional_question_is_required_when_shown(meeting_with_condition):
    meeting, car, plate = meeting_with_condition
    form = RegistrationForm(valid_data(**{f"q_{car.pk}": "oui"}), meeting=meeting)

    assert not form.is_valid()
    assert form.errors[f"q_{plate.pk}"] == ["Répondez à cette question."]


def test_hidden_conditional_question_is_ignored_even_if_answered(meeting_with_condition):
    meeting, car, plate = meeting_with_condition
    data = valid_data(**{f"q_{car.pk}": "non", f"q_{plate.pk}": "AB-123-CD"})
    form = RegistrationForm(data, meeting=meeting)

    assert form.is_valid(), form.errors
    assert form.answers == {str(car.pk): "non"}


def test_shown_conditional_answer_is_kept(meeting_with_condition):
    meeting, car, plate = meeting_with_condition
    data = valid_data(**{f"q_{car.pk}": "oui", f"q_{plate.pk}": "AB-123-CD"})
    form = RegistrationForm(data, meeting=meeting)

    assert form.is_valid(), form.errors
    assert form.answers == {str(car.pk): "oui", str(plate.pk): "AB-123-CD"}


def test_question_depending_on_a_hidden_question_is_hidden_too(meeting_with_condition):
    meeting, car, plate = meeting_with_condition
    badge = QuestionFactory(
        meeting=meeting,
        label="Badge parking ?",
        kind=QuestionKind.YES_NO,
        required=True,
        depends_on=plate,
        depends_on_values=["AB-123-CD"],
    )
    data = valid_data(**{f"q_{car.pk}": "non", f"q_{plate.pk}": "AB-123-CD"})
    form = RegistrationForm(data, meeting=meeting)

    assert form.is_valid(), form.errors
    assert str(badge.pk) not in form.answers


def test_choice_multiple_choice_and_number_answers_are_stored_as_json():
    meeting = MeetingFactory()
    workshop = QuestionFactory(
        meeting=meeting, kind=QuestionKind.CHOICE, choices=["Atelier A", "Atelier B"]
    )
    meals = QuestionFactory(
        meeting=meeting, kind=QuestionKind.MULTIPLE_CHOICE, choices=["Déjeuner", "Dîner"]
    )
    people = QuestionFactory(meeting=meeting, kind=QuestionKind.NUMBER)
    data = valid_data(
        **{f"q_{workshop.pk}": "Atelier B", f"q_{meals.pk}": ["Déjeuner", "Dîner"]},
        **{f"q_{people.pk}": "3"},
    )
    form = RegistrationForm(data, meeting=meeting)

    assert form.is_valid(), form.errors
    assert form.answers == {
        str(workshop.pk): "Atelier B",
        str(meals.pk): ["Déjeuner", "Dîner"],
        str(people.pk): 3,
    }


def test_unknown_choice_is_refused():
    meeting = MeetingFactory()
    workshop = QuestionFactory(meeting=meeting, kind=QuestionKind.CHOICE, choices=["Atelier A"])
    form = RegistrationForm(valid_data(**{f"q_{workshop.pk}": "Atelier Z"}), meeting=meeting)

    assert not form.is_valid()
    assert f"q_{workshop.pk}" in form.errors


def test_organiser_help_text_is_escaped():
    meeting = MeetingFactory()
    question = QuestionFactory(meeting=meeting, help_text="<script>alert(1)</script>")
    form = RegistrationForm(meeting=meeting)

    assert "<script>" not in form.fields[f"q_{question.pk}"].help_text


def test_consent_explains_the_retention_and_links_the_personal_data_page(client):
    meeting = MeetingFactory(retention_days=180)

    content = client.get(f"/rencontres/{meeting.slug}/inscription/").content.decode()

    assert "anonymisées 180 jours après" in content
    assert 'href="/donnees-personnelles/"' in content
