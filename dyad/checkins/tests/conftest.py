"""A mentoring pair at a frozen moment, with its first meeting held a week before."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from dyad.meetings.models import Meeting, MeetingStatus
from dyad.relationships.factories import make_active_relationship, make_guide, make_learner

NOW = timezone.make_aware(datetime(2026, 10, 15, 14, 30))
TODAY = date(2026, 10, 15)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def hold_meeting(relationship, *, days_ago=7) -> Meeting:
    return Meeting.objects.create(
        relationship=relationship,
        starts_at=NOW - timedelta(days=days_ago),
        duration_minutes=45,
        mode="in_person",
        status=MeetingStatus.HELD,
        created_by=relationship.learner,
    )


@pytest.fixture
def learner(program):
    return make_learner(program, "Liam", "Chen", pgy=2)


@pytest.fixture
def guide(program):
    return make_guide(program, "Grace", "Ibe", offers={"mentoring": 3, "coaching": 3})


@pytest.fixture
def pair(program, director, learner, guide):
    """An active mentoring pairing whose first meeting was held a week ago."""
    relationship = make_active_relationship(
        program=program,
        learner=learner,
        guide=guide,
        acting_user=director,
        start_date=TODAY - timedelta(days=60),
    )
    hold_meeting(relationship)
    return relationship
