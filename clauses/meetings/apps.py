from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "clauses.meetings"
    label = "meetings"
    verbose_name = "Rencontres régionales"
