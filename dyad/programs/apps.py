from django.apps import AppConfig
from django.core import checks


class ProgramsConfig(AppConfig):
    name = "dyad.programs"
    label = "programs"

    def ready(self):
        from dyad.checks import check_site_url

        checks.register(check_site_url)
