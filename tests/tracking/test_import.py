"""Import of tracking data: formats, every bad input named by line and column, nothing
written on error, idempotent re-import, the command line."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from clauses.core.models import AuditEntry
from clauses.insertion.models import HoursDeclaration, Mission, Participant
from clauses.insertion.transfer import columns, samples
from clauses.insertion.transfer.importing import run_import
from clauses.procurement.models import Buyer, Company, Contract, Lot
from clauses.territories.models import Commune
from tests.factories import DepartementFactory, OrganisationFactory

from .factories import (
    BuyerFactory,
    ClauseFactory,
    CompanyFactory,
    ContractFactory,
    HoursDeclarationFactory,
    LotFactory,
    MissionFactory,
    ParticipantFactory,
    make_siret,
)

pytestmark = pytest.mark.django_db

BUYER_SIRET = make_siret(11)
COMPANY_SIRET = make_siret(12)


# --- Helpers shared by the other import and export tests ---------------------------------


def workbook(sheets):
    """XLSX bytes from {sheet title: rows}; the header is the sheet's documented one unless
    the first row is given as a list of strings starting with a known header."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        spec = columns.sheet_for_name(title)
        if spec is not None and (not rows or rows[0] != spec.headers):
            sheet.append(spec.headers)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_file(rows, *, delimiter=";", encoding="utf-8", bom=False):
    text = "\r\n".join(delimiter.join(str(cell) for cell in row) for row in rows) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + data


def problems(report):
    return [(p.sheet, p.line, p.column, p.message) for p in report.errors]


@pytest.fixture
def org():
    return OrganisationFactory(name="PLIE Est Ensemble")


@pytest.fixture
def tracked(org):
    return make_tracked(org)


def make_tracked(org):
    """A contract with a lot and its clause, a company, a participant and a mission from
    February to July 2025 (keys: the sirets above, « 2025-TX-001 » lot « 1 », « P-001 »)."""
    buyer = BuyerFactory(organisation=org, siret=BUYER_SIRET)
    contract = ContractFactory(organisation=org, buyer=buyer, reference="2025-TX-001")
    lot = LotFactory(contract=contract, number="1")
    ClauseFactory(lot=lot)
    company = CompanyFactory(organisation=org, siret=COMPANY_SIRET)
    participant = ParticipantFactory(
        organisation=org,
        identifier="P-001",
        last_name="Diallo",
        first_name="Awa",
        birth_date=datetime.date(1994, 4, 12),
    )
    mission = MissionFactory(
        participant=participant,
        lot=lot,
        company=company,
        start_date=datetime.date(2025, 2, 1),
        end_date=datetime.date(2025, 7, 31),
    )
    return {"contract": contract, "lot": lot, "company": company, "mission": mission}


def hours_row(month, hours, *, identifier="P-001", start="01/02/2025"):
    return [identifier, "2025-TX-001", "1", COMPANY_SIRET, start, month, hours]


def run(org, sheets, **kwargs):
    return run_import([("suivi.xlsx", workbook(sheets))], organisation=org, **kwargs)


# --- The example and re-imports ----------------------------------------------------------


@pytest.fixture
def bobigny():
    return Commune.objects.create(
        code="93008",
        name="Bobigny",
        departement=DepartementFactory(code="93"),
        postal_codes=["93000"],
    )


def test_the_example_imports_into_an_empty_organisation(org, bobigny):
    report = run_import(
        [("exemple.xlsx", samples.workbook(example=True))], organisation=org, write=True
    )
    assert report.ok, problems(report)
    assert report.written
    created = {sheet.key: counts.created for sheet, counts in report.objects}
    assert created == {
        "buyers": 1,
        "operations": 1,
        "contracts": 1,
        "lots": 2,
        "companies": 2,
        "lot_companies": 2,
        "participants": 2,
        "eligibilities": 2,
        "missions": 2,
        "hours": 5,
        "outcomes": 1,
    }
    lot = Lot.objects.get(contract__organisation=org, number="1")
    assert lot.clause.labour_share == Decimal("0.4")
    assert lot.clause.required_hours == 960
    assert Company.objects.get(organisation=org, siret=samples.SIAE).commune == bobigny
    hours = HoursDeclaration.objects.get(
        mission__participant__identifier="P-2025-001", month=datetime.date(2025, 3, 1)
    )
    assert hours.hours == Decimal("151.5")
    entry = AuditEntry.objects.get(action="insertion.import")
    assert entry.changes["Heures"]["créés"] == 5


def test_reimporting_the_same_file_changes_nothing(org, bobigny):
    content = samples.workbook(example=True)
    run_import([("exemple.xlsx", content)], organisation=org, write=True)
    before = list(HoursDeclaration.objects.values_list("pk", "hours", "updated_at"))
    report = run_import([("exemple.xlsx", content)], organisation=org, write=True)
    assert report.ok
    totals = report.totals
    assert (totals.created, totals.updated, totals.deleted) == (0, 0, 0)
    assert totals.unchanged == 21
    assert "21 lignes inchangées" in report.summary()
    assert list(HoursDeclaration.objects.values_list("pk", "hours", "updated_at")) == before


def test_a_changed_line_is_an_update_and_zero_hours_remove_a_declaration(org, tracked):
    mission = tracked["mission"]
    HoursDeclarationFactory(mission=mission, month=datetime.date(2025, 3, 1), hours=120)
    HoursDeclarationFactory(mission=mission, month=datetime.date(2025, 4, 1), hours=100)
    report = run(
        org,
        {
            "Heures": [
                hours_row("03/2025", "110,5"),
                hours_row("2025-04", 0),
                hours_row("05/2025", 7),
            ]
        },
        write=True,
    )
    assert report.ok, problems(report)
    counts = report.counts["hours"]
    assert (counts.created, counts.updated, counts.unchanged, counts.deleted) == (1, 1, 0, 1)
    assert dict(mission.hours.values_list("month", "hours")) == {
        datetime.date(2025, 3, 1): Decimal("110.5"),
        datetime.date(2025, 5, 1): Decimal("7"),
    }


def test_the_mission_start_may_be_left_out_when_one_mission_covers_the_month(org, tracked):
    report = run(org, {"Heures": [hours_row("03/2025", 35, start="")]}, write=True)
    assert report.ok, problems(report)
    assert tracked["mission"].hours.get().hours == 35


def test_choices_by_code_or_label_dates_and_decimal_comma(org):
    report = run(
        org,
        {
            "Acheteurs": [
                [BUYER_SIRET, "Ville de Montreuil", "commune_epci", ""],
                [make_siret(13), "Région Île-de-France", "région", ""],
            ],
            "Marchés": [
                [
                    "M-1",
                    BUYER_SIRET,
                    "Nettoyage",
                    "SERVICES",
                    "",
                    "90910000",
                    "1 250 000,50",
                    "2025-03-01",
                    "12",
                ],
                ["M-2", make_siret(13), "Lycées", "Travaux", "", "", "", "15/01/2025", ""],
            ],
        },
        write=True,
    )
    assert report.ok, problems(report)
    assert Buyer.objects.get(siret=make_siret(13)).kind == "region"
    contract = Contract.objects.get(reference="M-1")
    assert (contract.kind, contract.amount_excl_tax) == ("services", Decimal("1250000.50"))
    assert contract.notification_date == datetime.date(2025, 3, 1)
    assert Contract.objects.get(reference="M-2").notification_date == datetime.date(2025, 1, 15)


def test_a_percentage_formatted_cell_is_read_as_a_percentage(org, tracked):
    book = Workbook()
    sheet = book.active
    sheet.title = "Lots"
    sheet.append(
        [
            "Référence du marché",
            "Numéro de lot",
            "Fondement juridique",
            "Heures exigées",
            "Taux d'insertion (%)",
        ]
    )
    sheet.append(["2025-TX-001", "1", "L2112-2", 900, 0.07])
    sheet["E2"].number_format = "0%"
    buffer = io.BytesIO()
    book.save(buffer)
    report = run_import([("lots.xlsx", buffer.getvalue())], organisation=org, write=True)
    assert report.ok, problems(report)
    clause = Lot.objects.get(pk=tracked["lot"].pk).clause
    assert (clause.insertion_rate, clause.required_hours) == (Decimal("0.07"), 900)


# --- CSV: encodings, separators, recognition ---------------------------------------------


def test_latin1_csv_with_semicolons(org):
    data = csv_file(
        [
            ["SIRET", "Nom", "Type d'acheteur", "Département"],
            [BUYER_SIRET, "Hôpital de Saint-Étienne", "Établissement de santé", ""],
        ],
        encoding="latin-1",
    )
    report = run_import([("acheteurs.csv", data)], organisation=org, write=True)
    assert report.ok, problems(report)
    buyer = Buyer.objects.get(organisation=org)
    assert (buyer.name, buyer.kind) == ("Hôpital de Saint-Étienne", "hopital")


def test_utf8_bom_csv_with_commas_recognised_from_its_headers(org, tracked):
    data = csv_file(
        [
            ["Identifiant participant", "Sexe", "Nom", "Prénom", "Niveau de formation"],
            ["P-002", "Femme", "Lefèvre", "Zoé", "Baccalauréat (niveau 4)"],
        ],
        delimiter=",",
        bom=True,
    )
    report = run_import([("export-2025.csv", data)], organisation=org, write=True)
    assert report.ok, problems(report)
    participant = Participant.objects.get(identifier="P-002")
    assert (participant.last_name, participant.first_name, participant.sex) == (
        "Lefèvre",
        "Zoé",
        "F",
    )
    assert participant.education_level == "4"


def test_csv_whose_object_cannot_be_recognised(org):
    data = csv_file([["Colonne A", "Colonne B"], ["1", "2"]])
    report = run_import([("divers.csv", data)], organisation=org)
    assert not report.ok
    assert "Objet non reconnu" in report.errors[0].message


def test_missing_required_column_is_named(org):
    data = csv_file([["SIRET", "Nom"], [BUYER_SIRET, "Ville"]])
    report = run_import([("acheteurs.csv", data)], organisation=org)
    assert problems(report) == [
        ("Acheteurs", 1, "Type d'acheteur", "Colonne obligatoire absente de l'en-tête.")
    ]


# --- Every bad input names its sheet, line and column ------------------------------------

BAD_INPUTS = {
    "invalid SIRET": (
        {"Acheteurs": [["123 456 789 00012", "Ville", "Commune ou intercommunalité", ""]]},
        ("Acheteurs", 2, "SIRET"),
        "Le SIRET « 12345678900012 » n'est pas valide (clé de contrôle incorrecte).",
    ),
    "negative hours": (
        {"Heures": [hours_row("03/2025", 35), hours_row("04/2025", "-12")]},
        ("Heures", 3, "Heures"),
        "Heures : -12 h en avril 2025 — un nombre d'heures ne peut pas être négatif.",
    ),
    "hours above the monthly ceiling": (
        {"Heures": [hours_row("03/2025", "250")]},
        ("Heures", 2, "Heures"),
        "Heures : 250 h en mars 2025 dépasse le plafond plausible de 200 h par mois.",
    ),
    "hours outside the mission's dates": (
        {"Heures": [hours_row("09/2025", "20")]},
        ("Heures", 2, "Heures"),
        "Heures : septembre 2025 est hors des dates de la mission (du 01/02/2025 au 31/07/2025).",
    ),
    "hours that are not a number": (
        {"Heures": [hours_row("03/2025", "trente")]},
        ("Heures", 2, "Heures"),
        "Heures : « trente » n'est pas un nombre d'heures.",
    ),
    "a month that is not one": (
        {"Heures": [hours_row("13/2025", "20")]},
        ("Heures", 2, "Mois"),
        "« 13/2025 » n'est pas un mois : attendu MM/AAAA ou AAAA-MM.",
    ),
    "unknown commune": (
        {"Entreprises": [[make_siret(14), "Bâtiment", "", "93000", "Gotham City"]]},
        ("Entreprises", 2, "Commune"),
        "Commune inconnue : « 93000 Gotham City ». Vérifiez le code postal et le nom de la "
        "commune.",
    ),
    "participant duplicating an existing person": (
        {"Participants": [["P-777", "DIALLO", "awa", "12/04/1994", "F"]]},
        ("Participants", 2, "Nom"),
        "Un participant de même nom, prénom et date de naissance existe déjà (identifiant "
        "« P-001 ») : c'est sans doute la même personne.",
    ),
    "participant twice in the file": (
        {
            "Participants": [
                ["P-100", "Martin", "Karim", "", "M"],
                ["p-100", "Martin", "Karim", "", "M"],
            ]
        },
        ("Participants", 3, "Identifiant participant"),
        "Doublon : le participant « p-100 » figure déjà ligne 2.",
    ),
    "lot without a clause": (
        {"Lots": [["2025-TX-001", "2", "Peinture", "", "", "300"]]},
        ("Lots", 2, "Fondement juridique"),
        "Un lot suivi doit porter une clause sociale : indiquez son fondement juridique et le "
        "nombre d'heures d'insertion exigées.",
    ),
    "implausible date": (
        {"Marchés": [["M-9", BUYER_SIRET, "Voirie", "Travaux", "", "", "", "0218-03-01", ""]]},
        ("Marchés", 2, "Date de notification"),
        "Date de notification : La date 0218-03-01 n'est pas plausible (année attendue entre "
        "1900 et 2100).",
    ),
    "unknown contract": (
        {"Lots": [["2099-XX-404", "1", "", "", "L2112-2", "100"]]},
        ("Lots", 2, "Référence du marché"),
        "Marché inconnu : aucun marché de référence « 2099-XX-404 » dans votre structure ni "
        "dans la feuille « Marchés ».",
    ),
    "unknown participant": (
        {"Heures": [hours_row("03/2025", "20", identifier="P-404")]},
        ("Heures", 2, "Identifiant participant"),
        "Participant inconnu : aucun participant d'identifiant « P-404 » dans votre structure "
        "ni dans la feuille « Participants ».",
    ),
    "missing value in a required column": (
        {"Missions": [["P-001", "2025-TX-001", "1", COMPANY_SIRET, "", "CDD", "01/09/2025", ""]]},
        ("Missions", 2, "Modalité"),
        "Modalité : ce champ est obligatoire.",
    ),
    "unknown choice": (
        {"Acheteurs": [[BUYER_SIRET, "Ville", "Mairie", ""]]},
        ("Acheteurs", 2, "Type d'acheteur"),
        "« Mairie » ne fait pas partie des valeurs possibles",
    ),
    "mission ending before it starts": (
        {
            "Missions": [
                [
                    "P-001",
                    "2025-TX-001",
                    "1",
                    COMPANY_SIRET,
                    "etti",
                    "interim",
                    "01/09/2025",
                    "31/08/2025",
                ]
            ]
        },
        ("Missions", 2, "Fin"),
        "Fin : la mission ne peut pas finir avant de commencer.",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_reported_with_its_line_and_column(org, tracked, case):
    sheets, (sheet, line, column), message = BAD_INPUTS[case]
    report = run(org, sheets, write=True)
    assert not report.ok
    assert not report.written
    found = [p for p in report.errors if (p.sheet, p.line, p.column) == (sheet, line, column)]
    assert found, problems(report)
    assert found[0].message.startswith(message), found[0].message
    assert (
        found[0]
        .as_text()
        .startswith(f"suivi.xlsx, feuille « {sheet} », ligne {line}, colonne « {column} » : ")
    )


def test_every_error_is_listed_not_only_the_first(org, tracked):
    report = run(
        org,
        {
            "Acheteurs": [
                ["123", "Ville", "commune_epci", ""],
                [BUYER_SIRET, "", "commune_epci", ""],
            ],
            "Heures": [hours_row("03/2025", "-1"), hours_row("04/2025", "999")],
        },
    )
    assert [(p.sheet, p.line, p.column) for p in report.errors] == [
        ("Acheteurs", 2, "SIRET"),
        ("Acheteurs", 3, "Nom"),
        ("Heures", 2, "Heures"),
        ("Heures", 3, "Heures"),
    ]
    assert report.error_count == 4


def test_wrong_hours_are_reported_even_on_a_line_with_other_errors(org, tracked):
    """Negative hours or hours over the ceiling are wrong whatever the mission: they are
    listed with the line's other errors, not after the file is fixed once."""
    report = run(
        org,
        {
            "Heures": [
                ["P-001", "2025-TX-001", "1", "", "", "13/2025", "-4"],
                ["P-001", "2025-TX-999", "1", COMPANY_SIRET, "", "03/2025", "250"],
            ]
        },
    )
    assert [(p.line, p.column) for p in report.errors] == [
        (2, "SIRET de l'entreprise"),
        (2, "Mois"),
        (2, "Heures"),
        (3, "Référence du marché"),
        (3, "Heures"),
    ]
    messages = [p.message for p in report.errors]
    assert messages[2] == "Heures : -4 h — un nombre d'heures ne peut pas être négatif."
    assert messages[4] == (
        "Heures : 250 h en mars 2025 dépasse le plafond plausible de 200 h par mois."
    )
    assert not report.written and not HoursDeclaration.objects.exists()


def test_nothing_is_written_while_an_error_remains(org, tracked):
    report = run(
        org,
        {
            "Acheteurs": [[make_siret(20), "Nouvel acheteur", "etat", ""]],
            "Participants": [["P-200", "Nouveau", "Participant", "", "M"]],
            "Heures": [hours_row("03/2025", "35"), hours_row("04/2025", "-5")],
        },
        write=True,
    )
    assert report.error_count == 1
    assert not Buyer.objects.filter(siret=make_siret(20)).exists()
    assert not Participant.objects.filter(identifier="P-200").exists()
    assert not HoursDeclaration.objects.exists()
    assert not AuditEntry.objects.filter(action="insertion.import").exists()


def test_objects_defined_earlier_in_the_same_file_are_found(org):
    report = run(
        org,
        {
            "Acheteurs": [[BUYER_SIRET, "Ville", "commune_epci", ""]],
            "Marchés": [["M-1", BUYER_SIRET, "Voirie", "travaux", "", "", "", "", ""]],
            "Lots": [["M-1", "1", "Unique", "", "L2112-2", "350"]],
            "Entreprises": [[COMPANY_SIRET, "Routes SA", "", "", ""]],
            "Participants": [["P-1", "", "", "", "F"]],
            "Missions": [
                ["P-1", "M-1", "1", COMPANY_SIRET, "embauche_directe", "cdi", "2025-01-06", ""]
            ],
            "Heures": [["P-1", "M-1", "1", COMPANY_SIRET, "", "01/2025", "151,67"]],
        },
        write=True,
    )
    assert report.ok, problems(report)
    mission = Mission.objects.get(participant__identifier="P-1")
    assert mission.lot.clause.required_hours == 350
    assert mission.hours.get().hours == Decimal("151.67")


def test_a_failed_line_does_not_cascade_into_its_references(org):
    report = run(
        org,
        {
            "Participants": [["P-1", "", "", "31/02/1990", "F"]],
            "Heures": [["P-1", "M-1", "1", COMPANY_SIRET, "", "01/2025", "10"]],
        },
    )
    assert [(p.sheet, p.line, p.column) for p in report.errors][0] == (
        "Participants",
        2,
        "Date de naissance",
    )
    assert not any("Participant inconnu" in p.message for p in report.errors)


def test_hours_are_read_in_one_query_and_written_in_bulk(org, tracked):
    def queries(count):
        months = [datetime.date(2025, 2, 1) + datetime.timedelta(days=31 * i) for i in range(6)]
        participants = [
            ParticipantFactory(organisation=org, identifier=f"Q-{count}-{n}") for n in range(count)
        ]
        for participant in participants:
            MissionFactory(
                participant=participant,
                lot=tracked["lot"],
                company=tracked["company"],
                start_date=datetime.date(2025, 2, 1),
                end_date=datetime.date(2025, 7, 31),
            )
        rows = [
            hours_row(f"{month:%m/%Y}", 10, identifier=participant.identifier)
            for participant in participants
            for month in months
        ]
        with CaptureQueriesContext(connection) as context:
            report = run(org, {"Heures": rows}, write=True)
        assert report.ok, problems(report)
        return len(context.captured_queries)

    small, large = queries(5), queries(100)
    # 30 lines or 600 lines: the same reads, a few more batched inserts at most.
    assert large <= small + 3, (small, large)


# --- Command line -------------------------------------------------------------------------


def test_import_command_is_a_dry_run_by_default(org, tracked, tmp_path, capsys):
    path = tmp_path / "heures.xlsx"
    path.write_bytes(workbook({"Heures": [hours_row("03/2025", 35)]}))
    call_command("import_clauses", str(path), "--organisation", str(org.pk))
    out = capsys.readouterr().out
    assert "Heures : 1 créé(s), 0 mis à jour, 0 inchangé(s)" in out
    assert "Simulation : rien n'a été écrit." in out
    assert not HoursDeclaration.objects.exists()

    call_command("import_clauses", str(path), "--organisation", org.name, "--wet-run")
    assert tracked["mission"].hours.get().hours == 35
    assert AuditEntry.objects.get(action="insertion.import").actor_repr.startswith(
        "manage.py import_clauses"
    )


def test_import_command_prints_each_error_and_fails(org, tracked, tmp_path, capsys):
    path = tmp_path / "heures.csv"
    path.write_bytes(
        csv_file([columns.HOURS.headers, hours_row("03/2025", "-3"), hours_row("04/2025", "300")])
    )
    with pytest.raises(CommandError, match="2 erreurs : rien n'a été importé"):
        call_command("import_clauses", str(path), "--organisation", str(org.pk), "--wet-run")
    err = capsys.readouterr().err
    assert "heures.csv, feuille « Heures », ligne 2, colonne « Heures » : Heures : -3 h" in err
    assert "ligne 3, colonne « Heures » : Heures : 300 h en avril 2025 dépasse" in err
    assert not HoursDeclaration.objects.exists()


def test_import_command_needs_a_known_organisation(tmp_path):
    path = tmp_path / "vide.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="Aucune organisation"):
        call_command("import_clauses", str(path), "--organisation", "Inconnue")


def test_import_template_command_writes_template_and_example(tmp_path, org, bobigny):
    call_command("import_template", "--out", str(tmp_path))
    names = {path.name for path in tmp_path.iterdir()}
    assert names == {"modele-import.xlsx", "exemple-import.xlsx", "modele-csv", "exemple-csv"}
    assert {path.name for path in (tmp_path / "exemple-csv").iterdir()} == {
        f"{sheet.file_stem}.csv" for sheet in columns.SHEETS
    }
    files = [
        (path.name, path.read_bytes()) for path in sorted((tmp_path / "exemple-csv").iterdir())
    ]
    report = run_import(files, organisation=org, write=True)
    assert report.ok, problems(report)
    assert report.totals.created == 21
    empty = run_import(
        [("modele.xlsx", (tmp_path / "modele-import.xlsx").read_bytes())], organisation=org
    )
    assert empty.ok and empty.totals.total == 0


def test_the_documented_format_names_every_sheet_and_column():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "import-format.md").read_text()
    for sheet in columns.SHEETS:
        assert f"### {sheet.title} (`{sheet.file_stem}.csv`)" in text
        for column in sheet.columns:
            assert f"| {column.header} | {'oui' if column.required else ''} |" in text
