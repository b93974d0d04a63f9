from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "dyad.goals"
    label = "goals"
    verbose_name = "Goals and successes"
