from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clauses.core"
    label = "core"
    verbose_name = "Socle"
