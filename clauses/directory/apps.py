from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "clauses.directory"
    label = "directory"
    verbose_name = "Annuaire des acteurs"
