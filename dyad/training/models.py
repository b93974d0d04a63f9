import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from dyad.lib.expiry import expires_on
from dyad.programs.models import GuidanceKind, Program

# What someone does who gives each kind of guidance, for sentences like "before you may …".
VERBS = {
    GuidanceKind.MENTORING: "mentor",
    GuidanceKind.COACHING: "coach",
    GuidanceKind.ADVISING: "advise",
    GuidanceKind.PEER_MENTORING: "peer-mentor",
}


class TrainingModule(models.Model):
    """A training the program offers its faculty (coach training, mentor orientation), and
    the kinds of guidance someone may give only once they have completed it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="training_modules")
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    valid_months = models.PositiveSmallIntegerField(
        "Valid for (months)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text="Leave empty if it never needs renewing.",
    )
    required_for = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training:module", kwargs={"slug": self.program.slug, "uuid": self.uuid})

    @property
    def required_for_labels(self) -> list[str]:
        labels = dict(GuidanceKind.choices)
        return [labels[k] for k in self.required_for if k in labels]

    @property
    def required_for_verbs(self) -> str:
        """ "coach or mentor": what the module must come before."""
        return " or ".join(VERBS[GuidanceKind(k)] for k in self.required_for if k in VERBS)


class TrainingCompletion(models.Model):
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="completions")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_completions"
    )
    completed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "person", "completed_on"], name="training_completion_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.module} completed on {self.completed_on}"

    @property
    def expires_on(self):
        return expires_on(self.completed_on, self.module.valid_months)
