"""Labels of the observatory."""

AUDIT_ACTIONS = {
    "observatory.facts_exported": "Fichier d'audit des heures exporté",
}
