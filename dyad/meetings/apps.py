from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "dyad.meetings"
    label = "meetings"
