from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "clauses.procurement"
    label = "procurement"
    verbose_name = "Commande publique"

    def ready(self):
        from clauses.core.audit import register_actions

        from .enums import AUDIT_ACTIONS

        register_actions(AUDIT_ACTIONS)
