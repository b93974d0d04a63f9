from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "dyad.resources"
    label = "resources"
    verbose_name = "Resource library"
