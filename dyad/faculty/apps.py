from django.apps import AppConfig


class FacultyConfig(AppConfig):
    name = "dyad.faculty"
    label = "faculty"
    verbose_name = "Faculty load and mentoring portfolio"
