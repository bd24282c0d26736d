"""Spreadsheet files from row iterators: the one place CSV and XLSX are written.

A row iterator yields its header (French column names) then one list per row. Values
stay typed (dates, datetimes, numbers) until written: they become real dates and numbers
in XLSX, French-formatted text in CSV. Text typed by people is neutralised against
spreadsheet formula injection in both formats.

CSV is written in chunks (``iter_csv``, ``write_csv``), so a large iterator goes to a file
or a streaming response without the whole file in memory; ``render_csv`` joins them.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CSV_SEPARATOR = ";"
CSV_CHUNK_ROWS = 1000  # rows encoded together by iter_csv
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
    if isinstance(value, str):  # most values: first
        return neutralise(value)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return neutralise(value)


def iter_csv(rows):
    """CSV for French spreadsheet software, as UTF-8 chunks of ``CSV_CHUNK_ROWS`` rows:
    ``;`` separator, a byte-order mark first, French dates and decimal commas."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    for number, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(value) for value in row])
        if number % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def write_csv(rows, file):
    """Write ``rows`` as CSV (``iter_csv``) to ``file``, opened in binary mode; return the
    number of rows written after the header."""
    count = 0

    def counted():
        nonlocal count
        for row in rows:
            count += 1
            yield row

    for chunk in iter_csv(counted()):
        file.write(chunk)
    return max(count - 1, 0)


def render_csv(rows, *, title=""):
    """The whole CSV (``iter_csv``) as bytes."""
    return b"".join(iter_csv(rows))


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
