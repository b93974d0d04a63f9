from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "dyad.relationships"
    label = "relationships"
