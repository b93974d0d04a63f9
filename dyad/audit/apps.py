from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dyad.audit"
    label = "audit"
