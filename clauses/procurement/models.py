"""Buyers, operations, contracts (marchés), lots with their social clause, companies.

Every object belongs to the facilitator organisation that follows it (``organisation``):
``for_user`` is the only way views read them.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from clauses.accounts.models import Organisation, coordinated_territories_q
from clauses.core.dates import add_months
from clauses.core.validators import validate_plausible_date, validate_siret

from .enums import BuyerKind, CalculationMethod, CompanyKind, ContractKind, LegalBasis, LotRole


def _owned_q(user, prefix=""):
    """Rows followed by one of the user's organisations, of their territory for a coordinator,
    every row for a national administrator (``prefix`` leads to the ``organisation`` field)."""
    if user.is_national_admin:
        return Q(pk__isnull=False)
    return Q(**{f"{prefix}organisation_id__in": user.organisation_ids}) | coordinated_territories_q(
        user,
        departement=f"{prefix}organisation__departement",
        regions=[f"{prefix}organisation__region", f"{prefix}organisation__departement__region"],
    )


class ScopedQuerySet(models.QuerySet):
    organisation_path = ""

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(_owned_q(user, self.organisation_path))

    def for_organisation(self, organisation):
        return self.filter(**{f"{self.organisation_path}organisation": organisation})


class BuyerQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """Also the buyer records linked to the user's own (buyer) organisation."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(_owned_q(user) | Q(account_id__in=user.organisation_ids))


class Buyer(models.Model):
    """A public buyer (donneur d'ordre, maître d'ouvrage) as a facilitator follows it."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="structure de facilitation",
        on_delete=models.CASCADE,
        related_name="buyers",
    )
    name = models.CharField("nom", max_length=255)
    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret])
    kind = models.CharField("type d'acheteur", max_length=32, choices=BuyerKind.choices)
    departement = models.ForeignKey(
        "territories.Departement",
        verbose_name="département",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    account = models.ForeignKey(
        Organisation,
        verbose_name="compte de l'acheteur sur la plateforme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="buyer_records",
        help_text="Les membres de cette organisation voient ses marchés en lecture seule.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BuyerQuerySet.as_manager()

    class Meta:
        verbose_name = "acheteur"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "siret"], name="buyer_unique_siret_per_organisation"
            ),
        ]

    def __str__(self):
        return self.name


class Operation(models.Model):
    """A project grouping contracts, e.g. the urban renewal (NPNRU) of one neighbourhood."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="structure de facilitation",
        on_delete=models.CASCADE,
        related_name="operations",
    )
    name = models.CharField("nom", max_length=255)
    buyer = models.ForeignKey(
        Buyer,
        verbose_name="maître d'ouvrage principal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="operations",
    )
    is_npnru = models.BooleanField("opération NPNRU (charte ANRU)", default=False)
    qpv = models.ForeignKey(
        "territories.Qpv",
        verbose_name="quartier prioritaire concerné",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    anru_target_rate = models.DecimalField(
        "objectif ANRU (part des heures travaillées)",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text="5 % pour les travaux financés, 10 % pour la gestion urbaine de proximité.",
    )
    description = models.TextField("description", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "opération"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="operation_unique_name_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(anru_target_rate__isnull=True)
                | (Q(anru_target_rate__gte=0) & Q(anru_target_rate__lte=1)),
                name="operation_anru_target_rate_is_a_share",
            ),
        ]

    def __str__(self):
        return self.name


class ContractQuerySet(ScopedQuerySet):
    def for_user(self, user):
        """Also the contracts of a buyer whose account is one of the user's organisations."""
        if not user.is_authenticated:
            return self.none()
        if user.is_national_admin:
            return self.all()
        # The buyer side as a list of pks, not a join nor a subquery: an OR across a join
        # or with a subquery keeps the databases from using the organisation's index (a
        # facilitator's dashboard then scanned every contract of the country). An empty list
        # drops the branch.
        return self.filter(_owned_q(user) | Q(buyer_id__in=user.buyer_record_ids))


def contract_end(notification_date, duration_months):
    """Notification date plus duration (None when either is unknown)."""
    if not (notification_date and duration_months):
        return None
    return add_months(notification_date, duration_months)


def under_visible_contracts(user, path):
    """The filter of the rows under a contract the user sees (``path`` leads from the rows
    to the contract, e.g. ``"mission__lot__contract"``): the contracts as a subquery, which
    each database turns into a semi-join driven by the smallest side, never an OR across
    joins; no filter at all for a national administrator, who sees every contract."""
    if user.is_national_admin:
        return Q()
    return Q(**{f"{path}__in": Contract.objects.for_user(user).values("pk")})


class Contract(models.Model):
    """A public contract (marché) followed by a facilitator organisation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="structure de facilitation",
        on_delete=models.CASCADE,
        related_name="contracts",
    )
    buyer = models.ForeignKey(
        Buyer, verbose_name="acheteur", on_delete=models.PROTECT, related_name="contracts"
    )
    operation = models.ForeignKey(
        Operation,
        verbose_name="opération",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
    )
    reference = models.CharField("référence du marché", max_length=64)
    object = models.CharField("objet", max_length=500)
    kind = models.CharField("nature du marché", max_length=32, choices=ContractKind.choices)
    cpv_code = models.CharField("code CPV", max_length=10, blank=True)
    amount_excl_tax = models.DecimalField(
        "montant HT (€)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    notification_date = models.DateField(
        "date de notification", null=True, blank=True, validators=[validate_plausible_date]
    )
    duration_months = models.PositiveSmallIntegerField(
        "durée (mois)", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = "marché"
        ordering = ["-notification_date", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                name="contract_unique_reference_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(amount_excl_tax__isnull=True) | Q(amount_excl_tax__gte=0),
                name="contract_amount_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.object}"

    @property
    def end_date(self):
        return contract_end(self.notification_date, self.duration_months)


class LotQuerySet(ScopedQuerySet):
    organisation_path = "contract__"

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(under_visible_contracts(user, "contract"))


class Lot(models.Model):
    """A lot of a contract; a contract without lots has one lot, numbered « 1 »."""

    contract = models.ForeignKey(
        Contract, verbose_name="marché", on_delete=models.CASCADE, related_name="lots"
    )
    number = models.CharField("numéro de lot", max_length=16)
    title = models.CharField("intitulé", max_length=255, blank=True)
    amount_excl_tax = models.DecimalField(
        "montant HT du lot (€)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LotQuerySet.as_manager()

    class Meta:
        verbose_name = "lot"
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="lot_unique_number"),
        ]

    def __str__(self):
        label = f"Lot {self.number}"
        return f"{label} — {self.title}" if self.title else label


class ClauseQuerySet(ScopedQuerySet):
    organisation_path = "lot__contract__"


class Clause(models.Model):
    """The social consideration of one lot: its legal basis and the hours it requires."""

    lot = models.OneToOneField(
        Lot, verbose_name="lot", on_delete=models.CASCADE, related_name="clause"
    )
    legal_basis = models.CharField("fondement juridique", max_length=16, choices=LegalBasis.choices)
    required_hours = models.DecimalField(
        "heures d'insertion exigées",
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    calculation_method = models.CharField(
        "mode de calcul",
        max_length=16,
        choices=CalculationMethod.choices,
        default=CalculationMethod.RATE,
    )
    labour_share = models.DecimalField(
        "part de main-d'œuvre",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    insertion_rate = models.DecimalField(
        "taux d'insertion",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    hourly_cost = models.DecimalField(
        "coût horaire chargé (€)",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    calculation_note = models.TextField("explication du calcul", blank=True)
    anru_target_hours = models.DecimalField(
        "objectif ANRU (heures pour des habitants des QPV)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClauseQuerySet.as_manager()

    class Meta:
        verbose_name = "clause sociale"
        verbose_name_plural = "clauses sociales"
        constraints = [
            models.CheckConstraint(
                condition=Q(required_hours__gte=0), name="clause_required_hours_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.get_legal_basis_display()} — {self.required_hours} h"

    @property
    def is_reserved(self):
        return self.legal_basis in LegalBasis.reserved()


class Company(models.Model):
    """A company (or SIAE, GEIQ, EA, ESAT) working on the lots an organisation follows."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="structure de facilitation",
        on_delete=models.CASCADE,
        related_name="companies",
    )
    name = models.CharField("raison sociale", max_length=255)
    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret])
    kind = models.CharField(
        "type d'entreprise", max_length=16, choices=CompanyKind.choices, default="ordinaire"
    )
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name="commune",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "entreprise"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "siret"], name="company_unique_siret_per_organisation"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_siae(self):
        return self.kind in CompanyKind.siae()


class LotCompany(models.Model):
    """The role of a company on a lot (holder, co-contractor, subcontractor)."""

    lot = models.ForeignKey(
        Lot, verbose_name="lot", on_delete=models.CASCADE, related_name="lot_companies"
    )
    company = models.ForeignKey(
        Company, verbose_name="entreprise", on_delete=models.PROTECT, related_name="lot_companies"
    )
    role = models.CharField("rôle", max_length=16, choices=LotRole.choices)

    class Meta:
        verbose_name = "entreprise du lot"
        verbose_name_plural = "entreprises des lots"
        ordering = ["lot", "role", "company__name"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "company"], name="lot_company_unique"),
        ]

    def __str__(self):
        return f"{self.company} ({self.get_role_display()})"


class LabourShare(models.Model):
    """The labour share of a trade, used by the calibration calculator (editable table).

    No official national table exists: the platform ships published values, each with its
    source, and national administrators edit them.
    """

    trade = models.CharField("corps d'état ou type de prestation", max_length=150, unique=True)
    contract_kind = models.CharField(
        "nature de marché", max_length=32, choices=ContractKind.choices, default="travaux"
    )
    share = models.DecimalField(
        "part de main-d'œuvre",
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    source = models.CharField("source", max_length=255, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "part de main-d'œuvre"
        verbose_name_plural = "parts de main-d'œuvre"
        ordering = ["position", "trade"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=1), name="labour_share_is_a_share"
            ),
        ]

    def __str__(self):
        return f"{self.trade} ({self.share:.0%})"
