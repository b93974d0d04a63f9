from django.conf import settings
from django.db import models
from django.urls import reverse

from dyad.lib.rollover import year_label
from dyad.programs.models import Program


class Rollover(models.Model):
    """A program rolled into an academic year (its int start year). At most one per program
    and year: what makes running the rollover again change nothing. Written in the same
    transaction as the rollover itself, so it exists only when the rollover is complete."""

    class State(models.TextChoices):
        COMPLETED = "completed", "Completed"
        # The year a program was already in when it started using Dyad: nothing was moved.
        RECORDED = "recorded", "Year recorded without changes"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rollovers")
    year = models.PositiveSmallIntegerField(help_text="Start year of the academic year.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.COMPLETED)
    counts = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField()

    class Meta:
        ordering = ["program", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="rollover_once_per_year")
        ]

    def __str__(self):
        return f"{self.program} into {self.label}"

    def get_absolute_url(self):
        return reverse("rollover:result", args=[self.program.slug, self.year])

    @property
    def label(self) -> str:
        return year_label(self.year)
