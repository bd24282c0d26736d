"""Participants, their eligibility, missions (work on a lot), monthly hours and outcomes.

Participants are personal data: ``Participant.objects.for_user`` shows them to the members
of the organisation that follows them and to nobody else (not even national
administrators, who read aggregated figures). Missions, hours and outcomes follow the
contract's scope, so a coordinator or a buyer reads figures, never names.
"""

import datetime
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from clauses.accounts.models import Organisation
from clauses.core.dates import last_day_of_month
from clauses.core.validators import validate_plausible_date
from clauses.procurement.models import ScopedQuerySet, under_visible_contracts

from .enums import (
    AgeBand,
    Criterion,
    EducationLevel,
    Modality,
    OutcomeDetail,
    OutcomeKind,
    OutcomeMoment,
    Prescriber,
    QpvSource,
    Sex,
    WorkContractType,
)


def age_band(birth_date, on_date):
    """The national age band (< 26, 26-49, 50+) of someone born on ``birth_date``."""
    if birth_date is None:
        return None
    age = (
        on_date.year
        - birth_date.year
        - ((on_date.month, on_date.day) < (birth_date.month, birth_date.day))
    )
    if age < 26:
        return AgeBand.UNDER_26
    if age < 50:
        return AgeBand.FROM_26_TO_49
    return AgeBand.OVER_50


class ParticipantQuerySet(models.QuerySet):
    def for_user(self, user):
        """Only the members of the owning organisation see a participant."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(organisation_id__in=user.organisation_ids)

    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


class Participant(models.Model):
    """A person working under a social clause, followed by one facilitator organisation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="structure de facilitation",
        on_delete=models.CASCADE,
        related_name="participants",
    )
    identifier = models.CharField(
        "identifiant",
        max_length=64,
        help_text="Identifiant interne à votre structure (pas de numéro de sécurité sociale).",
    )
    # Identity: visible to the owning organisation only.
    last_name = models.CharField("nom", max_length=150, blank=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    birth_date = models.DateField(
        "date de naissance", null=True, blank=True, validators=[validate_plausible_date]
    )
    address = models.CharField("adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    # Statistical profile.
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name="commune de résidence",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    qpv = models.ForeignKey(
        "territories.Qpv",
        verbose_name="quartier prioritaire de résidence",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    qpv_list_year = models.PositiveSmallIntegerField(
        "millésime de la liste des QPV",
        null=True,
        blank=True,
        help_text="Liste en vigueur au début du parcours (2015 ou 2024).",
    )
    qpv_source = models.CharField(
        "origine du QPV", max_length=16, choices=QpvSource.choices, default=QpvSource.NONE
    )
    education_level = models.CharField(
        "niveau de formation",
        max_length=16,
        choices=EducationLevel.choices,
        default=EducationLevel.UNKNOWN,
    )
    prescriber = models.CharField(
        "prescripteur", max_length=32, choices=Prescriber.choices, default=Prescriber.NONE
    )
    exception_reason = models.TextField(
        "motif de la dérogation",
        blank=True,
        help_text="Décision motivée du facilitateur quand aucun critère ne s'applique.",
    )
    # Counts a person once across structures (identity.py): stored, never shown or exported.
    person_key = models.CharField(
        "clé pseudonyme", max_length=65, editable=False, db_index=True, default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = "participant"
        ordering = ["identifier"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "identifier"],
                name="participant_unique_identifier_per_organisation",
            ),
        ]

    def __str__(self):
        return self.identifier

    @property
    def name(self):
        """« KANTÉ Yannick »: the family name in capitals, as lists and sheets show it."""
        return f"{self.last_name.upper()} {self.first_name}".strip()

    @property
    def lives_in_qpv(self):
        return self.qpv_id is not None

    def age_band(self, on_date=None):
        return age_band(self.birth_date, on_date or datetime.date.today())


class Eligibility(models.Model):
    """One dated eligibility criterion of a participant."""

    participant = models.ForeignKey(
        Participant,
        verbose_name="participant",
        on_delete=models.CASCADE,
        related_name="eligibilities",
    )
    criterion = models.CharField("critère", max_length=32, choices=Criterion.choices)
    assessed_on = models.DateField("constaté le", validators=[validate_plausible_date])
    valid_until = models.DateField(
        "valable jusqu'au", null=True, blank=True, validators=[validate_plausible_date]
    )
    note = models.CharField("justificatif ou remarque", max_length=255, blank=True)

    class Meta:
        verbose_name = "critère d'éligibilité"
        verbose_name_plural = "critères d'éligibilité"
        ordering = ["participant", "-assessed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "criterion", "assessed_on"], name="eligibility_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_criterion_display()} ({self.assessed_on:%d/%m/%Y})"


class MissionQuerySet(ScopedQuerySet):
    organisation_path = "lot__contract__"

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(under_visible_contracts(user, "lot__contract"))

    def active_on(self, day):
        return self.running_between(day, day)

    def running_between(self, first, last):
        """Missions running some day from ``first`` to ``last`` (an open end runs on)."""
        return self.filter(start_date__lte=last).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=first)
        )

    def running_in_month(self, month):
        """Missions running some day of ``month`` (its first day)."""
        return self.running_between(month, last_day_of_month(month))


class Mission(models.Model):
    """A participant working on a lot for a company, under one modality and work contract."""

    participant = models.ForeignKey(
        Participant, verbose_name="participant", on_delete=models.PROTECT, related_name="missions"
    )
    lot = models.ForeignKey(
        "procurement.Lot", verbose_name="lot", on_delete=models.PROTECT, related_name="missions"
    )
    company = models.ForeignKey(
        "procurement.Company",
        verbose_name="entreprise",
        on_delete=models.PROTECT,
        related_name="missions",
    )
    modality = models.CharField("modalité", max_length=32, choices=Modality.choices)
    work_contract_type = models.CharField(
        "type de contrat de travail", max_length=32, choices=WorkContractType.choices
    )
    start_date = models.DateField("début", validators=[validate_plausible_date])
    end_date = models.DateField("fin", null=True, blank=True, validators=[validate_plausible_date])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MissionQuerySet.as_manager()

    class Meta:
        verbose_name = "mission"
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "lot", "company", "start_date"], name="mission_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="mission_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.participant} — {self.lot} ({self.start_date:%m/%Y})"

    def covers_month(self, month):
        """True when the mission runs during some day of ``month`` (a first-of-month date)."""
        next_month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return self.start_date < next_month and (self.end_date is None or self.end_date >= month)


class HoursDeclarationQuerySet(ScopedQuerySet):
    organisation_path = "mission__lot__contract__"

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(under_visible_contracts(user, "mission__lot__contract"))


class HoursDeclaration(models.Model):
    """The insertion hours a participant worked on a mission in one month."""

    # No index of its own: the unique (mission, month) index serves every lookup by mission,
    # and each index costs a bulk import of hours as much as a bare COPY (bench/import.py).
    mission = models.ForeignKey(
        Mission,
        verbose_name="mission",
        on_delete=models.CASCADE,
        related_name="hours",
        db_index=False,
    )
    month = models.DateField("mois", help_text="Premier jour du mois.")
    hours = models.DecimalField(
        "heures", max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = HoursDeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = "déclaration d'heures"
        verbose_name_plural = "déclarations d'heures"
        ordering = ["mission", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "month"], name="hours_one_per_mission_month"
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="hours_not_negative"),
            models.CheckConstraint(condition=Q(month__day=1), name="hours_month_is_first_day"),
        ]
        indexes = [models.Index(fields=["month"], name="hours_month_idx")]

    def __str__(self):
        return f"{self.mission} — {self.month:%m/%Y} : {self.hours} h"


class OutcomeQuerySet(ScopedQuerySet):
    organisation_path = "mission__lot__contract__"

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(under_visible_contracts(user, "mission__lot__contract"))


class Outcome(models.Model):
    """A participant's situation at the end of a mission, or six months later (IAE grid)."""

    mission = models.ForeignKey(
        Mission, verbose_name="mission", on_delete=models.CASCADE, related_name="outcomes"
    )
    moment = models.CharField("moment", max_length=16, choices=OutcomeMoment.choices)
    kind = models.CharField("type de sortie", max_length=32, choices=OutcomeKind.choices)
    detail = models.CharField("situation", max_length=32, choices=OutcomeDetail.choices)
    observed_on = models.DateField("constatée le", validators=[validate_plausible_date])
    note = models.CharField("remarque", max_length=255, blank=True)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = "sortie"
        ordering = ["mission", "moment"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "moment"], name="outcome_one_per_moment"),
        ]

    def __str__(self):
        return f"{self.get_moment_display()} : {self.get_detail_display()}"
