"""Coaching objects made through the services, as leaders make them."""

from datetime import date, timedelta

from django.utils import timezone

from dyad.coaching import services
from dyad.coaching.models import CoachingSettings, EngagementType
from dyad.programs.models import GuidanceKind, Role
from dyad.relationships.factories import director_of, make_guide, make_learner


def offer_all(program) -> CoachingSettings:
    found, _ = CoachingSettings.objects.update_or_create(
        program=program, defaults={"program_wide": True, "targeted": True, "executive": True}
    )
    return found


def make_coach(program, first="Cora", last="Coach", capacity=3):
    return make_guide(program, first, last, offers={GuidanceKind.COACHING: capacity})


def make_engagement(
    *,
    program,
    learner=None,
    coach=None,
    engagement_type=EngagementType.PROGRAM_WIDE,
    start_date: date | None = None,
    months: int = 6,
    cadence="monthly",
    acting_user=None,
):
    """An engagement started by the program's director (all types offered)."""
    offer_all(program)
    start = start_date or timezone.localdate()
    role = Role.CHIEF_RESIDENT if engagement_type == EngagementType.EXECUTIVE else Role.RESIDENT
    kwargs = dict(
        program=program,
        learner=learner or make_learner(program, "Casey", "Coachee", role=role),
        coach=coach or make_coach(program),
        start_date=start,
        planned_end=start + timedelta(days=31 * months),
        cadence=cadence,
        acting_user=acting_user or director_of(program),
    )
    if engagement_type == EngagementType.TARGETED:
        return services.referral_create(**kwargs).engagement
    return services.engagement_start(engagement_type=engagement_type, **kwargs)
