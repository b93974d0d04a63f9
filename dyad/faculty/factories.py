"""Pairings with a past, and meetings held, for the load and portfolio tests and the demo."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from dyad.meetings.services import meeting_log
from dyad.relationships.factories import acknowledge_both, make_guide, make_relationship
from dyad.relationships.models import Relationship


def guide(program, first, last, *, offers, fte=Decimal(10), department="Pediatrics", **kw):
    return make_guide(
        program, first, last, offers=offers, fte_effort=fte, department=department, **kw
    )


def pairing(*, program, guide, learner=None, kind="mentoring", days_ago=30, active=True):
    """A pairing that started `days_ago` days ago (active unless told otherwise)."""
    relationship = make_relationship(
        program=program,
        guide=guide,
        learner=learner,
        kind=kind,
        start_date=timezone.localdate() - timedelta(days=days_ago),
    )
    if active:
        acknowledge_both(relationship)
    return Relationship.objects.get(pk=relationship.pk)


def held(relationship, day, mode="in_person"):
    """A meeting logged as held on `day`, at noon."""
    starts_at = timezone.make_aware(datetime.combine(day, time(12)))
    return meeting_log(
        relationship=relationship,
        acting_user=relationship.learner,
        starts_at=starts_at,
        duration_minutes=45,
        mode=mode,
    )
