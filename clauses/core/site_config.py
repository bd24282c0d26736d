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
