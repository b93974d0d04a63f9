from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "dyad.insight"
    label = "insight"
    verbose_name = "Program evaluation and insight"
