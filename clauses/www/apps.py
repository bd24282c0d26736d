from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "clauses.www"
    label = "www"
    verbose_name = "Site web"
