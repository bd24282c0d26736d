"""The protected release of a published year: every table of the country, of each region
and of each département — the territory's totals and every line of its breakdowns
(people, hours, ETP) — computed by the engine from the year's frozen facts, with the
cells that may not be published (``disclosure.protect``), checked by the attacker
(``disclosure.audit``) before anything leaves. Open data (``export_open_data``) and the
public pages read this, never the facts.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from clauses.core.exceptions import DomainError
from clauses.territories.models import Departement, Region

from . import disclosure
from . import figures as engine
from .campaigns import figures_from_facts, published_submissions
from .models import Campaign, FrozenFact, PublishedCell

NATIONAL, REGION, DEPARTEMENT = "national", "region", "departement"
TOTAL = disclosure.TOTAL
# Open data's name of each breakdown (``ventilation``), the engine's code, and whether a
# person is in one line only (people add up) or may be in several (an hours breakdown).
VENTILATIONS = [
    ("sexe", "sex", disclosure.EQ),
    ("tranche_age", "age_band", disclosure.EQ),
    ("qpv", "qpv", disclosure.EQ),
    ("niveau_formation", "education_level", disclosure.EQ),
    ("prescripteur", "prescriber", disclosure.EQ),
    ("nature_marche", "contract_kind", disclosure.LE),
    ("reserve", "reserved", disclosure.LE),
    ("fondement_juridique", "legal_basis", disclosure.LE),
    ("modalite_mise_en_oeuvre", "modality", disclosure.LE),
    ("type_contrat_travail", "work_contract_type", disclosure.LE),
    ("type_acheteur", "buyer_kind", disclosure.LE),
    ("type_entreprise", "company_kind", disclosure.LE),
    ("npnru", "npnru", disclosure.LE),
]
RELEASE_FACTS = "observatory_release_facts"
LEVEL_COLUMN = {REGION: "region_id", DEPARTEMENT: "departement_id"}


@dataclass(frozen=True)
class ReleaseRow:
    year: int
    level: str
    code: str
    name: str
    ventilation: str
    modality: str
    people: int
    hours: Decimal
    secret: str  # "", disclosure.PRIMARY or disclosure.SECONDARY

    @property
    def etp(self):
        return engine.to_etp(self.hours)


@dataclass
class Release:
    year: int
    rows: list
    cells: dict
    relations: list
    secrets: dict


def build(year, *, keep_secret=()):
    """The protected release of ``year`` (a published campaign), audited; ``keep_secret``:
    the cells its previous version kept secret (``store`` passes them)."""
    campaign = Campaign.objects.filter(year=year, published_at__isnull=False).first()
    if campaign is None:
        raise DomainError(f"L'année {year} n'est pas publiée.")
    ids = list(published_submissions(campaign).values_list("pk", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RELEASE_FACTS}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {RELEASE_FACTS} AS SELECT * FROM "
            f"{FrozenFact._meta.db_table} WHERE submission_id IN "
            f"({', '.join(['%s'] * len(ids))})",
            ids,
        )
        try:
            tables, names, parents, partial, codes = _tables(year, cursor)
            tops = _top_shares(cursor, codes)
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {RELEASE_FACTS}")
    cells = {}
    for territory, figures in tables.items():
        hours = figures["hours"]
        top = tops.get(territory)
        cells[(*territory, *TOTAL)] = disclosure.Cell(
            figures["participants"], hours, top / hours if top is not None and hours else None
        )
        for ventilation, code, _kind in VENTILATIONS:
            for row in figures.breakdowns[code].rows:
                cells[(*territory, ventilation, row.code)] = disclosure.Cell(row.people, row.hours)
    relations = disclosure.breakdown_relations(
        cells, people={v: kind for v, _c, kind in VENTILATIONS}, hours=disclosure.EQ
    )
    # Hours add up to the parent, unless some of it is in no child (a structure without a
    # département counts in its region only).
    for exact in (True, False):
        chosen = {t: p for t, p in parents.items() if (p in partial) != exact}
        relations += disclosure.hierarchy_relations(
            cells,
            chosen,
            people=disclosure.LE,
            hours=disclosure.EQ if exact else disclosure.LE,
        )
    secrets = disclosure.protect(cells, relations, keep_secret=keep_secret)
    breaches = disclosure.audit(cells, relations, secrets)
    if breaches:  # the protection's own guarantee: never publish on a breach
        raise DomainError(
            "La protection des petits effectifs a échoué : " + " ; ".join(map(str, breaches[:3]))
        )
    rows = [
        ReleaseRow(
            year=year,
            level=key[0],
            code=key[1],
            name=names[key[:2]],
            ventilation=key[2],
            modality=key[3],
            people=cell.people,
            hours=cell.hours,
            secret=secrets.get(key, ""),
        )
        for key, cell in sorted(cells.items(), key=lambda item: _order(item[0]))
    ]
    return Release(year, rows, cells, relations, secrets)


@transaction.atomic
def store(campaign):
    """Build, protect and audit the release of ``campaign`` (published) and store it as its
    new version: the cells public pages and files read."""
    previous = campaign.cells.exclude(secret="").values_list(
        "level", "code", "ventilation", "modality"
    )
    release = build(campaign.year, keep_secret=[tuple(key) for key in previous])
    campaign.cells.all().delete()
    PublishedCell.objects.bulk_create(
        [
            PublishedCell(
                campaign=campaign,
                level=row.level,
                code=row.code,
                name=row.name,
                ventilation=row.ventilation,
                modality=row.modality,
                people=None if row.secret else row.people,
                hours=None if row.secret else row.hours,
                secret=row.secret,
            )
            for row in release.rows
        ],
        batch_size=2000,
    )
    campaign.release_version += 1
    campaign.released_at = timezone.now()
    campaign.save(update_fields=["release_version", "released_at"])
    return release


def _order(key):
    level, code, ventilation, modality = key
    ventilations = [TOTAL[0]] + [v for v, _c, _k in VENTILATIONS]
    return (
        [NATIONAL, REGION, DEPARTEMENT].index(level),
        code,
        ventilations.index(ventilation),
        modality,
    )


def _tables(year, cursor):
    """Every territory's figures from the release's facts: {(level, code): Figures}, their
    names, each territory's parent, the parents some of whose facts are in no child, and
    {(level, pk): (level, code)}."""
    cursor.execute(f"SELECT DISTINCT region_id, departement_id FROM {RELEASE_FACTS}")
    pairs = cursor.fetchall()
    regions = Region.objects.in_bulk({r for r, _d in pairs if r is not None})
    departements = Departement.objects.in_bulk({d for _r, d in pairs if d is not None})
    territories = [(NATIONAL, "", engine.Scope.national(), "1 = 1", [])]
    for pk, region in sorted(regions.items(), key=lambda item: item[1].code):
        territories.append(
            (REGION, region.code, engine.Scope.region(region), "region_id = %s", [pk])
        )
    for pk, departement in sorted(departements.items(), key=lambda item: item[1].code):
        territories.append(
            (
                DEPARTEMENT,
                departement.code,
                engine.Scope.departement(departement),
                "departement_id = %s",
                [pk],
            )
        )
    tables, names = {}, {}
    for level, code, scope, condition, params in territories:
        facts = (f"SELECT * FROM {RELEASE_FACTS} WHERE {condition}", params)
        # Contracts are not in the release: they are no group of people.
        tables[(level, code)] = figures_from_facts(scope, year, facts, contracts=0)
        names[(level, code)] = "France" if level == NATIONAL else scope.label
    parents, partial = {}, set()
    for region_id, departement_id in pairs:
        if region_id is None:
            partial.add((NATIONAL, ""))
            continue
        region = (REGION, regions[region_id].code)
        parents[region] = (NATIONAL, "")
        if departement_id is None:
            partial.add(region)
        else:
            parents[(DEPARTEMENT, departements[departement_id].code)] = region
    codes = {(REGION, pk): (REGION, r.code) for pk, r in regions.items()}
    codes.update({(DEPARTEMENT, pk): (DEPARTEMENT, d.code) for pk, d in departements.items()})
    return tables, names, parents, partial, codes


def _top_shares(cursor, codes):
    """{territory: the most hours one company or one buyer brings to it}; ``codes`` maps
    (level, pk) to the territory's code."""
    top = {}
    for level, column in [(NATIONAL, None), *LEVEL_COLUMN.items()]:
        for contributor in ("company_siret", "buyer_siret"):
            grouped = f"{column}, {contributor}" if column else contributor
            cursor.execute(
                f"SELECT {column or 'NULL'}, {contributor}, SUM(hours) FROM {RELEASE_FACTS} "
                f"GROUP BY {grouped}"
            )
            for pk, _who, hours in cursor.fetchall():
                key = (NATIONAL, "") if level == NATIONAL else codes.get((level, pk))
                if key is not None:
                    top[key] = max(top.get(key, Decimal(0)), engine.as_decimal(hours))
    return top
