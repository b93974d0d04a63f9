from django.apps import AppConfig


class RolloverConfig(AppConfig):
    name = "dyad.rollover"
    label = "rollover"
    verbose_name = "Year rollover"
