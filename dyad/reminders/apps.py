from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "dyad.reminders"
    label = "reminders"
