import csv
import io
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from clauses.core.exceptions import DomainError
from clauses.survey import contacts, services
from clauses.survey.enums import QuestionKind, ResponseStatus
from clauses.survey.models import Question, Respondent
from tests.factories import MembershipFactory, RegionFactory

from .factories import QuestionFactory, ResponseFactory, SectionFactory, SurveyFactory


@pytest.fixture
def admin(db):
    return MembershipFactory(national_admin=True).user


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def choice_question(db):
    return QuestionFactory(
        kind=QuestionKind.MULTIPLE_CHOICE,
        choices=["Bailleurs", "SIAE", "GEIQ"],
        label="Partenaires",
    )


def answer(question, value, **response_kwargs):
    response = ResponseFactory(
        respondent__survey=question.section.survey,
        status=ResponseStatus.SUBMITTED,
        **response_kwargs,
    )
    response.answers.create(question=question, value=value)
    return response


def question_data(question, **changes):
    data = {
        "label": question.label,
        "help_text": "",
        "kind": question.kind,
        "choices": list(question.choices),
        "required": False,
        "position": 1,
        "depends_on": None,
        "depends_on_values": [],
        "profile_field": "",
        "practice_field": "",
        "allowed_extensions": "",
        "max_size_mb": 5,
        "is_archived": False,
    }
    data.update(changes)
    return data


# Builder ----------------------------------------------------------------------------------


def test_admin_creates_a_survey_a_section_and_a_question_without_code(admin_client):
    admin_client.post(
        reverse("survey_admin:create"),
        {
            "title": "Enquête mobilité",
            "mode": "anonyme",
            "opens_at": "2026-01-01T09:00",
            "closes_at": "2026-12-31T18:00",
            "is_published": "on",
        },
    )
    from clauses.survey.models import Survey

    survey = Survey.objects.get(slug="enquete-mobilite")
    admin_client.post(
        reverse("survey_admin:section_create", args=[survey.pk]), {"title": "Profil", "position": 1}
    )
    section = survey.sections.get()
    admin_client.post(
        reverse("survey_admin:question_create", args=[survey.pk, section.pk]),
        {
            "label": "Vos moyens de transport",
            "kind": "choix_multiple",
            "choices": "Bus\nVélo",
            "position": 1,
            "max_size_mb": 5,
        },
    )

    assert section.questions.get().choices == ["Bus", "Vélo"]


def test_answered_question_cannot_change_kind(admin, choice_question):
    answer(choice_question, ["SIAE"])

    with pytest.raises(DomainError, match="son type ne peut plus changer"):
        services.save_question(
            actor=admin,
            section=choice_question.section,
            data=question_data(choice_question, kind=QuestionKind.SHORT_TEXT),
            question=choice_question,
        )


def test_answered_choice_cannot_be_removed(admin, choice_question):
    answer(choice_question, ["SIAE"])

    with pytest.raises(DomainError, match="SIAE"):
        services.save_question(
            actor=admin,
            section=choice_question.section,
            data=question_data(choice_question, choices=["Bailleurs", "GEIQ"]),
            question=choice_question,
        )


def test_unanswered_choice_can_be_removed(admin, choice_question):
    answer(choice_question, ["SIAE"])

    services.save_question(
        actor=admin,
        section=choice_question.section,
        data=question_data(choice_question, choices=["SIAE", "GEIQ"]),
        question=choice_question,
    )

    choice_question.refresh_from_db()
    assert choice_question.choices == ["SIAE", "GEIQ"]


def test_answered_question_cannot_be_deleted_through_the_back_office(admin_client, choice_question):
    answer(choice_question, ["SIAE"])
    survey = choice_question.section.survey

    admin_client.post(reverse("survey_admin:question_delete", args=[survey.pk, choice_question.pk]))

    assert Question.objects.filter(pk=choice_question.pk).exists()


def test_answered_section_cannot_be_deleted(admin, choice_question):
    answer(choice_question, ["SIAE"])

    with pytest.raises(DomainError, match="Masquez-la"):
        services.delete_section(actor=admin, section=choice_question.section)


def test_hidden_question_keeps_its_answers_and_leaves_the_form(admin, choice_question):
    response = answer(choice_question, ["SIAE"])

    services.save_question(
        actor=admin,
        section=choice_question.section,
        data=question_data(choice_question, is_archived=True),
        question=choice_question,
    )

    assert response.answers.count() == 1
    from clauses.survey.logic import Structure

    assert choice_question not in Structure.load(choice_question.section.survey).questions


def test_unanswered_question_is_deleted(admin_client, choice_question):
    survey = choice_question.section.survey

    admin_client.post(reverse("survey_admin:question_delete", args=[survey.pk, choice_question.pk]))

    assert not Question.objects.filter(pk=choice_question.pk).exists()


# Contacts ---------------------------------------------------------------------------------


def csv_upload(text, name="contacts.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def xlsx_upload(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("contacts.xlsx", buffer.getvalue())


def test_csv_import_creates_respondents(admin):
    survey = SurveyFactory()
    upload = csv_upload("email;prénom;nom;structure\nana@exemple.fr;Ana;Diallo;PLIE 93\n")

    created, updated = contacts.import_contacts(actor=admin, survey=survey, uploaded=upload)

    respondent = Respondent.objects.get(survey=survey)
    assert (created, updated) == (1, 0)
    assert (respondent.first_name, respondent.structure_name) == ("Ana", "PLIE 93")


def test_xlsx_import_creates_respondents(admin):
    survey = SurveyFactory()
    upload = xlsx_upload(
        [["Email", "Prénom", "Nom", "Structure"], ["bo@exemple.fr", "Bo", "L", "GEIQ"]]
    )

    contacts.import_contacts(actor=admin, survey=survey, uploaded=upload)

    assert Respondent.objects.get(survey=survey).email == "bo@exemple.fr"


def test_import_with_a_bad_line_names_it_and_writes_nothing(admin):
    survey = SurveyFactory()
    upload = csv_upload("email,nom\nok@exemple.fr,A\npas-une-adresse,B\n")

    with pytest.raises(DomainError, match="Ligne 3 : « pas-une-adresse »"):
        contacts.import_contacts(actor=admin, survey=survey, uploaded=upload)

    assert not Respondent.objects.exists()


def test_xlsx_import_reports_a_duplicate_line(admin):
    survey = SurveyFactory()
    upload = xlsx_upload([["email"], ["a@exemple.fr"], ["A@exemple.fr"]])

    with pytest.raises(DomainError, match="Ligne 3 : l'adresse a@exemple.fr figure déjà ligne 2"):
        contacts.import_contacts(actor=admin, survey=survey, uploaded=upload)


def test_import_without_email_column_is_refused(admin_client):
    survey = SurveyFactory()

    response = admin_client.post(
        reverse("survey_admin:contacts", args=[survey.pk]),
        {"file": csv_upload("nom;prénom\nA;B\n")},
    )

    assert response.status_code == 400
    assert "dont « email »" in response.content.decode()


def test_invitations_are_sent_in_the_background_with_progress(
    admin_client, django_capture_on_commit_callbacks
):
    survey = SurveyFactory()
    Respondent.objects.create(survey=survey, email="a@exemple.fr")
    Respondent.objects.create(survey=survey, email="b@exemple.fr")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("survey_admin:send_invitations", args=[survey.pk]), {"kind": "invitation"}
        )

    from clauses.core.models import JobProgress

    job = JobProgress.objects.get()
    assert response.url == job.get_absolute_url()
    assert (job.status, job.done, job.total) == (JobProgress.Status.DONE, 2, 2)
    assert len(mail.outbox) == 2
    assert not Respondent.objects.filter(invited_at__isnull=True).exists()


def test_reminders_skip_those_who_submitted(db):
    survey = SurveyFactory()
    done = ResponseFactory(respondent__survey=survey, status=ResponseStatus.SUBMITTED).respondent
    waiting = Respondent.objects.create(survey=survey, email="w@exemple.fr")
    from django.utils import timezone

    Respondent.objects.filter(pk__in=[done.pk, waiting.pk]).update(invited_at=timezone.now())

    sent = contacts.send_invitations(survey=survey, reminder=True)

    assert sent == 1
    assert mail.outbox[0].to == ["w@exemple.fr"]


# Results and exports ------------------------------------------------------------------------


def test_results_count_and_percent_each_choice(admin_client, choice_question):
    answer(choice_question, ["SIAE", "GEIQ"])
    answer(choice_question, ["SIAE"])
    survey = choice_question.section.survey

    page = admin_client.get(reverse("survey_admin:results", args=[survey.pk]))

    rows = {row["label"]: row for row in page.context["sections"][0]["results"][0].rows}
    assert (rows["SIAE"]["count"], rows["SIAE"]["percent"]) == (2, 100)
    assert (rows["GEIQ"]["count"], rows["GEIQ"]["percent"]) == (1, 50)
    assert "<svg" in page.content.decode()


def test_results_filter_by_region(admin_client, choice_question):
    idf = RegionFactory(code="11", name="Île-de-France")
    answer(choice_question, ["SIAE"], region=idf)
    answer(choice_question, ["GEIQ"])
    survey = choice_question.section.survey

    page = admin_client.get(reverse("survey_admin:results", args=[survey.pk]), {"region": "11"})

    assert page.context["total"] == 1


def test_coordinator_sees_only_the_results_of_their_region(client, choice_question):
    idf = RegionFactory(code="11", name="Île-de-France")
    other = RegionFactory(code="76", name="Occitanie")
    answer(choice_question, ["SIAE"], region=idf)
    answer(choice_question, ["GEIQ"], region=other)
    coordinator = MembershipFactory(coordinator=True, scope_region=idf).user
    client.force_login(coordinator)

    page = client.get(reverse("survey_admin:results", args=[choice_question.section.survey.pk]))

    assert page.context["total"] == 1


def test_free_text_answers_are_paginated(admin_client):
    question = QuestionFactory(kind=QuestionKind.LONG_TEXT)
    for n in range(30):
        answer(question, f"Réponse {n}")
    survey = question.section.survey

    page = admin_client.get(reverse("survey_admin:text_answers", args=[survey.pk, question.pk]))

    assert len(page.context["page_obj"]) == 25
    assert page.context["page_obj"].paginator.count == 30


def test_csv_export_splits_multiple_choices_into_columns(admin_client, choice_question):
    answer(choice_question, ["SIAE", "GEIQ"], structure_name="PLIE 93")
    survey = choice_question.section.survey

    response = admin_client.get(reverse("survey_admin:export", args=[survey.pk, "csv"]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Structure"] == "PLIE 93"
    assert record["Partenaires : SIAE"] == "Oui"
    assert record["Partenaires : Bailleurs"] == "Non"


def test_xlsx_export_reads_back(admin_client):
    question = QuestionFactory(kind=QuestionKind.NUMBER, label="Heures")
    answer(question, 1200)
    survey = question.section.survey

    response = admin_client.get(reverse("survey_admin:export", args=[survey.pk, "xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=header.index("Heures") + 1).value == 1200


def test_json_export_holds_raw_values(admin_client, choice_question):
    answer(choice_question, ["SIAE"])
    survey = choice_question.section.survey

    response = admin_client.get(reverse("survey_admin:export", args=[survey.pk, "json"]))

    data = json.loads(response.content)
    assert data["reponses"][0]["reponses"] == {str(choice_question.pk): ["SIAE"]}


def test_draft_responses_are_left_out_of_results(admin_client, choice_question):
    ResponseFactory(respondent__survey=choice_question.section.survey).answers.create(
        question=choice_question, value=["SIAE"]
    )

    page = admin_client.get(
        reverse("survey_admin:results", args=[choice_question.section.survey.pk])
    )

    assert page.context["total"] == 0


def test_file_question_refuses_a_wrong_extension(client, db):
    question = QuestionFactory(kind=QuestionKind.FILE, allowed_extensions="pdf")
    respondent = Respondent.objects.create(survey=question.section.survey, email="f@exemple.fr")

    response = client.post(
        reverse("survey:section", args=[respondent.token, question.section.pk]),
        {"action": "next", f"q_{question.pk}": SimpleUploadedFile("virus.exe", b"MZ")},
    )

    assert response.status_code == 400
    assert "Ce type de fichier n&#x27;est pas accepté" in response.content.decode()


def test_file_question_stores_the_upload(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    question = QuestionFactory(kind=QuestionKind.FILE, allowed_extensions="pdf")
    respondent = Respondent.objects.create(survey=question.section.survey, email="f@exemple.fr")

    client.post(
        reverse("survey:section", args=[respondent.token, question.section.pk]),
        {"action": "save", f"q_{question.pk}": SimpleUploadedFile("bilan.pdf", b"%PDF-1.4")},
    )

    stored = question.answers.get()
    assert stored.value == "bilan.pdf"
    with stored.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4"


def test_section_condition_must_point_to_an_earlier_section(admin):
    first = SectionFactory(position=1)
    later = SectionFactory(survey=first.survey, position=5)
    trigger = QuestionFactory(section=later, kind=QuestionKind.YES_NO)

    with pytest.raises(DomainError, match="section précédente"):
        services.save_section_definition(
            actor=admin,
            survey=first.survey,
            section=first,
            data={"title": "A", "position": 1, "depends_on": trigger, "depends_on_values": ["oui"]},
        )


# Promote to a practice sheet ---------------------------------------------------------------


def _practice_response(national_survey, q, *, consent):
    response = ResponseFactory(
        respondent__survey=national_survey,
        status=ResponseStatus.SUBMITTED,
        consent_to_publish=consent,
        structure_name="PLIE 93",
    )
    for key, value in {
        "p_title": "Le café de l'emploi",
        "p_pitch": "Un rendez-vous",
        "p_themes": ["Les publics"],
        "p_consent": "oui" if consent else "non",
    }.items():
        response.answers.create(question=q[key], value=value)
    return response


def test_promote_creates_a_draft_linked_to_the_response(admin_client, national_survey, q):
    response = _practice_response(national_survey, q, consent=True)

    page = admin_client.post(
        reverse("survey_admin:promote", args=[national_survey.pk, response.pk])
    )

    practice = response.practices.get()
    assert practice.title == "Le café de l'emploi"
    assert practice.themes == ["publics"]
    assert page.url == reverse("practices_admin:detail", args=[practice.pk])


def test_answer_without_consent_shows_a_warning_badge(admin_client, national_survey, q):
    response = _practice_response(national_survey, q, consent=False)

    page = admin_client.get(reverse("survey_admin:responses", args=[national_survey.pk]))

    content = page.content.decode()
    assert "Sans accord de publication" in content
    assert reverse("survey_admin:promote", args=[national_survey.pk, response.pk]) in content


def test_promoting_twice_is_refused_with_a_french_message(admin_client, national_survey, q):
    response = _practice_response(national_survey, q, consent=True)
    url = reverse("survey_admin:promote", args=[national_survey.pk, response.pk])
    admin_client.post(url)

    page = admin_client.post(url, follow=True)

    assert "a déjà donné la fiche" in page.content.decode()
    assert response.practices.count() == 1


def test_results_filter_by_actor_family_and_submission_date(admin_client, choice_question):
    import datetime

    from django.utils import timezone

    old = answer(choice_question, ["SIAE"], actor_family="siae")
    old.submitted_at = timezone.now() - datetime.timedelta(days=40)
    old.save()
    answer(choice_question, ["SIAE"], actor_family="siae", submitted_at=timezone.now())
    answer(choice_question, ["GEIQ"], actor_family="geiq", submitted_at=timezone.now())
    url = reverse("survey_admin:results", args=[choice_question.section.survey.pk])
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()

    page = admin_client.get(url, {"actor_family": "siae", "date_from": since})

    assert page.context["total"] == 1
