from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "dyad.training"
    label = "training"
    verbose_name = "Faculty development"
