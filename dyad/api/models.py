"""API tokens: created by a program's leaders, scoped to that program, shown once.

Only a SHA-256 digest of the secret is kept (the secret is 32 random bytes, so a fast hash
is enough: nobody can guess their way back to it), with a short prefix for recognizing the
token in a list. A token acts as the leader who created it, and never for more than that
leader may do in the program today (dyad/api/auth.py asks the policy on every request).
"""

import uuid

from django.conf import settings
from django.db import models


class Scope(models.TextChoices):
    ROSTER_READ = "roster:read", "Read the roster (people, roles, PGY)"
    ROSTER_WRITE = "roster:write", "Sync the roster (add and update people and roles)"
    RELATIONSHIPS_READ = "relationships:read", "Read pairings (kind, dates, state; no content)"
    MEETINGS_READ = "meetings:read", "Read meetings (date, mode, status; no content)"
    METRICS_READ = "metrics:read", "Read metrics (cadence compliance, learners without a guide)"


class ApiTokenQuerySet(models.QuerySet):
    def for_program(self, program):
        return self.filter(program=program)

    def live(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What uses it, e.g. “Nightly roster sync”.")
    prefix = models.CharField(max_length=16, help_text="The start of the token, to recognize it.")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token.")
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def scope_labels(self) -> list[str]:
        return [Scope(s).label for s in self.scopes if s in Scope.values]
