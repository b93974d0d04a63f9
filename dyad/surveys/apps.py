from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "dyad.surveys"
    label = "surveys"
    verbose_name = "Program surveys"
