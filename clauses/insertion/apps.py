from django.apps import AppConfig


class InsertionConfig(AppConfig):
    name = "clauses.insertion"
    label = "insertion"
    verbose_name = "Insertion"

    def ready(self):
        from clauses.core.audit import register_actions

        from .enums import AUDIT_ACTIONS

        register_actions(AUDIT_ACTIONS)
