"""Uploaded files -> tables of raw cells, one per object (sheet of a workbook or CSV file).

XLSX through openpyxl (read-only); CSV with ``;``, ``,`` or tabulation, in UTF-8 (with or
without byte-order mark), UTF-16 or Latin-1 / Windows-1252, all detected; a ZIP of such
files (what the CSV export produces). Which object a CSV file holds is recognised from its
headers, the file name breaking ties. Cells stay raw here (text, numbers, dates): the
importer parses them, so every problem gets its line and column.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from .columns import IGNORED_SHEETS, SHEETS, normalise, sheet_for_name, sheet_mentioned_in

MAX_ZIP_MEMBERS = 50
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024


@dataclass
class Problem:
    """An error (or a warning) located in a file: the sheet, the line, the column."""

    source: str
    sheet: str
    line: int | None
    column: str
    message: str

    def as_text(self):
        parts = [self.source or "—"]
        if self.sheet:
            parts.append(f"feuille « {self.sheet} »")
        if self.line:
            parts.append(f"ligne {self.line}")
        if self.column:
            parts.append(f"colonne « {self.column} »")
        return f"{', '.join(parts)} : {self.message}"

    def as_dict(self):
        return {
            "source": self.source,
            "sheet": self.sheet,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Table:
    """The rows of one object read from one sheet or file."""

    source: str
    sheet_name: str
    spec: object  # columns.Sheet
    columns: list  # per position: columns.Column or None (ignored column)
    rows: list = field(default_factory=list)  # (line number, [cells])
    encoding: str = ""
    delimiter: str = ""

    @property
    def label(self):
        """The sheet shown in messages: the workbook's sheet name, or the object's title."""
        return self.sheet_name or self.spec.title


@dataclass
class Reading:
    tables: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def lines(self):
        return sum(len(table.rows) for table in self.tables)


def read_files(files):
    """Read ``files`` (an iterable of (name, bytes)) into a Reading."""
    reading = Reading()
    for name, data in files:
        _read_one(reading, name, data)
    if not reading.tables and not reading.errors:
        reading.errors.append(
            Problem("", "", None, "", "Aucune donnée à importer : les fichiers sont vides.")
        )
    return reading


def _read_one(reading, name, data, *, depth=0):
    suffix = PurePath(name).suffix.lower()
    if data[:4] == b"PK\x03\x04" and suffix != ".xlsx" and depth == 0:
        _read_zip(reading, name, data)
    elif suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
        _read_xlsx(reading, name, data)
    elif suffix in {".csv", ".txt", ""}:
        _read_csv(reading, name, data)
    else:
        reading.errors.append(
            Problem(
                name,
                "",
                None,
                "",
                "Format de fichier non pris en charge : envoyez un classeur Excel (.xlsx), "
                "des fichiers CSV ou une archive ZIP de fichiers CSV.",
            )
        )


def _read_zip(reading, name, data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and PurePath(info.filename).suffix.lower() in {".csv", ".xlsx"}
        ]
    except zipfile.BadZipFile:
        reading.errors.append(Problem(name, "", None, "", "Archive ZIP illisible."))
        return
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        reading.errors.append(
            Problem(name, "", None, "", "Archive trop volumineuse : découpez-la.")
        )
        return
    if not members:
        reading.errors.append(
            Problem(name, "", None, "", "L'archive ne contient aucun fichier CSV ni XLSX.")
        )
    for info in members:
        member = PurePath(info.filename).name
        _read_one(reading, f"{name}/{member}", archive.read(info), depth=1)


# --- CSV ---------------------------------------------------------------------------------


def decode(data):
    """(text, encoding label): UTF-8 with or without BOM, UTF-16 with BOM, else Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 avec BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Latin-1 (Windows-1252)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def sniff_delimiter(first_line):
    """``;`` (French spreadsheets), ``,`` or a tabulation, whichever the header holds most."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"


def _read_csv(reading, name, data):
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        reading.errors.append(Problem(name, "", 1, "", f"Ligne illisible : {exc}."))
        return
    if not header or not any(cell.strip() for cell in header):
        reading.warnings.append(Problem(name, "", None, "", "Fichier vide : ignoré."))
        return
    spec = _recognise(header, sheet_mentioned_in(name))
    if spec is None:
        reading.errors.append(
            Problem(
                name,
                "",
                1,
                "",
                "Objet non reconnu : ni les en-têtes ni le nom du fichier ne correspondent à "
                f"l'une des feuilles du format ({', '.join(s.title for s in SHEETS)}).",
            )
        )
        return
    table = _table(reading, name, "", spec, header)
    if table is None:
        return
    table.encoding, table.delimiter = encoding, delimiter
    line = 1
    try:
        for cells in reader:
            start = line + 1
            line = reader.line_num
            if any(cell.strip() for cell in cells):
                table.rows.append((start, cells))
    except csv.Error as exc:
        reading.errors.append(Problem(name, "", line + 1, "", f"Ligne illisible : {exc}."))


# --- XLSX --------------------------------------------------------------------------------


def _read_xlsx(reading, name, data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors on bad files
        reading.errors.append(
            Problem(name, "", None, "", "Classeur illisible : est-ce bien un fichier .xlsx ?")
        )
        return
    try:
        for worksheet in workbook.worksheets:
            _read_worksheet(reading, name, worksheet)
    finally:
        workbook.close()


def _read_worksheet(reading, name, worksheet):
    title = worksheet.title
    if normalise(title) in IGNORED_SHEETS:
        return
    has_percent = False
    rows = worksheet.iter_rows()
    header_cells = next(rows, None)
    if header_cells is None:
        return
    header = [_cell_text(cell.value) for cell in header_cells]
    while header and not header[-1]:
        header.pop()
    if not header:
        return
    spec = sheet_for_name(title) or _recognise(header, None)
    if spec is None:
        reading.warnings.append(
            Problem(
                name,
                title,
                None,
                "",
                "Feuille ignorée : son nom et ses en-têtes ne correspondent à aucun objet du "
                "format.",
            )
        )
        return
    table = _table(reading, name, title, spec, header)
    if table is None:
        return
    has_percent = any(column and column.kind == "pourcentage" for column in table.columns)
    width = len(header)
    for line, cells in enumerate(rows, start=2):
        values = []
        for cell in cells[:width]:
            value = cell.value
            if (
                has_percent
                and isinstance(value, (int, float))
                and "%" in (getattr(cell, "number_format", "") or "")
            ):
                value = f"{value * 100:.6g} %"
            values.append(value)
        if any(value is not None and str(value).strip() != "" for value in values):
            table.rows.append((line, values))


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


# --- Headers -----------------------------------------------------------------------------


def _column_map(spec):
    return {normalise(name): column for column in spec.columns for name in column.names}


def _recognise(header, named_sheet):
    """The sheet whose columns the header holds best (all required columns present)."""
    names = {normalise(cell) for cell in header if str(cell).strip()}
    if named_sheet is not None and names & set(_column_map(named_sheet)):
        return named_sheet  # the file name says which object; missing columns get reported
    candidates = []
    for spec in SHEETS:
        known = _column_map(spec)
        matched = {known[name].key for name in names if name in known}
        if not spec.required_keys <= matched:
            continue
        score = len(matched) - len(names - set(known))
        candidates.append((score, spec.key, spec))
    if not candidates:
        return None
    return max(candidates, key=lambda c: c[0])[2]


def _table(reading, name, sheet_name, spec, header):
    known = _column_map(spec)
    columns, seen, ignored = [], set(), []
    for cell in header:
        column = known.get(normalise(cell))
        if column is not None and column.key in seen:
            reading.errors.append(
                Problem(name, sheet_name or spec.title, 1, str(cell), "Colonne en double.")
            )
            return None
        if column is None and str(cell).strip():
            ignored.append(str(cell).strip())
        if column is not None:
            seen.add(column.key)
        columns.append(column)
    missing = [c.header for c in spec.columns if c.required and c.key not in seen]
    label = sheet_name or spec.title
    for header_name in missing:
        reading.errors.append(
            Problem(name, label, 1, header_name, "Colonne obligatoire absente de l'en-tête.")
        )
    if ignored:
        reading.warnings.append(
            Problem(
                name,
                label,
                1,
                "",
                f"Colonnes ignorées (inconnues du format) : {', '.join(ignored)}.",
            )
        )
    if missing:
        return None
    table = Table(source=name, sheet_name=sheet_name, spec=spec, columns=columns)
    reading.tables.append(table)
    return table


def count_lines(files):
    """A quick count of data lines, to choose between synchronous and background work."""
    total = 0
    for name, data in files:
        if data[:4] == b"PK\x03\x04":
            total += _count_zip_lines(name, data)
        else:
            lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
            total += max(lines - 1, 0)
    return total


def _count_zip_lines(name, data):
    if PurePath(name).suffix.lower() == ".xlsx":
        return _count_xlsx_rows(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        return sum(
            count_lines([(info.filename, archive.read(info))])
            for info in archive.infolist()[:MAX_ZIP_MEMBERS]
            if PurePath(info.filename).suffix.lower() in {".csv", ".xlsx"}
            and info.file_size <= MAX_UNZIPPED_BYTES
        )
    except zipfile.BadZipFile:
        return 0


def _count_xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
    except Exception:  # noqa: BLE001
        return 0
    try:
        return sum(max((ws.max_row or 1) - 1, 0) for ws in workbook.worksheets)
    finally:
        workbook.close()
