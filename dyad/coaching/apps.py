from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "dyad.coaching"
    label = "coaching"
    verbose_name = "Coaching"
