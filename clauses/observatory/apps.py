from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "clauses.observatory"
    label = "observatory"
    verbose_name = "Observatoire"
