from django.apps import AppConfig


class ExpectationsConfig(AppConfig):
    name = "dyad.expectations"
    label = "expectations"
    verbose_name = "Expectations of the academic year"
