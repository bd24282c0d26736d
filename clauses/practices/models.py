"""The good-practice collection (recueil): structured practice sheets with their history."""

from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse

from clauses.accounts.models import coordinated_territories_q
from clauses.directory.enums import ActorFamily

from .enums import MarketKind, PracticeStatus, Public, Theme

ATTACHMENT_EXTENSIONS = ["pdf", "odt", "ods", "odp", "docx", "xlsx", "pptx", "png", "jpg", "jpeg"]
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def list_contains(field, value):
    """Q for « the JSON list ``field`` holds ``value`` », the same on SQLite and PostgreSQL
    (the JSON text holds the quoted code; codes never contain one another with quotes)."""
    return Q(**{f"{field}__icontains": f'"{value}"'})


class PracticeQuerySet(models.QuerySet):
    def published(self):
        """Published sheets. A sheet whose source answer refused publication never shows,
        whatever its status (the services also refuse to publish it)."""
        return self.filter(status=PracticeStatus.PUBLISHED).exclude(
            source_response__consent_to_publish=False
        )

    def for_user(self, user):
        """Sheets a user works on in the back-office: their organisation's, those led by
        a structure of their organisation, those of the territory a coordinator covers;
        all for national administrators."""
        if not user.is_authenticated:
            return self.none()
        if user.is_national_admin:
            return self
        organisations = user.organisation_ids
        return self.filter(
            Q(organisation_id__in=organisations)
            | Q(lead_structure__organisation_id__in=organisations)
            | coordinated_territories_q(user)
        )


class Practice(models.Model):
    title = models.CharField("titre", max_length=255)
    slug = models.SlugField(max_length=120, unique=True)
    pitch = models.TextField(
        "résumé", blank=True, help_text="La pratique en deux ou trois phrases."
    )
    status = models.CharField(
        "statut", max_length=16, choices=PracticeStatus.choices, default=PracticeStatus.DRAFT
    )
    # Territory.
    region = models.ForeignKey(
        "territories.Region",
        verbose_name="région",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    departement = models.ForeignKey(
        "territories.Departement",
        verbose_name="département",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name="commune",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    qpvs = models.ManyToManyField(
        "territories.Qpv", verbose_name="quartiers prioritaires", blank=True, related_name="+"
    )
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    # Actors.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="organisation contributrice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practices",
    )
    lead_structure = models.ForeignKey(
        "directory.Structure",
        verbose_name="structure porteuse",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_practices",
    )
    structures = models.ManyToManyField(
        "directory.Structure",
        verbose_name="structures impliquées",
        blank=True,
        related_name="practices",
    )
    # Content.
    context = models.TextField("contexte", blank=True)
    actions = models.TextField("actions menées", blank=True)
    means = models.TextField("moyens mobilisés", blank=True)
    results = models.TextField("résultats", blank=True)
    success_factors = models.TextField("facteurs de réussite", blank=True)
    pitfalls = models.TextField("points de vigilance", blank=True)
    contact_name = models.CharField("nom du contact", max_length=200, blank=True)
    contact_email = models.EmailField("adresse e-mail du contact", blank=True)
    contact_consent = models.BooleanField(
        "le contact accepte d'être affiché sur la fiche publiée", default=False
    )
    # Classification (lists of codes).
    themes = models.JSONField(
        "thèmes", default=list, blank=True, help_text=f"Codes parmi : {', '.join(Theme.values)}."
    )
    tags = models.JSONField("mots-clés", default=list, blank=True)
    publics = models.JSONField(
        "publics", default=list, blank=True, help_text=f"Codes parmi : {', '.join(Public.values)}."
    )
    market_kinds = models.JSONField(
        "types de marchés",
        default=list,
        blank=True,
        help_text=f"Codes parmi : {', '.join(MarketKind.values)}.",
    )
    actor_families = models.JSONField(
        "familles d'acteurs",
        default=list,
        blank=True,
        help_text=f"Codes parmi : {', '.join(ActorFamily.values)}.",
    )
    year = models.PositiveSmallIntegerField("année", null=True, blank=True)
    # Links.
    source_response = models.ForeignKey(
        "survey.Response",
        verbose_name="réponse à l'enquête d'origine",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practices",
    )
    meetings = models.ManyToManyField(
        "meetings.Meeting",
        verbose_name="rencontres où elle a été présentée",
        blank=True,
        related_name="practices",
    )
    # Bookkeeping.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    # PostgreSQL full-text search (French, accents folded); written by the services.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche pratique"
        verbose_name_plural = "fiches pratiques"
        ordering = ["-published_at", "-created_at", "pk"]
        indexes = [models.Index(fields=["status", "published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="practice_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="practice_longitude_range",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("practices:detail", args=[self.slug])

    @property
    def is_published(self):
        return self.status == PracticeStatus.PUBLISHED

    def theme_labels(self):
        return [Theme(code).label for code in self.themes if code in Theme.values]

    def public_labels(self):
        return [Public(code).label for code in self.publics if code in Public.values]

    def market_kind_labels(self):
        return [MarketKind(code).label for code in self.market_kinds if code in MarketKind.values]

    def actor_family_labels(self):
        return [ActorFamily(c).label for c in self.actor_families if c in ActorFamily.values]

    @property
    def territory_label(self):
        parts = [str(p) for p in (self.commune, self.departement, self.region) if p]
        return ", ".join(parts) or "National"

    @property
    def public_contact(self):
        """(name, e-mail) shown on the published sheet, only when the person consented."""
        if self.contact_consent and (self.contact_name or self.contact_email):
            return self.contact_name, self.contact_email
        return None


class PracticePartner(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField("nom", max_length=255)
    family = models.CharField("famille d'acteurs", max_length=32, choices=ActorFamily.choices)
    structure = models.ForeignKey(
        "directory.Structure",
        verbose_name="structure de l'annuaire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "partenaire"
        ordering = ["practice", "position", "pk"]

    def __str__(self):
        return self.name


class ResultFigure(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="figures")
    label = models.CharField("libellé", max_length=255)
    value = models.DecimalField("valeur", max_digits=12, decimal_places=2)
    unit = models.CharField("unité", max_length=50, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "chiffre clé"
        ordering = ["practice", "position", "pk"]

    def __str__(self):
        return f"{self.label} : {self.display_value}"

    @property
    def display_value(self):
        value = self.value.normalize()
        text = f"{value:f}".replace(".", ",")
        return f"{text} {self.unit}".strip()


def _attachment_path(instance, filename):
    return f"practices/{instance.practice_id}/{PurePath(filename).name}"


class PracticeAttachment(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField("titre", max_length=255)
    file = models.FileField("fichier", upload_to=_attachment_path)
    size = models.PositiveIntegerField("taille (octets)", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe"
        ordering = ["practice", "created_at", "pk"]

    def __str__(self):
        return self.title


class PracticeVersion(models.Model):
    """A snapshot of a sheet after each save: readable values, French labels as keys."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("numéro")
    snapshot = models.JSONField()
    action = models.CharField("action", max_length=64)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "version de fiche pratique"
        ordering = ["practice", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "number"], name="practice_version_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.practice} — version {self.number}"
