import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from dyad.programs.models import GuidanceKind, Program

User = settings.AUTH_USER_MODEL


class Direction(models.TextChoices):
    GUIDE_TO_LEARNER = "guide_to_learner", "The guide asks"
    LEARNER_TO_GUIDE = "learner_to_guide", "The learner asks"


class Topic(models.TextChoices):
    INTERESTS = "interests", "Interests"
    SUPPORTS = "supports", "Supports"
    CHALLENGES = "challenges", "Challenges"
    SUCCESSES = "successes", "Successes"
    STRENGTHS = "strengths", "Strengths"
    GROWTH = "growth", "Areas for growth"
    GOALS = "goals", "Goals"
    CAREER = "career", "Career"
    VISION = "vision", "Five-to-ten-year vision"
    EXPECTATIONS = "expectations", "Expectations of each other"
    WORK_LIFE_BALANCE = "work_life_balance", "Work-life balance"
    BURNOUT = "burnout", "Burnout and wellbeing"
    COMMUNITY = "community", "Community and belonging"
    RESEARCH = "research", "Research and scholarship"
    FELLOWSHIP_JOB_SEARCH = "fellowship_job_search", "Fellowship and job search"
    TEACHING = "teaching", "Teaching"
    IDENTITY = "identity", "Professional identity"
    LEADERSHIP = "leadership", "Leadership"
    FEEDBACK = "feedback", "Feedback"


class Stage(models.TextChoices):
    """Where a relationship is; see dyad.lib.agenda.stage_for."""

    FIRST_MEETING = "first_meeting", "First meeting"
    INTERN_YEAR = "intern_year", "Intern year"
    SENIOR_YEARS = "senior_years", "Senior years"
    GRADUATING = "graduating", "Graduating"


MONTHS = [
    (1, "January"),
    (2, "February"),
    (3, "March"),
    (4, "April"),
    (5, "May"),
    (6, "June"),
    (7, "July"),
    (8, "August"),
    (9, "September"),
    (10, "October"),
    (11, "November"),
    (12, "December"),
]


def _json_text(value: str) -> str:
    # JSON lists of slugs are stored as text like ["mentoring", "coaching"]; the quotes
    # make the match exact ("mentoring" does not match "peer_mentoring").
    return f'"{value}"'


class QuestionQuerySet(models.QuerySet):
    def default_bank(self):
        return self.filter(program__isnull=True)

    def of_program(self, program):
        return self.filter(program=program)

    def active(self):
        return self.filter(is_active=True)

    # SQLite has no JSON containment lookup; a quoted text match works there and on
    # PostgreSQL alike.
    def with_kind(self, kind):
        return self.filter(kinds__icontains=_json_text(kind))

    def with_stage(self, stage):
        """Questions for this stage, including those for every stage (no stage given)."""
        return self.filter(Q(stages__icontains=_json_text(stage)) | Q(stages=[]))


class Question(models.Model):
    """A question for a meeting's agenda. Without a program it belongs to the project's
    default bank, which every program uses until it customizes its own copy."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="questions"
    )
    text = models.TextField(max_length=500)
    direction = models.CharField(max_length=20, choices=Direction.choices)
    kinds = models.JSONField(default=list, help_text="The kinds of relationship it suits.")
    topic = models.CharField(max_length=30, choices=Topic.choices)
    stages = models.JSONField(default=list, blank=True, help_text="None: every stage.")
    months = models.JSONField(default=list, blank=True, help_text="None: any month.")
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    # The default question a program's copy was made from: a question asked before the
    # program customized its bank stays asked afterwards.
    source = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "source"],
                condition=Q(source__isnull=False),
                name="question_copied_once_per_program",
            ),
        ]
        indexes = [models.Index(fields=["program", "is_active", "position"])]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        errors = {}
        if not self.kinds or not set(self.kinds) <= set(GuidanceKind.values):
            errors["kinds"] = "Choose at least one kind of relationship."
        if not set(self.stages) <= set(Stage.values):
            errors["stages"] = "Unknown stage."
        if not set(self.months) <= set(range(1, 13)):
            errors["months"] = "Months are 1 to 12."
        if errors:
            raise ValidationError(errors)

    def get_kinds_display(self) -> list[str]:
        labels = dict(GuidanceKind.choices)
        return [labels[k] for k in self.kinds if k in labels]

    def get_stages_display(self) -> list[str]:
        labels = dict(Stage.choices)
        return [labels[s] for s in self.stages if s in labels]

    def get_months_display(self) -> list[str]:
        """Short month names in academic-year order (July first): "Nov, Dec, Jan"."""
        labels = dict(MONTHS)
        ordered = sorted((m for m in self.months if m in labels), key=lambda m: (m - 7) % 12)
        return [labels[m][:3] for m in ordered]


class AskedQuestion(models.Model):
    """A question a pair has discussed: it is not suggested to them again."""

    relationship = models.ForeignKey(
        "relationships.Relationship", on_delete=models.CASCADE, related_name="asked_questions"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["asked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "question"], name="asked_question_once_per_relationship"
            )
        ]

    def __str__(self):
        return f"Asked: {self.question}"
