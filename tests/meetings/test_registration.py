import datetime
import html
import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clauses.directory.enums import ActorFamily, Visibility
from clauses.meetings.enums import QuestionKind, RegistrationStatus
from clauses.meetings.models import Registration

from .factories import MeetingFactory, QuestionFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "first_name": "Awa",
        "last_name": "Diallo",
        "email": "awa.diallo@example.org",
        "organisation_name": "PLIE Est 93",
        "function": "Facilitatrice",
        "actor_family": ActorFamily.FACILITATOR,
        "region": "11",
        "accessibility_needs": "Fauteuil roulant",
        "visibility": Visibility.PUBLIC,
        "consent": "on",
        "site_web_structure": "",
    }
    data.update(overrides)
    return data


def register_url(meeting):
    return reverse("meetings:register", args=[meeting.slug])


def page(response):
    return html.unescape(response.content.decode())


def test_registration_with_a_free_place_is_confirmed(client, django_capture_on_commit_callbacks):
    meeting = MeetingFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(meeting), form_data())

    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.region.code == "11"
    assert response.url == reverse("meetings:registration", args=[registration.token])
    confirmation = page(client.get(response.url))
    assert "Inscription confirmée" in confirmation
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["awa.diallo@example.org"]


def test_registration_on_a_full_meeting_gives_the_waiting_position(client):
    meeting = MeetingFactory(capacity=1)
    RegistrationFactory(meeting=meeting)
    RegistrationFactory(meeting=meeting, status=RegistrationStatus.WAITING)

    response = client.post(register_url(meeting), form_data(), follow=True)

    assert Registration.objects.get(email="awa.diallo@example.org").status == "attente"
    assert "Liste d'attente : position 2" in page(response)


def test_registration_on_a_moderated_meeting_is_pending(client):
    meeting = MeetingFactory(mode="validation")

    response = client.post(register_url(meeting), form_data(), follow=True)

    assert Registration.objects.get().status == RegistrationStatus.PENDING
    assert "En attente de validation" in page(response)


def test_answers_to_custom_questions_are_stored(client):
    meeting = MeetingFactory()
    lunch = QuestionFactory(meeting=meeting, kind=QuestionKind.YES_NO, label="Déjeuner ?")

    client.post(register_url(meeting), form_data(**{f"q_{lunch.pk}": "oui"}))

    assert Registration.objects.get().answers == {str(lunch.pk): "oui"}


def test_invalid_form_shows_french_errors_next_to_the_fields(client):
    meeting = MeetingFactory()

    response = client.post(register_url(meeting), form_data(first_name="", consent=""))

    content = page(response)
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in content
    assert "Votre accord est nécessaire pour traiter votre inscription." in content
    assert not Registration.objects.exists()


def test_honeypot_filled_registers_nobody(client):
    meeting = MeetingFactory()

    response = client.post(register_url(meeting), form_data(site_web_structure="http://spam"))

    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_honeypot_is_hidden_with_a_class_not_a_style(client):
    content = client.get(register_url(MeetingFactory())).content.decode()

    assert '<div class="clauses-hp" aria-hidden="true">' in content
    assert "style=" not in content


def test_rate_limit_refuses_the_eleventh_post_from_one_address(client):
    meeting = MeetingFactory()
    for n in range(10):
        client.post(register_url(meeting), form_data(email=f"personne{n}@example.org"))

    response = client.post(register_url(meeting), form_data(email="onzieme@example.org"))

    assert response.status_code == 429
    assert "Trop d'inscriptions ont été envoyées depuis votre connexion" in page(response)
    assert Registration.objects.count() == 10


def test_rate_limit_counts_per_address(client):
    meeting = MeetingFactory()
    for n in range(10):
        client.post(
            register_url(meeting), form_data(email=f"p{n}@example.org"), REMOTE_ADDR="10.0.0.1"
        )

    response = client.post(register_url(meeting), form_data(), REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 302


def test_registration_after_closing_is_refused_with_the_reason(client):
    meeting = MeetingFactory(
        registration_opens_at=timezone.now() - datetime.timedelta(days=5),
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )

    response = client.post(register_url(meeting), form_data())

    assert response.status_code == 400
    assert "Les inscriptions sont closes depuis le" in page(response)
    assert not Registration.objects.exists()


def test_registration_on_a_past_meeting_is_refused_with_the_reason(client):
    meeting = MeetingFactory(past=True)

    response = client.get(register_url(meeting))

    assert "Cette rencontre a eu lieu le" in page(response)
    assert '<form method="post" novalidate' not in response.content.decode()


def test_invitation_meeting_refuses_a_wrong_code(client):
    meeting = MeetingFactory(mode="invitation", invitation_code="bienvenue")

    response = client.post(register_url(meeting) + "?code=mauvais", form_data())

    assert "Cette rencontre est sur invitation" in page(response)
    assert not Registration.objects.exists()


def test_invitation_meeting_accepts_the_code(client):
    meeting = MeetingFactory(mode="invitation", invitation_code="bienvenue")

    response = client.post(register_url(meeting) + "?code=bienvenue", form_data())

    assert response.status_code == 302
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED


def test_second_registration_with_the_same_email_is_refused(client):
    meeting = MeetingFactory()
    RegistrationFactory(meeting=meeting, email="awa.diallo@example.org")

    response = client.post(register_url(meeting), form_data())

    assert "Cette adresse e-mail est déjà inscrite à la rencontre" in page(response)
    assert Registration.objects.count() == 1


# --- The personal link ------------------------------------------------------------------


def test_personal_link_shows_the_registration(client):
    registration = RegistrationFactory(first_name="Awa", last_name="Diallo")

    response = client.get(registration.get_absolute_url())

    assert "Awa Diallo" in page(response)
    assert "Votre place est confirmée" in page(response)


def test_unknown_token_is_not_found(client):
    assert client.get(reverse("meetings:registration", args=["inconnu"])).status_code == 404


def test_modify_through_the_personal_link(client):
    meeting = MeetingFactory()
    registration = RegistrationFactory(meeting=meeting, function="Chargée de mission")
    data = form_data(function="Directrice", visibility=Visibility.NOBODY)
    del data["email"], data["consent"]

    response = client.post(reverse("meetings:registration_edit", args=[registration.token]), data)

    registration.refresh_from_db()
    assert response.status_code == 302
    assert registration.function == "Directrice"
    assert registration.first_name == "Awa"
    assert registration.email.startswith("inscrit")  # the address is not editable


def test_cancel_asks_for_confirmation_then_cancels(client):
    registration = RegistrationFactory()
    url = reverse("meetings:registration_cancel", args=[registration.token])

    question = page(client.get(url))
    client.post(url)

    registration.refresh_from_db()
    assert "Voulez-vous vraiment annuler votre inscription" in question
    assert registration.status == RegistrationStatus.CANCELLED


def test_cancel_promotes_the_first_waiting_person(client, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(capacity=1)
    registration = RegistrationFactory(meeting=meeting)
    first = RegistrationFactory(meeting=meeting, status=RegistrationStatus.WAITING)
    second = RegistrationFactory(meeting=meeting, status=RegistrationStatus.WAITING)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:registration_cancel", args=[registration.token]))

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED
    assert second.status == RegistrationStatus.WAITING
    promoted = [m for m in mail.outbox if m.to == [first.email]]
    assert promoted and "Une place s'est libérée" in promoted[0].subject


def test_download_my_data_as_json(client):
    meeting = MeetingFactory()
    lunch = QuestionFactory(meeting=meeting, kind=QuestionKind.YES_NO, label="Déjeuner ?")
    registration = RegistrationFactory(
        meeting=meeting, first_name="Awa", answers={str(lunch.pk): "oui"}
    )

    response = client.get(reverse("meetings:registration_data", args=[registration.token]))

    data = json.loads(response.content)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert data["inscription"]["prenom"] == "Awa"
    assert data["inscription"]["email"] == registration.email
    assert data["reponses"] == {"Déjeuner ?": "Oui"}
    assert data["rencontre"]["titre"] == meeting.title


def test_delete_my_data_anonymises_and_frees_the_place(client):
    meeting = MeetingFactory(capacity=1)
    registration = RegistrationFactory(meeting=meeting, last_name="Diallo")
    waiting = RegistrationFactory(meeting=meeting, status=RegistrationStatus.WAITING)
    url = reverse("meetings:registration_delete", args=[registration.token])

    confirmation = page(client.get(url))
    response = client.post(url)

    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert "Supprimer définitivement mes données" in confirmation
    assert response.url == meeting.get_absolute_url()
    assert registration.anonymised_at is not None
    assert "Diallo" not in (registration.first_name + registration.last_name + registration.email)
    assert registration.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert client.get(registration.get_absolute_url()).status_code == 404


def test_satisfaction_questionnaire_after_the_meeting(client):
    registration = RegistrationFactory(meeting=MeetingFactory(past=True))
    url = reverse("meetings:satisfaction", args=[registration.token])

    client.post(url, {"rating": "4", "useful": "oui", "new_contacts": "3", "comment": "Bien"})

    answer = registration.satisfaction
    assert (answer.rating, answer.useful, answer.new_contacts) == (4, True, 3)
    assert "Vous avez déjà répondu au questionnaire" in page(client.get(url))


def test_satisfaction_questionnaire_waits_for_the_end_of_the_meeting(client):
    registration = RegistrationFactory()

    response = client.get(reverse("meetings:satisfaction", args=[registration.token]))

    assert "Le questionnaire de satisfaction ouvrira à la fin de la rencontre." in page(response)
