from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clauses.accounts"
    label = "accounts"
    verbose_name = "Comptes et organisations"
