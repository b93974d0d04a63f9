"""SMART goals with their milestones and check-ins, and the learner's successes (SPEC M7).

A goal belongs to one learner. A relationship goal is shared between the learner and that
relationship's guide; a personal goal is the learner's alone unless they share it with
guides of their open relationships. Who sees what is decided in `dyad.policy`.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dyad.lib import smart
from dyad.meetings.models import Meeting
from dyad.programs.models import Program
from dyad.relationships.models import Relationship

User = settings.AUTH_USER_MODEL


class Competency(models.TextChoices):
    """The six ACGME core competencies."""

    PATIENT_CARE = "pc", "Patient care"
    MEDICAL_KNOWLEDGE = "mk", "Medical knowledge"
    PBLI = "pbli", "Practice-based learning and improvement"
    ICS = "ics", "Interpersonal and communication skills"
    PROFESSIONALISM = "prof", "Professionalism"
    SBP = "sbp", "Systems-based practice"


class GoalStatus(models.TextChoices):
    OPEN = "open", "In progress"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


class GoalQuerySet(models.QuerySet):
    def for_program(self, program):
        return self.filter(program=program)

    def open(self):
        return self.filter(status=GoalStatus.OPEN)

    def visible_to_guide(self, user):
        """Goals a guide may read: those of their relationships, and those a learner shared
        with them through a relationship that is still open."""
        return self.filter(
            Q(relationship__guide=user)
            | Q(shared_with__guide=user, shared_with__state__in=["proposed", "active"])
        ).distinct()


class Goal(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="goals")
    learner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="goals")
    relationship = models.ForeignKey(
        Relationship,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="goals",
        help_text="A relationship goal is shared with that relationship's guide.",
    )
    shared_with = models.ManyToManyField(
        Relationship,
        blank=True,
        related_name="shared_goals",
        help_text="A personal goal the learner shows to the guides of these relationships.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    measure = models.CharField(
        max_length=300, blank=True, help_text="How you will know you got there."
    )
    target_date = models.DateField(null=True, blank=True)
    competency = models.CharField(max_length=5, choices=Competency.choices, blank=True)
    relevance = models.CharField(
        max_length=300, blank=True, help_text="Why it matters to you: a career aim, a need."
    )
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    reflection = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    meetings = models.ManyToManyField(Meeting, blank=True, related_name="goals")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["status", "target_date", "-created_at"]
        indexes = [models.Index(fields=["program", "learner", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False),
                name="goal_closed_has_date",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("goals:detail", args=[self.program.slug, self.uuid])

    @property
    def is_open(self) -> bool:
        return self.status == GoalStatus.OPEN

    def as_draft(self) -> smart.Draft:
        return smart.Draft(
            title=self.title,
            description=self.description,
            measure=self.measure,
            target_date=self.target_date,
            relevance=self.relevance,
            competency=self.competency,
        )


class StepKind(models.TextChoices):
    MILESTONE = "milestone", "Milestone"
    ACTION = "action", "Action item"


class Step(models.Model):
    """An intermediate target (milestone) or a concrete to-do (action item) of a goal."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=10, choices=StepKind.choices, default=StepKind.MILESTONE)
    text = models.CharField(max_length=300)
    due_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "created_at"]

    def __str__(self):
        return self.text


class Progress(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    BEHIND = "behind", "Behind"
    STUCK = "stuck", "Stuck"


class CheckIn(models.Model):
    """A note on the goal's progress, optionally made at (or about) a meeting."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField()
    percent = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    progress = models.CharField(max_length=10, choices=Progress.choices, blank=True)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="goal_check_ins"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__lte=100),
                name="check_in_percent_at_most_100",
            )
        ]

    def __str__(self):
        return self.note[:60]


class AchievementKind(models.TextChoices):
    PAPER = "paper", "Paper"
    PRESENTATION = "presentation", "Presentation"
    AWARD = "award", "Award"
    GRANT = "grant", "Grant"
    NOMINATION = "nomination", "Nomination"
    LEADERSHIP = "leadership", "Leadership role"
    OTHER = "other", "Other"


class AchievementQuerySet(models.QuerySet):
    def for_learner(self, program, learner):
        return self.filter(program=program, learner=learner)


class Achievement(models.Model):
    """A success of the learner: it forms their portfolio."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="achievements")
    learner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="achievements")
    kind = models.CharField(max_length=20, choices=AchievementKind.choices)
    title = models.CharField(max_length=200)
    date = models.DateField()
    description = models.TextField(blank=True)
    link = models.URLField(blank=True)
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="achievements"
    )
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AchievementQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]

    def __str__(self):
        return self.title
