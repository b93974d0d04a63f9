from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: the `seed_demo` command and the generators behind it. No models."""

    name = "dyad.demo"
    label = "demo"
