from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "clauses.territories"
    label = "territories"
    verbose_name = "Territoires et QPV"
