from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clauses.accounts"
    label = "accounts"
    verbose_name = "Comptes et organisations"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the audit receivers)
