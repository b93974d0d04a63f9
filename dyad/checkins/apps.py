from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "dyad.checkins"
    label = "checkins"
    verbose_name = "Pairing-fit check-ins"
