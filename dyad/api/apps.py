from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dyad.api"
    label = "api"
    verbose_name = "REST API and its tokens"
