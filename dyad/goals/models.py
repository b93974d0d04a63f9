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

from dyad.lib import ilp as ilp_rules
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
    ilp = models.ForeignKey(
        "Ilp",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="goals",
        help_text="A learning goal of the learner's ILP for that year.",
    )
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


# --- The Individualized Learning Plan (SPEC M7) -----------------------------------------


class IlpState(models.TextChoices):
    DRAFT = ilp_rules.DRAFT, "Draft"
    SHARED = ilp_rules.SHARED, "Shared for review"
    REVIEWED = ilp_rules.REVIEWED, "Reviewed"
    COMPLETED = ilp_rules.COMPLETED, "Completed for the year"


class IlpQuerySet(models.QuerySet):
    def for_program(self, program):
        return self.filter(program=program)

    def shared_with_guide(self, user):
        """Plans a learner shared with `user` through a pairing that is still open."""
        return self.filter(
            shared_with__guide=user, shared_with__state__in=["proposed", "active"]
        ).distinct()


class Ilp(models.Model):
    """One learner's plan for one academic year of one program. Its learning goals are
    `Goal`s linked to it (`goals`), each with an ACGME competency."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="ilps")
    learner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="ilps")
    year = models.PositiveSmallIntegerField(
        help_text="The academic year, by the calendar year it starts in (2026 for 2026–27)."
    )
    state = models.CharField(max_length=10, choices=IlpState.choices, default=IlpState.DRAFT)
    strengths = models.TextField(blank=True)
    growth_areas = models.TextField(blank=True)
    competency_notes = models.JSONField(
        default=dict, blank=True, help_text="Self-assessment per ACGME competency code."
    )
    strategies = models.TextField(blank=True)
    resources = models.TextField(blank=True)
    timeline = models.TextField(blank=True)
    review_dates = models.JSONField(default=list, blank=True, help_text="ISO dates, in order.")
    shared_with = models.ManyToManyField(
        Relationship,
        blank=True,
        related_name="shared_ilps",
        help_text="The learner's pairings whose guide may read and review the plan.",
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IlpQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = "ILP"
        constraints = [
            models.UniqueConstraint(
                fields=["program", "learner", "year"], name="ilp_one_per_learner_and_year"
            ),
            models.CheckConstraint(
                condition=~Q(state="completed") | Q(completed_at__isnull=False),
                name="ilp_completed_has_date",
            ),
        ]

    def __str__(self):
        return f"ILP {self.year_label}"

    def get_absolute_url(self):
        return reverse("goals:ilp_detail", args=[self.program.slug, self.uuid])

    @property
    def year_label(self) -> str:
        return ilp_rules.year_label(self.year)

    @property
    def is_completed(self) -> bool:
        return self.state == IlpState.COMPLETED

    @property
    def review_days(self) -> list:
        from datetime import date

        return [date.fromisoformat(d) for d in self.review_dates]

    @property
    def next_review_day(self):
        """The first review date from today on; None once the year's are past or done."""
        from django.utils import timezone

        if self.is_completed:
            return None
        return ilp_rules.next_review(self.review_days, timezone.localdate())

    def competency_self_assessment(self) -> list[tuple[str, str, str]]:
        """(code, label, text) for each competency, in the ACGME order."""
        return [
            (code, label, self.competency_notes.get(code, "")) for code, label in Competency.choices
        ]


class IlpReview(models.Model):
    """A review of the plan by a guide it is shared with, at a review meeting: the note,
    who and when, and the plan as it stood then (`snapshot`), which never changes after."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ilp = models.ForeignKey(Ilp, on_delete=models.CASCADE, related_name="reviews")
    number = models.PositiveSmallIntegerField()
    reviewed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewer_name = models.CharField(
        max_length=200, help_text="Kept as it was, should the account go."
    )
    reviewed_on = models.DateField()
    note = models.TextField()
    snapshot = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ilp", "number"]
        constraints = [
            models.UniqueConstraint(fields=["ilp", "number"], name="ilp_review_unique_number")
        ]

    def __str__(self):
        return f"Version {self.number}"

    def get_absolute_url(self):
        return reverse(
            "goals:ilp_version", args=[self.ilp.program.slug, self.ilp.uuid, self.number]
        )
