"""Regional meetings (rencontres) of the Tour de France and their registrations."""

import secrets

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from clauses.accounts.models import coordinated_territories_q
from clauses.directory.enums import ActorFamily, Visibility

from .enums import (
    ACTIVE_STATUSES,
    DocumentKind,
    QuestionKind,
    RegistrationMode,
    RegistrationStatus,
)


def _token():
    return secrets.token_urlsafe(24)


class Edition(models.Model):
    """An edition of the Tour de France (e.g. 2021-2023), grouping its regional meetings."""

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField(unique=True)
    year_start = models.PositiveSmallIntegerField("première année")
    year_end = models.PositiveSmallIntegerField("dernière année")
    description = models.TextField(blank=True)

    class Meta:
        verbose_name = "édition"
        ordering = ["-year_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_end__gte=models.F("year_start")), name="edition_years_ordered"
            )
        ]

    def __str__(self):
        return self.name


class MeetingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def upcoming(self):
        return self.filter(ends_at__gte=timezone.now())

    def past(self):
        return self.filter(ends_at__lt=timezone.now())

    def with_counts(self):
        return self.annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
            ),
            waiting_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
            ),
        )

    def for_user(self, user):
        """Meetings a user may manage: their organisation's, those of their region for a
        coordinator, all for a national administrator."""
        if not user.is_authenticated:
            return self.none()
        if user.is_national_admin:
            return self
        return self.filter(
            Q(organiser_id__in=user.organisation_ids) | coordinated_territories_q(user)
        )


class Meeting(models.Model):
    organiser = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="organisateur",
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    edition = models.ForeignKey(
        Edition, verbose_name="édition", on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField("titre", max_length=255)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.TextField("présentation", blank=True)
    region = models.ForeignKey(
        "territories.Region", verbose_name="région", on_delete=models.PROTECT, related_name="+"
    )
    departement = models.ForeignKey(
        "territories.Departement",
        verbose_name="département",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    venue_name = models.CharField("lieu", max_length=255)
    venue_address = models.CharField("adresse", max_length=255)
    venue_postal_code = models.CharField("code postal", max_length=5)
    venue_city = models.CharField("ville", max_length=150)
    access_info = models.TextField("accès (transports, stationnement)", blank=True)
    accessibility_info = models.TextField("accessibilité du lieu", blank=True)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    capacity = models.PositiveIntegerField("nombre de places")
    registration_opens_at = models.DateTimeField("ouverture des inscriptions")
    registration_closes_at = models.DateTimeField("clôture des inscriptions")
    mode = models.CharField(
        "mode d'inscription",
        max_length=16,
        choices=RegistrationMode.choices,
        default=RegistrationMode.OPEN,
    )
    invitation_code = models.CharField(
        "code d'invitation",
        max_length=64,
        blank=True,
        help_text="Pour une rencontre sur invitation : le code à joindre au lien d'inscription.",
    )
    target_families = models.JSONField(
        "familles d'acteurs visées",
        default=list,
        blank=True,
        help_text=f"Codes parmi : {', '.join(ActorFamily.values)}.",
    )
    retention_days = models.PositiveIntegerField(
        "durée de conservation des données personnelles (jours après la rencontre)",
        default=365,
    )
    is_published = models.BooleanField("publiée", default=False)
    personal_data_purged_at = models.DateTimeField(null=True, blank=True)
    followup_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "rencontre"
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gte=models.F("registration_opens_at")),
                name="meeting_registration_closes_after_opening",
            ),
        ]
        indexes = [models.Index(fields=["is_published", "starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.slug])

    @property
    def is_past(self):
        return self.ends_at < timezone.now()

    @property
    def registration_is_open(self):
        now = timezone.now()
        return self.registration_opens_at <= now <= self.registration_closes_at and not self.is_past


class ProgrammeSlot(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.TimeField("début")
    ends_at = models.TimeField("fin")
    title = models.CharField("titre", max_length=255)
    speakers = models.CharField("intervenants", max_length=500, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        verbose_name = "séquence du programme"
        ordering = ["meeting", "starts_at"]

    def __str__(self):
        return f"{self.starts_at:%H:%M} {self.title}"


class Question(models.Model):
    """A custom registration question, optionally shown only after a given answer."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField("intitulé", max_length=255)
    help_text = models.CharField("aide", max_length=255, blank=True)
    kind = models.CharField("type", max_length=16, choices=QuestionKind.choices)
    choices = models.JSONField("choix possibles", default=list, blank=True)
    required = models.BooleanField("obligatoire", default=False)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    depends_on = models.ForeignKey(
        "self",
        verbose_name="affichée selon la réponse à",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="dependents",
    )
    depends_on_values = models.JSONField(
        "réponses qui affichent la question", default=list, blank=True
    )

    class Meta:
        verbose_name = "question"
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.label


class PresentedPractice(models.Model):
    """A practice presented at a meeting (linked to the good-practice collection later)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="presented_practices"
    )
    title = models.CharField("titre", max_length=255)
    structure_name = models.CharField("structure porteuse", max_length=255, blank=True)
    summary = models.TextField("résumé", blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "pratique présentée"
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.title


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("titre", max_length=255)
    kind = models.CharField("type", max_length=16, choices=DocumentKind.choices)
    file = models.FileField("fichier", upload_to="meetings/documents/%Y/")
    published_at = models.DateTimeField("publié le", default=timezone.now)

    class Meta:
        verbose_name = "document"
        ordering = ["meeting", "published_at"]

    def __str__(self):
        return self.title


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waiting(self):
        """The waiting list, first come first served."""
        return self.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")

    def for_user(self, user):
        return self.filter(meeting__in=Meeting.objects.for_user(user))

    def listed_for(self, user):
        """Participants a visitor may see in a meeting's participant list."""
        visibilities = [Visibility.PUBLIC]
        if user.is_authenticated:
            visibilities.append(Visibility.PARTICIPANTS)
        return self.confirmed().filter(visibility__in=visibilities, anonymised_at__isnull=True)


class Registration(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField(
        "statut", max_length=16, choices=RegistrationStatus.choices, db_index=True
    )
    token = models.CharField(max_length=64, unique=True, default=_token)
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    email = models.EmailField("adresse e-mail")
    organisation_name = models.CharField("structure", max_length=255)
    function = models.CharField("fonction", max_length=200, blank=True)
    actor_family = models.CharField("famille d'acteurs", max_length=32, choices=ActorFamily.choices)
    region = models.ForeignKey(
        "territories.Region",
        verbose_name="région",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accessibility_needs = models.TextField("besoins d'accessibilité", blank=True)
    answers = models.JSONField("réponses aux questions", default=dict, blank=True)
    visibility = models.CharField(
        "visibilité dans la liste des participants",
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.NOBODY,
    )
    directory_opt_in = models.BooleanField("figurer dans l'annuaire des acteurs", default=False)
    consent_at = models.DateTimeField("consentement au traitement")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField("validée ou refusée le", null=True, blank=True)
    promoted_at = models.DateTimeField("sortie de liste d'attente le", null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField("présence constatée le", null=True, blank=True)
    reminder_7d_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_1d_sent_at = models.DateTimeField(null=True, blank=True)
    followup_sent_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    contact = models.ForeignKey(
        "directory.Contact",
        verbose_name="contact de l'annuaire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = "inscription"
        ordering = ["meeting", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "email"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="registration_one_active_per_email",
            )
        ]
        indexes = [models.Index(fields=["meeting", "status", "created_at"])]

    def __str__(self):
        return f"{self.first_name} {self.last_name} — {self.meeting}"

    def get_absolute_url(self):
        return reverse("meetings:registration", args=[self.token])


class SatisfactionResponse(models.Model):
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="satisfaction"
    )
    rating = models.PositiveSmallIntegerField("note globale (1 à 5)")
    useful = models.BooleanField("la rencontre vous a été utile")
    new_contacts = models.PositiveSmallIntegerField("nouveaux contacts noués", default=0)
    comment = models.TextField("commentaire", blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "réponse au questionnaire de satisfaction"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="satisfaction_rating_1_to_5"
            )
        ]

    def __str__(self):
        return f"{self.registration} : {self.rating}/5"
