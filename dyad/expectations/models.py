import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from dyad.programs.models import Program, Role


class Audience(models.TextChoices):
    LEARNERS = "learners", "Learners"
    GUIDES = "guides", "Mentors, coaches and advisors"

    @property
    def roles(self) -> frozenset[str]:
        return Role.learners() if self == Audience.LEARNERS else Role.guides()


class ExpectationsDocument(models.Model):
    """One version of a program's expectations for one audience and academic year. The
    free text is the leaders'; the meeting standards and what is reported are generated
    when the document is shown (see dyad.lib.expectations)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="expectations_documents"
    )
    year = models.PositiveSmallIntegerField(help_text="Start year of the academic year.")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    version = models.PositiveSmallIntegerField(default=1)
    expectations = models.TextField(
        "What the program expects", help_text="Duties, habits and what to do when it goes wrong."
    )
    confidentiality = models.TextField(
        "Confidentiality", help_text="What stays between the pair, and its one exception."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "audience", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "year", "audience", "version"],
                name="expectations_document_version_once",
            )
        ]

    def __str__(self):
        return f"{self.get_audience_display()} {self.year}–{self.year + 1}, version {self.version}"

    def get_absolute_url(self):
        return reverse(
            "expectations:document",
            kwargs={"slug": self.program.slug, "year": self.year, "audience": self.audience},
        )

    @property
    def year_label(self) -> str:
        return f"{self.year}–{str(self.year + 1)[-2:]}"


class MailState(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Could not be sent"


class ExpectationsRequest(models.Model):
    """That one person was asked to acknowledge the year's document of their audience:
    the e-mail (a queue, claimed before each send), the reminders and the acknowledgement
    of the latest version they read."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="expectations_requests"
    )
    year = models.PositiveSmallIntegerField()
    audience = models.CharField(max_length=10, choices=Audience.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expectations_requests"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    mail_state = models.CharField(
        max_length=10, choices=MailState.choices, default=MailState.QUEUED
    )
    queued_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    acknowledged_version = models.PositiveSmallIntegerField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["program", "year", "audience", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "year", "audience", "person"],
                name="expectations_request_once",
            )
        ]
        indexes = [models.Index(fields=["mail_state", "queued_at"])]

    def __str__(self):
        return f"{self.person} · {self.get_audience_display()} {self.year}"


class LeadershipAgreement(models.Model):
    """A program leader's agreement, for one academic year, to the consent terms: what
    leadership may see only with the learner's consent, and that each reading is audited."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="leadership_agreements"
    )
    year = models.PositiveSmallIntegerField()
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leadership_agreements"
    )
    terms = models.TextField(help_text="The terms as they read when agreed to.")
    agreed_at = models.DateTimeField()

    class Meta:
        ordering = ["program", "-year", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "year", "person"], name="leadership_agreement_once_a_year"
            )
        ]

    def __str__(self):
        return f"{self.person} agreed to the consent terms for {self.year}"
