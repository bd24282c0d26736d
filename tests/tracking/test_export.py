"""Export of an organisation's tracking data, read back with openpyxl, and the roundtrip
export -> import into an empty organisation -> export."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from shapely.geometry import box

from clauses.core.models import AuditEntry, JobProgress
from clauses.insertion.models import Eligibility
from clauses.insertion.transfer import columns
from clauses.insertion.transfer.exporting import export
from clauses.insertion.transfer.importing import run_import
from clauses.territories.models import Commune, Qpv
from tests.factories import DepartementFactory, MembershipFactory, OrganisationFactory

from .factories import BuyerFactory, OutcomeFactory, tracked_contract

pytestmark = pytest.mark.django_db


def read_workbook(content):
    """{sheet title: [rows]} of an XLSX file, as openpyxl reads it back."""
    book = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def read_zip(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def territory():
    departement = DepartementFactory(code="93")
    commune = Commune.objects.create(
        code="93066", name="Saint-Denis", departement=departement, postal_codes=["93200"]
    )
    qpv = Qpv.objects.create(
        code="QN09301M",
        name="Franc-Moisin",
        list_year=2024,
        departement=departement,
        geometry=box(2.35, 48.91, 2.36, 48.92).wkb,
        min_lon=2.35,
        min_lat=48.91,
        max_lon=2.36,
        max_lat=48.92,
    )
    return commune, qpv


@pytest.fixture
def full_dataset(territory):
    """An organisation with every kind of object, including communes, a QPV, eligibility
    criteria and outcomes."""
    commune, qpv = territory
    organisation = OrganisationFactory(name="PLIE Plaine Commune")
    first = tracked_contract(organisation, participants=3)
    second = tracked_contract(organisation, participants=1)
    operation = first["operation"]
    operation.qpv = qpv
    operation.save()
    first["buyer"].departement = commune.departement
    first["buyer"].save()
    first["company"].commune = commune
    first["company"].kind = "ei"
    first["company"].save()
    participant = first["participant"]
    participant.postal_code, participant.commune = "93200", commune
    participant.qpv, participant.qpv_list_year, participant.qpv_source = qpv, 2024, "geocodage"
    participant.address = "12 rue de la République"
    participant.save()
    Eligibility.objects.create(
        participant=participant,
        criterion="rsa",
        assessed_on=datetime.date(2025, 1, 10),
        note="Attestation CAF",
    )
    for mission in first["missions"][:2]:
        OutcomeFactory(mission=mission)
    OutcomeFactory(
        mission=first["missions"][0],
        moment="six_mois",
        detail="interim_court",
        observed_on=datetime.date(2026, 2, 1),
    )
    clause = second["clause"]
    clause.calculation_method, clause.labour_share, clause.insertion_rate = (
        "forfait",
        None,
        None,
    )
    clause.hourly_cost, clause.anru_target_hours = None, Decimal("120.5")
    clause.save()
    return organisation


def test_xlsx_has_one_sheet_per_object_with_the_import_columns(full_dataset):
    content, filename, _ = export(full_dataset, "xlsx")
    assert filename.startswith("suivi-plie-plaine-commune-") and filename.endswith(".xlsx")
    sheets = read_workbook(content)
    assert list(sheets) == [sheet.title for sheet in columns.SHEETS]
    for sheet in columns.SHEETS:
        assert sheets[sheet.title][0] == sheet.headers
    assert len(sheets["Heures"]) == 1 + 4 * 3
    participant = sheets["Participants"][1]
    assert participant[6:11] == ["93200", "Saint-Denis", "QN09301M", 2024, "Adresse géocodée"]
    hours = sheets["Heures"][1]
    assert hours[4] == datetime.datetime(2025, 2, 1)  # a real date
    assert hours[5:] == ["02/2025", 120]


def test_csv_is_a_zip_of_one_semicolon_file_per_object_with_bom(full_dataset):
    content, filename, content_type = export(full_dataset, "csv")
    assert filename.endswith("-csv.zip") and content_type == "application/zip"
    files = read_zip(content)
    assert set(files) == {f"{sheet.file_stem}.csv" for sheet in columns.SHEETS}
    lots = files["lots.csv"]
    assert lots.startswith(b"\xef\xbb\xbf")
    text = lots.decode("utf-8-sig").splitlines()
    assert text[0] == ";".join(columns.LOTS.headers)
    assert ";Clause d'exécution (L2112-2);1500;" in text[1]
    assert ";40;7;35;" in text[1]  # shares as percentages, no trailing zeros
    assert "120,5" in files["lots.csv"].decode("utf-8-sig")  # decimal comma


def test_formulas_are_neutralised_and_read_back_as_typed(full_dataset):
    BuyerFactory(organisation=full_dataset, name='=HYPERLINK("http://x")', siret="73282932000074")
    content, _, _ = export(full_dataset, "xlsx")
    names = [row[1] for row in read_workbook(content)["Acheteurs"][1:]]
    assert '\'=HYPERLINK("http://x")' in names
    archive = read_zip(export(full_dataset, "csv")[0])
    assert "'=HYPERLINK" in archive["acheteurs.csv"].decode("utf-8-sig")
    target = OrganisationFactory()
    report = run_import([("export.xlsx", content)], organisation=target, write=True)
    assert report.ok, [p.as_text() for p in report.errors]
    assert target.buyers.get(siret="73282932000074").name == '=HYPERLINK("http://x")'


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_roundtrip_into_an_empty_organisation_gives_the_same_files(full_dataset, fmt):
    content, _, _ = export(full_dataset, fmt)
    target = OrganisationFactory(name="PLIE vide")
    name = "export.xlsx" if fmt == "xlsx" else "export.zip"
    report = run_import([(name, content)], organisation=target, write=True)
    assert report.ok, [p.as_text() for p in report.errors]
    assert report.totals.created == sum(
        len(rows) - 1 for rows in read_workbook(export(full_dataset, "xlsx")[0]).values()
    )
    again, _, _ = export(target, fmt)
    if fmt == "xlsx":
        assert read_workbook(again) == read_workbook(content)
    else:
        assert read_zip(again) == read_zip(content)
    # And importing the export once more changes nothing.
    report = run_import([(name, again)], organisation=target, write=True)
    assert report.changes == 0 and report.totals.unchanged == report.totals.total


def test_export_command_writes_the_workbook_and_logs_it(full_dataset, tmp_path, capsys):
    out = tmp_path / "suivi.xlsx"
    call_command("export_clauses", "--organisation", full_dataset.name, "--out", str(out))
    assert "exportées dans" in capsys.readouterr().out
    assert read_workbook(out.read_bytes()) == read_workbook(export(full_dataset, "xlsx")[0])
    entry = AuditEntry.objects.get(action="insertion.export")
    assert entry.changes["format"] == "xlsx"


# --- Pages --------------------------------------------------------------------------------


@pytest.fixture
def facilitator(full_dataset):
    return MembershipFactory(organisation=full_dataset).user


def test_export_page_lists_each_object(client, facilitator, full_dataset):
    client.force_login(facilitator)
    response = client.get(reverse("transfers:export"))
    assert response.status_code == 200
    rows = dict(response.context["rows"])
    assert rows[columns.HOURS] == 12 and rows[columns.OUTCOMES] == 3
    assert reverse("transfers:export_file", args=["xlsx"]) in response.text


def test_export_page_queries_do_not_grow_with_the_data(
    client, django_assert_max_num_queries, territory
):
    organisation = OrganisationFactory()
    user = MembershipFactory(organisation=organisation).user
    client.force_login(user)
    tracked_contract(organisation, participants=1)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("transfers:export")).status_code == 200
    tracked_contract(organisation, participants=20)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("transfers:export")).status_code == 200


def test_download_xlsx_and_single_csv_and_audit(client, facilitator, full_dataset):
    client.force_login(facilitator)
    response = client.get(reverse("transfers:export_file", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="suivi-')
    assert list(read_workbook(response.content)) == [s.title for s in columns.SHEETS]
    response = client.get(reverse("transfers:export_file", args=["csv"]) + "?objet=heures")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == ";".join(columns.HOURS.headers) and len(lines) == 13
    assert list(
        AuditEntry.objects.filter(action="insertion.export").values_list(
            "changes__format", flat=True
        )
    ) == ["csv", "xlsx"]
    assert client.get(reverse("transfers:export_file", args=["pdf"])).status_code == 404
    assert (
        client.get(reverse("transfers:export_file", args=["csv"]) + "?objet=x").status_code == 404
    )


def test_large_export_runs_in_the_background(
    client, facilitator, full_dataset, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("transfers:export_file", args=["xlsx"]))
    job = JobProgress.objects.get()
    assert response.url == reverse("workspace:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobProgress.Status.DONE
    with job.result_file.open("rb") as f:
        assert list(read_workbook(f.read())) == [s.title for s in columns.SHEETS]
    assert AuditEntry.objects.filter(action="insertion.export").count() == 1
    # The job's page leads back to the export page.
    page = client.get(response.url).content.decode()
    assert f'href="{reverse("transfers:export")}">Retour à l&#x27;export des données</a>' in page
