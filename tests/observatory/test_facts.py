"""The national audit file (clauses/observatory/facts.py, manage.py export_facts) on the
hand-built dataset of conftest.py."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from clauses.core import exports
from clauses.core.audit import action_label
from clauses.core.models import AuditEntry
from clauses.observatory.facts import FACT_COLUMNS, Pseudonyms, fact_rows
from tests.tracking.factories import (
    BuyerFactory,
    ClauseFactory,
    ContractFactory,
    HoursDeclarationFactory,
    LotFactory,
    MissionFactory,
    OrganisationFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "Pseudonyme",
    "Mois",
    "Heures",
    "Sexe",
    "Année de naissance",
    "Début de la mission",
    "Code QPV au début de la mission",
    "Nature du marché",
    "Marché réservé",
    "Fondement juridique",
    "Modalité",
    "Type de contrat de travail",
    "Type d'acheteur",
    "Type d'entreprise",
    "Structure",
    "Code département de la structure",
    "Code région de la structure",
]
EXECUTION = "Clause d'exécution (L2112-2)"
COMMUNE = "Commune ou intercommunalité"
ORDINARY = "Entreprise classique"
DIRECT = "Embauche directe"
# 2025 in the order of the file (month, then mission): Claire is met first (A, March).
CLAIRE_A = ["Femme", "1999", "01/02/2025", "QN09301M", "Travaux", "non", EXECUTION, DIRECT]
ROWS_2025 = [
    ["P000001", "03/2025", "100", *CLAIRE_A, "CDD", COMMUNE, ORDINARY, "PLIE A", "93", "11"],
    [
        "P000002",
        "03/2025",
        "150",
        *["Homme", "1970", "01/12/2024", "", "Travaux", "non", EXECUTION, DIRECT],
        *["CDI", COMMUNE, ORDINARY, "PLIE A", "93", "11"],
    ],
    ["P000001", "04/2025", "50", *CLAIRE_A, "CDD", COMMUNE, ORDINARY, "PLIE A", "93", "11"],
    [
        "P000001",
        "05/2025",
        "40",
        *["Femme", "1999", "01/05/2025", "QN09301M", "Services", "oui"],
        *["Marché réservé SIAE (L2113-13)", "Mise à disposition par une ETTI"],
        *["Contrat de mission (intérim, intérim d'insertion)", COMMUNE, ORDINARY, "PLIE B"],
        *["94", "11"],
    ],
    [
        "P000003",
        "06/2025",
        "60",
        *["Homme", "", "01/06/2025", "", "Fournitures", "non", EXECUTION, DIRECT],
        *["CDD d'insertion (CDDI)", COMMUNE, ORDINARY, "PLIE C", "33", "75"],
    ],
]


def export(tmp_path, year, name="faits.csv"):
    out = tmp_path / name
    stdout = io.StringIO()
    call_command("export_facts", year=str(year), out=str(out), stdout=stdout)
    text = out.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";")), text, stdout.getvalue()


def test_the_columns_are_defined_once():
    assert FACT_COLUMNS == HEADER


def test_one_row_per_declaration_of_the_year(tmp_path, known):
    rows, _, output = export(tmp_path, 2025)
    assert rows[0] == HEADER
    assert rows[1:] == ROWS_2025
    assert "5 ligne(s), 3 personne(s)" in output


def test_a_person_followed_by_two_structures_has_one_pseudonym(tmp_path, known):
    rows, _, _ = export(tmp_path, 2025)
    claire = {row[0] for row in rows[1:] if row[3] == "Femme"}
    assert {row[14] for row in rows[1:] if row[3] == "Femme"} == {"PLIE A", "PLIE B"}
    assert claire == {"P000001"}


def test_no_key_name_birth_date_or_identifier_in_the_file(tmp_path, known):
    _, text, _ = export(tmp_path, 2025)
    people = [known.claire_a, known.claire_b, known.paul, known.anonymous]
    for participant in people:
        assert participant.person_key not in text
        assert participant.person_key[:12] not in text
        assert participant.identifier not in text
    for word in ["Martin", "Claire", "Durand", "Paul", "01/05/1999", "01/01/1970"]:
        assert word.lower() not in text.lower()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert all(re.fullmatch(r"P\d{6}", row[0]) for row in rows[1:])


def test_pseudonyms_belong_to_one_file(tmp_path, known):
    rows_2024, _, output = export(tmp_path, 2024, "2024.csv")
    assert [row[:3] for row in rows_2024[1:]] == [["P000001", "12/2024", "80"]]  # Paul
    assert "1 ligne(s), 1 personne(s)" in output
    rows_2025, _, _ = export(tmp_path, 2025, "2025.csv")
    assert rows_2025[2][:3] == ["P000002", "03/2025", "150"]  # Paul again, another pseudonym


def test_a_structure_without_departement_counts_in_its_region(tmp_path, known):
    organisation = OrganisationFactory(
        name="Maison de l'emploi", departement=None, region=known.idf
    )
    contract = ContractFactory(
        organisation=organisation, buyer=BuyerFactory(organisation=organisation)
    )
    lot = LotFactory(contract=contract)
    ClauseFactory(lot=lot)
    mission = MissionFactory(
        participant=ParticipantFactory(organisation=organisation),
        lot=lot,
        start_date=datetime.date(2025, 9, 1),
        end_date=None,
    )
    HoursDeclarationFactory(mission=mission, month=datetime.date(2025, 9, 1), hours=Decimal("7.5"))
    rows, _, _ = export(tmp_path, 2025)
    assert rows[-1][0] == "P000004"
    assert rows[-1][2] == "7,5"
    assert rows[-1][14:] == ["Maison de l'emploi", "", "11"]


def test_the_export_is_audited(tmp_path, known):
    export(tmp_path, 2025)
    entry = AuditEntry.objects.get(action="observatory.facts_exported")
    assert entry.actor is None
    assert entry.actor_repr == "manage.py export_facts"
    assert entry.changes == {"année": 2025, "lignes": 5, "personnes": 3}
    assert action_label(entry.action) == "Fichier d'audit des heures exporté"


def test_the_rows_stream_in_chunks_and_give_the_same_file(known, monkeypatch):
    whole = exports.render_csv(fact_rows(2025))
    monkeypatch.setattr(exports, "CSV_CHUNK_ROWS", 2)
    chunks = list(exports.iter_csv(fact_rows(2025)))
    assert len(chunks) == 3
    assert b"".join(chunks) == whole
    assert whole.startswith("\ufeffPseudonyme;".encode())


def test_the_rows_make_a_workbook_with_typed_values(known):
    pseudonyms = Pseudonyms()
    sheet = load_workbook(io.BytesIO(exports.render_xlsx(fact_rows(2025, pseudonyms=pseudonyms))))
    values = list(sheet.active.iter_rows(values_only=True))
    assert list(values[0]) == HEADER
    assert values[1][:6] == (
        "P000001",
        "03/2025",
        100,
        "Femme",
        1999,
        datetime.datetime(2025, 2, 1),
    )
    assert len(values) == 6
    assert len(pseudonyms) == 3


@pytest.mark.parametrize(
    "year, message",
    [
        ("deux mille", "Année invalide : « deux mille » (attendu : un nombre entier"),
        ("1999", "Année invalide : 1999 (attendu : entre 2000 et 2100)."),
        ("2101", "Année invalide : 2101 (attendu : entre 2000 et 2100)."),
    ],
)
def test_a_bad_year_is_refused(tmp_path, year, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("export_facts", year=year, out=str(tmp_path / "faits.csv"))
    assert not (tmp_path / "faits.csv").exists()


def test_a_missing_directory_is_refused(tmp_path):
    out = tmp_path / "absent" / "faits.csv"
    with pytest.raises(CommandError, match="Le dossier de « .* » n'existe pas"):
        call_command("export_facts", year="2025", out=str(out))
    assert not AuditEntry.objects.filter(action="observatory.facts_exported").exists()


def test_the_output_must_be_a_csv_file(tmp_path):
    with pytest.raises(CommandError, match=r"Le fichier de sortie doit finir par \.csv"):
        call_command("export_facts", year="2025", out=str(tmp_path / "faits.xlsx"))
