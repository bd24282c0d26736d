from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "clauses.observatory"
    label = "observatory"
    verbose_name = "Observatoire"

    def ready(self):
        from clauses.core import audit

        from . import live
        from .enums import AUDIT_ACTIONS

        audit.register_actions(AUDIT_ACTIONS)
        # Every audited write of tracking data makes the cached figures stale.
        audit.on_log(live.bump)
