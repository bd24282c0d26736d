import datetime
import io

from openpyxl import load_workbook

from clauses.core import exports

ROWS = [
    ["Nom", "Inscrit·e le", "Heures"],
    ['=HYPERLINK("http://evil")', datetime.datetime(2026, 3, 5, 9, 30), 12.5],
]


def test_csv_is_french_excel_friendly_and_neutralises_formulas():
    text = exports.render_csv(ROWS).decode("utf-8")
    assert text.startswith("\ufeffNom;Inscrit·e le;Heures\r\n")
    assert "'=HYPERLINK" in text
    assert "05/03/2026 09:30;12,5" in text


def test_xlsx_keeps_dates_and_numbers_typed_and_neutralises_formulas():
    sheet = load_workbook(io.BytesIO(exports.render_xlsx(ROWS, title="Essai"))).active
    assert sheet.title == "Essai"
    assert sheet["A2"].value == '\'=HYPERLINK("http://evil")'
    assert sheet["B2"].value == datetime.datetime(2026, 3, 5, 9, 30)
    assert sheet["C2"].value == 12.5
    assert sheet["A1"].font.bold
