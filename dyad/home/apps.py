from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "dyad.home"
    label = "home"
