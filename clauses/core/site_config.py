"""The DSFR site configuration of the platform, seeded idempotently."""

SITE_CONFIG = {
    "site_title": "Clauses",
    "site_tagline": "La clause sociale d'insertion, du marché public à l'emploi",
    "header_brand": "République française",
    "header_brand_html": "République<br>française",
    "footer_brand": "République française",
    "footer_brand_html": "République<br>française",
    "footer_description": (
        "Clauses est une plateforme ouverte pour suivre la clause sociale d'insertion dans "
        "la commande publique, consolider ses résultats et animer le Tour de France de la "
        "clause sociale."
    ),
    "beta_tag": True,
    "accessibility_status": "NOT",
}


def ensure_site_config(config_model):
    """Create or update the French DSFR configuration; returns it."""
    config, _ = config_model.objects.update_or_create(language="fr", defaults=SITE_CONFIG)
    return config


def site_config(request):
    """Context processor: the saved DSFR configuration, or the built-in one if none is saved.

    Replaces django-dsfr's processor so that a page never renders without its header and
    footer texts (an empty table after a database flush, or before the first migration).
    """
    from dsfr.models import DsfrConfig

    config = DsfrConfig.objects.filter(language="fr").first()
    return {"SITE_CONFIG": config or DsfrConfig(language="fr", **SITE_CONFIG)}
