from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "dyad.privacy"
    label = "privacy"
    verbose_name = "Personal data export"
