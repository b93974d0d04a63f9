from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "dyad.changes"
    label = "changes"
    verbose_name = "Changes"
