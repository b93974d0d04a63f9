import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse


class PairingModel(models.TextChoices):
    ASSIGNED = "assigned", "Assigned by the program"
    SELF_SELECT = "self_select", "Residents choose their guides"
    BOTH = "both", "Both"


class GuidanceKind(models.TextChoices):
    """The kinds of relationship. Kept apart everywhere: never conflate them."""

    MENTORING = "mentoring", "Mentoring"
    COACHING = "coaching", "Coaching"
    ADVISING = "advising", "Advising"
    PEER_MENTORING = "peer_mentoring", "Peer mentoring"


class Role(models.TextChoices):
    DIRECTOR = "director", "Program director"
    ASSOCIATE_DIRECTOR = "associate_director", "Associate program director"
    COORDINATOR = "coordinator", "Program coordinator"
    FACULTY = "faculty", "Faculty"
    JUNIOR_FACULTY = "junior_faculty", "Junior faculty"
    CHIEF_RESIDENT = "chief_resident", "Chief resident"
    RESIDENT = "resident", "Resident"
    FELLOW = "fellow", "Fellow"
    STUDENT = "student", "Medical student"
    # A coach of an external agency: sees only their own coachees (see dyad.policy).
    EXTERNAL_COACH = "external_coach", "External coach"

    @classmethod
    def leaders(cls) -> frozenset["Role"]:
        return frozenset({cls.DIRECTOR, cls.ASSOCIATE_DIRECTOR, cls.COORDINATOR})

    @classmethod
    def learners(cls) -> frozenset["Role"]:
        return frozenset(
            {cls.RESIDENT, cls.CHIEF_RESIDENT, cls.FELLOW, cls.STUDENT, cls.JUNIOR_FACULTY}
        )

    @classmethod
    def values_in_pool(cls) -> list[str]:
        """Roles whose holders are in the program's published pool of guides: all but
        external coaches, whose only learners are the coachees assigned to them."""
        return [role.value for role in cls if role != cls.EXTERNAL_COACH]

    @classmethod
    def guides(cls) -> frozenset["Role"]:
        # Senior residents guide too, as peer mentors; their learner role says so.
        return frozenset({cls.FACULTY, cls.JUNIOR_FACULTY, cls.DIRECTOR, cls.ASSOCIATE_DIRECTOR})


class Program(models.Model):
    slug = models.SlugField(unique=True, help_text="Used in addresses, e.g. peds-residency.")
    name = models.CharField(max_length=200)
    specialty = models.CharField(max_length=200, blank=True)
    institution = models.CharField(max_length=200, blank=True)
    academic_year_start_month = models.PositiveSmallIntegerField(
        default=7, help_text="Month in which the academic year starts (7 = July)."
    )
    pairing_model = models.CharField(
        max_length=20, choices=PairingModel.choices, default=PairingModel.BOTH
    )
    max_pgy = models.PositiveSmallIntegerField(
        default=3, help_text="Highest PGY level of the program (3 for pediatrics)."
    )
    request_expiry_days = models.PositiveSmallIntegerField(
        default=14,
        help_text="Days a guide has to answer a learner's request before it expires.",
    )
    checkin_interval_months = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        verbose_name="Pairing-fit check-in every (months)",
        help_text="After the first meeting, each party is asked how well the pairing fits; "
        "then again this many months after their last answer.",
    )
    checkin_low_threshold = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        verbose_name="Alert leadership at a rating of or below",
        help_text="On the 1–5 scale; 2 alerts at 1 and 2.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    leaders_need_second_factor = models.BooleanField(
        default=False,
        help_text="Coordinators and directors must set up a second factor (authenticator app "
        "or passkey) before they open the program's pages.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("home:home", args=[self.slug])


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user, is_active=True)

    def leaders(self):
        return self.filter(role__in=Role.leaders())

    def learners(self):
        return self.filter(role__in=Role.learners())

    def guides(self):
        return self.filter(role__in=Role.guides())


class Membership(models.Model):
    """One role of one person in one program. A person may hold several."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    pgy = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name="PGY level")
    track = models.CharField(max_length=100, blank=True)
    department = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    expected_end_date = models.DateField(null=True, blank=True)
    external_id = models.CharField(
        max_length=100, blank=True, help_text="Identifier in the residency management system."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["program", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "user", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(
                condition=models.Q(pgy__isnull=True) | models.Q(pgy__gte=1, pgy__lte=10),
                name="membership_pgy_range",
            ),
        ]
        indexes = [models.Index(fields=["program", "role", "is_active"])]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} in {self.program}"

    @property
    def is_leader(self) -> bool:
        return self.role in Role.leaders()

    @property
    def is_learner(self) -> bool:
        return self.role in Role.learners()

    @property
    def level_label(self) -> str:
        if self.pgy:
            return f"PGY-{self.pgy}"
        return self.get_role_display()


class RosterImport(models.Model):
    """An uploaded roster file: previewed first, applied at most once."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        APPLIED = "applied", "Applied"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="roster_imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    content = models.TextField(help_text="The decoded file, kept so that apply uses exactly it.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    skipped_errors = models.BooleanField(default=False)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"


class InvitationQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(state__in=[Invitation.State.QUEUED, Invitation.State.SENDING])

    def stale(self, *, older_than, now):
        """Claimed but never marked sent: the run that claimed them stopped, before or just
        after sending (see dyad/programs/invitations.py)."""
        return self.filter(state=Invitation.State.SENDING, claimed_at__lt=now - older_than)


class Invitation(models.Model):
    """The e-mail inviting one new person of a program to choose their password.

    Queued in the transaction that adds the person, sent later by `send_invitations`:
    a roster of thousands is applied in seconds and nobody is left uninvited when the web
    request ends early. One row per person and program; sending again re-queues it.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    queued_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="invitation_unique_person"),
        ]
        indexes = [
            models.Index(
                fields=["queued_at"],
                condition=models.Q(state="queued"),
                name="invitation_queued",
            ),
            models.Index(fields=["program", "state"]),
        ]

    def __str__(self):
        return f"Invitation of {self.user} to {self.program} ({self.get_state_display()})"


class InstitutionAdmin(models.Model):
    """Someone of an institution's GME office: sees the insight figures (counts, never
    content) of every program whose `institution` is this one, without being a member."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="institution_admin_of"
    )
    institution = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["institution", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution"], name="institution_admin_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} — GME office of {self.institution}"
