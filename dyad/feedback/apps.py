from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "dyad.feedback"
    label = "feedback"
    verbose_name = "360° feedback"
