"""Spreadsheet files from row iterators: the one place CSV and XLSX are written.

A row iterator yields its header (French column names) then one list per row. Values
stay typed (dates, datetimes, numbers) until written: they become real dates and numbers
in XLSX, French-formatted text in CSV. Text typed by people is neutralised against
spreadsheet formula injection in both formats.
"""

import csv
import datetime
import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CSV_SEPARATOR = ";"
XLSX_MAX_WIDTH = 60
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text starting like a formula is prefixed with ' so spreadsheets show it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return neutralise(value)


def render_csv(rows, *, title=""):
    """CSV for French spreadsheet software: ``;`` separator, UTF-8 with a byte-order mark."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def render_xlsx(rows, *, title="Export"):
    """XLSX with a bold, frozen header, widths fitted to the content, real dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    rows = iter(rows)
    header = next(rows)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = {index: len(str(name)) for index, name in enumerate(header, start=1)}
    for row_number, row in enumerate(rows, start=2):
        sheet.append([neutralise(value) for value in row])
        for index, value in enumerate(row, start=1):
            if isinstance(value, datetime.datetime):
                sheet.cell(row=row_number, column=index).number_format = "DD/MM/YYYY HH:MM"
                length = 16
            elif isinstance(value, datetime.date):
                sheet.cell(row=row_number, column=index).number_format = "DD/MM/YYYY"
                length = 10
            else:
                length = len(str(value)) if value is not None else 0
            widths[index] = max(widths.get(index, 0), length)
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, XLSX_MAX_WIDTH)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


RENDERERS = {"csv": render_csv, "xlsx": render_xlsx}


def file_response(rows, *, fmt, filename, title="Export"):
    """An attachment response with ``rows`` written as ``fmt`` ("csv" or "xlsx")."""
    content = RENDERERS[fmt](rows, title=title)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
