from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "dyad.retention"
    label = "retention"
    verbose_name = "Retention"
