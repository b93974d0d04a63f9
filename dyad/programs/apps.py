from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "dyad.programs"
    label = "programs"
