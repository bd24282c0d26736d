"""Official geography: INSEE COG 2026 (regions, départements, communes, EPCI) and QPV lists.

Geometries are stored as WKB in a plain binary column, so that neither PostGIS nor
GDAL is needed; ``clauses.territories.geo`` builds an in-memory spatial index on first use.
"""

from django.db import models

from .enums import QpvList, Zone


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    zone = models.CharField(max_length=8, choices=Zone.choices, default=Zone.METRO)

    class Meta:
        verbose_name = "région"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    zone = models.CharField(max_length=8, choices=Zone.choices, default=Zone.METRO)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    siren = models.CharField("SIREN", max_length=9, unique=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature juridique", max_length=10, blank=True)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Commune(models.Model):
    """A current commune, or a municipal arrondissement of Paris, Lyon or Marseille."""

    class Kind(models.TextChoices):
        COMMUNE = "commune-actuelle", "Commune"
        ARRONDISSEMENT = "arrondissement-municipal", "Arrondissement municipal"

    code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=150, db_index=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.COMMUNE)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        Epci, null=True, blank=True, on_delete=models.SET_NULL, related_name="communes"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="arrondissements",
        help_text="Pour un arrondissement municipal : sa commune.",
    )
    postal_codes = models.JSONField("codes postaux", default=list, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Qpv(models.Model):
    """A priority neighbourhood of one official list (millésime)."""

    code = models.CharField("code QPV", max_length=10)
    name = models.CharField("nom", max_length=255)
    list_year = models.PositiveSmallIntegerField(
        "liste (millésime)", choices=QpvList.choices, db_index=True
    )
    departement = models.ForeignKey(
        Departement, null=True, blank=True, on_delete=models.PROTECT, related_name="qpvs"
    )
    communes = models.ManyToManyField(Commune, blank=True, related_name="qpvs")
    geometry = models.BinaryField("contour (WKB, WGS84)", null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = "QPV"
        verbose_name_plural = "QPV"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["list_year", "code"], name="qpv_unique_code_per_list")
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class PostalCode(models.Model):
    """A postal code of a commune (La Poste routing data, via the BAN ``codes-postaux`` package).

    ``name`` is the commune name as La Poste knows it: it may be the name of a former commune
    merged since (the row then points to the current commune).
    """

    code = models.CharField("code postal", max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_code_set")
    name = models.CharField("nom de la commune", max_length=150)
    routing_label = models.CharField("libellé d'acheminement", max_length=150, blank=True)

    class Meta:
        verbose_name = "code postal"
        verbose_name_plural = "codes postaux"
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "commune", "name"], name="postal_code_unique_per_commune_name"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"
