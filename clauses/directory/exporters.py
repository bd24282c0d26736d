"""The organisers' export of the directory: one row iterator, written as CSV or XLSX by
``clauses.core.exports``."""

HEADERS = [
    "Structure",
    "SIRET",
    "Famille d'acteurs",
    "Typologie data·inclusion",
    "Région",
    "Département",
    "Commune",
    "QPV d'intervention",
    "Site web",
    "E-mail de la structure",
    "Téléphone",
    "Publiée",
    "Prénom du contact",
    "Nom du contact",
    "Fonction",
    "E-mail du contact",
    "Visibilité choisie",
]


def rows(structures):
    """Header, then one row per contact (a structure without contact gets one row)."""
    yield HEADERS
    for structure in structures:
        head = [
            structure.name,
            structure.siret,
            structure.get_family_display(),
            structure.typology,
            structure.region.name,
            structure.departement.name if structure.departement_id else "",
            structure.commune.name if structure.commune_id else "",
            ", ".join(f"{q.name} ({q.code})" for q in structure.qpvs.all()),
            structure.website,
            structure.email,
            structure.phone,
            "oui" if structure.is_published else "non",
        ]
        contacts = structure.exported_contacts
        if not contacts:
            yield head + ["", "", "", "", ""]
        for contact in contacts:
            yield head + [
                contact.first_name,
                contact.last_name,
                contact.function,
                contact.email,
                contact.get_visibility_display(),
            ]
