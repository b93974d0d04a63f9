import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dyad.files import private_storage
from dyad.profiles.models import MeetingMode
from dyad.programs.models import GuidanceKind, Program
from dyad.relationships.models import Relationship

User = settings.AUTH_USER_MODEL


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


class MeetingQuerySet(models.QuerySet):
    def for_party(self, user):
        return self.filter(Q(relationship__learner=user) | Q(relationship__guide=user))

    def held(self):
        return self.filter(status=MeetingStatus.HELD)

    def upcoming(self, now):
        return self.filter(status=MeetingStatus.SCHEDULED, starts_at__gte=now)


class Meeting(models.Model):
    """A meeting of one relationship: scheduled ahead, or logged after the fact."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=45, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    mode = models.CharField(max_length=20, choices=MeetingMode.choices)
    place = models.CharField(max_length=200, blank=True, help_text="Room, or address.")
    link = models.URLField(blank=True, help_text="Video link, if any.")
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    # Calendar invitations: the same UID for every version, SEQUENCE grows with each change.
    ics_sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["relationship", "status", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self):
        return f"{self.relationship.get_kind_display()} meeting on {self.starts_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("meetings:detail", args=[self.relationship.program.slug, self.uuid])

    @property
    def ends_at(self):
        from datetime import timedelta

        return self.starts_at + timedelta(minutes=self.duration_minutes)

    def has_started(self, now) -> bool:
        """Whether it can be said to have taken place (or not): only once it has begun."""
        return self.starts_at <= now

    @property
    def in_person(self) -> bool:
        return self.mode == MeetingMode.IN_PERSON

    @property
    def ics_uid(self) -> str:
        return f"meeting-{self.uuid}@dyad"


class Preparation(models.Model):
    """The learner's preparation for one meeting (consent category: preparation)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="preparation")
    goals = models.TextField("Goals for this meeting", blank=True)
    progress = models.TextField("Progress since last time", blank=True)
    obstacles = models.TextField("What got in the way", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Preparation for {self.meeting}"


def _attachment_path(instance, filename):
    # The name on disk says nothing about the file; the person's name for it is kept apart.
    return f"preparation/{instance.uuid}"


class Attachment(models.Model):
    """A file the learner attached to a meeting's preparation (consent category:
    preparation). Kept in private storage and served only through a view that asks the
    policy."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, storage=private_storage, max_length=200)
    name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "meetings:attachment",
            kwargs={
                "slug": self.meeting.relationship.program.slug,
                "meeting_uuid": self.meeting.uuid,
                "attachment_uuid": self.uuid,
            },
        )


class Summary(models.Model):
    """What both parties keep of a meeting (consent categories: summaries, topics)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="summary")
    text = models.TextField("Shared summary", blank=True)
    topics = models.ManyToManyField("profiles.ContentArea", blank=True, related_name="+")
    updated_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "summaries"

    def __str__(self):
        return f"Summary of {self.meeting}"


class ActionItem(models.Model):
    """A follow-up agreed at a meeting (consent category: action items)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(max_length=300)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "due_date", "created_at"]

    def __str__(self):
        return self.text


class PrivateNote(models.Model):
    """A note that only its author ever sees: not the other party, not leaders, not
    admins (it is not registered in the admin), not any export or e-mail."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "author"], name="private_note_one_per_author"
            )
        ]

    def __str__(self):
        return "Private note"


class CadencePolicy(models.Model):
    """A program's meeting rules for one kind of relationship (SPEC §0 defaults)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cadence_policies")
    kind = models.CharField(max_length=20, choices=GuidanceKind.choices)
    year_start_month = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    first_meeting_in_person = models.BooleanField(default=True)
    first_meeting_days_midyear = models.PositiveSmallIntegerField(
        default=30, help_text="Days to the first meeting for a relationship starting mid-year."
    )
    monthly_months = models.PositiveSmallIntegerField(
        default=3, help_text="Months at the start of the year with a meeting in each."
    )
    max_gap_days = models.PositiveSmallIntegerField(
        default=92, help_text="Longest gap between meetings afterwards, in days."
    )
    min_in_person_per_year = models.PositiveSmallIntegerField(default=3)
    due_soon_days = models.PositiveSmallIntegerField(default=14)
    escalation_grace_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days overdue before the coordinator is told."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "kind"], name="cadence_policy_unique_kind")
        ]

    def __str__(self):
        return f"Cadence for {self.get_kind_display()} in {self.program}"


class CalendarFeed(models.Model):
    """A personal calendar feed behind a secret token the user can reset."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Calendar feed of {self.user}"
