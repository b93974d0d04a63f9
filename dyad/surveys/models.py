"""Program surveys (SPEC M8): the program's questions, cycles, invitations and answers.

Anonymity is kept by the shape of the tables, not by the views' good behaviour:

- an `Invitation` (who was asked) records only that they answered, never what or when;
- a `Response` (what was answered) has no link to a person or an invitation, no timestamp
  and a random UUID primary key, so that neither a column nor the order of the rows ties
  it to the invitation whose `answered` changed at the same moment. It keeps only coarse
  attributes for filtering (audience, PGY band, kinds of guidance), and results are shown
  only for groups that `dyad.lib.anonymity` allows.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.db import models
from django.urls import reverse

from dyad.accounts.models import User
from dyad.programs.models import GuidanceKind, Program


class QuestionKind(models.TextChoices):
    SCALE = "scale", "Scale 1–5"
    CHOICE = "choice", "Single choice"
    TEXT = "text", "Free text"


class Audience(models.TextChoices):
    LEARNERS = "learners", "Learners"
    GUIDES = "guides", "Guides"
    BOTH = "both", "Learners and guides"


class Respondent(models.TextChoices):
    """Which audience one person answers as (a cycle to both asks each as one of them)."""

    LEARNER = "learner", "Learners"
    GUIDE = "guide", "Guides"


def asks(audience: str, respondent: str) -> bool:
    """Whether a question (or cycle) for `audience` is put to a `respondent`."""
    return audience == Audience.BOTH or audience == f"{respondent}s"


# The default set a program starts from: (kind, audience, text, low, high, options, satisfaction)
DEFAULT_QUESTIONS = [
    (
        QuestionKind.SCALE,
        Audience.LEARNERS,
        "Overall, how satisfied are you with your mentoring this year?",
        "Very dissatisfied",
        "Very satisfied",
        [],
        True,
    ),
    (
        QuestionKind.SCALE,
        Audience.GUIDES,
        "Overall, how satisfied are you with your role as a guide this year?",
        "Very dissatisfied",
        "Very satisfied",
        [],
        True,
    ),
    (
        QuestionKind.SCALE,
        Audience.BOTH,
        "Our meetings happen as often as the program expects.",
        "Strongly disagree",
        "Strongly agree",
        [],
        False,
    ),
    (
        QuestionKind.CHOICE,
        Audience.LEARNERS,
        "What did your guide help you with most?",
        "",
        "",
        ["Career planning", "Research", "Wellbeing", "Clinical skills", "Something else"],
        False,
    ),
    (
        QuestionKind.CHOICE,
        Audience.GUIDES,
        "Do you have enough protected time for this role?",
        "",
        "",
        ["Yes", "Somewhat", "No"],
        False,
    ),
    (QuestionKind.TEXT, Audience.BOTH, "What should the program keep doing?", "", "", [], False),
    (QuestionKind.TEXT, Audience.BOTH, "What should the program change?", "", "", [], False),
]


class QuestionFields(models.Model):
    """What a question says; shared by the program's questions and a cycle's copies."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.BOTH)
    text = models.CharField(max_length=300)
    low_label = models.CharField(max_length=60, blank=True, verbose_name="Label of 1")
    high_label = models.CharField(max_length=60, blank=True, verbose_name="Label of 5")
    options = models.JSONField(default=list, blank=True)
    satisfaction = models.BooleanField(default=False, verbose_name="Counts toward satisfaction")

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text

    @property
    def is_scale(self) -> bool:
        return self.kind == QuestionKind.SCALE

    @property
    def is_choice(self) -> bool:
        return self.kind == QuestionKind.CHOICE

    @property
    def is_text(self) -> bool:
        return self.kind == QuestionKind.TEXT


class Question(QuestionFields):
    """One of the program's questions. Retired questions stay, with the answers given to
    their copies in past cycles; they are no longer copied into new cycles."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="survey_questions")
    retired = models.BooleanField(default=False)

    class Meta(QuestionFields.Meta):
        pass


class CycleState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    OPEN = "open", "Open for answers"
    CLOSED = "closed", "Closed"


class CycleQuerySet(models.QuerySet):
    def for_program(self, program):
        return self.filter(program=program)

    def closed(self):
        return self.filter(state=CycleState.CLOSED)


class Cycle(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="survey_cycles")
    name = models.CharField(max_length=120)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.BOTH)
    opens_on = models.DateField()
    closes_on = models.DateField()
    state = models.CharField(
        max_length=10, choices=CycleState.choices, default=CycleState.SCHEDULED
    )
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gt=models.F("opens_on")),
                name="survey_cycle_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("surveys:cycle", args=[self.program.slug, self.uuid])

    @property
    def is_open(self) -> bool:
        return self.state == CycleState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == CycleState.CLOSED

    def takes_answers_on(self, today: date) -> bool:
        return self.state == CycleState.OPEN and today <= self.closes_on

    def respondents(self) -> list[str]:
        return [r for r in Respondent.values if asks(self.audience, r)]


class CycleQuestion(QuestionFields):
    """A question as the cycle asked it: copied when the cycle opened, so that later edits
    of the program's questions do not change what was asked."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="questions")
    source = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )

    class Meta(QuestionFields.Meta):
        pass


class Invitation(models.Model):
    """One person asked in one cycle. `answered` is all that is kept of their answer."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="survey_invitations")
    respondent = models.CharField(max_length=10, choices=Respondent.choices)
    answered = models.BooleanField(default=False)
    # Claimed before a reminder is sent, so that a rerun never sends it twice.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cycle", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "user"], name="survey_invitation_once")
        ]

    def __str__(self):
        return f"{self.user} in {self.cycle}"


class Response(models.Model):
    """One person's answers, kept apart from the person: no user, no invitation, no time,
    a random key. Only coarse attributes for the groups of the results page."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="responses")
    respondent = models.CharField(max_length=10, choices=Respondent.choices)
    pgy_band = models.CharField(max_length=10, blank=True)
    guidance = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"A response of {self.get_respondent_display().lower()}"


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(CycleQuestion, on_delete=models.CASCADE, related_name="answers")
    scale = models.PositiveSmallIntegerField(null=True, blank=True)
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    # A leader chose this comment for the annual report (free text only).
    picked = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once"),
            models.CheckConstraint(
                condition=models.Q(scale__isnull=True) | models.Q(scale__gte=1, scale__lte=5),
                name="survey_scale_1_to_5",
            ),
        ]

    def __str__(self):
        return f"Answer to {self.question_id}"


GUIDANCE_LABELS = dict(GuidanceKind.choices)
