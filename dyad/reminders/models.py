from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from dyad.programs.models import Program

User = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    """The reminders Dyad sends (SPEC M5). The labels are what users choose from."""

    UPCOMING = "upcoming", "A meeting in the next 24 hours"
    PREPARATION = "preparation", "Preparation due before a meeting (learners)"
    DUE_SOON = "due_soon", "A meeting falls due soon and none is scheduled"
    LOG_MEETING = "log_meeting", "Record how a meeting that has passed went"
    OVERDUE = "overdue", "A meeting is overdue (to whoever schedules)"
    ESCALATION = "escalation", "A pairing stays overdue past the grace period (coordinators)"

    @classmethod
    def essential(cls) -> frozenset["Kind"]:
        """Always sent: nobody can turn these off."""
        return frozenset({cls.OVERDUE, cls.ESCALATION})

    @classmethod
    def optional(cls) -> list["Kind"]:
        """The ones a user may turn off, in the order the page lists them."""
        return [kind for kind in cls if kind not in cls.essential()]

    @property
    def is_essential(self) -> bool:
        return self in Kind.essential()


class ReminderLogQuerySet(models.QuerySet):
    def unsent(self, *, older_than: timedelta, now):
        """Claims never marked sent: the run that claimed them stopped before or just
        after sending (see services.py)."""
        return self.filter(sent_at__isnull=True, claimed_at__lt=now - older_than)


class ReminderLog(models.Model):
    """One reminder occurrence. The row is claimed, and committed, before its e-mail
    goes out; the unique key is what keeps a rerun from sending it again."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = ReminderLogQuerySet.as_manager()

    class Meta:
        ordering = ["-claimed_at"]
        indexes = [
            models.Index(
                fields=["claimed_at"],
                condition=Q(sent_at__isnull=True),
                name="reminder_log_unsent",
            )
        ]

    def __str__(self):
        return self.key


class ReminderPreference(models.Model):
    """A user's choice for one optional kind of reminder. No row: the reminder is sent."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reminder_preferences")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="reminder_preference_unique"),
            models.CheckConstraint(
                condition=~Q(kind__in=["overdue", "escalation"]),
                name="reminder_preference_optional_kinds_only",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {'on' if self.enabled else 'off'}"
