"""Writes of profiles and content areas: each in one transaction, checked against policy."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from dyad import policy
from dyad.access import viewer_for
from dyad.profiles.models import ContentArea, GuideOffer, GuideProfile, LearnerProfile
from dyad.profiles.selectors import content_areas_for_user
from dyad.programs.models import GuidanceKind, Program

GUIDE_PROFILE_FIELDS = (
    "title",
    "department",
    "division",
    "bio",
    "skills",
    "career_path",
    "clinical_interests",
    "outside_interests",
    "languages",
    "meeting_modes",
    "accepting_new",
    "fte_effort",
)
LEARNER_PROFILE_FIELDS = ("interests", "career_goals", "outside_interests", "languages")
# Learners a guide takes per kind of guidance: most take 1 to 3 (SPEC §0), never more than 10.
MAX_CAPACITY = 10


def _check_content_areas(user, areas, field: str) -> None:
    allowed = set(content_areas_for_user(user).values_list("pk", flat=True))
    if any(area.pk not in allowed for area in areas):
        raise ValidationError(
            {field: "Choose content areas of your own programs or of the default taxonomy."}
        )


def _set_fields(instance, data: dict, fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])


@transaction.atomic
def guide_profile_update(*, user, data: dict, acting_user) -> GuideProfile:
    """Create or update the user's guide profile, its content areas and its offers.

    data holds validated values (GuideProfileForm.cleaned_data): any of the profile
    fields; "content_areas", the areas to keep; "offers", {kind: capacity} for every kind
    offered — a kind left out is no longer offered.
    """
    if not policy.can_keep_own_profile(user):
        raise PermissionDenied
    profile, _ = GuideProfile.objects.select_for_update().get_or_create(user=user)
    if not policy.can_edit_guide_profile(acting_user, profile):
        raise PermissionDenied
    _set_fields(profile, data, GUIDE_PROFILE_FIELDS)
    profile.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    profile.save()
    if "content_areas" in data:
        _check_content_areas(user, data["content_areas"], "content_areas")
        profile.content_areas.set(data["content_areas"])
    if "offers" in data:
        _offers_set(profile, data["offers"])
    return profile


def _offers_set(profile: GuideProfile, offers: dict[str, int]) -> None:
    for kind, capacity in offers.items():
        if kind not in GuidanceKind.values or not 1 <= capacity <= MAX_CAPACITY:
            raise ValidationError({"offers": f"Invalid offer: {kind} ×{capacity}"})
        GuideOffer.objects.update_or_create(
            profile=profile, kind=kind, defaults={"capacity": capacity}
        )
    profile.offers.exclude(kind__in=list(offers)).delete()


@transaction.atomic
def learner_profile_update(*, user, data: dict, acting_user) -> LearnerProfile:
    """Create or update the user's learner profile; data as LearnerProfileForm gives it."""
    if not policy.can_keep_own_profile(user):
        raise PermissionDenied
    profile, _ = LearnerProfile.objects.select_for_update().get_or_create(user=user)
    if not policy.can_edit_learner_profile(acting_user, profile):
        raise PermissionDenied
    _set_fields(profile, data, LEARNER_PROFILE_FIELDS)
    profile.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    profile.save()
    if "content_areas_sought" in data:
        areas = data["content_areas_sought"]
        _check_content_areas(user, areas, "content_areas_sought")
        profile.content_areas_sought.set(areas)
    return profile


def content_area_create(*, program: Program, name: str, acting_user) -> ContentArea:
    """Add a content area of the program's own. The name must be validated already."""
    if not policy.can_edit_program_taxonomy(viewer_for(acting_user, program)):
        raise PermissionDenied
    try:
        with transaction.atomic():
            return ContentArea.objects.create(program=program, name=name, slug=slugify(name))
    except IntegrityError:
        # Someone added the same area a moment ago.
        raise ValidationError(
            {"name": f"This program already has an area called “{name}”."}
        ) from None
