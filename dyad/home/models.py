from django.conf import settings
from django.db import models

from dyad.relationships.models import Relationship


class Nudge(models.Model):
    """A leader reminded a pair that they are behind on meeting. Kept so that a pair is
    reminded at most once a week (see services.relationship_nudge) and the leaders' home
    can say when it last was."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="nudges")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["relationship", "-sent_at"])]

    def __str__(self):
        return f"Reminder to {self.relationship} on {self.sent_at:%Y-%m-%d}"
