"""Import of the tracking data of one organisation: validate everything, then write at once.

``run_import(files, organisation=…)`` reads the files (reading.py), checks every line with
the rules of the services (``check_hours``, ``check_mission``, ``check_not_duplicate``,
``resolve_commune``, the models' validators) so that messages read as in the forms, and
reports every problem with its file, sheet, line and column. Nothing is written while an
error remains; with ``write=True`` and no error, everything is written in one transaction
with bulk queries (PostgreSQL ``COPY`` for new monthly hours), then one audit entry.

Objects are found again by their natural keys (SIRET, contract reference + lot number,
participant identifier, participant + lot + company + start date for a mission, mission +
month for hours): re-importing a file changes nothing and says so.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from clauses.core import audit
from clauses.core.exceptions import DomainError
from clauses.core.validators import normalise_siret, validate_siret
from clauses.insertion import identity
from clauses.insertion import services as insertion_services
from clauses.insertion.enums import OUTCOME_KIND_OF_DETAIL, QpvSource
from clauses.insertion.models import Eligibility, HoursDeclaration, Mission, Outcome, Participant
from clauses.procurement.models import Buyer, Clause, Company, Contract, Lot, LotCompany, Operation
from clauses.procurement.services import _field_label
from clauses.territories.models import Departement, Qpv

from . import columns as c
from .reading import Problem, read_files

PROGRESS_EVERY = 2000
NEUTRALISED = ("=", "+", "-", "@")
# Errors kept in a report (the command line prints them all as they come).
MAX_REPORTED_ERRORS = 2000


class _Empty:
    """An empty cell of a column present in the file: the field gets its default."""

    def __repr__(self):
        return "EMPTY"

    def __bool__(self):
        return False


EMPTY = _Empty()


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def total(self):
        return self.created + self.updated + self.unchanged + self.deleted


@dataclass
class Report:
    files: list = field(default_factory=list)
    lines: int = 0
    counts: dict = field(default_factory=dict)  # sheet key -> Counts
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    error_count: int = 0
    written: bool = False

    @property
    def ok(self):
        return not self.error_count

    @property
    def objects(self):
        """(sheet, Counts) of the objects the files hold, in the import order."""
        return [
            (sheet, self.counts[sheet.key])
            for sheet in c.SHEETS
            if sheet.key in self.counts and self.counts[sheet.key].total
        ]

    @property
    def totals(self):
        total = Counts()
        for _, counts in self.objects:
            total.created += counts.created
            total.updated += counts.updated
            total.unchanged += counts.unchanged
            total.deleted += counts.deleted
        return total

    @property
    def changes(self):
        totals = self.totals
        return totals.created + totals.updated + totals.deleted

    def summary(self):
        """One French paragraph: what the import does (or did), or how many errors stop it."""
        if not self.ok:
            return (
                f"{self.error_count} erreur{'s' if self.error_count > 1 else ''} : rien "
                "n'a été importé. Corrigez le fichier puis recommencez."
            )
        totals = self.totals
        verb = "Import terminé" if self.written else "Prêt à importer"
        parts = [
            _plural(totals.created, "création", "créations"),
            _plural(totals.updated, "mise à jour", "mises à jour"),
            _plural(totals.unchanged, "ligne inchangée", "lignes inchangées"),
        ]
        if totals.deleted:
            parts.append(_plural(totals.deleted, "suppression", "suppressions"))
        return f"{verb} : {', '.join(parts)}."

    def as_dict(self):
        return {
            "files": self.files,
            "lines": self.lines,
            "counts": {key: vars(counts) for key, counts in self.counts.items()},
            "errors": [problem.as_dict() for problem in self.errors],
            "warnings": [problem.as_dict() for problem in self.warnings],
            "error_count": self.error_count,
            "written": self.written,
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            files=data["files"],
            lines=data["lines"],
            counts={key: Counts(**value) for key, value in data["counts"].items()},
            errors=[Problem(**problem) for problem in data["errors"]],
            warnings=[Problem(**problem) for problem in data["warnings"]],
            error_count=data["error_count"],
            written=data["written"],
        )


def _plural(count, singular, plural):
    return f"{count:,}".replace(",", "\u202f") + " " + (singular if count <= 1 else plural)


def run_import(files, *, organisation, actor=None, write=False, progress=None, on_error=None):
    """Read and check ``files`` ((name, bytes) pairs) for ``organisation``; write them when
    ``write`` and no error. ``progress(done, total)`` follows the lines checked;
    ``on_error(problem)`` sees every error (the report keeps the first ones)."""
    reading = read_files(files)
    importer = Importer(organisation, actor=actor, progress=progress, on_error=on_error)
    return importer.run(reading, write=write, files=[name for name, _ in files])


# --- Cell parsers: raw cell (text, number, date) -> value, or DomainError ------------------


def _text(value, column):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime):
        value = value.date().isoformat()
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in NEUTRALISED:
        text = text[1:]  # written by the export to neutralise a formula
    if column.digits and text.isdigit() and len(text) < column.digits:
        text = text.zfill(column.digits)
    return text


def _siret(value, column):
    number = normalise_siret(_text(value, column))
    try:
        validate_siret(number)
    except ValidationError as exc:
        raise DomainError(exc.messages[0]) from None
    return number


_LOOKUPS = {}


def _choice(value, column):
    lookup = _LOOKUPS.get(column.choices)
    if lookup is None:
        lookup = _LOOKUPS[column.choices] = c.choice_lookup(column.choices)
    found = lookup.get(c.normalise(_text(value, column)))
    if found is None:
        labels = [f"« {label} »" for _, label in column.choices.choices]
        raise DomainError(
            f"« {value} » ne fait pas partie des valeurs possibles : {', '.join(labels)} "
            "(ou leurs codes)."
        )
    return found


_FR_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")


def _date(value, column):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    match = _FR_DATE.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = _ISO_DATE.match(text)
        if not match:
            raise DomainError(f"« {text} » n'est pas une date : attendu JJ/MM/AAAA ou AAAA-MM-JJ.")
        year, month, day = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DomainError(f"« {text} » n'est pas une date qui existe.") from None


_MONTH_NAMES = {
    c.normalise(name): number for number, name in enumerate(insertion_services.MONTHS_FR, 1)
}
_FR_MONTH = re.compile(r"^(\d{1,2})[/.-](\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_NAMED_MONTH = re.compile(r"^([a-z]+)\s+(\d{4})$")


def _month(value, column):
    if isinstance(value, datetime.datetime):
        return value.date().replace(day=1)
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = str(value).strip()
    match = _FR_MONTH.match(text)
    if match:
        month, year = int(match.group(1)), int(match.group(2))
    elif match := _ISO_MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
    elif (match := _NAMED_MONTH.match(c.normalise(text))) and match.group(1) in _MONTH_NAMES:
        year, month = int(match.group(2)), _MONTH_NAMES[match.group(1)]
    else:
        try:
            return _date(text, column).replace(day=1)
        except DomainError:
            raise DomainError(
                f"« {text} » n'est pas un mois : attendu MM/AAAA ou AAAA-MM."
            ) from None
    if not 1 <= month <= 12:
        raise DomainError(f"« {text} » n'est pas un mois : attendu MM/AAAA ou AAAA-MM.")
    return datetime.date(year, month, 1)


def _decimal(value, column):
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool):
        raise DomainError(f"« {value} » n'est pas un nombre.")
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = str(value).strip()
        cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text).replace(",", ".")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise DomainError(f"« {text} » n'est pas un nombre.") from None
    if not number.is_finite():
        raise DomainError(f"« {value} » n'est pas un nombre.")
    return number


def _integer(value, column):
    number = _decimal(value, column)
    if number != number.to_integral_value():
        raise DomainError(f"« {value} » n'est pas un nombre entier.")
    return int(number)


def _percent(value, column):
    text = str(value).strip().rstrip("%").strip() if isinstance(value, str) else value
    return _decimal(text, column) / 100


_TRUE = {"oui", "o", "vrai", "true", "1", "x", "yes"}
_FALSE = {"non", "n", "faux", "false", "0", "no"}


def _boolean(value, column):
    if isinstance(value, bool):
        return value
    text = c.normalise(_text(value, column))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise DomainError(f"« {value} » : répondez « Oui » ou « Non ».")


PARSERS = {
    c.TEXT: _text,
    c.SIRET: _siret,
    c.CHOICE: _choice,
    c.DATE: _date,
    c.MONTH: _month,
    c.DECIMAL: _decimal,
    c.INTEGER: _integer,
    c.PERCENT: _percent,
    c.BOOLEAN: _boolean,
}
# Parsed once per distinct raw value and column: keys repeat on every line of a big file.
CACHED_KINDS = {c.TEXT, c.SIRET, c.CHOICE, c.DATE, c.MONTH, c.INTEGER, c.PERCENT, c.BOOLEAN}
_FAILED = object()

# Cells checked by a business rule rather than by the generic "required" test, so that the
# message is the rule's: a lot's clause (save_lot), monthly hours (check_hours).
RULE_CHECKED = {("lots", "legal_basis"), ("lots", "required_hours"), ("hours", "hours")}
# Cells handed raw to the service that parses them (check_hours -> parse_hours).
RAW = {("hours", "hours")}


@dataclass
class Row:
    table: object
    line: int
    values: dict


class Importer:
    def __init__(self, organisation, *, actor=None, progress=None, on_error=None):
        self.organisation = organisation
        self.actor = actor
        self.progress = progress
        self.on_error = on_error
        self.errors = []
        self.error_count = 0
        self.counts = {}
        self.index = {sheet.key: {} for sheet in c.SHEETS}
        self.failed = {sheet.key: set() for sheet in c.SHEETS}
        self.seen = {sheet.key: {} for sheet in c.SHEETS}
        self.creates = defaultdict(list)  # model -> new instances
        self.updates = defaultdict(dict)  # model -> {id(instance): instance}
        self.deletes = defaultdict(list)  # model -> pks
        self.new_hours = []  # (mission, month, hours)
        self.done = 0
        self.total = 0
        self._communes = {}
        self._qpvs = {}

    # --- Running ---------------------------------------------------------------------

    def run(self, reading, *, write=False, files=()):
        for problem in reading.errors:
            self._add_error(problem)
        tables = defaultdict(list)
        for table in reading.tables:
            tables[table.spec.key].append(table)
        self.total = reading.lines
        self.counts = {key: Counts() for key in tables}
        self._load(set(tables))
        for sheet in c.SHEETS:
            if sheet.key in tables:
                getattr(self, f"_check_{sheet.key}")(tables[sheet.key])
        if "missions" in tables:
            self._check_missions_keep_their_hours()
        report = Report(
            files=list(files),
            lines=reading.lines,
            counts=self.counts,
            errors=self.errors,
            warnings=list(reading.warnings),
            error_count=self.error_count,
        )
        if write and report.ok:
            try:
                self.write(report)
            except IntegrityError:
                report.error_count += 1
                report.errors.append(
                    Problem(
                        "",
                        "",
                        None,
                        "",
                        "Les données de votre structure ont changé pendant l'import : rien n'a "
                        "été écrit. Relancez l'aperçu puis l'import.",
                    )
                )
                return report
        report.written = write and report.ok
        return report

    def _add_error(self, problem):
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(problem)
        if self.on_error:
            self.on_error(problem)

    def _error(self, row, column_key, message):
        column = ""
        if column_key:
            try:
                column = row.table.spec.column(column_key).header
            except StopIteration:
                column = ""
        self._add_error(Problem(row.table.source, row.table.label, row.line, column, message))

    def _advance(self):
        self.done += 1
        if self.progress and self.done % PROGRESS_EVERY == 0:
            self.progress(self.done, self.total)

    # --- Loading what exists ---------------------------------------------------------

    def _load(self, keys):
        org = self.organisation
        self.index["buyers"] = {b.siret: b for b in Buyer.objects.filter(organisation=org)}
        self.index["operations"] = {o.name: o for o in Operation.objects.filter(organisation=org)}
        self.index["contracts"] = {
            contract.reference: contract for contract in Contract.objects.filter(organisation=org)
        }
        contracts_by_pk = {contract.pk: contract for contract in self.index["contracts"].values()}
        self.lot_keys = {}
        for lot in Lot.objects.filter(contract__organisation=org).select_related("clause"):
            lot.contract = contracts_by_pk[lot.contract_id]
            key = (lot.contract.reference, lot.number)
            self.index["lots"][key] = lot
            self.lot_keys[lot.pk] = key
        self.index["companies"] = {co.siret: co for co in Company.objects.filter(organisation=org)}
        companies_by_pk = {co.pk: co for co in self.index["companies"].values()}
        if "lot_companies" in keys:
            for link in LotCompany.objects.filter(lot__contract__organisation=org):
                key = (*self.lot_keys[link.lot_id], companies_by_pk[link.company_id].siret)
                self.index["lot_companies"][key] = link
        participants = Participant.objects.filter(organisation=org)
        self.index["participants"] = {p.identifier.lower(): p for p in participants}
        participants_by_pk = {p.pk: p for p in self.index["participants"].values()}
        if "eligibilities" in keys:
            for eligibility in Eligibility.objects.filter(participant__organisation=org):
                participant = participants_by_pk[eligibility.participant_id]
                key = (
                    participant.identifier.lower(),
                    eligibility.criterion,
                    eligibility.assessed_on,
                )
                self.index["eligibilities"][key] = eligibility
        self.missions_of = defaultdict(list)  # (participant, contract, lot, company) -> missions
        if keys & {"missions", "hours", "outcomes"}:
            for mission in Mission.objects.filter(lot__contract__organisation=org):
                participant = participants_by_pk[mission.participant_id]
                key = (
                    participant.identifier.lower(),
                    *self.lot_keys[mission.lot_id],
                    companies_by_pk[mission.company_id].siret,
                )
                self.index["missions"][(*key, mission.start_date)] = mission
                self.missions_of[key].append(mission)
        self.existing_hours = {}
        if "hours" in keys:
            self.existing_hours = {
                (mission_id, month): (pk, hours)
                for pk, mission_id, month, hours in HoursDeclaration.objects.filter(
                    mission__lot__contract__organisation=org
                ).values_list("pk", "mission_id", "month", "hours")
            }
        self.existing_outcomes = {}
        if "outcomes" in keys:
            self.existing_outcomes = {
                (outcome.mission_id, outcome.moment): outcome
                for outcome in Outcome.objects.filter(mission__lot__contract__organisation=org)
            }
        self.departements = (
            {d.code: d for d in Departement.objects.all()} if "buyers" in keys else {}
        )

    # --- Rows ------------------------------------------------------------------------

    def _rows(self, tables):
        """Parsed rows of ``tables``; a line with a bad cell is reported and skipped."""
        for table in tables:
            sheet = table.spec.key
            plan = []
            for position, column in enumerate(table.columns):
                if column is None:
                    continue
                parser = None if (sheet, column.key) in RAW else PARSERS[column.kind]
                cache = {} if column.kind in CACHED_KINDS else None
                rule_checked = (sheet, column.key) in RULE_CHECKED
                plan.append((position, column, parser, cache, rule_checked))
            for line, cells in table.rows:
                self._advance()
                row = Row(table, line, {})
                ok = True
                width = len(cells)
                for position, column, parser, cache, rule_checked in plan:
                    raw = cells[position] if position < width else None
                    if raw is None or (isinstance(raw, str) and not raw.strip()):
                        if column.required and not rule_checked:
                            self._error(
                                row, column.key, f"{column.header} : ce champ est obligatoire."
                            )
                            ok = False
                        row.values[column.key] = EMPTY
                        continue
                    if parser is None:
                        row.values[column.key] = raw
                        continue
                    try:
                        if cache is None:
                            value = parser(raw, column)
                        else:
                            value = cache.get(raw, None)
                            if value is None:
                                try:
                                    value = parser(raw, column)
                                except DomainError as exc:
                                    cache[raw] = (_FAILED, exc)
                                    raise
                                cache[raw] = value
                            elif type(value) is tuple and value and value[0] is _FAILED:
                                raise value[1]
                    except DomainError as exc:
                        self._error(row, column.key, exc.message)
                        ok = False
                        continue
                    row.values[column.key] = value
                if ok:
                    yield row
                else:
                    if sheet == "hours":
                        self._check_hours_value(row)
                    self._fail_key(row)

    def _check_hours_value(self, row):
        """Hours wrong in themselves (negative, over the monthly ceiling) are reported even
        when the line has other errors or its mission cannot be found: every error at once."""
        raw = row.values.get("hours", EMPTY)
        if raw is EMPTY:
            return
        month = row.values.get("month")
        try:
            insertion_services.check_hours_value(
                raw, month=month if isinstance(month, datetime.date) else None
            )
        except DomainError as exc:
            self._domain_error(row, exc)

    def _fail_key(self, row):
        """A line in error: later lines referring to its object get no second error."""
        sheet = row.table.spec
        key = self._key(sheet.key, row.values)
        if key is not None:
            self.failed[sheet.key].add(key)

    def _key(self, sheet_key, values):
        def get(name):
            value = values.get(name, EMPTY)
            return None if value is EMPTY else value

        if sheet_key in {"buyers", "companies"}:
            return get("siret")
        if sheet_key == "operations":
            return get("name")
        if sheet_key == "contracts":
            return get("reference")
        if sheet_key == "lots":
            return (get("contract"), get("number"))
        if sheet_key == "participants":
            identifier = get("identifier")
            return identifier.lower() if identifier else None
        if sheet_key == "missions":
            participant = get("participant")
            return (
                participant.lower() if participant else None,
                get("contract"),
                get("lot"),
                get("company"),
                get("start_date"),
            )
        return None

    def _first_time(self, row, sheet_key, key, column_key, what):
        """False (with an error) when ``key`` was already on an earlier line of the import."""
        earlier = self.seen[sheet_key].get(key)
        if earlier is None:
            self.seen[sheet_key][key] = (row.table.source, row.line)
            return True
        source, line = earlier
        where = f"ligne {line}" if source == row.table.source else f"ligne {line} de {source}"
        self._error(row, column_key, f"Doublon : {what} figure déjà {where}.")
        return False

    def _model_values(self, model, values, fields):
        """{field: value} of the columns present; an empty cell gives the field's default."""
        out = {}
        for name in fields:
            if name not in values:
                continue
            value = values[name]
            if value is EMPTY:
                model_field = model._meta.get_field(name)
                if model_field.has_default():
                    value = model_field.get_default()
                elif model_field.null:
                    value = None
                else:
                    value = ""
            out[name] = value
        return out

    def _stage(self, row, instance, values, *, columns=None):
        """Apply ``values`` to ``instance`` (new or existing), validate it like the services
        (model validators, French messages naming the field): "created", "updated",
        "unchanged", or None after reporting the errors on their columns."""
        is_new = instance.pk is None
        changed = False
        relations = []
        for name, value in values.items():
            model_field = instance._meta.get_field(name)
            if model_field.is_relation:
                relations.append(name)
                new_id = None if value is None else value.pk
                if (value is not None and new_id is None) or getattr(
                    instance, model_field.attname
                ) != new_id:
                    setattr(instance, name, value)
                    changed = True
            elif getattr(instance, name) != value:
                setattr(instance, name, value)
                changed = True
        exclude = [f.name for f in instance._meta.fields if f.is_relation]
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                label = _field_label(instance, name)
                message = f"{label} : {messages[0]}" if label else messages[0]
                column = (columns or {}).get(name, name)
                self._error(row, column if self._has_column(row, column) else "", message)
            return None
        model = type(instance)
        if is_new:
            self.creates[model].append(instance)
            return "created"
        if changed:
            self.updates[model][id(instance)] = instance
            return "updated"
        return "unchanged"

    @staticmethod
    def _has_column(row, key):
        return any(column.key == key for column in row.table.spec.columns)

    def _domain_error(self, row, exc, columns=None):
        column = (columns or {}).get(exc.field, exc.field)
        self._error(row, column if column and self._has_column(row, column) else "", exc.message)

    def _count(self, sheet_key, status):
        if status:
            counts = self.counts[sheet_key]
            setattr(counts, status, getattr(counts, status) + 1)

    def _ref(self, row, sheet_key, key, column_key, message):
        """The object of ``sheet_key`` known by ``key`` (in the database or earlier in the
        import), or None after an error — none when that object's own line failed."""
        found = self.index[sheet_key].get(key)
        if found is None and key not in self.failed[sheet_key]:
            self._error(row, column_key, message)
        return found

    def _contract(self, row, reference):
        return self._ref(
            row,
            "contracts",
            reference,
            "contract",
            f"Marché inconnu : aucun marché de référence « {reference} » dans votre structure "
            "ni dans la feuille « Marchés ».",
        )

    def _lot(self, row, reference, number):
        if self._contract(row, reference) is None:
            return None
        return self._ref(
            row,
            "lots",
            (reference, number),
            "lot",
            f"Lot inconnu : le marché « {reference} » n'a pas de lot « {number} » (ni dans "
            "votre structure ni dans la feuille « Lots »).",
        )

    def _company(self, row, siret):
        return self._ref(
            row,
            "companies",
            siret,
            "company",
            f"Entreprise inconnue : aucune entreprise de SIRET {siret} dans votre structure ni "
            "dans la feuille « Entreprises ».",
        )

    def _participant(self, row, identifier):
        return self._ref(
            row,
            "participants",
            identifier.lower(),
            "participant",
            f"Participant inconnu : aucun participant d'identifiant « {identifier} » dans votre "
            "structure ni dans la feuille « Participants ».",
        )

    def _buyer(self, row, siret, column_key):
        return self._ref(
            row,
            "buyers",
            siret,
            column_key,
            f"Acheteur inconnu : aucun acheteur de SIRET {siret} dans votre structure ni dans "
            "la feuille « Acheteurs ».",
        )

    def _commune(self, row, postal_code, commune_name):
        """The commune of a postal code and a name (None when no name), or False after an
        error (services.resolve_commune, same message)."""
        if not commune_name:
            return None
        key = (postal_code, commune_name)
        if key not in self._communes:
            try:
                self._communes[key] = insertion_services.resolve_commune(
                    postal_code=postal_code, commune_name=commune_name
                )
            except DomainError as exc:
                self._communes[key] = exc
        found = self._communes[key]
        if isinstance(found, DomainError):
            self._error(row, "commune", found.message)
            return False
        return found

    def _qpv(self, row, code, list_year):
        code = code.strip().upper()
        if code not in self._qpvs:
            self._qpvs[code] = list(Qpv.objects.filter(code=code).order_by("-list_year"))
        candidates = self._qpvs[code]
        if list_year:
            matching = [qpv for qpv in candidates if qpv.list_year == list_year]
            candidates = matching or candidates
        if not candidates:
            self._error(row, "qpv", f"QPV inconnu : aucun quartier prioritaire de code « {code} ».")
            return False
        return candidates[0]

    # --- Sheets ----------------------------------------------------------------------

    def _check_buyers(self, tables):
        for row in self._rows(tables):
            v = row.values
            siret = v["siret"]
            if not self._first_time(row, "buyers", siret, "siret", f"l'acheteur de SIRET {siret}"):
                continue
            values = self._model_values(Buyer, v, ["name", "kind"])
            if "departement" in v:
                code = v["departement"]
                if code is EMPTY:
                    values["departement"] = None
                else:
                    code = code.upper()
                    departement = self.departements.get(code)
                    if departement is None:
                        self._error(row, "departement", f"Département inconnu : « {code} ».")
                        self.failed["buyers"].add(siret)
                        continue
                    values["departement"] = departement
            buyer = self.index["buyers"].get(siret) or Buyer(
                organisation=self.organisation, siret=siret
            )
            status = self._stage(row, buyer, values)
            self._register(row, "buyers", siret, buyer, status)

    def _register(self, row, sheet_key, key, instance, status):
        self._count(sheet_key, status)
        if status is None:
            self.failed[sheet_key].add(key)
        else:
            self.index[sheet_key][key] = instance

    def _check_operations(self, tables):
        for row in self._rows(tables):
            v = row.values
            name = v["name"]
            if not self._first_time(row, "operations", name, "name", f"l'opération « {name} »"):
                continue
            values = self._model_values(
                Operation, v, ["is_npnru", "anru_target_rate", "description"]
            )
            ok = True
            if "buyer" in v:
                values["buyer"] = None
                if v["buyer"] is not EMPTY:
                    values["buyer"] = self._buyer(row, v["buyer"], "buyer")
                    ok = values["buyer"] is not None
            if "qpv" in v:
                values["qpv"] = None
                if v["qpv"] is not EMPTY:
                    values["qpv"] = self._qpv(row, v["qpv"], None)
                    ok = ok and values["qpv"] is not False
            if not ok:
                self.failed["operations"].add(name)
                continue
            operation = self.index["operations"].get(name) or Operation(
                organisation=self.organisation, name=name
            )
            status = self._stage(row, operation, values)
            self._register(row, "operations", name, operation, status)

    def _check_contracts(self, tables):
        fields = ["object", "kind", "cpv_code", "amount_excl_tax", "notification_date"]
        for row in self._rows(tables):
            v = row.values
            reference = v["reference"]
            if not self._first_time(
                row, "contracts", reference, "reference", f"le marché « {reference} »"
            ):
                continue
            values = self._model_values(Contract, v, [*fields, "duration_months"])
            buyer = self._buyer(row, v["buyer"], "buyer")
            ok = buyer is not None
            values["buyer"] = buyer
            if "operation" in v:
                values["operation"] = None
                if v["operation"] is not EMPTY:
                    values["operation"] = self._ref(
                        row,
                        "operations",
                        v["operation"],
                        "operation",
                        f"Opération inconnue : aucune opération « {v['operation']} » dans votre "
                        "structure ni dans la feuille « Opérations ».",
                    )
                    ok = ok and values["operation"] is not None
            if not ok:
                self.failed["contracts"].add(reference)
                continue
            contract = self.index["contracts"].get(reference) or Contract(
                organisation=self.organisation, reference=reference
            )
            status = self._stage(row, contract, values)
            self._register(row, "contracts", reference, contract, status)

    def _check_lots(self, tables):
        clause_fields = [
            "legal_basis",
            "required_hours",
            "calculation_method",
            "labour_share",
            "insertion_rate",
            "hourly_cost",
            "calculation_note",
            "anru_target_hours",
        ]
        for row in self._rows(tables):
            v = row.values
            reference, number = v["contract"], v["number"]
            key = (reference, number)
            if not self._first_time(
                row, "lots", key, "number", f"le lot « {number} » du marché « {reference} »"
            ):
                continue
            clause_values = self._model_values(Clause, v, clause_fields)
            if clause_values.get("legal_basis") in (None, "") or clause_values.get(
                "required_hours"
            ) in (None, ""):
                # The rule of procurement.services.save_lot: a lot is never without its clause.
                self._error(
                    row,
                    "legal_basis"
                    if clause_values.get("legal_basis") in (None, "")
                    else "required_hours",
                    "Un lot suivi doit porter une clause sociale : indiquez son fondement "
                    "juridique et le nombre d'heures d'insertion exigées.",
                )
                self.failed["lots"].add(key)
                continue
            contract = self._contract(row, reference)
            if contract is None:
                self.failed["lots"].add(key)
                continue
            lot = self.index["lots"].get(key)
            if lot is None:
                lot = Lot(contract=contract, number=number)
            lot_status = self._stage(
                row, lot, self._model_values(Lot, v, ["title", "amount_excl_tax"])
            )
            clause = getattr(lot, "clause", None) if lot.pk else None
            if clause is None:
                clause = Clause(lot=lot)
            clause_status = self._stage(row, clause, clause_values)
            if lot_status is None or clause_status is None:
                self.failed["lots"].add(key)
                continue
            status = lot_status
            if lot_status == "unchanged" and clause_status != "unchanged":
                status = "updated"
            self._register(row, "lots", key, lot, status)

    def _check_companies(self, tables):
        for row in self._rows(tables):
            v = row.values
            siret = v["siret"]
            if not self._first_time(
                row, "companies", siret, "siret", f"l'entreprise de SIRET {siret}"
            ):
                continue
            values = self._model_values(Company, v, ["name", "kind"])
            if "commune" in v:
                commune = self._commune(row, _plain(v.get("postal_code")), _plain(v["commune"]))
                if commune is False:
                    self.failed["companies"].add(siret)
                    continue
                values["commune"] = commune
            company = self.index["companies"].get(siret) or Company(
                organisation=self.organisation, siret=siret
            )
            status = self._stage(row, company, values)
            self._register(row, "companies", siret, company, status)

    def _check_lot_companies(self, tables):
        for row in self._rows(tables):
            v = row.values
            key = (v["contract"], v["lot"], v["company"])
            if not self._first_time(
                row, "lot_companies", key, "company", "cette entreprise sur ce lot"
            ):
                continue
            lot = self._lot(row, v["contract"], v["lot"])
            company = self._company(row, v["company"])
            if lot is None or company is None:
                continue
            link = self.index["lot_companies"].get(key) or LotCompany(lot=lot, company=company)
            status = self._stage(row, link, {"role": v["role"]})
            self._register(row, "lot_companies", key, link, status)

    def _check_participants(self, tables):
        fields = [
            "last_name",
            "first_name",
            "birth_date",
            "address",
            "postal_code",
            "sex",
            "qpv_list_year",
            "qpv_source",
            "education_level",
            "prescriber",
            "exception_reason",
        ]
        existing = self.index["participants"]
        by_person = defaultdict(set)
        for participant in existing.values():
            person = _person_key(
                participant.last_name, participant.first_name, participant.birth_date
            )
            if person:
                by_person[person].add(participant.pk)
        people_in_file = {}
        for row in self._rows(tables):
            v = row.values
            identifier = v["identifier"]
            key = identifier.lower()
            if not self._first_time(
                row, "participants", key, "identifier", f"le participant « {identifier} »"
            ):
                self.failed["participants"].add(key)
                continue
            participant = existing.get(key)
            values = self._model_values(Participant, v, fields)
            ok = True
            if "commune" in v:
                commune = self._commune(row, _plain(v.get("postal_code")), _plain(v.get("commune")))
                ok = commune is not False
                values["commune"] = commune or None
            if "qpv" in v:
                values["qpv"] = None
                if v["qpv"] is not EMPTY:
                    qpv = self._qpv(row, v["qpv"], values.get("qpv_list_year"))
                    ok = ok and qpv is not False
                    values["qpv"] = qpv or None
            if not ok:
                self.failed["participants"].add(key)
                continue
            merged = {
                name: getattr(participant, name) if participant else None
                for name in ("last_name", "first_name", "birth_date")
            } | values
            person = _person_key(merged["last_name"], merged["first_name"], merged["birth_date"])
            if person:
                # Duplicates: the rule of services.check_not_duplicate, same message.
                others = by_person.get(person, set()) - ({participant.pk} if participant else set())
                if others:
                    try:
                        insertion_services.check_not_duplicate(
                            organisation=self.organisation,
                            values={"identifier": identifier, **merged},
                            exclude_pk=participant.pk if participant else None,
                        )
                    except DomainError as exc:
                        self._domain_error(row, exc, {"last_name": "last_name"})
                        self.failed["participants"].add(key)
                        continue
                earlier = people_in_file.get(person)
                if earlier is not None:
                    self._error(
                        row,
                        "last_name",
                        "Un participant de même nom, prénom et date de naissance figure déjà "
                        f"ligne {earlier[1]} (identifiant « {earlier[0]} ») : c'est sans doute "
                        "la même personne.",
                    )
                    self.failed["participants"].add(key)
                    continue
                people_in_file[person] = (identifier, row.line)
            qpv = values.get("qpv")
            if qpv is not None:
                # The rules of services.save_participant for a QPV chosen by hand.
                list_year = values.get("qpv_list_year")
                if list_year and qpv.list_year != list_year:
                    self._error(
                        row,
                        "qpv_list_year",
                        f"Le QPV {qpv} appartient à la liste {qpv.list_year}, pas à la liste "
                        f"{list_year}.",
                    )
                    self.failed["participants"].add(key)
                    continue
                if not list_year:
                    values["qpv_list_year"] = qpv.list_year
                if values.get("qpv_source", getattr(participant, "qpv_source", None)) in (
                    None,
                    "",
                    QpvSource.NONE,
                ):
                    values["qpv_source"] = QpvSource.MANUAL
            if participant is None:
                participant = Participant(organisation=self.organisation, identifier=identifier)
            status = self._stage(row, participant, values)
            if status is not None:
                participant.person_key = identity.key_of(participant)
            self._register(row, "participants", key, participant, status)

    def _check_eligibilities(self, tables):
        for row in self._rows(tables):
            v = row.values
            participant = self._participant(row, v["participant"])
            if participant is None:
                continue
            key = (v["participant"].lower(), v["criterion"], v["assessed_on"])
            if not self._first_time(
                row, "eligibilities", key, "criterion", "ce critère à cette date"
            ):
                continue
            values = self._model_values(Eligibility, v, ["valid_until", "note"])
            if values.get("valid_until") and values["valid_until"] < v["assessed_on"]:
                # The rule of services.add_eligibility.
                self._error(
                    row,
                    "valid_until",
                    "Valable jusqu'au : la date de fin précède la date de constat.",
                )
                continue
            eligibility = self.index["eligibilities"].get(key) or Eligibility(
                participant=participant, criterion=v["criterion"], assessed_on=v["assessed_on"]
            )
            status = self._stage(row, eligibility, values)
            self._register(row, "eligibilities", key, eligibility, status)

    def _mission_refs(self, row, v):
        participant = self._participant(row, v["participant"])
        lot = self._lot(row, v["contract"], v["lot"])
        company = self._company(row, v["company"])
        if participant is None or lot is None or company is None:
            return None
        return participant, lot, company

    def _check_missions(self, tables):
        self.dates_changed = []
        for row in self._rows(tables):
            v = row.values
            key = self._key("missions", v)
            if not self._first_time(row, "missions", key, "start_date", "cette mission"):
                continue
            values = self._model_values(Mission, v, ["modality", "work_contract_type", "end_date"])
            end = values.get("end_date")
            if end and end < v["start_date"]:
                # The rule of services.save_mission.
                self._error(
                    row, "end_date", "Fin : la mission ne peut pas finir avant de commencer."
                )
                self.failed["missions"].add(key)
                continue
            refs = self._mission_refs(row, v)
            if refs is None:
                self.failed["missions"].add(key)
                continue
            participant, lot, company = refs
            try:
                insertion_services.check_mission(
                    organisation=self.organisation,
                    participant=participant,
                    lot=lot,
                    company=company,
                )
            except DomainError as exc:
                self._domain_error(row, exc)
                self.failed["missions"].add(key)
                continue
            mission = self.index["missions"].get(key)
            if mission is None:
                mission = Mission(
                    participant=participant, lot=lot, company=company, start_date=v["start_date"]
                )
                self.missions_of[key[:4]].append(mission)
            elif "end_date" in values and values["end_date"] != mission.end_date:
                self.dates_changed.append((row, mission))
            status = self._stage(row, mission, values)
            self._register(row, "missions", key, mission, status)

    def _check_missions_keep_their_hours(self):
        """A mission whose dates change keeps no hours outside them (services.save_mission)."""
        changed = {mission.pk: (row, mission) for row, mission in self.dates_changed}
        if not changed:
            return
        deleted = set(self.deletes[HoursDeclaration])
        months = defaultdict(list)
        for pk, mission_id, month in HoursDeclaration.objects.filter(
            mission_id__in=changed
        ).values_list("pk", "mission_id", "month"):
            if pk not in deleted:
                months[mission_id].append(month)
        for mission_id, mission_months in months.items():
            row, mission = changed[mission_id]
            outside = sorted(
                month
                for month in mission_months
                if not insertion_services._month_within(month, mission.start_date, mission.end_date)
            )
            if outside:
                self._error(
                    row,
                    "end_date",
                    f"Des heures sont déclarées en {insertion_services.month_label(outside[0])}, "
                    "hors des nouvelles dates de la mission.",
                )

    def _find_mission(self, row, v, month):
        """The mission of an hours or outcome line: by its start date when given, else the
        only mission of the participant on the lot with the company covering ``month``."""
        participant_key = v["participant"].lower()
        base = (participant_key, v["contract"], v["lot"], v["company"])
        start = v.get("mission_start", EMPTY)
        if start is not EMPTY:
            mission = self.index["missions"].get((*base, start))
            if (
                mission is None
                and (*base, start) not in self.failed["missions"]
                and self._mission_refs(row, v) is not None
            ):
                self._error(
                    row,
                    "mission_start",
                    f"Mission inconnue : le participant « {v['participant']} » n'a pas de "
                    f"mission commençant le {start:%d/%m/%Y} sur le lot « {v['lot']} » du "
                    f"marché « {v['contract']} » avec l'entreprise {v['company']}.",
                )
            return mission
        candidates = self.missions_of.get(base, [])
        if month is not None:
            covering = [m for m in candidates if m.covers_month(month)]
            candidates = covering or candidates
        if len(candidates) == 1:
            return candidates[0]
        if any(key[:4] == base for key in self.failed["missions"]):
            return None
        if not candidates:
            if self._mission_refs(row, v) is not None:
                self._error(
                    row,
                    "participant",
                    f"Mission inconnue : le participant « {v['participant']} » n'a pas de "
                    f"mission sur le lot « {v['lot']} » du marché « {v['contract']} » avec "
                    f"l'entreprise {v['company']}.",
                )
            return None
        self._error(
            row,
            "mission_start",
            f"Plusieurs missions du participant « {v['participant']} » sur ce lot avec cette "
            "entreprise : indiquez la date de début de la mission.",
        )
        return None

    def _check_hours(self, tables):
        counts = self.counts["hours"]
        seen = {}
        existing = self.existing_hours
        hours_field = HoursDeclaration._meta.get_field("hours")
        mission_cache = {}
        for row in self._rows(tables):
            v = row.values
            month = v["month"]
            start = v.get("mission_start", EMPTY)
            cache_key = (
                v["participant"],
                v["contract"],
                v["lot"],
                v["company"],
                start,
                month if start is EMPTY else None,
            )
            mission = mission_cache.get(cache_key)
            if mission is None:
                mission = self._find_mission(row, v, month)
                if mission is None:
                    self._check_hours_value(row)
                    continue
                mission_cache[cache_key] = mission
            raw = v["hours"]
            try:
                month, hours = insertion_services.check_hours(
                    mission=mission, month=month, hours=0 if raw is EMPTY else raw
                )
            except DomainError as exc:
                self._domain_error(row, exc)
                continue
            if hours.as_tuple().exponent < -2:
                try:
                    hours_field.run_validators(hours)
                except ValidationError as exc:
                    self._error(row, "hours", f"Heures : {exc.messages[0]}")
                    continue
            seen_key = (id(mission), month)
            earlier = seen.get(seen_key)
            if earlier is not None:
                source, line = earlier
                where = (
                    f"ligne {line}" if source == row.table.source else f"ligne {line} de {source}"
                )
                self._error(
                    row,
                    "month",
                    f"Doublon : les heures de {insertion_services.month_label(month)} de cette "
                    f"mission figurent déjà {where}.",
                )
                continue
            seen[seen_key] = (row.table.source, row.line)
            current = existing.get((mission.pk, month)) if mission.pk else None
            if current is None:
                if hours:
                    self.new_hours.append((mission, month, hours))
                    counts.created += 1
                else:
                    counts.unchanged += 1
            elif not hours:
                self.deletes[HoursDeclaration].append(current[0])
                counts.deleted += 1
            elif current[1] != hours:
                self.updates[HoursDeclaration][current[0]] = HoursDeclaration(
                    pk=current[0], mission_id=mission.pk, month=month, hours=hours
                )
                counts.updated += 1
            else:
                counts.unchanged += 1

    def _check_outcomes(self, tables):
        for row in self._rows(tables):
            v = row.values
            mission = self._find_mission(row, v, None)
            if mission is None:
                continue
            key = (id(mission), v["moment"])
            if not self._first_time(
                row, "outcomes", key, "moment", "la sortie de cette mission à ce moment"
            ):
                continue
            # The rules of services.record_outcome, same messages.
            if mission.end_date is None:
                self._error(
                    row,
                    "moment",
                    "Une sortie ne s'enregistre que sur une mission terminée : indiquez d'abord "
                    "sa date de fin.",
                )
                continue
            if v["observed_on"] < mission.end_date:
                self._error(
                    row,
                    "observed_on",
                    "Constatée le : la sortie ne peut pas précéder la fin de la mission "
                    f"({mission.end_date:%d/%m/%Y}).",
                )
                continue
            outcome = (
                self.existing_outcomes.get((mission.pk, v["moment"])) if mission.pk else None
            ) or Outcome(mission=mission, moment=v["moment"])
            values = self._model_values(Outcome, v, ["detail", "observed_on", "note"])
            values["kind"] = OUTCOME_KIND_OF_DETAIL.get(values["detail"], "")
            status = self._stage(row, outcome, values)
            self._count("outcomes", status)

    # --- Writing ---------------------------------------------------------------------

    WRITE_ORDER = (
        (Buyer, ["name", "kind", "departement"]),
        (Operation, ["buyer", "is_npnru", "qpv", "anru_target_rate", "description"]),
        (
            Contract,
            [
                "buyer",
                "operation",
                "object",
                "kind",
                "cpv_code",
                "amount_excl_tax",
                "notification_date",
                "duration_months",
            ],
        ),
        (Lot, ["title", "amount_excl_tax"]),
        (
            Clause,
            [
                "legal_basis",
                "required_hours",
                "calculation_method",
                "labour_share",
                "insertion_rate",
                "hourly_cost",
                "calculation_note",
                "anru_target_hours",
            ],
        ),
        (Company, ["name", "kind", "commune"]),
        (LotCompany, ["role"]),
        (
            Participant,
            [
                "last_name",
                "first_name",
                "birth_date",
                "address",
                "postal_code",
                "sex",
                "commune",
                "qpv",
                "qpv_list_year",
                "qpv_source",
                "education_level",
                "prescriber",
                "exception_reason",
                "person_key",
            ],
        ),
        (Eligibility, ["valid_until", "note"]),
        (Mission, ["modality", "work_contract_type", "end_date"]),
        (HoursDeclaration, ["hours"]),
        (Outcome, ["kind", "detail", "observed_on", "note"]),
    )

    def write(self, report):
        """Write what the check staged, in one transaction, then one audit entry."""
        now = timezone.now()
        steps = len(self.WRITE_ORDER)
        with transaction.atomic():
            for step, (model, fields) in enumerate(self.WRITE_ORDER, start=1):
                if model is HoursDeclaration:
                    self._write_hours(now)
                else:
                    created = self.creates.get(model)
                    if created:
                        model.objects.bulk_create(created, batch_size=2000)
                updated = list(self.updates.get(model, {}).values())
                if updated:
                    if any(f.name == "updated_at" for f in model._meta.fields):
                        for instance in updated:
                            instance.updated_at = now
                        fields = [*fields, "updated_at"]
                    model.objects.bulk_update(updated, fields, batch_size=1000)
                if self.deletes.get(model):
                    pks = self.deletes[model]
                    for start in range(0, len(pks), 5000):
                        model.objects.filter(pk__in=pks[start : start + 5000]).delete()
                if self.progress:
                    self.progress(step, steps)
            audit.log(
                actor=self.actor,
                action="insertion.import",
                obj=self.organisation,
                object_repr=f"Import de données — {self.organisation}"[:255],
                changes={
                    "fichiers": report.files[:20],
                    "lignes": report.lines,
                    **{
                        sheet.title: {
                            "créés": counts.created,
                            "mis à jour": counts.updated,
                            "inchangés": counts.unchanged,
                            "supprimés": counts.deleted,
                        }
                        for sheet, counts in report.objects
                    },
                },
            )

    def _write_hours(self, now):
        # In the order of the unique (mission, month) index: fewer index pages touched.
        rows = sorted((mission.pk, month, hours) for mission, month, hours in self.new_hours)
        if not rows:
            return
        if connection.vendor == "postgresql":
            copy_hours(rows, now)
        else:
            insert_hours(rows, now)


def _hours_columns():
    meta = HoursDeclaration._meta
    quote = connection.ops.quote_name
    names = ", ".join(
        quote(meta.get_field(name).column) for name in ("mission", "month", "hours", "updated_at")
    )
    return quote(meta.db_table), names


def insert_hours(rows, now, *, chunk=5000):
    """Other databases (SQLite): one prepared INSERT run over the checked rows, values
    adapted by the backend as the ORM would (no model instance per row)."""
    table, names = _hours_columns()
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    field = HoursDeclaration._meta.get_field("hours")
    sql = f"INSERT INTO {table} ({names}) VALUES (%s, %s, %s, %s)"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            cursor.executemany(
                sql,
                [
                    (
                        mission_id,
                        ops.adapt_datefield_value(month),
                        ops.adapt_decimalfield_value(hours, field.max_digits, field.decimal_places),
                        stamp,
                    )
                    for mission_id, month, hours in rows[start : start + chunk]
                ],
            )


def copy_hours(rows, now):
    """PostgreSQL: new monthly hours with one ``COPY`` (rows checked, inside the
    transaction), sent as text: ids, ISO dates and decimals need no escaping."""
    table, names = _hours_columns()
    stamp = now.isoformat()
    payload = "".join(
        f"{mission_id}\t{month.isoformat()}\t{hours}\t{stamp}\n"
        for mission_id, month, hours in rows
    ).encode()
    sql = f"COPY {table} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write(payload)


def _plain(value):
    return "" if value is None or value is EMPTY else value


def _person_key(last_name, first_name, birth_date):
    if last_name and first_name and birth_date:
        return (last_name.strip().lower(), first_name.strip().lower(), birth_date)
    return None
