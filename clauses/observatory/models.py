"""The yearly consolidation: a campaign per year, one submission per structure (versioned),
and the frozen facts the published figures are computed from.

A submission's facts are the rows of ``figures.prepare_statements``'s facts table for its
structure and year — one per mission with hours — copied when it is submitted: the
published figures run the engine's statements over them, so a published year never moves
when tracking data changes, and people are still counted once across structures (their
pseudonymous key is frozen with them, never a name nor a birth date).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .enums import SubmissionSource, SubmissionStatus


class Campaign(models.Model):
    year = models.PositiveSmallIntegerField(
        "année",
        unique=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    submission_deadline = models.DateField("date limite de dépôt")
    review_deadline = models.DateField("date limite de validation")
    correction_until = models.DateField("fin de la fenêtre de correction")
    opened_at = models.DateTimeField("ouverte le", auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ouverte par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    # Bumped each time the protected release is stored again (a correction validated after
    # publication): the public pages and files say which version they show.
    release_version = models.PositiveSmallIntegerField("version publiée", default=0)
    released_at = models.DateTimeField("version publiée le", null=True, blank=True)

    class Meta:
        verbose_name = "campagne de consolidation"
        verbose_name_plural = "campagnes de consolidation"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(submission_deadline__lte=models.F("review_deadline"))
                & models.Q(review_deadline__lte=models.F("correction_until")),
                name="campaign_dates_in_order",
            )
        ]

    def __str__(self):
        return f"Campagne {self.year}"


class Submission(models.Model):
    """One version of a structure's year. A correction after validation is a new version
    (with its revision note); the published figures take, for each structure, its latest
    validated version."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="campagne", on_delete=models.PROTECT, related_name="submissions"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure",
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    # Who declares for whom: a structure may declare another's year (once, for both).
    declared_by = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="déclarée par",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveSmallIntegerField("version", default=1)
    source = models.CharField(
        "origine",
        max_length=24,
        choices=SubmissionSource.choices,
        default=SubmissionSource.TRACKING,
    )
    status = models.CharField(
        "état", max_length=24, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    comment = models.TextField("commentaire", blank=True)
    revision_note = models.TextField("note de révision", blank=True)
    # The structure's territory when it submitted (the figures' territory rule).
    departement = models.ForeignKey(
        "territories.Departement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "territories.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Totals of the frozen facts (the board, the anomalies), and the contracts with a clause
    # active in the year (a contract belongs to one structure: they add up).
    hours = models.DecimalField("heures", max_digits=14, decimal_places=2, default=0)
    participants = models.PositiveIntegerField("participants", default=0)
    missions = models.PositiveIntegerField("contrats de travail", default=0)
    contracts = models.PositiveIntegerField("marchés avec clause", default=0)
    submitted_at = models.DateTimeField("déposée le", null=True, blank=True)
    validated_at = models.DateTimeField("validée le", null=True, blank=True)

    class Meta:
        verbose_name = "déclaration annuelle"
        verbose_name_plural = "déclarations annuelles"
        ordering = ["campaign", "organisation", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation", "version"], name="submission_one_per_version"
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.campaign.year} (version {self.version})"


class SubmissionEvent(models.Model):
    """Every transition of a submission, with its message (« à corriger » says why)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("date", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_repr = models.CharField("auteur", max_length=255, blank=True)
    status = models.CharField("nouvel état", max_length=24, choices=SubmissionStatus.choices)
    message = models.TextField("message", blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.submission} : {self.get_status_display()}"


class FrozenFact(models.Model):
    """One mission with hours in the year, as the engine's facts describe it, frozen with its
    submission. Plain numbers, not foreign keys: a deleted mission or participant leaves the
    published year as it was."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="facts")
    mission_id = models.BigIntegerField()
    hours = models.DecimalField(max_digits=12, decimal_places=2)
    participant_id = models.BigIntegerField()
    start_date = models.DateField()
    modality = models.CharField(max_length=64)
    work_contract_type = models.CharField(max_length=64)
    contract_id = models.BigIntegerField()
    contract_kind = models.CharField(max_length=64)
    legal_basis = models.CharField(max_length=64)
    buyer_kind = models.CharField(max_length=64)
    buyer_siret = models.CharField(max_length=14)
    company_kind = models.CharField(max_length=64)
    company_siret = models.CharField(max_length=14)
    organisation_id = models.BigIntegerField()
    departement_id = models.BigIntegerField(null=True)
    region_id = models.BigIntegerField(null=True)
    sex = models.CharField(max_length=64)
    in_qpv = models.SmallIntegerField()
    education_level = models.CharField(max_length=64)
    prescriber = models.CharField(max_length=64)
    npnru = models.SmallIntegerField()
    person_key = models.CharField(max_length=80)
    age_band = models.CharField(max_length=64)
    criteria_mask = models.IntegerField(null=True)
    outcome_exit = models.CharField(max_length=64, null=True)
    outcome_six_months = models.CharField(max_length=64, null=True)

    def __str__(self):
        return f"{self.submission} : mission {self.mission_id}, {self.hours} h"

    # The columns copied from the engine's facts table, in its order.
    @classmethod
    def columns(cls):
        return [
            field.column
            for field in cls._meta.concrete_fields
            if field.name not in ("id", "submission")
        ]


class PublishedCell(models.Model):
    """One cell of a published year's protected release (``release.store``): what public
    pages and files read. A secret cell keeps its row without its values, so that nothing
    downstream can show them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="cells")
    level = models.CharField("niveau", max_length=16)
    code = models.CharField("code du territoire", max_length=8, blank=True)
    name = models.CharField("territoire", max_length=255)
    ventilation = models.CharField("ventilation", max_length=32)
    modality = models.CharField("modalité", max_length=64, blank=True)
    people = models.PositiveIntegerField("personnes", null=True)
    hours = models.DecimalField("heures", max_digits=14, decimal_places=2, null=True)
    secret = models.CharField("secret", max_length=16, blank=True)

    class Meta:
        verbose_name = "cellule publiée"
        verbose_name_plural = "cellules publiées"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "level", "code", "ventilation", "modality"],
                name="published_cell_unique",
            )
        ]
        indexes = [models.Index(fields=["campaign", "level", "code"], name="published_cell_table")]

    def __str__(self):
        return f"{self.campaign.year} {self.level} {self.code} {self.ventilation} {self.modality}"
