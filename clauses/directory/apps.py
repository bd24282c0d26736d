from django.apps import AppConfig

AUDIT_ACTIONS = {
    "directory.structure_created": "Structure ajoutée à l'annuaire",
    "directory.structure_updated": "Fiche d'une structure modifiée",
    "directory.contact_created": "Contact ajouté à l'annuaire",
    "directory.contact_updated": "Contact de l'annuaire modifié",
    "directory.contact_removed": "Contact retiré de l'annuaire",
    "directory.contacts_anonymised": "Contacts de l'annuaire anonymisés",
}


class DirectoryConfig(AppConfig):
    name = "clauses.directory"
    label = "directory"
    verbose_name = "Annuaire des acteurs"

    def ready(self):
        from clauses.core.audit import register_actions

        register_actions(AUDIT_ACTIONS)
