import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse

from dyad.lib.rollover import year_label
from dyad.programs.models import GuidanceKind, Program

User = settings.AUTH_USER_MODEL

# Kinds in which the guide must not evaluate the learner (SPEC §0, M3). Advising may be.
NON_EVALUATIVE_KINDS = frozenset(
    {GuidanceKind.MENTORING, GuidanceKind.COACHING, GuidanceKind.PEER_MENTORING}
)


class State(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


# States that hold one of the guide's places.
SEAT_HOLDING_STATES = (State.PROPOSED, State.ACTIVE)


class Origin(models.TextChoices):
    ASSIGNED = "assigned", "Assigned by the program"
    REQUESTED = "requested", "Requested by the learner"
    MATCHED = "matched", "Match round"


class EndReason(models.TextChoices):
    COMPLETED = "completed", "Completed"
    GRADUATED = "graduated", "Graduated"
    REMATCH = "rematch", "No-fault rematch"
    LEFT_PROGRAM = "left_program", "Left the program"
    OTHER = "other", "Other"


class EvaluativeKind(models.TextChoices):
    CCC_MEMBER = "ccc_member", "Clinical Competency Committee member"
    PROGRAM_DIRECTOR = "program_director", "Program director"
    ASSOCIATE_DIRECTOR = "associate_director", "Associate program director"
    ROTATION_SUPERVISOR = "rotation_supervisor", "Rotation supervisor"


class EvaluativeRoleQuerySet(models.QuerySet):
    def overlapping(self, *, start, end=None):
        """Roles whose period meets [start, end] (end None: open-ended)."""
        qs = self.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        if end is not None:
            qs = qs.filter(start_date__lte=end)
        return qs

    def evaluating(self, *, learner, evaluator=None):
        """Roles in which `evaluator` (anyone, when None) evaluates `learner`: program-wide
        ones evaluate every learner of the program; rotation supervision only the
        supervised learner."""
        qs = self if evaluator is None else self.filter(evaluator=evaluator)
        return qs.filter(Q(learner__isnull=True) | Q(learner=learner))


class EvaluativeRole(models.Model):
    """Someone who assesses learners: these people cannot mentor or coach them."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="evaluative_roles")
    evaluator = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=EvaluativeKind.choices)
    learner = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Only for rotation supervision; program-wide roles evaluate every learner.",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EvaluativeRoleQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="evaluative_role_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(kind="rotation_supervisor") | Q(learner__isnull=False),
                name="evaluative_role_supervision_has_learner",
            ),
        ]

    def __str__(self):
        return f"{self.evaluator} — {self.get_kind_display()}"


class RelationshipQuerySet(models.QuerySet):
    def for_program(self, program):
        return self.filter(program=program)

    def for_party(self, user):
        """Relationships in which the user is the learner or the guide."""
        return self.filter(Q(learner=user) | Q(guide=user))

    def holding_seats(self):
        return self.filter(state__in=SEAT_HOLDING_STATES)

    def with_conflict_flag(self):
        """Annotate `has_conflict`: the guide evaluates the learner in an overlapping period
        in a kind that must be non-evaluative, and no director's override covers it (an
        override covers the roles recorded before it, not those recorded after)."""
        roles = EvaluativeRole.objects.filter(
            program=OuterRef("program"), evaluator=OuterRef("guide")
        ).filter(
            Q(learner__isnull=True) | Q(learner=OuterRef("learner")),
            Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("start_date")),
        )
        uncovered = (Q(override_at__isnull=True) & Exists(roles)) | Exists(
            roles.filter(created_at__gt=OuterRef("override_at"))
        )
        return self.annotate(
            has_conflict=Case(
                When(
                    Q(kind__in=NON_EVALUATIVE_KINDS, state__in=SEAT_HOLDING_STATES) & uncovered,
                    then=Value(True),
                ),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )


class Relationship(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="relationships")
    learner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    guide = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=GuidanceKind.choices)
    focus_area = models.ForeignKey(
        "profiles.ContentArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    origin = models.CharField(max_length=10, choices=Origin.choices)
    # The guide's place (1..capacity) this relationship holds while proposed or active; the
    # partial unique constraint below is what makes two racing learners unable to share it.
    seat = models.PositiveSmallIntegerField(null=True, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    supplemental_until = models.DateField(
        null=True, blank=True, help_text="For a supplemental, time-limited relationship."
    )
    override_reason = models.TextField(
        blank=True, help_text="Why a director allowed a guide who evaluates the learner."
    )
    override_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["guide", "kind", "seat"],
                condition=Q(state__in=["proposed", "active"]),
                name="relationship_one_learner_per_seat",
            ),
            models.UniqueConstraint(
                fields=["learner", "guide", "kind"],
                condition=Q(state__in=["proposed", "active"]),
                name="relationship_no_duplicate_pair",
            ),
            models.CheckConstraint(
                condition=~Q(learner=models.F("guide")), name="relationship_not_with_self"
            ),
            models.CheckConstraint(
                condition=Q(state="ended") | Q(seat__isnull=False),
                name="relationship_open_holds_seat",
            ),
        ]
        indexes = [models.Index(fields=["program", "state", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.guide} → {self.learner}"

    def get_absolute_url(self):
        return reverse("relationships:detail", args=[self.program.slug, self.uuid])

    @property
    def is_open(self) -> bool:
        return self.state in SEAT_HOLDING_STATES

    def current_agreement(self):
        return self.agreements.order_by("-version").first()


class RelationshipEvent(models.Model):
    """The history of a relationship: every state change, with who and when."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=10, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=State.choices)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_state or '—'} → {self.to_state}"


class ConsentCategory(models.TextChoices):
    """What a learner may let program leadership see. Nothing is shared unless chosen.
    That the relationship exists and that meetings took place (dates, modes) leadership
    always sees (SPEC M11), so they are not a choice."""

    PREPARATION = "preparation", "Meeting preparation"
    SUMMARIES = "summaries", "Shared meeting summaries"
    TOPICS = "topics", "Topics discussed"
    ACTION_ITEMS = "action_items", "Action items"
    GOALS = "goals", "Goals and ILP content"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    BIMONTHLY = "bimonthly", "Every two months"
    QUARTERLY = "quarterly", "Every three months"


class Scheduler(models.TextChoices):
    LEARNER = "learner", "The learner"
    GUIDE = "guide", "The guide"


DEFAULT_CONFIDENTIALITY = (
    "What we discuss stays between us. Program leadership learns that this relationship "
    "exists and when we meet; they see the content of our meetings only in the categories "
    "the learner chooses below. Private notes are never shared with anyone. The one "
    "exception is a concern for the learner's safety or wellbeing, when the guide may seek "
    "help from the program's designated contacts."
)


class Agreement(models.Model):
    """One version of a relationship's agreement. The newest version is the one in force
    once both parties have acknowledged it."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="agreements"
    )
    version = models.PositiveSmallIntegerField()
    goals = models.TextField(help_text="What this relationship is for.")
    meeting_frequency = models.CharField(max_length=20, choices=Frequency.choices)
    # Optionally a later frequency from N months after the relationship's start: "monthly
    # for the first 3 months, then every three months" (see cadence.plan_phases).
    later_after_months = models.PositiveSmallIntegerField(null=True, blank=True)
    later_frequency = models.CharField(max_length=20, choices=Frequency.choices, blank=True)
    scheduler = models.CharField(
        max_length=10,
        choices=Scheduler.choices,
        default=Scheduler.LEARNER,
        verbose_name="Who schedules meetings",
    )
    preferred_modes = models.JSONField(default=list, blank=True)
    confidentiality = models.TextField(default=DEFAULT_CONFIDENTIALITY)
    consent = models.JSONField(
        default=list, blank=True, help_text="Categories the learner shares with leadership."
    )
    learner_ack_at = models.DateTimeField(null=True, blank=True)
    guide_ack_at = models.DateTimeField(null=True, blank=True)
    # Set on the version the year rollover adds: the same terms, to be acknowledged again by
    # both parties for the academic year starting in this year.
    academic_year = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["relationship", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "version"], name="agreement_unique_version"
            )
        ]

    def __str__(self):
        return f"Agreement v{self.version} of {self.relationship}"

    @property
    def is_acknowledged(self) -> bool:
        return self.learner_ack_at is not None and self.guide_ack_at is not None

    @property
    def year_label(self) -> str:
        """The academic year ("2026–27") a version asks both to re-acknowledge, or ""."""
        return "" if self.academic_year is None else year_label(self.academic_year)

    def get_consent_display(self) -> list[str]:
        labels = dict(ConsentCategory.choices)
        return [labels[c] for c in self.consent if c in labels]


class GuideRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=GuideRequest.State.PENDING)


class GuideRequest(models.Model):
    """A learner asks a guide from the directory; the guide accepts or declines."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="guide_requests")
    learner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    guide = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=GuidanceKind.choices)
    focus_area = models.ForeignKey(
        "profiles.ContentArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(max_length=2000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    relationship = models.OneToOneField(
        Relationship, null=True, blank=True, on_delete=models.SET_NULL, related_name="request"
    )

    objects = GuideRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "guide", "kind"],
                condition=Q(state="pending"),
                name="guide_request_one_pending",
            )
        ]

    def __str__(self):
        return f"{self.learner} asks {self.guide} ({self.get_kind_display()})"


class DoNotRepair(models.Model):
    """A pair that leadership decided must not be paired again (any kind)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    guide = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "learner", "guide"], name="do_not_repair_unique"
            )
        ]

    def __str__(self):
        return f"Do not re-pair {self.guide} with {self.learner}"


class RematchResolution(models.TextChoices):
    REASSIGNED = "reassigned", "Pairing ended; a new guide to be assigned"
    ENDED = "ended", "Pairing ended"
    CLOSED = "closed", "Closed without ending the pairing"


class RematchRequest(models.Model):
    """A party's private request to leadership to end or re-pair. The other party never
    learns that it exists. Leadership acknowledges it (they are on it), then resolves it:
    ends the pairing to reassign the learner, or closes it with a note."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="rematch_requests"
    )
    requested_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    wants_new_guide = models.BooleanField(default=True)
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=12, choices=RematchResolution.choices, blank=True)
    resolution_note = models.TextField(
        blank=True, help_text="Leadership's note on closing; read by leadership only."
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Rematch request by {self.requested_by}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class SafetyContactQuerySet(models.QuerySet):
    def designated(self, program):
        """The program's designated contacts who are still active members."""
        from dyad.programs.models import Membership

        active = Membership.objects.active().filter(program=program).values("user_id")
        return self.filter(program=program, user__in=active)

    def receiving(self, program) -> list:
        """Who receives the program's concerns: its designated contacts who are still
        active members; its directors when none is."""
        from dyad.programs.models import Membership, Role

        contacts = self.designated(program).select_related("user")
        if contacts:
            return [c.user for c in contacts]
        directors = Membership.objects.active().filter(program=program, role=Role.DIRECTOR)
        return [m.user for m in directors.select_related("user")]


class SafetyContact(models.Model):
    """A person designated by the program to receive safety and wellbeing concerns."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="safety_contacts")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

    objects = SafetyContactQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="safety_contact_unique")
        ]

    def __str__(self):
        return f"{self.user} (safety contact of {self.program})"


class SafetyConcern(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="concerns"
    )
    raised_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    urgency = models.CharField(
        max_length=10,
        choices=[("routine", "Within a few days"), ("urgent", "Urgent: today")],
        default="routine",
    )
    description = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Concern raised by {self.raised_by} on {self.created_at:%Y-%m-%d}"
