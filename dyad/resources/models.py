import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dyad.files import private_storage
from dyad.programs.models import GuidanceKind, Program


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Everyone in the program"
    LEARNERS = "learners", "Learners"
    GUIDES = "guides", "Mentors, coaches and advisors"


class ResourceQuerySet(models.QuerySet):
    def for_audiences(self, program, audiences):
        return self.filter(program=program, audience__in=audiences)


def _resource_path(instance, filename):
    return f"resources/{instance.uuid}"


class Resource(models.Model):
    """A link or a document the program shares with its learners, its guides or both:
    orientation, how-to guides, question lists. `kind` blank: for every kind of pairing."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    kind = models.CharField(
        "For", max_length=20, choices=GuidanceKind.choices, blank=True, default=""
    )
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    link = models.URLField(max_length=500, blank=True)
    file = models.FileField(
        upload_to=_resource_path, storage=private_storage, blank=True, max_length=200
    )
    file_name = models.CharField(max_length=120, blank=True)
    file_type = models.CharField(max_length=120, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(link="") & ~Q(file="")) | (~Q(link="") & Q(file="")),
                name="resource_is_a_link_or_a_file",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:open", kwargs={"slug": self.program.slug, "uuid": self.uuid})

    @property
    def is_file(self) -> bool:
        return bool(self.file)
