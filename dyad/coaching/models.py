"""Coaching engagements, targeted referrals and the values exercise (SPEC M7).

An engagement gives a coaching relationship its terms: why the program offers it (for
every resident, targeted, executive), when it starts and is planned to end, how often the
pair meets, and whether it is still running. A targeted engagement has a referral that
records only that coaching happens, who referred and when: there is no reason anywhere.
Who sees what is decided in `dyad.policy` (section "Coaching").
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse

from dyad.programs.models import Program
from dyad.relationships.models import (
    SEAT_HOLDING_STATES,
    EndReason,
    Frequency,
    Relationship,
)

User = settings.AUTH_USER_MODEL


class EngagementType(models.TextChoices):
    PROGRAM_WIDE = "program_wide", "Program-wide"
    TARGETED = "targeted", "Targeted (referred)"
    EXECUTIVE = "executive", "Executive"


class EngagementState(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped"


class CoachingSettings(models.Model):
    """How a program offers coaching: to every resident, by referral, to its chiefs and
    junior faculty; any mix of the three."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="coaching_settings"
    )
    program_wide = models.BooleanField(default=False, verbose_name="Every resident gets a coach")
    targeted = models.BooleanField(default=True, verbose_name="Leaders refer residents to coaching")
    executive = models.BooleanField(
        default=False, verbose_name="Executive coaching for chief residents and junior faculty"
    )
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Coaching in {self.program}"

    def offers(self, engagement_type: str) -> bool:
        return bool(getattr(self, str(engagement_type)))

    @property
    def offered_types(self) -> list[str]:
        return [t for t in EngagementType.values if self.offers(t)]


class EngagementQuerySet(models.QuerySet):
    def for_program(self, program):
        return self.filter(program=program)

    def for_party(self, user):
        """Engagements whose coaching relationship has `user` as coachee or coach."""
        return self.filter(Q(relationship__learner=user) | Q(relationship__guide=user))

    def active(self):
        """Recorded as active and with its coaching pairing still open."""
        return self.filter(
            state=EngagementState.ACTIVE, relationship__state__in=SEAT_HOLDING_STATES
        )


class Engagement(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    relationship = models.OneToOneField(
        Relationship, on_delete=models.CASCADE, related_name="engagement"
    )
    type = models.CharField(max_length=20, choices=EngagementType.choices)
    start_date = models.DateField()
    planned_end = models.DateField(null=True, blank=True)
    cadence = models.CharField(max_length=20, choices=Frequency.choices)
    state = models.CharField(
        max_length=10, choices=EngagementState.choices, default=EngagementState.ACTIVE
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gt=models.F("start_date")),
                name="engagement_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["program", "type", "state"])]

    def __str__(self):
        return f"{self.get_type_display()} coaching: {self.relationship}"

    def get_absolute_url(self):
        return reverse("coaching:engagement", args=[self.program.slug, self.uuid])

    @property
    def current_state(self) -> str:
        """The state to show and count. An engagement still recorded as active whose
        coaching pairing has ended (by a rematch, a graduation, a leader) has ended with
        it: completed when the pairing completed or the coachee graduated, else stopped."""
        if self.state == EngagementState.ACTIVE and not self.relationship.is_open:
            return ended_state(self.relationship.end_reason)
        return self.state

    def get_current_state_display(self) -> str:
        return EngagementState(self.current_state).label

    @property
    def is_active(self) -> bool:
        return self.current_state == EngagementState.ACTIVE

    @property
    def awaits_end_record(self) -> bool:
        """Ended with its pairing, and no leader has yet recorded how."""
        return self.state == EngagementState.ACTIVE and not self.is_active


COMPLETING_END_REASONS = (EndReason.COMPLETED, EndReason.GRADUATED)


def ended_state(end_reason: str) -> str:
    if end_reason in COMPLETING_END_REASONS:
        return EngagementState.COMPLETED
    return EngagementState.STOPPED


def current_state_expression():
    """`Engagement.current_state` in SQL, for counting by state in one query."""
    ended = ~Q(relationship__state__in=SEAT_HOLDING_STATES)
    return Case(
        When(
            Q(state=EngagementState.ACTIVE)
            & ended
            & Q(relationship__end_reason__in=COMPLETING_END_REASONS),
            then=Value(EngagementState.COMPLETED.value),
        ),
        When(Q(state=EngagementState.ACTIVE) & ended, then=Value(EngagementState.STOPPED.value)),
        default=F("state"),
        output_field=models.CharField(),
    )


class Referral(models.Model):
    """A leader referred a resident to coaching. Deliberately without a reason, a note or
    any free text: it records only that coaching happens, who referred, and when."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="referral")
    referred_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    referred_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Referral of {self.engagement.relationship.learner}"


class ValuesExercise(models.Model):
    """A coachee's values: the ones they ranked (most important first), the ones they
    added to the list, and their reflections. Theirs alone unless they share it with the
    coach of one of their coaching relationships."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    ranked = models.JSONField(default=list, blank=True)
    own_values = models.JSONField(default=list, blank=True)
    reflections = models.JSONField(default=dict, blank=True)
    shared_with = models.ManyToManyField(
        Relationship, blank=True, related_name="shared_values", through="ValuesShare"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "owner"], name="values_one_per_owner")
        ]

    def __str__(self):
        return f"Values of {self.owner}"


class ValuesShare(models.Model):
    exercise = models.ForeignKey(ValuesExercise, on_delete=models.CASCADE, related_name="shares")
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "relationship"], name="values_share_unique")
        ]

    def __str__(self):
        return f"{self.exercise} shared in relationship {self.relationship_id}"
