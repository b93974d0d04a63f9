from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "dyad.questions"
    label = "questions"
