from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "dyad.profiles"
    label = "profiles"
