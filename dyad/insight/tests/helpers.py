"""Pairings and held meetings on given dates, for the figures' tests."""

from datetime import datetime, timedelta

from django.utils import timezone

from dyad.meetings.models import Meeting, MeetingStatus
from dyad.programs.models import GuidanceKind
from dyad.relationships.factories import acknowledge_both
from dyad.relationships.factories import make_relationship as _make_relationship


def held(relationship, day, mode="in_person"):
    return Meeting.objects.create(
        relationship=relationship,
        starts_at=timezone.make_aware(datetime.combine(day, datetime.min.time()))
        + timedelta(hours=10),
        mode=mode,
        status=MeetingStatus.HELD,
        created_by=relationship.learner,
    )


def pairing(program, director, learner, guide, start, kind=GuidanceKind.MENTORING):
    rel = _make_relationship(
        program=program,
        learner=learner,
        guide=guide,
        kind=kind,
        acting_user=director,
        start_date=start,
    )
    acknowledge_both(rel)
    return rel
