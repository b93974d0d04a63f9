import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q

from dyad.programs.models import GuidanceKind, Membership, Program, Role

# The default taxonomy of content areas (SPEC M2); programs add their own.
DEFAULT_CONTENT_AREAS = [
    "Research",
    "Medical education",
    "Quality improvement",
    "Patient safety",
    "Clinical informatics",
    "Bioethics",
    "Advocacy",
    "Global health",
    "Wellness",
    "Work-life integration",
    "Leadership",
    "Administration",
    "Clinical practice",
    "Career planning",
]


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video"
    PHONE = "phone", "Phone"


class ContentAreaQuerySet(models.QuerySet):
    def for_program(self, program):
        """The default taxonomy plus the program's own areas."""
        return self.filter(Q(program__isnull=True) | Q(program=program))


class ContentArea(models.Model):
    program = models.ForeignKey(
        Program,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="content_areas",
        help_text="Empty for the default taxonomy shared by every program.",
    )
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)

    objects = ContentAreaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "slug"], name="content_area_unique_in_program"
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(program__isnull=True),
                name="content_area_unique_default",
            ),
        ]

    def __str__(self):
        return self.name


class GuideProfileQuerySet(models.QuerySet):
    def in_program(self, program):
        """Guides who belong to the program and offer at least one kind of guidance.

        By subqueries rather than joins, so that each guide comes once without DISTINCT."""
        member = Membership.objects.filter(
            user=OuterRef("user"),
            program=program,
            is_active=True,
            # An external coach is not in the program's pool: leaders assign their coachees.
            role__in=Role.values_in_pool(),
        )
        offering = GuideOffer.objects.filter(profile=OuterRef("pk"), capacity__gt=0)
        return self.filter(Exists(member), Exists(offering))

    def search(self, text: str):
        qs = self
        for word in text.split():
            qs = qs.filter(
                Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
                | Q(title__icontains=word)
                | Q(department__icontains=word)
                | Q(division__icontains=word)
                | Q(bio__icontains=word)
                | Q(skills__icontains=word)
                | Q(career_path__icontains=word)
                | Q(clinical_interests__icontains=word)
                | Q(outside_interests__icontains=word)
                | Q(content_areas__name__icontains=word)
            )
        return qs.distinct()


class GuideProfile(models.Model):
    """What a guide (faculty, or a senior resident as peer mentor) offers learners."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guide_profile"
    )
    title = models.CharField(max_length=200, blank=True, help_text="e.g. Associate Professor")
    department = models.CharField(max_length=200, blank=True)
    division = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)
    content_areas = models.ManyToManyField(ContentArea, blank=True, related_name="guides")
    skills = models.TextField(blank=True)
    career_path = models.TextField(blank=True)
    clinical_interests = models.TextField(blank=True)
    outside_interests = models.TextField(blank=True)
    languages = models.JSONField(default=list, blank=True)
    meeting_modes = models.JSONField(default=list, blank=True)
    accepting_new = models.BooleanField(default=True, verbose_name="Accepting new learners")
    fte_effort = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        verbose_name="FTE effort (%)",
        help_text="Share of your time given to mentoring and coaching, in percent.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = GuideProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self):
        return f"Guide profile of {self.user}"

    def get_meeting_modes_display(self) -> list[str]:
        labels = dict(MeetingMode.choices)
        return [labels.get(mode, mode) for mode in self.meeting_modes]


class GuideOffer(models.Model):
    """A kind of guidance a guide offers, with how many learners they take in it."""

    profile = models.ForeignKey(GuideProfile, on_delete=models.CASCADE, related_name="offers")
    kind = models.CharField(max_length=20, choices=GuidanceKind.choices)
    capacity = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind"], name="guide_offer_unique_kind"),
            models.CheckConstraint(condition=Q(capacity__lte=10), name="guide_offer_capacity"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ×{self.capacity}"


class LearnerProfile(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    interests = models.TextField(blank=True, help_text="Clinical and academic interests.")
    career_goals = models.TextField(blank=True)
    content_areas_sought = models.ManyToManyField(ContentArea, blank=True, related_name="learners")
    outside_interests = models.TextField(blank=True)
    languages = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Learner profile of {self.user}"
