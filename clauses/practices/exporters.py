"""Open data of the published sheets (CSV and JSON). No personal data: a contact appears
only when the person consented to be shown on the published sheet."""

from django.conf import settings

from .models import Practice

COLUMNS = [
    ("Titre", "title"),
    ("Résumé", "pitch"),
    ("Région", "region"),
    ("Département", "departement"),
    ("Commune", "commune"),
    ("QPV", "qpvs"),
    ("Latitude", "latitude"),
    ("Longitude", "longitude"),
    ("Structure porteuse", "lead_structure"),
    ("Partenaires", "partners"),
    ("Contexte", "context"),
    ("Actions menées", "actions"),
    ("Moyens mobilisés", "means"),
    ("Résultats", "results"),
    ("Chiffres clés", "figures"),
    ("Facteurs de réussite", "success_factors"),
    ("Points de vigilance", "pitfalls"),
    ("Thèmes", "themes"),
    ("Publics", "publics"),
    ("Types de marchés", "market_kinds"),
    ("Familles d'acteurs", "actor_families"),
    ("Mots-clés", "tags"),
    ("Année", "year"),
    ("Rencontres", "meetings"),
    ("Contact", "contact_name"),
    ("E-mail du contact", "contact_email"),
    ("Publiée le", "published_at"),
    ("Adresse de la fiche", "url"),
]


def published_for_export():
    return (
        Practice.objects.published()
        .select_related("region", "departement", "commune", "lead_structure")
        .prefetch_related("qpvs", "partners", "figures", "meetings")
        .order_by("published_at", "pk")
    )


def record(practice):
    """One sheet as a dict of plain values (the JSON record, keys of COLUMNS)."""
    contact = practice.public_contact or ("", "")
    return {
        "title": practice.title,
        "pitch": practice.pitch,
        "region": practice.region.code if practice.region_id else "",
        "departement": practice.departement.code if practice.departement_id else "",
        "commune": practice.commune.code if practice.commune_id else "",
        "qpvs": [q.code for q in practice.qpvs.all()],
        "latitude": practice.latitude,
        "longitude": practice.longitude,
        "lead_structure": str(practice.lead_structure or ""),
        "partners": [{"nom": p.name, "famille": p.family} for p in practice.partners.all()],
        "context": practice.context,
        "actions": practice.actions,
        "means": practice.means,
        "results": practice.results,
        "figures": [
            {"libelle": f.label, "valeur": float(f.value), "unite": f.unit}
            for f in practice.figures.all()
        ],
        "success_factors": practice.success_factors,
        "pitfalls": practice.pitfalls,
        "themes": practice.themes,
        "publics": practice.publics,
        "market_kinds": practice.market_kinds,
        "actor_families": practice.actor_families,
        "tags": practice.tags,
        "year": practice.year,
        "meetings": [m.title for m in practice.meetings.all()],
        "contact_name": contact[0],
        "contact_email": contact[1],
        "published_at": practice.published_at.isoformat() if practice.published_at else None,
        "url": settings.SITE_URL + practice.get_absolute_url(),
    }


def _cell(value):
    if isinstance(value, list):
        return " | ".join(
            ", ".join(str(v) for v in item.values()) if isinstance(item, dict) else str(item)
            for item in value
        )
    return value


def csv_rows(practices):
    yield [label for label, _key in COLUMNS]
    for practice in practices:
        data = record(practice)
        yield [_cell(data[key]) for _label, key in COLUMNS]
