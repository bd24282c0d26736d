"""Calibrating a social clause: how many insertion hours a contract (or lot) should require.

Two methods (DOMAIN.md §4):

- rate: ``hours = amount excl. tax × labour share × insertion rate ÷ loaded hourly cost``
  (1 000 000 € × 50 % × 5 % ÷ 30 €/h ≈ 833 h);
- ANRU charter (NPNRU): at least 5 % of the hours worked on funded works — 10 % on
  urban-management (GUP) contracts — go to residents of priority neighbourhoods:
  ``hours worked = amount × labour share ÷ hourly cost``, ``hours = rate × hours worked``.

``calculate`` is pure (no database): the calculator page, ``services.apply_calculation`` and
tests share it. Hours are kept to the unit, rounded half up; ETP divide them by
``settings.HOURS_PER_ETP``.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings

from clauses.core.exceptions import DomainError

from .enums import CalculationMethod

HUNDRED = Decimal(100)
MAX_AMOUNT = Decimal("999999999999.99")  # Contract.amount_excl_tax: 14 digits, 2 decimals.
DEFAULT_INSERTION_RATE = Decimal("0.05")
DEFAULT_HOURLY_COST = Decimal(30)


class AnruScope:
    """The ANRU charter's targets: share of the hours worked reserved for QPV residents."""

    WORKS = "travaux"
    URBAN_MANAGEMENT = "gup"
    RATES = {WORKS: Decimal("0.05"), URBAN_MANAGEMENT: Decimal("0.10")}
    LABELS = {
        WORKS: "travaux financés par l'ANRU",
        URBAN_MANAGEMENT: "gestion urbaine de proximité",
    }
    CHOICES = [
        (WORKS, "Travaux financés par l'ANRU : 5 % des heures travaillées"),
        (URBAN_MANAGEMENT, "Gestion urbaine de proximité (GUP) : 10 % des heures travaillées"),
    ]


def format_number(value, decimals=0):
    """French number: no-break space between thousands, decimal comma (1 234 567,89)."""
    quantum = Decimal(1).scaleb(-decimals)
    value = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    integer, _, fraction = f"{abs(value):f}".partition(".")
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    text = sign + "\u00a0".join(groups or ["0"])
    return f"{text},{fraction}" if fraction else text


def format_percent(share):
    """A share (0.075) as a French percentage, without useless decimals (« 7,5 % »)."""
    percent = (Decimal(share) * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = format_number(percent, 2).rstrip("0").rstrip(",")
    return f"{text}\u00a0%"


def format_euros(value):
    decimals = 0 if Decimal(value) == Decimal(value).to_integral_value() else 2
    return f"{format_number(value, decimals)}\u00a0€"


def parse_decimal(text):
    """A number typed the French way (« 1 250 000,50 », « 5 % », « 30 € ») or None.

    Raises ``ValueError`` when the text is not a number."""
    if text is None:
        return None
    if isinstance(text, (int, Decimal)):
        return Decimal(text)
    cleaned = "".join(str(text).split()).replace("\u202f", "").replace("\u00a0", "")
    cleaned = cleaned.replace("€", "").replace("%", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(text)
    return value


@dataclass(frozen=True)
class Calculation:
    """The inputs of a calibration and everything derived from them."""

    method: str
    amount: Decimal
    labour_share: Decimal
    insertion_rate: Decimal
    hourly_cost: Decimal
    hours_per_etp: int
    trade: str = ""
    anru_scope: str = ""

    @property
    def is_anru(self):
        return self.method == CalculationMethod.ANRU

    @property
    def labour_amount(self):
        """The part of the amount paid as labour (€)."""
        return self.amount * self.labour_share

    @property
    def insertion_amount(self):
        """The part of the labour amount given to insertion (€)."""
        return self.labour_amount * self.insertion_rate

    @property
    def hours_worked(self):
        """Estimated hours worked on the contract (labour amount ÷ hourly cost)."""
        return self.labour_amount / self.hourly_cost

    @property
    def exact_hours(self):
        return self.insertion_amount / self.hourly_cost

    @property
    def hours(self):
        """The insertion hours to require, rounded to the unit (half up)."""
        return self.exact_hours.quantize(Decimal(1), rounding=ROUND_HALF_UP)

    @property
    def etp(self):
        return (self.hours / Decimal(self.hours_per_etp)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def anru_target_hours(self):
        """ANRU mode: the hours that must go to QPV residents (None otherwise)."""
        return self.hours if self.is_anru else None

    @property
    def method_label(self):
        if self.is_anru:
            return f"Charte ANRU — {AnruScope.LABELS.get(self.anru_scope, 'NPNRU')}"
        return "Taux d'insertion appliqué au montant"

    @property
    def steps(self):
        """The calculation as (label, expression, result) lines, with the numbers."""
        amount, share = format_euros(self.amount), format_percent(self.labour_share)
        rate, cost = format_percent(self.insertion_rate), format_euros(self.hourly_cost)
        hours = f"{format_number(self.hours)}\u00a0h"
        etp = (
            f"{format_number(self.hours)}\u00a0h ÷ {format_number(self.hours_per_etp)}\u00a0h",
            f"{format_number(self.etp, 2)}\u00a0ETP",
        )
        if self.is_anru:
            worked = f"{format_number(self.hours_worked)}\u00a0h"
            return [
                ("Heures travaillées estimées", f"{amount} × {share} ÷ {cost}/h", worked),
                (
                    f"Objectif de la charte ANRU ({AnruScope.LABELS.get(self.anru_scope, '')})",
                    f"{rate} × {worked}",
                    hours,
                ),
                ("Équivalent temps plein", *etp),
            ]
        labour = format_euros(self.labour_amount.quantize(Decimal("0.01")))
        insertion = format_euros(self.insertion_amount.quantize(Decimal("0.01")))
        return [
            ("Montant de main-d'œuvre", f"{amount} × {share}", labour),
            ("Effort d'insertion", f"{labour} × {rate}", insertion),
            ("Heures d'insertion", f"{insertion} ÷ {cost}/h", hours),
            ("Équivalent temps plein", *etp),
        ]

    @property
    def formula(self):
        """One line, stored as the clause's calculation note."""
        amount, share = format_euros(self.amount), format_percent(self.labour_share)
        rate, cost = format_percent(self.insertion_rate), format_euros(self.hourly_cost)
        hours = format_number(self.hours)
        trade = f" ({self.trade})" if self.trade else ""
        conversion = (
            f"soit {format_number(self.etp, 2)}\u00a0ETP "
            f"(1\u00a0ETP = {format_number(self.hours_per_etp)}\u00a0h)"
        )
        if self.is_anru:
            worked = format_number(self.hours_worked)
            return (
                f"Charte ANRU ({AnruScope.LABELS.get(self.anru_scope, 'NPNRU')}) : "
                f"{rate} des heures travaillées, estimées à {amount} HT × {share} de "
                f"main-d'œuvre{trade} ÷ {cost}/h = {worked}\u00a0h ; "
                f"{rate} × {worked}\u00a0h = {hours}\u00a0heures pour des habitants des QPV, "
                f"{conversion}."
            )
        return (
            f"{amount} HT × {share} de main-d'œuvre{trade} × {rate} d'insertion ÷ "
            f"{cost}/h = {hours}\u00a0heures d'insertion, {conversion}."
        )


def check(*, amount, labour_share, hourly_cost, insertion_rate=None, method=None, anru_scope=None):
    """Every broken rule, as ``{field: French message naming the field}`` (empty if none).

    Shares and rates are fractions (0.5 for 50 %)."""
    errors = {}
    method = method or CalculationMethod.RATE
    if amount is None:
        errors["amount"] = "Indiquez le montant HT du marché ou du lot."
    elif amount < 0:
        errors["amount"] = "Le montant HT ne peut pas être négatif."
    elif amount > MAX_AMOUNT:
        errors["amount"] = "Le montant HT est trop élevé (1 000 milliards d'euros au plus)."
    if labour_share is None:
        errors["labour_share"] = (
            "Indiquez la part de main-d'œuvre (en %) ou choisissez un corps d'état."
        )
    elif not Decimal(0) <= labour_share <= 1:
        errors["labour_share"] = "La part de main-d'œuvre doit être comprise entre 0 et 100 %."
    if method == CalculationMethod.RATE:
        if insertion_rate is None:
            errors["insertion_rate"] = "Indiquez le taux d'insertion (en %)."
        elif not Decimal(0) <= insertion_rate <= 1:
            errors["insertion_rate"] = "Le taux d'insertion doit être compris entre 0 et 100 %."
    elif method == CalculationMethod.ANRU:
        if anru_scope not in AnruScope.RATES:
            errors["anru_scope"] = (
                "Choisissez l'objectif de la charte ANRU : travaux (5 %) ou gestion urbaine "
                "de proximité (10 %)."
            )
    else:
        errors["method"] = "Le mode de calcul doit être « taux d'insertion » ou « charte ANRU »."
    if hourly_cost is None:
        errors["hourly_cost"] = "Indiquez le coût horaire chargé (en €)."
    elif hourly_cost <= 0:
        errors["hourly_cost"] = "Le coût horaire chargé doit être supérieur à 0 €."
    return errors


def calculate(
    *,
    amount,
    labour_share,
    hourly_cost,
    insertion_rate=None,
    method=CalculationMethod.RATE,
    anru_scope=AnruScope.WORKS,
    trade="",
    hours_per_etp=None,
):
    """The hours a clause should require; raises ``DomainError`` naming the first bad field.

    ``labour_share`` and ``insertion_rate`` are fractions (0.5 for 50 %). In ANRU mode the
    rate is the charter's (5 % for works, 10 % for urban management): ``insertion_rate`` is
    ignored."""
    values = {
        "amount": _decimal(amount),
        "labour_share": _decimal(labour_share),
        "hourly_cost": _decimal(hourly_cost),
        "insertion_rate": _decimal(insertion_rate),
    }
    errors = check(**values, method=method, anru_scope=anru_scope)
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)
    if method == CalculationMethod.ANRU:
        rate = AnruScope.RATES[anru_scope]
    else:
        rate = values["insertion_rate"]
        anru_scope = ""
    # The precision the clause keeps (4 decimals for shares, cents for costs).
    return Calculation(
        method=method,
        amount=values["amount"].quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        labour_share=values["labour_share"].quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
        insertion_rate=rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
        hourly_cost=values["hourly_cost"].quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        hours_per_etp=hours_per_etp or settings.HOURS_PER_ETP,
        trade=trade,
        anru_scope=anru_scope,
    )


def _decimal(value):
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


# Labour shares shipped with the platform (no official national table exists): national
# administrators edit them on /outils/parts-main-oeuvre/. Each carries its source.
SOURCE_MEF_SUD_77 = (
    "Maison de l'emploi et de la formation du Sud 77, « La clause d'insertion », exemple de "
    "calcul repris dans DOMAIN.md § 4 : http://www.mefsud77.fr/?page_id=28"
)
SOURCE_INDICATIVE = (
    "Ordre de grandeur indicatif des guides de la clause sociale, non rattaché à une "
    "publication précise : à vérifier avec l'économiste du projet"
)
SOURCE_CLEANING = (
    "Ordre de grandeur indicatif (marchés à forte intensité de main-d'œuvre) : proratiser "
    "hors personnel repris (DOMAIN.md § 4), à vérifier localement"
)
PUBLISHED_LABOUR_SHARES = [
    # (trade, contract kind, share, source)
    ("Peinture intérieure", "travaux", "0.70", SOURCE_MEF_SUD_77),
    ("Maçonnerie", "travaux", "0.50", SOURCE_MEF_SUD_77),
    ("Charpente métallique", "travaux", "0.20", SOURCE_MEF_SUD_77),
    ("Démolition, curage, désamiantage", "travaux", "0.50", SOURCE_INDICATIVE),
    ("Terrassement, voirie et réseaux divers (VRD)", "travaux", "0.30", SOURCE_INDICATIVE),
    ("Plâtrerie, cloisons, faux plafonds", "travaux", "0.55", SOURCE_INDICATIVE),
    ("Menuiseries intérieures", "travaux", "0.40", SOURCE_INDICATIVE),
    ("Menuiseries extérieures", "travaux", "0.30", SOURCE_INDICATIVE),
    ("Électricité", "travaux", "0.40", SOURCE_INDICATIVE),
    ("Plomberie, chauffage, ventilation", "travaux", "0.35", SOURCE_INDICATIVE),
    ("Couverture, étanchéité", "travaux", "0.40", SOURCE_INDICATIVE),
    ("Revêtements de sols", "travaux", "0.45", SOURCE_INDICATIVE),
    ("Aménagements paysagers", "travaux", "0.50", SOURCE_INDICATIVE),
    ("Entretien des espaces verts", "services", "0.60", SOURCE_INDICATIVE),
    ("Nettoyage de locaux", "services", "0.80", SOURCE_CLEANING),
    ("Collecte des déchets, propreté urbaine", "services", "0.50", SOURCE_INDICATIVE),
]


def seed_labour_shares(model):
    """Create the published labour shares that are missing (existing rows, possibly edited
    by an administrator, are left alone). ``model`` is LabourShare, or its historical
    version in a migration. Returns the number of rows created."""
    created = 0
    for position, (trade, kind, share, source) in enumerate(PUBLISHED_LABOUR_SHARES, start=1):
        _, is_new = model.objects.get_or_create(
            trade=trade,
            defaults={
                "contract_kind": kind,
                "share": Decimal(share),
                "source": source,
                "position": position * 10,
            },
        )
        created += is_new
    return created
