"""The actors' directory (interconnaissance): structures and the contacts who consented."""

from django.db import models
from django.db.models import Q

from clauses.accounts.models import coordinated_territories_q

from .enums import ActorFamily, StructureSource, Visibility


class StructureQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_user(self, user):
        """Structures a user may edit: those of their organisations, those of the territory
        a coordinator covers; all for national admins."""
        if not user.is_authenticated:
            return self.none()
        if user.is_national_admin:
            return self
        return self.filter(
            Q(organisation_id__in=user.organisation_ids) | coordinated_territories_q(user)
        )

    def exportable_by(self, user):
        """Structures an organiser exports: all for national admins, their territory for
        coordinators, none for anybody else."""
        if not user.is_authenticated:
            return self.none()
        if user.is_national_admin:
            return self
        return self.filter(coordinated_territories_q(user))

    def visible_on_directory_for(self, user):
        """What a visitor may open: published sheets, plus those they manage."""
        return self.filter(Q(is_published=True) | Q(pk__in=self.for_user(user).values("pk")))


class Structure(models.Model):
    name = models.CharField("nom", max_length=255)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    family = models.CharField("famille d'acteurs", max_length=32, choices=ActorFamily.choices)
    typology = models.CharField(
        "typologie data·inclusion",
        max_length=32,
        blank=True,
        help_text="Code de typologie du référentiel data·inclusion (ex. ACI, ML, PLIE).",
    )
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
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name="commune",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    qpvs = models.ManyToManyField(
        "territories.Qpv", verbose_name="QPV d'intervention", blank=True, related_name="+"
    )
    description = models.TextField("description", blank=True)
    website = models.URLField("site web", blank=True)
    email = models.EmailField("adresse e-mail de contact", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="organisation gestionnaire",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_structures",
    )
    source = models.CharField(max_length=16, choices=StructureSource.choices)
    is_published = models.BooleanField("publiée", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="structure_unique_siret"
            )
        ]
        indexes = [models.Index(fields=["family", "region"])]

    def __str__(self):
        return self.name


class ContactQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, anonymised_at__isnull=True)

    def visible_to(self, user):
        """Contacts a visitor may see: public ones; also « participants » ones for a
        logged-in user. Never those who chose « personne »."""
        visibilities = [Visibility.PUBLIC]
        if user.is_authenticated:
            visibilities.append(Visibility.PARTICIPANTS)
        return self.active().filter(visibility__in=visibilities)


class Contact(models.Model):
    """A person of a structure who consented to appear in the directory."""

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    function = models.CharField("fonction", max_length=200, blank=True)
    email = models.EmailField("adresse e-mail")
    visibility = models.CharField(
        "visibilité", max_length=16, choices=Visibility.choices, default=Visibility.NOBODY
    )
    consent_at = models.DateTimeField("consentement recueilli le")
    is_active = models.BooleanField(default=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = "contact"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "email"], name="contact_unique_email_per_structure"
            )
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"
