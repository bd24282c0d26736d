import datetime
import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clauses.survey import national
from clauses.survey.enums import ResponseStatus
from clauses.survey.models import Answer, Respondent, Response

from .factories import SurveyFactory


def text(response):
    return html.unescape(response.content.decode())


PROFILE = {"structure": "PLIE de Plaine Commune", "family": "plie_mde", "region": "11"}


def start(client, email="alice@exemple.fr"):
    response = client.post(reverse("survey:home"), {"email": email})
    assert response.status_code == 302, text(response)
    return Respondent.objects.get(email__iexact=email)


def post_section(client, respondent, section, data, action="next"):
    payload = {"action": action}
    for key, value in data.items():
        payload[key] = value
    return client.post(reverse("survey:section", args=[respondent.token, section.pk]), payload)


def fields(q, **values):
    return {f"q_{q[key].pk}": value for key, value in values.items()}


def test_national_survey_is_the_public_survey_page(client, national_survey):
    response = client.get(reverse("survey:home"))

    assert response.status_code == 200
    assert national.TITLE in text(response)


def test_install_is_idempotent(national_survey):
    survey, created = national.install()

    assert (survey, created) == (national_survey, False)


def test_identified_start_emails_the_personal_link(
    client, national_survey, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        respondent = start(client)

    assert len(mail.outbox) == 1
    assert reverse("survey:resume", args=[respondent.token]) in mail.outbox[0].body
    assert Response.objects.filter(respondent=respondent, status=ResponseStatus.DRAFT).exists()


def test_starting_again_with_the_same_address_resends_the_same_link(
    client, national_survey, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = start(client)
        second = start(client, email="ALICE@exemple.fr")

    assert first == second
    assert Response.objects.count() == 1
    assert len(mail.outbox) == 2


def test_honeypot_refuses_the_start(client, national_survey):
    response = client.post(
        reverse("survey:home"), {"email": "bot@exemple.fr", "site_web_structure": "x"}
    )

    assert response.status_code == 400
    assert not Respondent.objects.exists()


def test_invalid_email_error_is_french_and_next_to_the_field(client, national_survey):
    response = client.post(reverse("survey:home"), {"email": "pas-une-adresse"})

    assert response.status_code == 400
    assert "Indiquez une adresse e-mail valide" in text(response)


def test_required_question_blocks_moving_on(client, national_survey, q):
    respondent = start(client)
    section = q["structure"].section

    response = post_section(client, respondent, section, fields(q, structure="PLIE"))

    assert response.status_code == 400
    assert "Répondez à cette question." in text(response)


def test_save_and_resume_later_keeps_partial_answers_and_emails_the_link(
    client, national_survey, q
):
    respondent = start(client)
    mail.outbox.clear()
    section = q["structure"].section

    response = post_section(client, respondent, section, fields(q, structure="PLIE"), "save")

    assert response.status_code == 302
    assert Answer.objects.get(question=q["structure"]).value == "PLIE"
    assert "enregistrées" in mail.outbox[0].subject
    resume = client.get(reverse("survey:resume", args=[respondent.token]))
    assert "1 réponse sur" in text(resume)


def test_conditional_question_answer_is_ignored_when_its_condition_fails(
    client, national_survey, q
):
    respondent = start(client)
    section = q["npnru"].section

    post_section(
        client, respondent, section, fields(q, npnru="non", npnru_links="ignoré", npnru_hours="5")
    )

    assert not Answer.objects.filter(question__in=[q["npnru_links"], q["npnru_hours"]]).exists()


def test_changing_an_answer_clears_the_answers_it_no_longer_shows(client, national_survey, q):
    respondent = start(client)
    section = q["npnru"].section
    post_section(client, respondent, section, fields(q, npnru="oui", npnru_links="Charte"))
    assert Answer.objects.filter(question=q["npnru_links"]).exists()

    post_section(client, respondent, section, fields(q, npnru="non", npnru_links="Charte"))

    assert not Answer.objects.filter(question=q["npnru_links"]).exists()


def test_practice_section_shown_only_after_yes(client, national_survey, q):
    respondent = start(client)
    practice_section = q["p_title"].section

    page = client.get(reverse("survey:section", args=[respondent.token, practice_section.pk]))
    assert page.status_code == 302  # not shown yet

    post_section(client, respondent, q["wants_practice"].section, fields(q, wants_practice="oui"))
    page = client.get(reverse("survey:section", args=[respondent.token, practice_section.pk]))
    assert page.status_code == 200


def test_saying_no_to_the_practice_clears_its_section(client, national_survey, q):
    respondent = start(client)
    post_section(client, respondent, q["wants_practice"].section, fields(q, wants_practice="oui"))
    post_section(client, respondent, q["p_title"].section, fields(q, p_title="Titre"), "save")

    post_section(client, respondent, q["wants_practice"].section, fields(q, wants_practice="non"))

    assert not Answer.objects.filter(question=q["p_title"]).exists()


def _answer_everything(client, respondent, q, practice="non"):
    post_section(client, respondent, q["structure"].section, fields(q, **PROFILE))
    post_section(client, respondent, q["npnru"].section, fields(q, npnru="non"))
    post_section(client, respondent, q["satisfaction"].section, fields(q, satisfaction="4"))
    post_section(
        client, respondent, q["wants_practice"].section, fields(q, wants_practice=practice)
    )


def test_submit_sets_profile_and_sends_a_copy_of_the_answers(
    client, national_survey, q, django_capture_on_commit_callbacks
):
    respondent = start(client)
    _answer_everything(client, respondent, q)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("survey:recap", args=[respondent.token]))

    assert response.status_code == 302
    saved = Response.objects.get(respondent=respondent)
    assert saved.status == ResponseStatus.SUBMITTED
    assert (saved.region.code, saved.actor_family) == ("11", "plie_mde")
    assert saved.structure_name == "PLIE de Plaine Commune"
    assert "PLIE de Plaine Commune" in mail.outbox[0].body
    assert "4 sur 5" in mail.outbox[0].body


def test_submit_refused_while_a_required_answer_is_missing(client, national_survey, q):
    respondent = start(client)

    response = client.post(reverse("survey:recap", args=[respondent.token]))

    assert response.status_code == 400
    assert "Il manque" in text(response)
    assert Response.objects.get(respondent=respondent).status == ResponseStatus.DRAFT


def test_consent_is_copied_onto_the_response(client, national_survey, q):
    respondent = start(client)
    _answer_everything(client, respondent, q, practice="oui")
    post_section(
        client,
        respondent,
        q["p_title"].section,
        fields(
            q, p_title="Café emploi", p_pitch="p", p_context="c", p_actions="a", p_consent="oui"
        ),
    )

    client.post(reverse("survey:recap", args=[respondent.token]))

    assert Response.objects.get(respondent=respondent).consent_to_publish is True


def test_closed_survey_shows_a_clear_page_and_refuses_edits(client, national_survey, q):
    respondent = start(client)
    national_survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    national_survey.opens_at = national_survey.closes_at - datetime.timedelta(days=1)
    national_survey.save()

    page = client.get(reverse("survey:home"))
    post = post_section(client, respondent, q["structure"].section, fields(q, **PROFILE))

    assert "Cette enquête n'est pas ouverte" in text(page)
    assert post.status_code == 400
    assert not Answer.objects.exists()


def test_submitted_answers_stay_editable_until_closing(client, national_survey, q):
    respondent = start(client)
    _answer_everything(client, respondent, q)
    client.post(reverse("survey:recap", args=[respondent.token]))

    post_section(
        client, respondent, q["structure"].section, fields(q, **{**PROFILE, "structure": "Autre"})
    )

    response = Response.objects.get(respondent=respondent)
    assert response.status == ResponseStatus.SUBMITTED
    assert response.structure_name == "Autre"


@pytest.fixture
def anonymous_survey(db):
    from .factories import QuestionFactory

    survey = SurveyFactory(mode="anonyme")
    QuestionFactory(section__survey=survey, label="Votre avis", required=True)
    return survey


def test_anonymous_start_keeps_the_token_in_the_session(client, anonymous_survey):
    response = client.post(reverse("survey:start", args=[anonymous_survey.slug]))

    respondent = Respondent.objects.get(survey=anonymous_survey)
    assert respondent.email == ""
    assert response.url == reverse("survey:resume", args=[respondent.token])
    page = client.get(reverse("survey:start", args=[anonymous_survey.slug]))
    assert reverse("survey:resume", args=[respondent.token]) in text(page)


def test_anonymous_respondent_can_email_the_link_without_storing_it(client, anonymous_survey):
    client.post(reverse("survey:start", args=[anonymous_survey.slug]))
    respondent = Respondent.objects.get(survey=anonymous_survey)

    client.post(reverse("survey:send_link", args=[respondent.token]), {"email": "moi@exemple.fr"})

    assert mail.outbox[0].to == ["moi@exemple.fr"]
    assert re.search(respondent.token, mail.outbox[0].body)
    respondent.refresh_from_db()
    assert respondent.email == ""
