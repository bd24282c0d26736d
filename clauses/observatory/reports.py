"""The figures of the social clause over a set of lots: a contract, an operation, a buyer.

``compute(queryset)`` takes lots (or missions) already scoped by ``for_user`` and returns an
``Indicators`` dataclass, in five queries whatever the number of lots, participants and
months. Pages, PDF and spreadsheet reports read the same object (DOMAIN.md § 5): hours done
(total, by year, by lot) against hours required, ETP with the conversion setting,
participants by sex, age band at the start of their first mission and QPV residence,
modalities and work contracts, outcomes at exit and at 6 months (IAE grid), and for NPNRU
operations the progress against the ANRU charter target.

Units (DOMAIN.md § 2): modality shares are shares of hours; sex, age and QPV shares are
shares of people. No names: only counts leave this module.
"""

import dataclasses
import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import ExtractYear

from clauses.insertion.enums import (
    AgeBand,
    Modality,
    OutcomeKind,
    OutcomeMoment,
    Sex,
    WorkContractType,
)
from clauses.insertion.models import HoursDeclaration, Mission, Outcome, age_band
from clauses.procurement.enums import LegalBasis
from clauses.procurement.models import Lot

ZERO = Decimal(0)
# The charter's floor when an NPNRU operation has no rate of its own.
DEFAULT_ANRU_RATE = Decimal("0.05")
UNKNOWN = "inconnu"


def ratio(part, whole):
    """``part / whole`` as a Decimal with 4 decimals, or None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def to_etp(hours, hours_per_etp):
    return (Decimal(hours) / Decimal(hours_per_etp)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: people (``count``) and/or hours, with its share of the total."""

    code: str
    label: str
    count: int = 0
    hours: Decimal = ZERO
    share: Decimal | None = None
    # For a reader outside the structure (``protected``): what replaces a small count.
    secret: str = ""

    @property
    def shown(self):
        return self.secret or self.count


@dataclass(frozen=True)
class YearRow:
    year: int
    hours: Decimal
    qpv_hours: Decimal
    etp: Decimal


@dataclass(frozen=True)
class LotFigures:
    lot_id: int
    number: str
    title: str
    contract_id: int
    contract_reference: str
    contract_object: str
    legal_basis: str
    required_hours: Decimal
    hours_done: Decimal
    is_npnru: bool

    @property
    def legal_basis_label(self):
        return LegalBasis(self.legal_basis).label if self.legal_basis else "Sans clause"

    @property
    def progress(self):
        return ratio(self.hours_done, self.required_hours)


@dataclass(frozen=True)
class ContractFigures:
    """Lots summed per contract (operation and buyer reports)."""

    contract_id: int
    reference: str
    object: str
    lots: int
    required_hours: Decimal
    hours_done: Decimal

    @property
    def progress(self):
        return ratio(self.hours_done, self.required_hours)


@dataclass(frozen=True)
class OutcomeGroup:
    moment: str
    label: str
    total: int
    rows: list


@dataclass(frozen=True)
class AnruProgress:
    """Hours worked by QPV residents on NPNRU lots against the charter's target."""

    target_hours: Decimal
    qpv_hours: Decimal
    hours_done: Decimal
    lots: int
    lots_without_target: int

    @property
    def progress(self):
        return ratio(self.qpv_hours, self.target_hours)

    @property
    def qpv_share_of_hours(self):
        return ratio(self.qpv_hours, self.hours_done)


@dataclass(frozen=True)
class Indicators:
    hours_per_etp: int
    required_hours: Decimal = ZERO
    hours_done: Decimal = ZERO
    qpv_hours: Decimal = ZERO
    first_month: datetime.date | None = None
    last_month: datetime.date | None = None
    hours_by_year: list = field(default_factory=list)
    lots: list = field(default_factory=list)
    participants: int = 0
    work_contracts: int = 0
    by_sex: list = field(default_factory=list)
    by_age_band: list = field(default_factory=list)
    qpv_residents: int = 0
    by_modality: list = field(default_factory=list)
    by_work_contract: list = field(default_factory=list)
    outcomes: list = field(default_factory=list)
    anru: AnruProgress | None = None
    # ``protected``: what replaces the participants' or the QPV residents' count.
    participants_secret: str = ""
    qpv_secret: str = ""

    @property
    def participants_shown(self):
        return self.participants_secret or self.participants

    @property
    def qpv_residents_shown(self):
        return self.qpv_secret or self.qpv_residents

    @property
    def non_qpv_shown(self):
        return self.qpv_secret or self.participants - self.qpv_residents

    @property
    def etp_done(self):
        return to_etp(self.hours_done, self.hours_per_etp)

    @property
    def etp_required(self):
        return to_etp(self.required_hours, self.hours_per_etp)

    @property
    def progress(self):
        return ratio(self.hours_done, self.required_hours)

    @property
    def remaining_hours(self):
        return max(self.required_hours - self.hours_done, ZERO)

    @property
    def qpv_share(self):
        if self.qpv_secret:
            return None
        return ratio(self.qpv_residents, self.participants)

    @property
    def by_contract(self):
        contracts = {}
        for lot in self.lots:
            item = contracts.setdefault(
                lot.contract_id,
                {
                    "contract_id": lot.contract_id,
                    "reference": lot.contract_reference,
                    "object": lot.contract_object,
                    "lots": 0,
                    "required_hours": ZERO,
                    "hours_done": ZERO,
                },
            )
            item["lots"] += 1
            item["required_hours"] += lot.required_hours
            item["hours_done"] += lot.hours_done
        return [ContractFigures(**item) for item in contracts.values()]


def protected(indicators, *, k=None):
    """``indicators`` as a reader outside the structure may see them (a buyer's report): no
    count of fewer than k people, nor one the others would give away — the report's own
    table (its participants, each people breakdown, the people of each modality) goes
    through ``disclosure.protect``. A small count reads « moins de k », one hidden so that
    it cannot be recomputed « non diffusé »; their shares are not given."""
    from . import disclosure

    k = settings.OBSERVATORY_MIN_CELL if k is None else k
    zero = Decimal(0)
    total = ("bilan", *disclosure.TOTAL)
    cells = {total: disclosure.Cell(indicators.participants, zero)}
    groups = {"sexe": indicators.by_sex, "age": indicators.by_age_band}
    for name, rows in groups.items():
        for row in rows:
            cells[("bilan", name, row.code)] = disclosure.Cell(row.count, zero)
    cells[("bilan", "qpv", "qpv")] = disclosure.Cell(indicators.qpv_residents, zero)
    cells[("bilan", "qpv", "hors_qpv")] = disclosure.Cell(
        indicators.participants - indicators.qpv_residents, zero
    )
    for row in indicators.by_modality:
        cells[("bilan", "modalite", row.code)] = disclosure.Cell(row.count, zero)
    kinds = {"sexe": disclosure.EQ, "age": disclosure.EQ, "qpv": disclosure.EQ}
    kinds["modalite"] = disclosure.LE  # a person may work under two modalities
    relations = disclosure.breakdown_relations(cells, people=kinds, hours=disclosure.EQ)
    secrets = disclosure.protect(cells, relations, k=k, dominance=1)
    labels = {disclosure.PRIMARY: f"moins de {k}", disclosure.SECONDARY: "non diffusé"}

    def label(key):
        return labels.get(secrets.get(key), "")

    def rows_of(name, rows):
        return [
            dataclasses.replace(
                row,
                secret=label(("bilan", name, row.code)),
                share=None
                if (total in secrets or ("bilan", name, row.code) in secrets)
                else row.share,
            )
            for row in rows
        ]

    qpv = label(("bilan", "qpv", "qpv")) or label(("bilan", "qpv", "hors_qpv"))
    return dataclasses.replace(
        indicators,
        participants_secret=label(total),
        by_sex=rows_of("sexe", indicators.by_sex),
        by_age_band=rows_of("age", indicators.by_age_band),
        by_modality=[
            dataclasses.replace(row, secret=label(("bilan", "modalite", row.code)))
            for row in indicators.by_modality
        ],
        qpv_secret=qpv or label(total),
    )


def compute(queryset, *, hours_per_etp=None):
    """The indicators of ``queryset``: lots, or missions (then their lots' clauses count)."""
    hours_per_etp = hours_per_etp or settings.HOURS_PER_ETP
    if queryset.model is Mission:
        missions = queryset
        lots = Lot.objects.filter(pk__in=missions.values("lot_id"))
    else:
        lots = queryset
        missions = Mission.objects.filter(lot__in=lots.values("pk"))

    lot_rows = list(
        lots.values(
            "pk",
            "number",
            "title",
            "amount_excl_tax",
            "contract_id",
            "contract__reference",
            "contract__object",
            "contract__operation__is_npnru",
            "contract__operation__anru_target_rate",
            "clause__legal_basis",
            "clause__required_hours",
            "clause__anru_target_hours",
            "clause__labour_share",
            "clause__hourly_cost",
        ).order_by("contract__reference", "number", "pk")
    )
    hours_rows = list(
        HoursDeclaration.objects.filter(mission__in=missions.values("pk"))
        .values("mission__lot_id", year=ExtractYear("month"))
        .annotate(
            total=Sum("hours"),
            qpv_total=Sum("hours", filter=Q(mission__participant__qpv__isnull=False)),
            first=Min("month"),
            last=Max("month"),
        )
        .order_by()
    )
    people = list(
        missions.values(
            "participant_id", "participant__sex", "participant__birth_date", "participant__qpv_id"
        )
        .annotate(start=Min("start_date"))
        .order_by()
    )
    mission_rows = list(
        missions.values("modality", "work_contract_type", "participant_id")
        .annotate(missions=Count("pk", distinct=True), total=Sum("hours__hours"))
        .order_by()
    )
    outcome_rows = list(
        Outcome.objects.filter(mission__in=missions.values("pk"))
        .values("moment", "kind")
        .annotate(count=Count("pk"))
        .order_by()
    )

    hours_by_lot, by_year = {}, {}
    qpv_by_lot = {}
    for row in hours_rows:
        lot_id, hours, qpv = row["mission__lot_id"], row["total"] or ZERO, row["qpv_total"] or ZERO
        hours_by_lot[lot_id] = hours_by_lot.get(lot_id, ZERO) + hours
        qpv_by_lot[lot_id] = qpv_by_lot.get(lot_id, ZERO) + qpv
        year = by_year.setdefault(row["year"], [ZERO, ZERO])
        year[0] += hours
        year[1] += qpv
    hours_done = sum(hours_by_lot.values(), ZERO)

    lots_figures = [
        LotFigures(
            lot_id=row["pk"],
            number=row["number"],
            title=row["title"],
            contract_id=row["contract_id"],
            contract_reference=row["contract__reference"],
            contract_object=row["contract__object"],
            legal_basis=row["clause__legal_basis"] or "",
            required_hours=row["clause__required_hours"] or ZERO,
            hours_done=hours_by_lot.get(row["pk"], ZERO),
            is_npnru=bool(row["contract__operation__is_npnru"]),
        )
        for row in lot_rows
    ]

    work_contracts = sum(row["missions"] for row in mission_rows)
    total_people = len(people)
    return Indicators(
        hours_per_etp=hours_per_etp,
        required_hours=sum((lot.required_hours for lot in lots_figures), ZERO),
        hours_done=hours_done,
        qpv_hours=sum(qpv_by_lot.values(), ZERO),
        first_month=min((row["first"] for row in hours_rows), default=None),
        last_month=max((row["last"] for row in hours_rows), default=None),
        hours_by_year=[
            YearRow(year=year, hours=hours, qpv_hours=qpv, etp=to_etp(hours, hours_per_etp))
            for year, (hours, qpv) in sorted(by_year.items())
        ],
        lots=lots_figures,
        participants=total_people,
        work_contracts=work_contracts,
        by_sex=_people_rows(Sex.choices, [p["participant__sex"] for p in people], total_people),
        by_age_band=_people_rows(
            AgeBand.choices,
            [age_band(p["participant__birth_date"], p["start"]) or UNKNOWN for p in people],
            total_people,
        ),
        qpv_residents=sum(1 for p in people if p["participant__qpv_id"] is not None),
        by_modality=_mission_rows(Modality.choices, mission_rows, "modality", by_people=True),
        by_work_contract=_mission_rows(
            WorkContractType.choices, mission_rows, "work_contract_type", by_people=False
        ),
        outcomes=_outcome_groups(outcome_rows),
        anru=_anru(lot_rows, hours_by_lot, qpv_by_lot),
    )


LOT_FIELDS = (
    "pk",
    "amount_excl_tax",
    "contract__operation__is_npnru",
    "contract__operation__anru_target_rate",
    "clause__anru_target_hours",
    "clause__labour_share",
    "clause__hourly_cost",
)


def anru_progress(lots):
    """The ANRU charter's progress of the NPNRU lots among ``lots`` (whole contracts: the
    charter's targets are totals), or None when there are none. Two queries."""
    npnru = lots.filter(contract__operation__is_npnru=True)
    lot_rows = list(npnru.values(*LOT_FIELDS))
    if not lot_rows:
        return None
    totals = (
        HoursDeclaration.objects.filter(mission__lot__in=npnru.values("pk"))
        .values("mission__lot_id")
        .annotate(
            total=Sum("hours"),
            qpv_total=Sum("hours", filter=Q(mission__participant__qpv__isnull=False)),
        )
        .order_by()
    )
    hours_by_lot, qpv_by_lot = {}, {}
    for row in totals:
        hours_by_lot[row["mission__lot_id"]] = row["total"] or ZERO
        qpv_by_lot[row["mission__lot_id"]] = row["qpv_total"] or ZERO
    return _anru(lot_rows, hours_by_lot, qpv_by_lot)


def _people_rows(choices, codes, total):
    """People per choice (every choice listed, even at 0), then the unknown ones if any."""
    counts = Counter(codes)
    rows = [
        Row(
            code=code,
            label=label,
            count=counts.get(code, 0),
            share=ratio(counts.get(code, 0), total),
        )
        for code, label in choices
    ]
    if counts.get(UNKNOWN):
        rows.append(
            Row(
                code=UNKNOWN,
                label="Non renseigné",
                count=counts[UNKNOWN],
                share=ratio(counts[UNKNOWN], total),
            )
        )
    return rows


def _mission_rows(choices, mission_rows, key, *, by_people):
    """Hours per modality (or work contract type) with the people (or contracts) behind."""
    hours, people, contracts = {}, {}, {}
    for row in mission_rows:
        code = row[key]
        hours[code] = hours.get(code, ZERO) + (row["total"] or ZERO)
        people.setdefault(code, set()).add(row["participant_id"])
        contracts[code] = contracts.get(code, 0) + row["missions"]
    total_hours = sum(hours.values(), ZERO)
    total_contracts = sum(contracts.values())
    rows = []
    for code, label in choices:
        if code not in hours:
            continue
        count = len(people[code]) if by_people else contracts[code]
        share = ratio(hours[code], total_hours) if by_people else ratio(count, total_contracts)
        rows.append(Row(code=code, label=label, count=count, hours=hours[code], share=share))
    return rows


def _outcome_groups(outcome_rows):
    groups = []
    for moment, moment_label in OutcomeMoment.choices:
        counts = {row["kind"]: row["count"] for row in outcome_rows if row["moment"] == moment}
        total = sum(counts.values())
        rows = [
            Row(
                code=code,
                label=label,
                count=counts.get(code, 0),
                share=ratio(counts.get(code, 0), total),
            )
            for code, label in OutcomeKind.choices
        ]
        groups.append(OutcomeGroup(moment=moment, label=moment_label, total=total, rows=rows))
    return groups


def _anru_target(row):
    """A lot's ANRU target: the clause's own, else the operation's rate × hours worked
    (lot amount × labour share ÷ hourly cost); None when the data is missing."""
    if row["clause__anru_target_hours"] is not None:
        return row["clause__anru_target_hours"]
    amount, share = row["amount_excl_tax"], row["clause__labour_share"]
    cost = row["clause__hourly_cost"]
    if amount is None or share is None or not cost:
        return None
    rate = row["contract__operation__anru_target_rate"]
    rate = DEFAULT_ANRU_RATE if rate is None else rate
    return (amount * share / cost * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _anru(lot_rows, hours_by_lot, qpv_by_lot):
    npnru = [row for row in lot_rows if row["contract__operation__is_npnru"]]
    if not npnru:
        return None
    targets = [_anru_target(row) for row in npnru]
    return AnruProgress(
        target_hours=sum((t for t in targets if t is not None), ZERO),
        qpv_hours=sum((qpv_by_lot.get(row["pk"], ZERO) for row in npnru), ZERO),
        hours_done=sum((hours_by_lot.get(row["pk"], ZERO) for row in npnru), ZERO),
        lots=len(npnru),
        lots_without_target=sum(1 for t in targets if t is None),
    )
