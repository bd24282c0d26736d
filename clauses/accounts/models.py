import secrets

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from .enums import FacilitatorKind, OrganisationKind, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in with their e-mail address."""

    username = None
    email = models.EmailField("adresse e-mail", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @cached_property
    def active_memberships(self):
        return list(
            self.memberships.filter(is_active=True, organisation__is_active=True).select_related(
                "organisation", "scope_region", "scope_departement"
            )
        )

    @property
    def is_national_admin(self):
        return self.is_superuser or any(
            m.role == Role.NATIONAL_ADMIN for m in self.active_memberships
        )

    def has_role(self, *roles):
        return any(m.role in roles for m in self.active_memberships)

    @property
    def organisation_ids(self):
        return {m.organisation_id for m in self.active_memberships}

    @cached_property
    def buyer_record_ids(self):
        """The pks of the buyers (as facilitators record them) whose platform account is one
        of the user's organisations: their contracts are the user's to read. A list, read
        once, so that scoping filters stay a plain ``IN`` both databases can index."""
        if not self.organisation_ids:
            return []
        buyers = Organisation._meta.get_field("buyer_records").related_model.objects
        return list(
            buyers.filter(account_id__in=self.organisation_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def coordinated_territories_q(user, *, departement="departement", regions=("region",)):
    """Q matching rows in the territories ``user`` coordinates (empty for non-coordinators).

    A departmental coordinator covers rows whose ``departement`` is theirs; a regional one,
    rows whose ``regions`` lookups (e.g. "region", "departement__region") point to theirs.
    """
    query = Q(pk__in=[])
    for m in user.active_memberships:
        if m.role != Role.COORDINATOR:
            continue
        if m.scope_departement_id:
            query |= Q(**{f"{departement}_id": m.scope_departement_id})
        elif m.scope_region_id:
            for lookup in regions:
                query |= Q(**{f"{lookup}_id": m.scope_region_id})
    return query


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_user(self, user):
        """Organisations a user may see: their own, those of their territory for a
        coordinator, all for a national administrator."""
        if not user.is_authenticated:
            return self.none()
        if user.is_national_admin:
            return self
        return self.filter(
            Q(pk__in=user.organisation_ids)
            | coordinated_territories_q(user, regions=["region", "departement__region"])
        )


class Organisation(models.Model):
    name = models.CharField("nom", max_length=255)
    kind = models.CharField("type", max_length=32, choices=OrganisationKind.choices)
    facilitator_kind = models.CharField(
        "type de structure de facilitation",
        max_length=32,
        choices=FacilitatorKind.choices,
        blank=True,
    )
    siret = models.CharField("SIRET", max_length=14, blank=True)
    region = models.ForeignKey(
        "territories.Region",
        verbose_name="région",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    departement = models.ForeignKey(
        "territories.Departement",
        verbose_name="département",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name="commune",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(facilitator_kind="") | Q(kind=OrganisationKind.FACILITATOR),
                name="organisation_facilitator_kind_only_for_facilitators",
            ),
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="organisation_unique_siret"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def territory_label(self):
        if self.commune_id:
            return str(self.commune)
        if self.departement_id:
            return str(self.departement)
        if self.region_id:
            return str(self.region)
        return "National"


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_user(self, user):
        return self.filter(organisation__in=Organisation.objects.for_user(user))


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=32, choices=Role.choices)
    is_admin = models.BooleanField(
        "administrateur de l'organisation",
        default=False,
        help_text="Peut inviter de nouveaux membres et gérer l'organisation.",
    )
    scope_region = models.ForeignKey(
        "territories.Region",
        verbose_name="périmètre régional",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_departement = models.ForeignKey(
        "territories.Departement",
        verbose_name="périmètre départemental",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "adhésion"
        ordering = ["organisation__name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_organisation"
            ),
            models.CheckConstraint(
                condition=Q(role="coordinateur")
                | (Q(scope_region__isnull=True) & Q(scope_departement__isnull=True)),
                name="membership_scope_only_for_coordinators",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


def _invitation_token():
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now()
        )

    def for_user(self, user):
        return self.filter(organisation__in=Organisation.objects.for_user(user))


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField("adresse e-mail")
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    role = models.CharField("rôle", max_length=32, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation de {self.email} à {self.organisation}"

    @property
    def is_pending(self):
        return (
            self.accepted_at is None
            and self.cancelled_at is None
            and self.expires_at > timezone.now()
        )
