"""360° feedback for coaching (SPEC M7): cycles, their questions, raters and answers.

Anonymity is kept by the shape of the tables, not by the views' good behaviour:

- a `Rater` (who was asked) records only that they answered, never what or when;
- a `Response` (what was answered) has no link to its rater and no timestamp, and a random
  UUID primary key, so that neither a column nor the order of the rows ties it to a rater
  or to the moment a rater's row changed;
- a rater's link carries a random token of which only a SHA-256 hash is stored.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import date

from django.db import models
from django.urls import reverse
from django.utils import timezone

from dyad.accounts.models import User
from dyad.relationships.models import Relationship


class RaterGroup(models.TextChoices):
    PEER = "peer", "Peers"
    SUPERVISOR = "supervisor", "Supervisors"
    JUNIOR = "junior", "Juniors"
    STAFF = "staff", "Nurses and staff"


class Area(models.TextChoices):
    COMMUNICATION = "communication", "Communication"
    LEADERSHIP = "leadership", "Leadership"
    TEAMWORK = "teamwork", "Teamwork"
    PROFESSIONALISM = "professionalism", "Professionalism"
    TEACHING = "teaching", "Teaching"


class ItemKind(models.TextChoices):
    RATING = "rating", "Rated 1–5"
    TEXT = "text", "Free text"


# The default question set: rated statements on a 1–5 scale, then two open prompts.
DEFAULT_ITEMS = [
    (ItemKind.RATING, Area.COMMUNICATION, "Listens attentively and makes others feel heard."),
    (ItemKind.RATING, Area.COMMUNICATION, "Explains plans clearly to patients and families."),
    (ItemKind.RATING, Area.COMMUNICATION, "Gives feedback that is specific and respectful."),
    (ItemKind.RATING, Area.LEADERSHIP, "Sets clear priorities for the team under pressure."),
    (ItemKind.RATING, Area.LEADERSHIP, "Makes decisions in a timely way and explains them."),
    (ItemKind.RATING, Area.TEAMWORK, "Asks for and values the input of every team member."),
    (ItemKind.RATING, Area.TEAMWORK, "Helps out when others are overloaded."),
    (ItemKind.RATING, Area.PROFESSIONALISM, "Is reliable: follows through on commitments."),
    (ItemKind.RATING, Area.PROFESSIONALISM, "Stays calm and courteous in difficult moments."),
    (ItemKind.RATING, Area.TEACHING, "Makes time to teach and supports others' learning."),
    (ItemKind.TEXT, "", "What should this person keep doing?"),
    (ItemKind.TEXT, "", "What could this person do differently?"),
]

SCALE_LABELS = {
    1: "Rarely",
    2: "Sometimes",
    3: "Often",
    4: "Usually",
    5: "Always",
}


class CycleState(models.TextChoices):
    DRAFT = "draft", "Being prepared"
    OPEN = "open", "Open for answers"
    CLOSED = "closed", "Closed"


class CycleQuerySet(models.QuerySet):
    def for_relationship(self, relationship):
        return self.filter(relationship=relationship)

    def for_party(self, user):
        """The cycles of coaching relationships the user is a party to."""
        return self.filter(
            models.Q(relationship__learner=user) | models.Q(relationship__guide=user)
        )


class Cycle(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="feedback_cycles"
    )
    name = models.CharField(max_length=120)
    opens_on = models.DateField()
    closes_on = models.DateField()
    state = models.CharField(max_length=10, choices=CycleState.choices, default=CycleState.DRAFT)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    # Ready, waiting for its opening date: the scheduled command opens it then.
    opens_by_itself = models.BooleanField(default=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gt=models.F("opens_on")),
                name="feedback_cycle_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("feedback:cycle", args=[self.relationship.program.slug, self.uuid])

    @property
    def is_draft(self) -> bool:
        return self.state == CycleState.DRAFT

    def is_closed_on(self, today: date) -> bool:
        """Closed by a party, by the last answer, or because its closing date passed."""
        return self.state == CycleState.CLOSED or (
            self.state == CycleState.OPEN and today > self.closes_on
        )

    @property
    def state_today(self) -> str:
        """The state as a person reads it today: an open cycle past its date is closed."""
        if self.is_closed_on(timezone.localdate()):
            return CycleState.CLOSED.label
        if self.is_draft and self.opens_by_itself:
            return "Ready: opens by itself on its date"
        return self.get_state_display()

    def takes_answers_on(self, today: date) -> bool:
        return self.state == CycleState.OPEN and today <= self.closes_on


class Item(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=ItemKind.choices)
    area = models.CharField(max_length=20, choices=Area.choices, blank=True)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


def hash_token(token: str) -> str:
    """The stored form of a rater's link token. The token is 256 random bits, so a plain
    SHA-256 (no salt, no slow hash) cannot be reversed by guessing and can be looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh link token and its hash: the token goes into the e-mail, the hash to the row."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


class Rater(models.Model):
    """Someone the coachee asked for feedback. No account: they answer through a link.
    `answered` is all that is kept of their answer (see the module's docstring)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="raters")
    group = models.CharField(max_length=12, choices=RaterGroup.choices)
    name = models.CharField(max_length=120)
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    # Claimed before the reminder is sent, so that a rerun never sends it twice.
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered = models.BooleanField(default=False)

    class Meta:
        ordering = ["group", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "email"], name="feedback_rater_once_per_cycle")
        ]

    def __str__(self):
        return f"{self.name} ({self.get_group_display()})"


class Response(models.Model):
    """One rater's answers, kept apart from the rater: no rater, no time, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="responses")
    group = models.CharField(max_length=12, choices=RaterGroup.choices)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"A response of {self.get_group_display().lower()}"


class Answer(models.Model):
    """One item of a response: a rating (None: "can't say") or a text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="feedback_answer_once"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_on_the_scale",
            ),
        ]

    def __str__(self):
        return f"Answer to {self.item_id}"
