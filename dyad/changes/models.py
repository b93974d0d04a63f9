"""The log of changes that cached figures are keyed by.

A database trigger (migration 0002) adds a row whenever a row of a watched table is
inserted, updated or deleted, whatever wrote it: a service, a bulk update, a migration or
the admin. The versions of dyad.changes.selectors are read from this log in one small
query, where counting the watched rows themselves took one scan of every meeting.
"""

from django.db import models


class Source(models.TextChoices):
    """The sources that figures are keyed by; the other watched tables are their own
    source, by name (dyad.changes.triggers)."""

    MEETING = "meeting"
    AGREEMENT = "agreement"
    RELATIONSHIP = "relationship"
    MEMBERSHIP = "membership"
    GOAL = "goal"
    ILP = "ilp"
    CHECKIN = "checkin"
    CYCLE = "cycle"
    RESPONSE = "response"
    OFFER = "offer"
    PROFILE = "profile"
    GUIDE_AREA = "guide_area"
    LEARNER = "learner"
    SOUGHT = "sought"
    AREA = "area"
    DO_NOT_REPAIR = "do_not_repair"
    ROUND_GUIDE = "round_guide"
    PERSON = "person"


class Change(models.Model):
    """A row of a watched table changed. `program_id` is the program the row belongs to,
    or null for what belongs to no program (a guide's offers and profile). It is a plain
    number, not a foreign key: the log outlives what it speaks of."""

    id = models.BigAutoField(primary_key=True)
    program_id = models.BigIntegerField(null=True)
    source = models.CharField(max_length=64)  # a Source, or the name of a watched table

    class Meta:
        indexes = [
            models.Index(fields=["program_id", "source", "id"], name="changes_program_source"),
            models.Index(fields=["source", "id"], name="changes_source_id"),
        ]

    def __str__(self) -> str:
        return f"{self.source} of program {self.program_id} (#{self.pk})"
