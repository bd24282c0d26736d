from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "clauses.practices"
    label = "practices"
    verbose_name = "Bonnes pratiques"

    def ready(self):
        from clauses.core.audit import register_actions

        from .enums import AUDIT_ACTIONS

        register_actions(AUDIT_ACTIONS)
