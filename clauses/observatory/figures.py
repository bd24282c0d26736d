"""The engine of the indicator registry: every figure of a scope and a period, in SQL.

``compute(scope, period)`` returns a ``Figures``: the values of ``registry.INDICATORS`` and
the rows of every ``registry.BREAKDOWNS``, each row with its people, hours, work contracts
and its share of the breakdown's denominator.

How: one pass over the raw rows builds the period's mission-level facts as temporary
tables of the connection (``prepare_statements``): the hours of the period summed per
mission (the ``month`` index reads only the period's rows, so the cost follows the period,
not the database), then joined once to the missions' dimensions (lot, contract, clause,
buyer, company, operation, structure, territory, participant: the person's age band,
criteria and the mission's outcomes too, so that the facts alone describe people and can be
frozen for publication). Six small grouped statements read those facts: the distinct counts
(with the outcomes), a cube of the hours dimensions (every hours breakdown is a margin of
it), the people (one row per pseudonymous key, taken at their first mission of the period),
the people of each hours line, the territories, and the contracts running in the period.
Nothing is read row by row in Python. The SQL is plain (temporary tables, CTEs, window
functions, CASE) and runs unchanged on SQLite, PostgreSQL and DuckDB, which
``bench/observatory.py`` uses as its reference; ``DIALECTS`` holds the one difference (a
date as a number).

Scopes (``Scope``): national, a region, a département (the territory rule of
``registry.TERRITORY_RULE``), one or several structures, buyers (records), an operation, a
contract. The caller decides which scope a user may see (``scopes.py``); only counts and
sums leave this module.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from clauses.accounts.models import Organisation
from clauses.core.dates import last_day_of_month
from clauses.insertion.enums import AgeBand, OutcomeMoment, Sex
from clauses.insertion.identity import LOCAL_PREFIX
from clauses.insertion.models import Eligibility, HoursDeclaration, Mission, Outcome, Participant
from clauses.procurement.enums import ContractKind, LegalBasis
from clauses.procurement.models import Buyer, Clause, Company, Contract, Lot, Operation
from clauses.territories.models import Departement, Region

from . import registry
from .registry import BREAKDOWNS, UNKNOWN

ZERO = Decimal(0)


def ratio(part, whole):
    """``part / whole`` as a Decimal with 4 decimals, or None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def to_etp(hours, hours_per_etp=None):
    hours_per_etp = hours_per_etp or settings.HOURS_PER_ETP
    return (Decimal(hours) / Decimal(hours_per_etp)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


# --- Scope and period --------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which contracts a figure covers. ``kind`` is one of ``KINDS``; ``ids`` the pks of the
    region, département, structures, buyers, operation or contract (empty for national)."""

    kind: str = "national"
    ids: tuple = ()
    label: str = "France entière"

    KINDS = ("national", "region", "departement", "organisation", "buyer", "operation", "contract")

    def __post_init__(self):
        if self.kind not in self.KINDS:
            raise ValueError(f"Unknown scope kind: {self.kind}")
        if self.kind != "national" and not self.ids:
            raise ValueError("A scope other than national names what it covers.")

    @classmethod
    def national(cls):
        return cls()

    @classmethod
    def region(cls, region):
        return cls("region", (region.pk,), region.name)

    @classmethod
    def departement(cls, departement):
        return cls("departement", (departement.pk,), f"{departement.name} ({departement.code})")

    @classmethod
    def organisations(cls, organisations):
        organisations = list(organisations)
        label = organisations[0].name if len(organisations) == 1 else "Mes structures"
        return cls("organisation", tuple(sorted(o.pk for o in organisations)), label)

    @classmethod
    def of(cls, kind, obj, label=None):
        return cls(kind, (obj.pk,), label or str(obj))

    def contracts_q(self, prefix=""):
        """The same scope as an ORM filter on contracts (``prefix`` leads to the contract)."""
        if self.kind == "national":
            return Q()
        if self.kind == "region":
            return Q(**{f"{prefix}organisation__departement__region__in": self.ids}) | Q(
                **{
                    f"{prefix}organisation__departement__isnull": True,
                    f"{prefix}organisation__region__in": self.ids,
                }
            )
        lookup = {
            "departement": "organisation__departement",
            "organisation": "organisation",
            "buyer": "buyer",
            "operation": "operation",
            "contract": "pk",
        }[self.kind]
        return Q(**{f"{prefix}{lookup}__in": self.ids})

    def facts_condition(self):
        """The scope as a condition on the facts' own columns (the frozen facts of the
        published figures carry their territory), with its parameters."""
        if self.kind == "national":
            return "1 = 1", []
        column = {
            "region": "region_id",
            "departement": "departement_id",
            "organisation": "organisation_id",
        }.get(self.kind)
        if column is None:
            raise ValueError(f"Pas de chiffres publiés à l'échelle « {self.kind} ».")
        return f"{column} IN ({', '.join(['%s'] * len(self.ids))})", list(self.ids)

    def condition(self):
        """The SQL condition (over the aliases of ``_MISSION_FACTS``) and its parameters."""
        if self.kind == "national":
            return "1 = 1", []
        column = {
            "region": "COALESCE(d.region_id, o.region_id)",
            "departement": "o.departement_id",
            "organisation": "c.organisation_id",
            "buyer": "c.buyer_id",
            "operation": "c.operation_id",
            "contract": "c.id",
        }[self.kind]
        marks = ", ".join(["%s"] * len(self.ids))
        return f"{column} IN ({marks})", list(self.ids)


@dataclass(frozen=True)
class Period:
    """Months from ``start`` to ``end`` (first days of months), both included."""

    start: datetime.date
    end: datetime.date
    year: int | None = None

    @classmethod
    def of_year(cls, year):
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 1), year)

    @classmethod
    def between(cls, first_day, last_day):
        """The months of the days from ``first_day`` to ``last_day``."""
        start, end = first_day.replace(day=1), last_day.replace(day=1)
        if end < start:
            raise ValueError("La fin de la période précède son début.")
        year = start.year if (start.month, end.month, start.year) == (1, 12, end.year) else None
        return cls(start, end, year)

    @classmethod
    def everything(cls):
        return cls(datetime.date(1900, 1, 1), datetime.date(2999, 12, 1))

    @property
    def previous(self):
        """The same period a year earlier (for the changes on the previous year)."""
        return Period(
            self.start.replace(year=self.start.year - 1),
            self.end.replace(year=self.end.year - 1),
            None if self.year is None else self.year - 1,
        )

    @property
    def label(self):
        if self.year is not None:
            return str(self.year)
        if self.start.year == 1900:
            return "Depuis le début"
        return f"{self.start:%m/%Y} à {self.end:%m/%Y}"


# --- Results -----------------------------------------------------------------------------


@dataclass
class Row:
    """One line of a breakdown."""

    code: str
    label: str
    people: int = 0
    hours: Decimal = ZERO
    missions: int = 0
    share: Decimal | None = None  # of the breakdown's denominator
    share_of_hours: Decimal | None = None  # for sex and QPV, also given in hours
    # Territories only: the headline shares of the territory, for the maps.
    shares: dict = field(default_factory=dict)

    @property
    def etp(self):
        return to_etp(self.hours)


@dataclass
class BreakdownFigures:
    breakdown: registry.Breakdown
    rows: list
    total: Decimal | int  # the denominator's total

    @property
    def code(self):
        return self.breakdown.code

    @property
    def unknown_share(self):
        """The share of the denominator in « non renseigné » (an anomaly past a threshold)."""
        return sum(
            (row.share or ZERO for row in self.rows if row.code in ("", UNKNOWN)),
            ZERO,
        )


@dataclass
class Figures:
    scope: Scope
    period: Period
    hours_per_etp: int
    values: dict = field(default_factory=dict)
    breakdowns: dict = field(default_factory=dict)
    computed_at: datetime.datetime | None = None  # when read from the tracking data

    def __getitem__(self, code):
        return self.values[code]

    @property
    def etp(self):
        return self.values["etp"]

    def as_dict(self):
        """Plain JSON-ready values (shares as fractions between 0 and 1)."""

        def plain(value):
            if isinstance(value, Decimal):
                return float(value)
            return value

        return {
            "year": self.period.year,
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "scope": {
                "kind": self.scope.kind,
                "ids": list(self.scope.ids),
                "label": self.scope.label,
            },
            "hours_per_etp": self.hours_per_etp,
            **{code: plain(value) for code, value in self.values.items()},
            "breakdowns": {
                code: {
                    "denominator": figures.breakdown.denominator,
                    "total": plain(figures.total),
                    "rows": [
                        {
                            "code": row.code,
                            "label": row.label,
                            "people": row.people,
                            "hours": plain(row.hours),
                            "etp": plain(row.etp),
                            "missions": row.missions,
                            "share": plain(row.share),
                            **(
                                {"share_of_hours": plain(row.share_of_hours)}
                                if figures.breakdown.also_hours
                                else {}
                            ),
                            **(
                                {"shares": {k: plain(v) for k, v in row.shares.items()}}
                                if row.shares
                                else {}
                            ),
                        }
                        for row in figures.rows
                    ],
                }
                for code, figures in self.breakdowns.items()
            },
        }


# --- SQL ---------------------------------------------------------------------------------

# A date as the number YYYYMMDD, for ages compared without date arithmetic.
DIALECTS = {
    # Django stores a date as 'YYYY-MM-DD' text: dropping the dashes costs half a strftime.
    "sqlite": "CAST(replace({0}, '-', '') AS INTEGER)",
    # date_part (double precision) costs a third of EXTRACT (numeric).
    "postgresql": "CAST(date_part('year', {0}) * 10000 + date_part('month', {0}) * 100 "
    "+ date_part('day', {0}) AS INTEGER)",
    "duckdb": "CAST(EXTRACT(YEAR FROM {0}) * 10000 + EXTRACT(MONTH FROM {0}) * 100 "
    "+ EXTRACT(DAY FROM {0}) AS INTEGER)",
}


# A date as a month number (year × 12 + month − 1), for a contract's end month.
MONTH_NUMBER = {
    "sqlite": "(CAST(strftime('%%Y', {0}) AS INTEGER) * 12 "
    "+ CAST(strftime('%%m', {0}) AS INTEGER) - 1)",
    "postgresql": "CAST(date_part('year', {0}) * 12 + date_part('month', {0}) - 1 AS INTEGER)",
    "duckdb": "CAST(EXTRACT(YEAR FROM {0}) * 12 + EXTRACT(MONTH FROM {0}) - 1 AS INTEGER)",
}


def tables():
    """The tables the SQL reads, by alias (their names come from the models)."""
    return {
        "hours": HoursDeclaration._meta.db_table,
        "mission": Mission._meta.db_table,
        "participant": Participant._meta.db_table,
        "eligibility": Eligibility._meta.db_table,
        "outcome": Outcome._meta.db_table,
        "lot": Lot._meta.db_table,
        "clause": Clause._meta.db_table,
        "contract": Contract._meta.db_table,
        "operation": Operation._meta.db_table,
        "buyer": Buyer._meta.db_table,
        "company": Company._meta.db_table,
        "organisation": Organisation._meta.db_table,
        "departement": Departement._meta.db_table,
        "region": Region._meta.db_table,
    }


_MISSION_HOURS = """
SELECT mission_id, SUM(hours) AS hours
FROM {hours}
WHERE month >= %s AND month <= %s
GROUP BY mission_id
"""

_MISSION_FACTS = """
WITH mf AS (
    SELECT mh.mission_id, mh.hours, m.participant_id, m.start_date, m.modality,
        m.work_contract_type, l.contract_id, c.kind AS contract_kind,
        COALESCE(cl.legal_basis, '') AS legal_basis, b.kind AS buyer_kind,
        b.siret AS buyer_siret, co.kind AS company_kind, co.siret AS company_siret,
        c.organisation_id, o.departement_id, COALESCE(d.region_id, o.region_id) AS region_id,
        p.sex, CASE WHEN p.qpv_id IS NULL THEN 0 ELSE 1 END AS in_qpv, p.education_level,
        p.prescriber, CASE WHEN op.is_npnru THEN 1 ELSE 0 END AS npnru,
        CASE WHEN p.person_key = '' THEN '{local}' || CAST(p.id AS VARCHAR(20))
            ELSE p.person_key END AS person_key,
        -- The person's age band at the start of this mission (the one taken for them is the
        -- first of the period), their criteria as bits (a person with two criteria counts in
        -- both lines, once), the mission's outcomes: so that the facts alone describe people
        -- (the figures frozen for publication are these rows, without birth dates).
        CASE WHEN p.birth_date IS NULL THEN '{unknown}'
            WHEN {start_ymd} - {birth_ymd} < 260000 THEN '{under_26}'
            WHEN {start_ymd} - {birth_ymd} < 500000 THEN '{from_26}'
            ELSE '{over_50}' END AS age_band,
        (SELECT SUM(DISTINCT CASE {criteria_bits} ELSE 0 END)
            FROM {eligibility} e WHERE e.participant_id = p.id) AS criteria_mask,
        ox.kind AS outcome_exit, os.kind AS outcome_six_months
    FROM {mission_hours} mh
    JOIN {mission} m ON m.id = mh.mission_id
    JOIN {lot} l ON l.id = m.lot_id
    JOIN {contract} c ON c.id = l.contract_id
    JOIN {buyer} b ON b.id = c.buyer_id
    JOIN {company} co ON co.id = m.company_id
    JOIN {organisation} o ON o.id = c.organisation_id
    JOIN {participant} p ON p.id = m.participant_id
    LEFT JOIN {departement} d ON d.id = o.departement_id
    LEFT JOIN {clause} cl ON cl.lot_id = l.id
    LEFT JOIN {operation} op ON op.id = c.operation_id
    LEFT JOIN {outcome} ox ON ox.mission_id = m.id AND ox.moment = '{exit}'
    LEFT JOIN {outcome} os ON os.mission_id = m.id AND os.moment = '{six_months}'
    WHERE {scope}
)
"""

_COUNTS = """
SELECT COALESCE(SUM(hours), 0), COUNT(*), COUNT(DISTINCT contract_id),
    COUNT(DISTINCT company_siret), COUNT(DISTINCT buyer_siret),
    COUNT(DISTINCT organisation_id), {outcomes}
FROM mf
"""


def outcome_columns():
    """The (moment, kind) of each outcome count the counts statement adds (missions whose
    outcome at that moment is that kind), read in the same pass."""
    moments = (
        ("outcome_exit", OutcomeMoment.EXIT),
        ("outcome_six_months", OutcomeMoment.SIX_MONTHS),
    )
    return [
        (column, moment, kind)
        for column, moment in moments
        for kind, _label in registry.BREAKDOWN[column].choices
    ]


# Contracts with a clause running some day of the period (notified by its end, not ended
# before its start; an unknown duration runs on), or with hours in it: progress.active_in's
# rule.
_CONTRACTS = """
SELECT COUNT(*) FROM {contract} c
JOIN {organisation} o ON o.id = c.organisation_id
LEFT JOIN {departement} d ON d.id = o.departement_id
WHERE {scope}
AND EXISTS (SELECT 1 FROM {lot} l JOIN {clause} cl ON cl.lot_id = l.id
            WHERE l.contract_id = c.id)
AND (
    (c.notification_date <= %s AND (c.duration_months IS NULL
        OR {notified_month} + c.duration_months >= {start_month}))
    OR c.id IN (SELECT contract_id FROM mf)
)
"""

# The hours' dimensions, then their hours and work contracts (``assemble`` reads them by
# position: ``CUBE``).
CUBE = (
    "contract_kind",
    "legal_basis",
    "modality",
    "work_contract_type",
    "buyer_kind",
    "company_kind",
    "sex",
    "in_qpv",
    "npnru",
)
_HOURS_CUBE = f"""
SELECT {", ".join(CUBE)}, SUM(hours), COUNT(*)
FROM mf
GROUP BY {", ".join(CUBE)}
"""
HOURS_AT, MISSIONS_AT = len(CUBE), len(CUBE) + 1

# Each person once: the attributes of the participant record of their first mission with
# hours in the period (the earliest start, then the oldest record), whether they have more
# than one record (followed by several structures), all their hours of the period (a people
# breakdown's hours are those of the people counted in each of its lines).
_PEOPLE = """
, ranked AS (
    SELECT person_key, sex, in_qpv, education_level, prescriber, age_band, criteria_mask,
        SUM(hours) OVER (PARTITION BY person_key) AS person_hours,
        ROW_NUMBER() OVER (PARTITION BY person_key ORDER BY start_date, participant_id)
            AS position,
        CASE WHEN MIN(participant_id) OVER (PARTITION BY person_key)
            < MAX(participant_id) OVER (PARTITION BY person_key) THEN 1 ELSE 0 END AS several
    FROM mf
)
SELECT pe.sex, pe.age_band, pe.in_qpv, pe.education_level, pe.prescriber, COUNT(*),
    SUM(pe.several), SUM(CASE WHEN pe.person_key LIKE '{local}%%' THEN 1 ELSE 0 END),
    {criteria_sums}, SUM(pe.person_hours)
FROM ranked pe
WHERE pe.position = 1
GROUP BY pe.sex, pe.age_band, pe.in_qpv, pe.education_level, pe.prescriber
"""

# Per territory, for the maps: hours, work contracts, people, women, QPV residents (people
# of the territory's missions, each counted once), hours in works and in reserved contracts.
_TERRITORY_COLUMNS = """SUM(hours), COUNT(*), COUNT(DISTINCT person_key),
    COUNT(DISTINCT CASE WHEN sex = '{women}' THEN person_key END),
    COUNT(DISTINCT CASE WHEN in_qpv = 1 THEN person_key END),
    SUM(CASE WHEN contract_kind = '{works}' THEN hours ELSE 0 END),
    SUM(CASE WHEN legal_basis IN ({reserved}) THEN hours ELSE 0 END)"""
_TERRITORIES = """
SELECT 'departement', departement_id, {columns}
FROM mf GROUP BY departement_id
UNION ALL
SELECT 'region', region_id, {columns}
FROM mf GROUP BY region_id
"""

# The people of each line of the hours breakdowns (a person with hours in two lines counts
# in both): whether each person has hours in each line (one grouping by person, no DISTINCT
# to sort eight times), then how many people each line has, in one row.
HOURS_PEOPLE = {
    "contract_kind": "contract_kind",
    "reserved": "CASE WHEN legal_basis IN ({reserved}) THEN 'reserve' ELSE 'non_reserve' END",
    "legal_basis": "legal_basis",
    "modality": "modality",
    "work_contract_type": "work_contract_type",
    "buyer_kind": "buyer_kind",
    "company_kind": "company_kind",
    "npnru": "CASE WHEN npnru = 1 THEN 'npnru' ELSE 'hors_npnru' END",
}


def hours_people_lines():
    """The (breakdown, line) of each column of the hours_people statement."""
    return [
        (code, key) for code in HOURS_PEOPLE for key, _label in registry.BREAKDOWN[code].choices
    ]


def _hours_people_sql(reserved):
    lines = hours_people_lines()
    flags = ",\n        ".join(
        f"MAX(CASE WHEN {HOURS_PEOPLE[code]} = '{key}' THEN 1 ELSE 0 END) AS l{i}"
        for i, (code, key) in enumerate(lines)
    ).replace("{reserved}", reserved)
    sums = ", ".join(f"SUM(l{i})" for i in range(len(lines)))
    return (
        f", per_person AS (\n    SELECT person_key,\n        {flags}\n    FROM mf "
        f"GROUP BY person_key\n)\nSELECT {sums} FROM per_person"
    )


def _criteria_codes():
    return [code for code, _label in registry.BREAKDOWN["criteria"].choices]


def _last_day(month):
    return last_day_of_month(month)


HOURS_TABLE, FACTS_TABLE = "observatory_mission_hours", "observatory_facts"


def prepare_statements(scope, period, vendor):
    """The statements that build the period's mission-level facts once, as temporary
    tables of the connection (the one pass over the raw rows), each with its parameters:
    the period's hours per mission (read through the month index), its statistics (so that
    the planner joins those missions to their dimensions by index, whatever the size of
    the database), then the facts."""
    condition, scope_params = scope.condition()
    ymd = DIALECTS[vendor]
    facts = _MISSION_FACTS.format(
        scope=condition,
        local=LOCAL_PREFIX,
        mission_hours=HOURS_TABLE,
        start_ymd=ymd.format("m.start_date"),
        birth_ymd=ymd.format("p.birth_date"),
        unknown=UNKNOWN,
        under_26=AgeBand.UNDER_26,
        from_26=AgeBand.FROM_26_TO_49,
        over_50=AgeBand.OVER_50,
        criteria_bits=" ".join(
            f"WHEN e.criterion = '{code}' THEN {1 << i}" for i, code in enumerate(_criteria_codes())
        ),
        exit=OutcomeMoment.EXIT,
        six_months=OutcomeMoment.SIX_MONTHS,
        **tables(),
    )
    return [
        *cleanup_statements(),
        (
            f"CREATE TEMPORARY TABLE {HOURS_TABLE} AS {_MISSION_HOURS.format(**tables())}",
            [period.start, period.end],
        ),
        *([] if vendor == "duckdb" else [(f"ANALYZE {HOURS_TABLE}", [])]),
        (f"CREATE TEMPORARY TABLE {FACTS_TABLE} AS {facts} SELECT * FROM mf", scope_params),
    ]


def cleanup_statements():
    return [(f"DROP TABLE IF EXISTS {name}", []) for name in (FACTS_TABLE, HOURS_TABLE)]


def statements(scope, period, vendor, *, facts=None):
    """The statements reading the facts, by name: by default the temporary table of
    ``prepare_statements`` (run first); ``facts``, an SQL query of facts rows and its
    parameters, reads others (the published figures' frozen facts)."""
    names = tables()
    condition, scope_params = scope.condition()
    source, params = facts or (f"SELECT * FROM {FACTS_TABLE}", [])
    facts = f"WITH mf AS ({source})\n"
    params = list(params)
    people = _PEOPLE.format(
        criteria_sums=", ".join(
            f"SUM(CASE WHEN (COALESCE(pe.criteria_mask, 0) & {1 << i}) > 0 THEN 1 ELSE 0 END)"
            for i in range(len(_criteria_codes()))
        ),
        local=LOCAL_PREFIX,
    )
    return {
        "counts": (
            facts
            + _COUNTS.format(
                outcomes=", ".join(
                    f"SUM(CASE WHEN {column} = '{kind}' THEN 1 ELSE 0 END)"
                    for column, _moment, kind in outcome_columns()
                )
            ),
            params,
        ),
        "contracts": (
            facts
            + _CONTRACTS.format(
                scope=condition,
                notified_month=MONTH_NUMBER[vendor].format("c.notification_date"),
                start_month=period.start.year * 12 + period.start.month - 1,
                **names,
            ),
            [*params, *scope_params, _last_day(period.end)],
        ),
        "hours_cube": (facts + _HOURS_CUBE, params),
        "people": (facts + people, params),
        "hours_people": (
            facts + _hours_people_sql(", ".join(f"'{code}'" for code in LegalBasis.reserved())),
            params,
        ),
        "territories": (
            facts
            + _TERRITORIES.format(
                columns=_TERRITORY_COLUMNS.format(
                    women=Sex.FEMALE,
                    works=ContractKind.WORKS,
                    reserved=", ".join(f"'{code}'" for code in LegalBasis.reserved()),
                )
            ),
            params,
        ),
    }


# For this transaction only: compiling these short aggregates costs more than running them
# (jit); the people's grouping fits in memory (work_mem, 4 MB by default, spilled to disk);
# the rows are in memory, an index probe costs little more than a sequential read.
POSTGRESQL_SETTINGS = ("jit = off", "work_mem = '64MB'", "random_page_cost = 1.1")


def run_statements(scope, period, execute, vendor):
    """Every result set, read by ``execute(sql, params) -> list of tuples`` (an empty list
    for the statements that return no rows), on one connection."""
    for sql, params in prepare_statements(scope, period, vendor):
        execute(sql, params)
    try:
        return {
            name: execute(sql, params)
            for name, (sql, params) in statements(scope, period, vendor).items()
        }
    finally:
        for sql, params in cleanup_statements():
            execute(sql, params)


def _django_execute(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def compute(scope=None, period=None, *, hours_per_etp=None):
    """Every indicator and breakdown of ``scope`` (national by default) over ``period``."""
    scope = scope or Scope.national()
    period = period or Period.everything()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            for setting in POSTGRESQL_SETTINGS:
                _django_execute(f"SET LOCAL {setting}", [])
        results = run_statements(scope, period, _django_execute, connection.vendor)
    figures = assemble(results, scope=scope, period=period, hours_per_etp=hours_per_etp)
    figures.computed_at = timezone.now()
    return figures


# --- From result sets to figures ---------------------------------------------------------


def as_decimal(value):
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(Decimal("0.01"))


def assemble(results, *, scope, period, hours_per_etp=None):
    """``Figures`` from the result sets of ``run_statements`` (any database's)."""
    hours_per_etp = hours_per_etp or settings.HOURS_PER_ETP
    counts = results["counts"][0]
    hours, missions, contracts_with_hours, companies, buyers, organisations = counts[:6]
    outcome_counts = [
        (moment, kind, int(count or 0))
        for (_column, moment, kind), count in zip(outcome_columns(), counts[6:], strict=True)
    ]
    contracts = results["contracts"][0][0]
    hours = as_decimal(hours)
    figures = Figures(scope=scope, period=period, hours_per_etp=hours_per_etp)
    cube = [
        (*row[:HOURS_AT], as_decimal(row[HOURS_AT]), int(row[MISSIONS_AT]))
        for row in results["hours_cube"]
    ]
    at = {name: index for index, name in enumerate(CUBE)}
    people_rows = results["people"]
    participants = sum(int(row[5]) for row in people_rows)

    def hours_where(test):
        return sum((row[HOURS_AT] for row in cube if test(row)), ZERO)

    reserved = set(LegalBasis.reserved())
    works_hours = hours_where(lambda row: row[at["contract_kind"]] == ContractKind.WORKS)
    reserved_hours = hours_where(lambda row: row[at["legal_basis"]] in reserved)
    npnru_hours = hours_where(lambda row: int(row[at["npnru"]]) == 1)
    person_hours_at = 8 + len(_criteria_codes())

    def people_hours(test):
        return sum((as_decimal(row[person_hours_at]) for row in people_rows if test(row)), ZERO)

    women = sum(int(row[5]) for row in people_rows if row[0] == Sex.FEMALE)
    men = sum(int(row[5]) for row in people_rows if row[0] == Sex.MALE)
    qpv = sum(int(row[5]) for row in people_rows if int(row[2]) == 1)
    figures.values = {
        "hours": hours,
        "etp": to_etp(hours, hours_per_etp),
        "participants": participants,
        "participants_several_structures": sum(int(row[6] or 0) for row in people_rows),
        "participants_local_key": sum(int(row[7] or 0) for row in people_rows),
        "missions": int(missions),
        "contracts": int(contracts),
        "contracts_with_hours": int(contracts_with_hours),
        "companies": int(companies),
        "buyers": int(buyers),
        "organisations": int(organisations),
        "share_etp_works": ratio(works_hours, hours),
        "share_etp_outside_works": ratio(hours - works_hours, hours) if hours else None,
        "share_etp_reserved": ratio(reserved_hours, hours),
        "share_participants_women": ratio(women, participants),
        "share_participants_men": ratio(men, participants),
        "share_participants_qpv": ratio(qpv, participants),
        "share_hours_women": ratio(people_hours(lambda row: row[0] == Sex.FEMALE), hours),
        "share_hours_qpv": ratio(people_hours(lambda row: int(row[2]) == 1), hours),
        "hours_npnru": npnru_hours,
        "share_hours_qpv_npnru": ratio(
            hours_where(lambda row: int(row[at["npnru"]]) == 1 and int(row[at["in_qpv"]]) == 1),
            npnru_hours,
        ),
    }

    hours_columns = {
        "contract_kind": lambda row: row[at["contract_kind"]],
        "reserved": lambda row: "reserve" if row[at["legal_basis"]] in reserved else "non_reserve",
        "legal_basis": lambda row: row[at["legal_basis"]],
        "modality": lambda row: row[at["modality"]],
        "work_contract_type": lambda row: row[at["work_contract_type"]],
        "buyer_kind": lambda row: row[at["buyer_kind"]],
        "company_kind": lambda row: row[at["company_kind"]],
        "npnru": lambda row: "npnru" if int(row[at["npnru"]]) == 1 else "hors_npnru",
    }
    people_columns = {
        "sex": 0,
        "age_band": 1,
        "qpv": 2,
        "education_level": 3,
        "prescriber": 4,
    }
    counts_by_line = results["hours_people"][0] if results["hours_people"] else ()
    people_by_line = {
        line: int(count or 0)
        for line, count in zip(hours_people_lines(), counts_by_line, strict=False)
    }
    for breakdown in BREAKDOWNS:
        code = breakdown.code
        if code in hours_columns:
            margin = _margin(cube, hours_columns[code])
            rows = [
                Row(
                    code=key,
                    label=breakdown.label_of(key),
                    hours=value[0],
                    missions=value[1],
                    people=people_by_line.get((code, key), 0),
                    share=ratio(value[0], hours),
                )
                for key, value in _ordered(breakdown, margin, (ZERO, 0))
            ]
            figures.breakdowns[code] = BreakdownFigures(breakdown, rows, hours)
        elif code in people_columns:
            index = people_columns[code]
            counts, people_hours_by = {}, {}
            for row in people_rows:
                key = row[index]
                if code == "qpv":
                    key = "qpv" if int(key) == 1 else "hors_qpv"
                counts[key] = counts.get(key, 0) + int(row[5])
                people_hours_by[key] = people_hours_by.get(key, ZERO) + as_decimal(
                    row[person_hours_at]
                )
            rows = []
            for key, count in _ordered(breakdown, counts, 0):
                row = Row(code=key, label=breakdown.label_of(key), people=count)
                row.share = ratio(count, participants)
                row.hours = people_hours_by.get(key, ZERO)
                if breakdown.also_hours:
                    row.share_of_hours = ratio(row.hours, hours)
                rows.append(row)
            figures.breakdowns[code] = BreakdownFigures(breakdown, rows, participants)
        elif code == "criteria":
            rows = []
            for i, (key, label) in enumerate(breakdown.choices):
                count = sum(int(row[8 + i] or 0) for row in people_rows)
                rows.append(Row(code=key, label=label, people=count))
            for row in rows:
                row.share = ratio(row.people, participants)
            figures.breakdowns[code] = BreakdownFigures(breakdown, rows, participants)
        elif code in ("outcome_exit", "outcome_six_months"):
            moment = OutcomeMoment.EXIT if code == "outcome_exit" else OutcomeMoment.SIX_MONTHS
            counts = {
                kind: int(count)
                for row_moment, kind, count in outcome_counts
                if row_moment == moment
            }
            total = sum(counts.values())
            rows = [
                Row(
                    code=key,
                    label=label,
                    missions=counts.get(key, 0),
                    share=ratio(counts.get(key, 0), total),
                )
                for key, label in breakdown.choices
            ]
            figures.breakdowns[code] = BreakdownFigures(breakdown, rows, total)
        elif code in ("region", "departement"):
            figures.breakdowns[code] = _territory_breakdown(
                breakdown, results["territories"], hours
            )
    return figures


def _margin(cube, key):
    """Hours and work contracts of the cube summed by ``key(row)``."""
    margin = {}
    for row in cube:
        value = margin.setdefault(key(row), [ZERO, 0])
        value[0] += row[HOURS_AT]
        value[1] += row[MISSIONS_AT]
    return margin


def _ordered(breakdown, values, default):
    """``values``' items in the order of the breakdown's choices, unknown codes last; a
    choice without people nor hours is listed with ``default`` (every line is shown)."""
    known = [code for code, _label in breakdown.choices]
    items = [(code, values.get(code, default)) for code in known]
    items += sorted(
        ((code, value) for code, value in values.items() if code not in known),
        key=lambda item: str(item[0]),
    )
    return items


def _territory_breakdown(breakdown, territory_rows, hours):
    model = Region if breakdown.code == "region" else Departement
    rows = [row for row in territory_rows if row[0] == breakdown.code]
    names = {
        pk: (code, name)
        for pk, code, name in model.objects.filter(
            pk__in=[row[1] for row in rows if row[1] is not None]
        ).values_list("pk", "code", "name")
    }
    result = []
    for _kind, pk, row_hours, missions, people, women, qpv, works, reserved in rows:
        code, name = names.get(pk, ("", registry.UNKNOWN_LABEL))
        row_hours = as_decimal(row_hours)
        result.append(
            Row(
                code=code,
                label=name,
                hours=row_hours,
                missions=int(missions),
                people=int(people),
                share=ratio(row_hours, hours),
                shares={
                    "share_participants_women": ratio(int(women), int(people)),
                    "share_participants_qpv": ratio(int(qpv), int(people)),
                    "share_etp_works": ratio(as_decimal(works), row_hours),
                    "share_etp_reserved": ratio(as_decimal(reserved), row_hours),
                },
            )
        )
    result.sort(key=lambda row: (row.code == "", row.code))
    return BreakdownFigures(breakdown, result, hours)
