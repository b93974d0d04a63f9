from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "dyad.matching"
    label = "matching"
    verbose_name = "Match rounds"
