from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dyad.accounts"
    label = "accounts"

    def ready(self):
        from dyad.accounts import signals  # noqa: F401 — connects the audit receivers
