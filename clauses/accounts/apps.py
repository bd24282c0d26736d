from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clauses.accounts"
    label = "accounts"
    verbose_name = "Comptes et organisations"

    def ready(self):
        from clauses.core.audit import register_actions

        from . import receivers  # noqa: F401  (connects the audit receivers)
        from .enums import AUDIT_ACTIONS

        register_actions(AUDIT_ACTIONS)
