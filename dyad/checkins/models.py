import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dyad.lib.checkins import WORDS
from dyad.relationships.models import Relationship

User = settings.AUTH_USER_MODEL

RATING_CHOICES = [(n, f"{n} – {words}") for n, words in WORDS.items()]


class CheckInQuerySet(models.QuerySet):
    def by(self, user):
        """What the user answered themselves: all anyone sees of their own check-ins."""
        return self.filter(rater=user)

    def low(self):
        return self.filter(is_low=True)

    def open_alerts(self):
        return self.low().filter(followed_up_at__isnull=True)


class CheckIn(models.Model):
    """One party's private answer to "how well is this pairing working for you?".

    Read by the one who answered and by program leaders who are not a party to the
    pairing; never by the other party (SPEC M11). A low rating is an alert to leadership
    until one of them records that they followed it up."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="checkins"
    )
    rater = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(help_text="The due day of the period this answers.")
    rating = models.PositiveSmallIntegerField(choices=RATING_CHOICES)
    comment = models.TextField(blank=True, max_length=2000)
    is_low = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    followed_up_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "rater", "due_on"], name="checkin_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="checkin_rating_on_scale"
            ),
        ]
        indexes = [models.Index(fields=["relationship", "rater", "-created_at"])]

    def __str__(self):
        return f"Check-in of {self.rater} on {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self):
        program = self.relationship.program
        return reverse("checkins:detail", args=[program.slug, self.uuid])

    @property
    def words(self) -> str:
        return WORDS[self.rating]


class CheckInReminder(models.Model):
    """A reminder of one party's check-in period, claimed before it is sent so that a
    rerun, or two runs at once, never sends it twice."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "user", "due_on"], name="checkin_reminder_once"
            )
        ]

    def __str__(self):
        return f"Check-in reminder to {self.user} for {self.due_on}"
