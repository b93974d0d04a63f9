"""Match rounds (SPEC M6): leadership pairs a cohort of learners with a pool of guides in
one kind. Learners rank guides, guides mark learners, leadership runs the solver as often
as it likes and publishes one run, which becomes proposed relationships."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from dyad.programs.models import GuidanceKind, Program

User = settings.AUTH_USER_MODEL


# What the guide of each kind is called: (one, with its article, several).
GUIDE_WORDS = {
    GuidanceKind.MENTORING: ("mentor", "a mentor", "mentors"),
    GuidanceKind.COACHING: ("coach", "a coach", "coaches"),
    GuidanceKind.ADVISING: ("advisor", "an advisor", "advisors"),
    GuidanceKind.PEER_MENTORING: ("peer mentor", "a peer mentor", "peer mentors"),
}


class Solver(models.TextChoices):
    STABLE = "stable", "Stable (learner-proposing, as in the residency match)"
    OPTIMAL = "optimal", "Optimal (most learners matched, then the best total fit)"

    @property
    def short(self) -> str:
        return {"stable": "Stable", "optimal": "Optimal"}[self.value]


class RoundState(models.TextChoices):
    OPEN = "open", "Open for lists"
    CLOSED = "closed", "Closed"
    PUBLISHED = "published", "Published"


class Mark(models.TextChoices):
    PREFER = "prefer", "Prefer"
    AVOID = "avoid", "Would rather not"


class Rule(models.TextChoices):
    PIN = "pin", "Pinned"
    FORBID = "forbid", "Forbidden"


class Via(models.TextChoices):
    SOLVER = "solver", "Solver"
    PINNED = "pinned", "Pinned by leadership"
    FILL = "fill", "Fill step"


class UnmatchedReason(models.TextChoices):
    RANKED_NONE = "ranked_none", "ranked no guide"
    ALL_CONFLICT = "all_conflict", "every ranked guide conflicted"
    NO_ROOM = "no_room", "no ranked guide had room"


class MatchRoundQuerySet(models.QuerySet):
    def for_program(self, program):
        return self.filter(program=program)

    def for_learner(self, user):
        """Rounds in whose cohort the user is."""
        return self.filter(learners=user)

    def for_guide(self, user):
        """Rounds in whose pool the user is."""
        return self.filter(guides=user)

    def lists_open(self, now=None):
        return self.filter(state=RoundState.OPEN, deadline__gt=now or timezone.now())


class MatchRound(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_rounds")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=GuidanceKind.choices)
    # How the cohort was chosen, kept to say so on the round's page; the cohort itself is
    # the `learners` set, fixed when the round opens.
    learner_roles = models.JSONField(default=list)
    pgy_levels = models.JSONField(default=list, blank=True)
    learners = models.ManyToManyField(User, related_name="+")
    guides = models.ManyToManyField(User, related_name="+")
    deadline = models.DateTimeField(help_text="Lists can be changed until then.")
    solver = models.CharField(max_length=10, choices=Solver.choices, default=Solver.STABLE)
    max_ranks = models.PositiveSmallIntegerField(default=5)
    # A learner who already has a guide of the round's kind (proposed or active) is left
    # out of the runs unless leadership asks for them: a match round must not hand out a
    # second mentor by accident.
    include_guided = models.BooleanField(
        default=False,
        help_text="Also pair learners who already have a guide of this kind.",
    )
    weights = models.JSONField(default=dict, help_text="Points per reason (ScoreWeights).")
    state = models.CharField(max_length=10, choices=RoundState.choices, default=RoundState.OPEN)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_run = models.ForeignKey(
        "MatchRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MatchRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_ranks__gte=1, max_ranks__lte=20), name="match_round_max_ranks"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("matching:round", args=[self.program.slug, self.uuid])

    @property
    def deadline_passed(self) -> bool:
        return self.deadline <= timezone.now()

    @property
    def lists_open(self) -> bool:
        """Learners and guides may still change their lists."""
        return self.state == RoundState.OPEN and not self.deadline_passed

    @property
    def is_published(self) -> bool:
        return self.state == RoundState.PUBLISHED

    def has_learner(self, user) -> bool:
        """In the round's cohort: one of the learners who rank."""
        return self.learners.filter(pk=user.pk).exists()

    def has_guide(self, user) -> bool:
        """In the round's pool: one of the guides who may be ranked."""
        return self.guides.filter(pk=user.pk).exists()

    @property
    def status_label(self) -> str:
        if self.state == RoundState.OPEN and self.deadline_passed:
            return "Closed (deadline passed)"
        return self.get_state_display()

    @property
    def guide_word(self) -> str:
        """What a learner of this round is looking for: "mentor", "coach", …"""
        return GUIDE_WORDS[GuidanceKind(self.kind)][0]

    @property
    def guide_noun(self) -> str:
        return GUIDE_WORDS[GuidanceKind(self.kind)][1]

    @property
    def guide_plural(self) -> str:
        return GUIDE_WORDS[GuidanceKind(self.kind)][2]

    @property
    def cohort_label(self) -> str:
        from dyad.programs.models import Role

        labels = dict(Role.choices)
        roles = ", ".join(labels.get(r, r) for r in self.learner_roles) or "Learners"
        if self.pgy_levels:
            roles += " · " + ", ".join(f"PGY-{level}" for level in sorted(self.pgy_levels))
        return roles


class LearnerRank(models.Model):
    """One line of a learner's list: the guide they put at `rank` (1 is their first choice)."""

    round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="learner_ranks")
    learner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    guide = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "learner", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "learner", "rank"], name="learner_rank_one_per_position"
            ),
            models.UniqueConstraint(
                fields=["round", "learner", "guide"], name="learner_rank_guide_once"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="learner_rank_positive"),
        ]

    def __str__(self):
        return f"{self.learner} ranks {self.guide} #{self.rank}"


class GuideMark(models.Model):
    """A guide's view of one learner of the round: prefer or avoid, and/or a rank."""

    round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="guide_marks")
    guide = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    mark = models.CharField(max_length=10, choices=Mark.choices, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "guide", "rank", "learner"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "guide", "learner"], name="guide_mark_once_per_learner"
            ),
            models.UniqueConstraint(
                fields=["round", "guide", "rank"],
                condition=Q(rank__isnull=False),
                name="guide_mark_one_per_rank",
            ),
            models.CheckConstraint(
                condition=~Q(mark="") | Q(rank__isnull=False), name="guide_mark_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.guide} on {self.learner}: {self.mark or '—'} {self.rank or ''}".strip()


class PairRule(models.Model):
    """A pair that leadership pinned (must be in every run) or forbade (never)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="rules")
    learner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    guide = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=10, choices=Rule.choices)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rule", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "learner", "guide"], name="pair_rule_once_per_pair"
            ),
            models.UniqueConstraint(
                fields=["round", "learner"],
                condition=Q(rule="pin"),
                name="pair_rule_one_pin_per_learner",
            ),
        ]

    def __str__(self):
        return f"{self.get_rule_display()}: {self.guide} → {self.learner}"


class MatchRun(models.Model):
    """One run of the solver, kept with its parameters, pairs and unmatched learners."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField()
    solver = models.CharField(max_length=10, choices=Solver.choices)
    filled = models.BooleanField(
        default=False, help_text="The fill step placed unmatched learners with guides with room."
    )
    parameters = models.JSONField(default=dict)
    stats = models.JSONField(default=dict)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="match_run_unique_number")
        ]

    def __str__(self):
        return f"Run {self.number} of {self.round}"

    def get_absolute_url(self):
        return reverse(
            "matching:run_preview", args=[self.round.program.slug, self.round.uuid, self.number]
        )

    @property
    def solver_short(self) -> str:
        return Solver(self.solver).short


class RunPair(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="pairs")
    learner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    guide = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    score = models.IntegerField()
    reasons = models.JSONField(default=list)
    learner_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.SOLVER)

    class Meta:
        ordering = ["run", "learner__last_name", "learner__first_name", "learner__email"]
        constraints = [
            models.UniqueConstraint(fields=["run", "learner"], name="run_pair_one_per_learner")
        ]

    def __str__(self):
        return f"{self.guide} → {self.learner} ({self.score})"

    @property
    def reasons_text(self) -> str:
        return "; ".join(self.reasons)


class RunUnmatched(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="unmatched")
    learner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=UnmatchedReason.choices)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["run", "learner__last_name", "learner__first_name", "learner__email"]
        constraints = [
            models.UniqueConstraint(fields=["run", "learner"], name="run_unmatched_one_per_learner")
        ]

    def __str__(self):
        return f"{self.learner}: {self.get_reason_display()}"
