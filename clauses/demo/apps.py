from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "clauses.demo"
    label = "demo"
    verbose_name = "Données de démonstration"
