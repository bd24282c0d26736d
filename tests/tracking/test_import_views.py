"""The import pages: upload, preview (errors or summary), confirmation, background path."""

import datetime
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clauses.core.models import AuditEntry, JobProgress
from clauses.insertion.models import HoursDeclaration
from clauses.insertion.transfer import columns, samples
from clauses.insertion.transfer.uploads import PendingImport
from clauses.www.transfers import views
from tests.factories import MembershipFactory, OrganisationFactory

from .test_export import read_workbook
from .test_import import COMPANY_SIRET, csv_file, hours_row, make_tracked, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator(org):
    return MembershipFactory(organisation=org).user


@pytest.fixture
def tracked(org):
    return make_tracked(org)


@pytest.fixture
def org():
    return OrganisationFactory(name="PLIE Est Ensemble")


def upload(client, *files):
    return client.post(
        reverse("transfers:import"),
        {"files": [SimpleUploadedFile(name, content) for name, content in files]},
    )


def test_import_page_shows_the_format_and_the_templates(client, facilitator):
    client.force_login(facilitator)
    response = client.get(reverse("transfers:import"))
    assert response.status_code == 200
    for sheet in columns.SHEETS:
        assert html.escape(f"Colonnes de la feuille « {sheet.title} »") in response.text
    assert reverse("transfers:import_template") in response.text


def test_errors_are_listed_with_line_and_column_and_nothing_is_written(
    client, facilitator, org, tracked
):
    client.force_login(facilitator)
    content = workbook({"Heures": [hours_row("03/2025", "35"), hours_row("04/2025", "-4")]})
    response = upload(client, ("suivi.xlsx", content))
    token = response.url.rstrip("/").rsplit("/", 1)[-1]
    assert response.url == reverse("transfers:import_preview", args=[token])
    page = client.get(response.url)
    assert page.status_code == 200
    assert "1 erreur à corriger" in page.text
    errors = page.context["errors"]
    assert [(e.sheet, e.line, e.column) for e in errors] == [("Heures", 3, "Heures")]
    assert "ne peut pas être négatif" in errors[0].message
    assert not page.context["can_confirm"]
    response = client.post(reverse("transfers:import_confirm", args=[token]))
    assert response.status_code == 302
    assert not HoursDeclaration.objects.exists()


def test_preview_then_confirm_writes_once(client, facilitator, org, tracked):
    client.force_login(facilitator)
    content = workbook({"Heures": [hours_row("03/2025", "35"), hours_row("04/2025", "70,5")]})
    response = upload(client, ("suivi.xlsx", content))
    page = client.get(response.url)
    assert page.context["can_confirm"]
    assert "Prêt à importer : 2 créations" in page.text
    assert not HoursDeclaration.objects.exists()
    token = page.context["pending"].token
    response = client.post(reverse("transfers:import_confirm", args=[token]), follow=True)
    assert "Import terminé : 2 créations" in response.text
    assert HoursDeclaration.objects.count() == 2
    assert AuditEntry.objects.get(action="insertion.import").actor == facilitator
    # The uploaded files are gone; confirming again does nothing.
    assert PendingImport.load(token, org.pk).files[0]["path"] == ""
    client.post(reverse("transfers:import_confirm", args=[token]))
    assert AuditEntry.objects.filter(action="insertion.import").count() == 1


def test_several_csv_files_in_one_upload(client, facilitator, org, tracked):
    client.force_login(facilitator)
    participants = csv_file([["Identifiant participant", "Sexe"], ["P-009", "Femme"]])
    missions = csv_file(
        [
            columns.MISSIONS.headers,
            ["P-009", "2025-TX-001", "1", COMPANY_SIRET, "etti", "interim", "01/03/2025", ""],
        ],
        encoding="latin-1",
    )
    response = upload(client, ("participants.csv", participants), ("missions.csv", missions))
    report = client.get(response.url).context["report"]
    assert report.ok, [p.as_text() for p in report.errors]
    assert {sheet.key: counts.created for sheet, counts in report.objects} == {
        "participants": 1,
        "missions": 1,
    }


def test_an_upload_of_another_organisation_is_not_found(client, facilitator, org):
    other = OrganisationFactory()
    pending = PendingImport.create(
        organisation=other, user=None, files=[("a.csv", b"SIRET;Nom\r\n")]
    )
    client.force_login(facilitator)
    assert client.get(reverse("transfers:import_preview", args=[pending.token])).status_code == 404
    assert client.post(reverse("transfers:import_confirm", args=[pending.token])).status_code == 404
    assert client.get(reverse("transfers:import_preview", args=["inconnu"])).status_code == 404


def test_a_file_of_the_wrong_type_is_refused_by_the_form(client, facilitator):
    client.force_login(facilitator)
    response = upload(client, ("note.pdf", b"%PDF-1.4"))
    assert response.status_code == 200
    assert "envoyez un classeur .xlsx" in response.text


def test_template_and_example_downloads(client, facilitator, org):
    client.force_login(facilitator)
    template = read_workbook(client.get(reverse("transfers:import_template")).content)
    assert list(template) == ["Mode d'emploi"] + [sheet.title for sheet in columns.SHEETS]
    assert all(len(rows) == 1 for title, rows in template.items() if title != "Mode d'emploi")
    example = read_workbook(client.get(reverse("transfers:import_example")).content)
    assert example["Heures"][1][0] == "P-2025-001"
    assert len(example["Mode d'emploi"]) == 1 + sum(len(s.columns) for s in columns.SHEETS)
    assert samples.workbook(example=True)  # the same generator as the command


def test_large_files_are_checked_and_written_in_the_background(
    client, facilitator, org, tracked, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(views, "SYNC_LINES", 1)
    client.force_login(facilitator)
    content = workbook({"Heures": [hours_row("03/2025", "35"), hours_row("04/2025", "40")]})
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, ("suivi.xlsx", content))
    check = JobProgress.objects.get()
    assert check.label == "Vérification de l'import « suivi.xlsx »"
    check.refresh_from_db()
    assert check.status == JobProgress.Status.DONE
    assert check.message == "Prêt à importer : 2 créations, 0 mise à jour, 0 ligne inchangée."
    # The progress block asks the page to reload once the check is over.
    polled = client.get(response.url, headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"
    page = client.get(response.url)
    assert page.context["can_confirm"] and page.context["background"]
    token = page.context["pending"].token
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("transfers:import_confirm", args=[token]))
    write = JobProgress.objects.exclude(pk=check.pk).get()
    # The import page itself follows the write, then shows what was imported.
    assert response.url == reverse("transfers:import_preview", args=[token])
    write.refresh_from_db()
    assert write.status == JobProgress.Status.DONE
    assert write.message.startswith("Import terminé : 2 créations")
    with write.result_file.open("rb") as f:
        assert "Heures;2;0;0;0" in f.read().decode("utf-8-sig")
    assert sorted(tracked["mission"].hours.values_list("month", flat=True)) == [
        datetime.date(2025, 3, 1),
        datetime.date(2025, 4, 1),
    ]
    done = client.get(reverse("transfers:import_preview", args=[token]))
    assert done.context["is_done"]
    assert "Voir les marchés" in done.text


def test_preview_follows_a_background_write_then_reloads(
    client, facilitator, org, tracked, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(views, "SYNC_LINES", 0)
    client.force_login(facilitator)
    content = workbook({"Heures": [hours_row("03/2025", "35")]})
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, ("suivi.xlsx", content))
    token = client.get(response.url).context["pending"].token
    # The write is queued, not run yet (its commit callback is not executed here).
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("transfers:import_confirm", args=[token]))
    page = client.get(reverse("transfers:import_preview", args=[token]))
    assert page.context["is_writing"]
    assert "Import en cours (0 %)" in page.text and 'hx-trigger="every 1s"' in page.text
    polled = client.get(
        reverse("transfers:import_preview", args=[token]), headers={"HX-Request": "true"}
    )
    assert "Import en cours" in polled.text and "HX-Refresh" not in polled
    write = JobProgress.objects.latest("pk")
    write.status = JobProgress.Status.FAILED
    write.message = "La tâche a échoué de façon inattendue."
    write.save()
    polled = client.get(
        reverse("transfers:import_preview", args=[token]), headers={"HX-Request": "true"}
    )
    assert polled["HX-Refresh"] == "true"
    page = client.get(reverse("transfers:import_preview", args=[token]))
    assert "L’import n’a pas abouti" in page.text
    assert "Rien n’a été écrit" in page.text
    assert not tracked["mission"].hours.exists()


def test_preview_polls_while_the_check_runs(client, facilitator, org, monkeypatch):
    monkeypatch.setattr(views, "SYNC_LINES", 0)
    client.force_login(facilitator)
    rows = [["SIRET", "Nom", "Type d'acheteur"], [COMPANY_SIRET, "Ville", "etat"]]
    response = upload(client, ("acheteurs.csv", csv_file(rows)))
    # Not run yet (no commit in this test): the page shows the polling progress block.
    page = client.get(response.url)
    assert page.context["is_checking"]
    assert 'hx-trigger="every 1s"' in page.text
    polled = client.get(response.url, headers={"HX-Request": "true"})
    assert polled.status_code == 200 and "Vérification en cours" in polled.text
